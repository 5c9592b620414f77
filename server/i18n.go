package server

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/voices-uk/voices/surveys"
)

// The web interface's words come from catalogues, one per language, never
// from the templates: server/i18n/<lang>.yaml ship with Voices, and officers
// add or override texts with PUT /api/v1/translations/{lang}, stored in the
// database. A key missing in a language falls back to English.
//
//go:embed i18n/*.yaml
var catalogueFiles embed.FS

// fallbackLanguage has every key.
const fallbackLanguage = "en"

// Translation statuses: a machine-drafted catalogue is shown with a notice
// until a native speaker has reviewed it.
const (
	StatusReviewed       = "reviewed"
	StatusMachineDrafted = "machine_drafted"
)

type catalogue struct {
	Status string
	Name   string
	Text   map[string]string
}

// translator holds the catalogues: the shipped ones with officers'
// overrides on top.
type translator struct {
	mu      sync.RWMutex
	shipped map[string]*catalogue
	merged  map[string]*catalogue
}

func newTranslator() (*translator, error) {
	t := &translator{shipped: map[string]*catalogue{}}
	files, err := fs.Glob(catalogueFiles, "i18n/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := catalogueFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		c, err := parseCatalogue(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		t.shipped[strings.TrimSuffix(path.Base(f), ".yaml")] = c
	}
	if t.shipped[fallbackLanguage] == nil {
		return nil, fmt.Errorf("i18n/%s.yaml is missing", fallbackLanguage)
	}
	t.merged = t.shipped
	return t, nil
}

// parseCatalogue reads a flat YAML or JSON map of key to text, with an
// optional _meta: {status, language_name}.
func parseCatalogue(data []byte) (*catalogue, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, surveys.Errorf(surveys.EMALFORMED, "The translations could not be read: %v.", err)
	}
	c := &catalogue{Status: StatusReviewed, Text: map[string]string{}}
	fields := map[string]string{}
	for k, v := range raw {
		if k == "_meta" {
			meta, _ := v.(map[string]any)
			if s, ok := meta["status"].(string); ok {
				c.Status = s
			}
			if n, ok := meta["language_name"].(string); ok {
				c.Name = n
			}
			continue
		}
		s, ok := v.(string)
		if !ok {
			fields[k] = "must be text"
			continue
		}
		c.Text[k] = s
	}
	if c.Status != StatusReviewed && c.Status != StatusMachineDrafted {
		fields["_meta.status"] = "must be reviewed or machine_drafted"
	}
	if len(fields) > 0 {
		return nil, &surveys.Error{Code: surveys.EINVALID, Message: "Some translations need to be changed.", Fields: fields}
	}
	return c, nil
}

// setOverrides puts officers' catalogues (language -> catalogue) on top of
// the shipped ones.
func (t *translator) setOverrides(overrides map[string]*catalogue) {
	merged := map[string]*catalogue{}
	for lang, c := range t.shipped {
		merged[lang] = c
	}
	for lang, o := range overrides {
		base := merged[lang]
		m := &catalogue{Status: o.Status, Name: o.Name, Text: map[string]string{}}
		if base != nil {
			for k, v := range base.Text {
				m.Text[k] = v
			}
			if m.Name == "" {
				m.Name = base.Name
			}
		}
		for k, v := range o.Text {
			m.Text[k] = v
		}
		merged[lang] = m
	}
	t.mu.Lock()
	t.merged = merged
	t.mu.Unlock()
}

// text returns key in lang, falling back to English, then to the key itself
// (so a missing text shows up in testing rather than as a blank).
func (t *translator) text(lang, key string) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c := t.merged[lang]; c != nil {
		if s, ok := c.Text[key]; ok {
			return s, true
		}
	}
	if s, ok := t.merged[fallbackLanguage].Text[key]; ok {
		return s, true
	}
	return key, false
}

