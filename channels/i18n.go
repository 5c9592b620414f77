package channels

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

	"github.com/voices-uk/voices/surveys"
)

// Voices' words to residents (web pages and text messages) come from catalogues, one per language, never
// from the templates: channels/i18n/<lang>.yaml ship with Voices, and officers
// add or override texts with PUT /api/v1/translations/{lang}, stored in the
// database. A key missing in a language falls back to English.
//
//go:embed i18n/*.yaml
var catalogueFiles embed.FS

// FallbackLanguage has every key.
const FallbackLanguage = "en"

// Translation statuses: a machine-drafted Catalogue is shown with a notice
// until a native speaker has reviewed it.
const (
	StatusReviewed       = "reviewed"
	StatusMachineDrafted = "machine_drafted"
)

type Catalogue struct {
	Status string
	Name   string
	Text   map[string]string
}

// Translator holds the catalogues: the shipped ones with officers'
// overrides on top.
type Translator struct {
	mu      sync.RWMutex
	shipped map[string]*Catalogue
	merged  map[string]*Catalogue
}

func NewTranslator() (*Translator, error) {
	t := &Translator{shipped: map[string]*Catalogue{}}
	files, err := fs.Glob(catalogueFiles, "i18n/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := catalogueFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		c, err := ParseCatalogue(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		t.shipped[strings.TrimSuffix(path.Base(f), ".yaml")] = c
	}
	if t.shipped[FallbackLanguage] == nil {
		return nil, fmt.Errorf("i18n/%s.yaml is missing", FallbackLanguage)
	}
	t.merged = t.shipped
	return t, nil
}

// ParseCatalogue reads a flat YAML or JSON map of key to text, with an
// optional _meta: {status, language_name}.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, surveys.Errorf(surveys.EMALFORMED, "The translations could not be read: %v.", err)
	}
	c := &Catalogue{Status: StatusReviewed, Text: map[string]string{}}
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

// setOverrides puts officers' catalogues (language -> Catalogue) on top of
// the shipped ones.
func (t *Translator) SetOverrides(overrides map[string]*Catalogue) {
	merged := map[string]*Catalogue{}
	for lang, c := range t.shipped {
		merged[lang] = c
	}
	for lang, o := range overrides {
		base := merged[lang]
		m := &Catalogue{Status: o.Status, Name: o.Name, Text: map[string]string{}}
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

// Lookup returns key in lang, falling back to English, then to the key itself
// (so a missing text shows up in testing rather than as a blank).
func (t *Translator) Lookup(lang, key string) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c := t.merged[lang]; c != nil {
		if s, ok := c.Text[key]; ok {
			return s, true
		}
	}
	if s, ok := t.merged[FallbackLanguage].Text[key]; ok {
		return s, true
	}
	return key, false
}

// T formats key in lang with args. A text may use fewer of the arguments
// than are given (a translation may leave out a detail); the rest are dropped.
func (t *Translator) T(lang, key string, args ...any) string {
	s, _ := t.Lookup(lang, key)
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

// status returns a language's Catalogue status and whether there is one.
func (t *Translator) Status(lang string) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c := t.merged[lang]; c != nil {
		return c.Status, true
	}
	return "", false
}

// languages lists the languages that have a Catalogue.
func (t *Translator) Languages() []string {
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
func (t *Translator) LoadOverrides(ctx context.Context, store surveys.Store) error {
	saved, err := store.Translations(ctx)
	if err != nil {
		return err
	}
	overrides := map[string]*Catalogue{}
	for lang, texts := range saved {
		c := &Catalogue{Status: StatusReviewed, Text: map[string]string{}}
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
	t.SetOverrides(overrides)
	return nil
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
func (t *Translator) Endonym(lang string) string {
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

// missing lists the English keys a language has no text for.
func (t *Translator) Missing(lang string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	c := t.merged[lang]
	for k := range t.merged[FallbackLanguage].Text {
		if c == nil || c.Text[k] == "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// HasKey reports whether the shipped English catalogue has key: officers
// may only override texts that exist.
func (t *Translator) HasKey(key string) bool {
	_, ok := t.shipped[FallbackLanguage].Text[key]
	return ok
}

// Texts returns a copy of one language's texts as used (shipped with
// officers' changes on top), or nil if it has no catalogue.
func (t *Translator) Texts(lang string) map[string]string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c := t.merged[lang]
	if c == nil {
		return nil
	}
	out := make(map[string]string, len(c.Text))
	for k, v := range c.Text {
		out[k] = v
	}
	return out
}
