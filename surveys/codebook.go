package surveys

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// A codebook is the list of themes officers code a survey's free-text
// answers with. Every change is a new version, kept, so a themed summary
// can always say which codebook produced it. A codebook is reused on
// another survey by exporting it (YAML, JSON or CSV) and putting it there.

// CodebookTheme is one theme of a codebook.
type CodebookTheme struct {
	ID          string   `json:"id" yaml:"id"`
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Parent      string   `json:"parent,omitempty" yaml:"parent,omitempty"`
	Phrases     []string `json:"phrases,omitempty" yaml:"phrases,omitempty"` // words or phrases, any language, that suggest it
	Exclude     []string `json:"exclude,omitempty" yaml:"exclude,omitempty"` // words or phrases that stop a phrase suggesting it
}

// Codebook is one version of a survey's codebook.
type Codebook struct {
	Version   int             `json:"version" yaml:"-"`
	CreatedAt time.Time       `json:"created_at" yaml:"-"`
	CreatedBy string          `json:"created_by" yaml:"-"`
	Themes    []CodebookTheme `json:"themes" yaml:"themes"`
}

// Theme returns the theme with id, or nil.
func (c *Codebook) Theme(id string) *CodebookTheme {
	for i := range c.Themes {
		if c.Themes[i].ID == id {
			return &c.Themes[i]
		}
	}
	return nil
}

// Limits on a codebook.
const (
	MaxCodebookThemes   = 500
	maxThemeName        = 120
	maxThemeDescription = 500
	maxThemePhrases     = 200
	maxThemePhrase      = 100
)

var themeIDPattern = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// ParseCodebook reads a codebook written as YAML or JSON (an object with
// "themes", or a bare list of themes) or as CSV (columns id, name,
// description, parent, phrases, exclude; phrases separated by "|"), and
// checks it, naming every problem.
func ParseCodebook(data []byte) (*Codebook, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, Errorf(EMALFORMED, "The codebook is empty: send its themes as YAML, JSON or CSV.")
	}
	if !utf8.Valid(data) {
		return nil, Errorf(EMALFORMED, "The codebook is not UTF-8 text. Save it as UTF-8 (in Excel: CSV UTF-8).")
	}
	var c Codebook
	var err error
	if looksLikeCSV(trimmed) {
		c.Themes, err = readCodebookCSV(data)
	} else {
		err = readCodebookYAML(data, &c)
	}
	if err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// looksLikeCSV tells a CSV header from YAML or JSON by its first line.
func looksLikeCSV(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	first = bytes.ToLower(bytes.TrimSpace(first))
	return bytes.HasPrefix(first, []byte("id,")) || bytes.HasPrefix(first, []byte(`"id",`))
}

func readCodebookYAML(data []byte, c *Codebook) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var err error
	if t := bytes.TrimSpace(data); t[0] == '[' || t[0] == '-' {
		err = dec.Decode(&c.Themes)
	} else {
		err = dec.Decode(c)
	}
	if err != nil {
		return Errorf(EMALFORMED, "The codebook could not be read: %s.", yamlErrorText(err))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Errorf(EMALFORMED, "The codebook must be a single document.")
	}
	return nil
}

// codebookColumns are the CSV columns, in the order they are written.
var codebookColumns = []string{"id", "name", "description", "parent", "phrases", "exclude"}

func readCodebookCSV(data []byte) ([]CodebookTheme, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, Errorf(EMALFORMED, "The codebook CSV could not be read: %v.", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !contains(codebookColumns, h) {
			return nil, &Error{Code: EINVALID, Message: "The codebook CSV has a column Voices does not know.",
				Fields: map[string]string{"header": fmt.Sprintf("column %d is %q; use: %s", i+1, header[i], strings.Join(codebookColumns, ", "))}}
		}
		col[h] = i
	}
	for _, need := range []string{"id", "name"} {
		if _, ok := col[need]; !ok {
			return nil, &Error{Code: EINVALID, Message: "The codebook CSV needs an id and a name column.",
				Fields: map[string]string{"header": "add the column " + need}}
		}
	}
	var themes []CodebookTheme
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Errorf(EMALFORMED, "The codebook CSV could not be read: %v.", err)
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		themes = append(themes, CodebookTheme{ID: cell("id"), Name: cell("name"), Description: cell("description"),
			Parent: cell("parent"), Phrases: splitPhrases(cell("phrases")), Exclude: splitPhrases(cell("exclude"))})
	}
	return themes, nil
}