// T formats key in lang with args. A text may use fewer of the arguments
// than are given (a translation may leave out a detail); the rest are dropped.
func (t *translator) T(lang, key string, args ...any) string {
	s, _ := t.text(lang, key)
	if n := countVerbs(s); n < len(args) {
		args = args[:n]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// countVerbs counts the formatting verbs (%s, %d, ...) in s, not "%%".
func countVerbs(s string) int {
	n := 0
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			if s[i+1] != '%' {
				n++
			}
			i++
		}
	}
	return n
}

// status returns a language's catalogue status and whether there is one.
func (t *translator) status(lang string) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c := t.merged[lang]; c != nil {
		return c.Status, true
	}
	return "", false
}

// languages lists the languages that have a catalogue.
func (t *translator) languages() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var langs []string
	for l := range t.merged {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return langs
}

// loadOverrides reads officers' translations from the store.
func (t *translator) loadOverrides(ctx context.Context, store surveys.Store) error {
	saved, err := store.Translations(ctx)
	if err != nil {
		return err
	}
	overrides := map[string]*catalogue{}
	for lang, texts := range saved {
		c := &catalogue{Status: StatusReviewed, Text: map[string]string{}}
		for k, v := range texts {
			switch k {
			case "_meta.status":
				c.Status = v
			case "_meta.language_name":
				c.Name = v
			default:
				c.Text[k] = v
			}
		}
		overrides[lang] = c
	}
	t.setOverrides(overrides)
	return nil
}

// rtlScripts are the scripts written right to left.
var rtlScripts = map[string]bool{"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true, "Adlm": true, "Rohg": true}

// direction returns "rtl" for languages written right to left (Urdu,
// Arabic, Persian, Pashto, Hebrew, Punjabi in Shahmukhi "pa-Arab", ...).
func direction(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return "ltr"
	}
	script, _ := tag.Script()
	if rtlScripts[script.String()] {
		return "rtl"
	}
	return "ltr"
}

// endonyms name languages in their own script, for the language switcher.
var endonyms = map[string]string{
	"en": "English", "cy": "Cymraeg", "ur": "اردو", "pa": "ਪੰਜਾਬੀ", "pa-Arab": "پنجابی", "bn": "বাংলা",
	"ar": "العربية", "fa": "فارسی", "ps": "پښتو", "so": "Soomaali", "pl": "Polski", "ro": "Română",
	"zh": "中文", "zh-Hant": "中文（繁體）", "yue": "粵語", "gu": "ગુજરાતી", "hi": "हिन्दी", "ku": "Kurdî",
	"ckb": "کوردیی ناوەندی", "ti": "ትግርኛ", "am": "አማርኛ", "sq": "Shqip", "lt": "Lietuvių", "pt": "Português",
	"es": "Español", "fr": "Français", "it": "Italiano", "tr": "Türkçe", "vi": "Tiếng Việt", "bg": "Български",
	"ru": "Русский", "uk": "Українська", "he": "עברית", "sd": "سنڌي", "ta": "தமிழ்", "ne": "नेपाली",
}

// endonym returns the language's own name for itself.
func (t *translator) endonym(lang string) string {
	if n, ok := endonyms[lang]; ok {
		return n
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c := t.merged[lang]; c != nil && c.Name != "" {
		return c.Name
	}
	return lang
}

// chooseLanguage picks the page language from what the survey offers: the
// ?lang= parameter, then the cookie, then the browser's Accept-Language,
// then the survey's default.
func chooseLanguage(offered []string, query, cookie, acceptLanguage string) string {
	for _, l := range []string{query, cookie} {
		for _, o := range offered {
			if l != "" && l == o {
				return o
			}
		}
	}
	if acceptLanguage != "" && len(offered) > 0 {
		tags := make([]language.Tag, 0, len(offered))
		for _, o := range offered {
			tags = append(tags, language.Make(o))
		}
		prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(prefs) > 0 {
			_, i, conf := language.NewMatcher(tags).Match(prefs...)
			if conf != language.No {
				return offered[i]
			}
		}
	}
	if len(offered) > 0 {
		return offered[0]
	}
	return fallbackLanguage
}

// missing lists the English keys a language has no text for.
func (t *translator) missing(lang string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	c := t.merged[lang]
	for k := range t.merged[fallbackLanguage].Text {
		if c == nil || c.Text[k] == "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