func splitPhrases(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// WriteCodebookCSV writes a codebook's themes as CSV, as ParseCodebook reads it.
func WriteCodebookCSV(w io.Writer, c *Codebook) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(codebookColumns); err != nil {
		return err
	}
	for _, t := range c.Themes {
		if err := cw.Write([]string{t.ID, t.Name, t.Description, t.Parent, strings.Join(t.Phrases, "|"), strings.Join(t.Exclude, "|")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCodebookYAML writes a codebook's themes as YAML, as ParseCodebook reads it.
func WriteCodebookYAML(w io.Writer, c *Codebook) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return err
	}
	return enc.Close()
}

// Check checks a codebook, naming each problem by theme: themes[2].id.
func (c *Codebook) Check() error {
	fields := fieldErrors{}
	if len(c.Themes) == 0 {
		fields.add("themes", "give at least one theme")
	}
	if len(c.Themes) > MaxCodebookThemes {
		fields.add("themes", "a codebook has at most %d themes (this has %d)", MaxCodebookThemes, len(c.Themes))
	}
	seen := map[string]bool{}
	for i := range c.Themes {
		t := &c.Themes[i]
		at := fmt.Sprintf("themes[%d].", i)
		t.ID, t.Name, t.Description, t.Parent = strings.TrimSpace(t.ID), strings.TrimSpace(t.Name), strings.TrimSpace(t.Description), strings.TrimSpace(t.Parent)
		switch {
		case !themeIDPattern.MatchString(t.ID):
			fields.add(at+"id", "give an id of 1 to 64 lower-case letters, digits, _ or -, e.g. waiting_times")
		case seen[t.ID]:
			fields.add(at+"id", "%q is used by another theme; each id must be different", t.ID)
		}
		seen[t.ID] = true
		if t.Name == "" || utf8.RuneCountInString(t.Name) > maxThemeName {
			fields.add(at+"name", "give a name of 1 to %d characters", maxThemeName)
		}
		if utf8.RuneCountInString(t.Description) > maxThemeDescription {
			fields.add(at+"description", "must be %d characters or fewer; one sentence is best", maxThemeDescription)
		}
		for _, list := range []struct {
			name    string
			phrases []string
		}{{"phrases", t.Phrases}, {"exclude", t.Exclude}} {
			if len(list.phrases) > maxThemePhrases {
				fields.add(at+list.name, "at most %d", maxThemePhrases)
			}
			for _, p := range list.phrases {
				if n := utf8.RuneCountInString(strings.TrimSpace(p)); n == 0 || n > maxThemePhrase {
					fields.add(at+list.name, "each must be 1 to %d characters", maxThemePhrase)
				}
			}
		}
	}
	for i := range c.Themes {
		t := &c.Themes[i]
		at := fmt.Sprintf("themes[%d].parent", i)
		if t.Parent == "" {
			continue
		}
		if !seen[t.Parent] {
			fields.add(at, "there is no theme %q in this codebook", t.Parent)
			continue
		}
		// Follow parents up: a theme may not be its own ancestor.
		for p, steps := t.Parent, 0; p != "" && steps <= len(c.Themes); steps++ {
			if p == t.ID {
				fields.add(at, "%q is inside itself through its parents; a theme cannot be its own ancestor", t.ID)
				break
			}
			p = c.Theme(p).Parent
		}
	}
	return fields.err("The codebook has problems. Fix each one listed.")
}

// sameThemes reports whether two codebooks say the same.
func sameThemes(a, b *Codebook) bool {
	ja, _ := json.Marshal(a.Themes)
	jb, _ := json.Marshal(b.Themes)
	return bytes.Equal(ja, jb)
}

// CodebookStore keeps codebook versions.
type CodebookStore interface {
	// Codebook returns the latest version of a survey's codebook;
	// ENOTFOUND if it has none.
	Codebook(ctx context.Context, surveyID int64) (*Codebook, error)
	// AddCodebookVersion stores c as the next version (setting c.Version),
	// failing with ECONFLICT if another was stored since version after.
	AddCodebookVersion(ctx context.Context, surveyID int64, after int, c *Codebook) error
}

// PutCodebook makes data (YAML, JSON or CSV) the survey's codebook, as a
// new version unless it says the same as the latest.
func (svc *Service) PutCodebook(ctx context.Context, s *Survey, data []byte) (*Codebook, error) {
	c, err := ParseCodebook(data)
	if err != nil {
		return nil, err
	}
	latest, err := svc.Store.Codebook(ctx, s.ID)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		latest = &Codebook{}
	case err != nil:
		return nil, err
	case sameThemes(latest, c):
		return latest, nil
	}
	return svc.saveCodebook(ctx, s, latest.Version, c)
}

// saveCodebook checks c and stores it as the version after version after.
func (svc *Service) saveCodebook(ctx context.Context, s *Survey, after int, c *Codebook) (*Codebook, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	a, _ := ctx.Value(actorKey{}).(Actor)
	c.CreatedBy, c.CreatedAt = a.Name, svc.Clock()
	if a.User != nil {
		c.CreatedBy = a.User.Email
	}
	if err := svc.Store.AddCodebookVersion(ctx, s.ID, after, c); err != nil {
		return nil, err
	}
	svc.audit(ctx, AuditCodebook, "survey:"+s.Slug, fmt.Sprintf("version %d, %d themes", c.Version, len(c.Themes)))
	return c, nil
}
