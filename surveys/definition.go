package surveys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"go.yaml.in/yaml/v3"
)

// MaxDefinitionSize is the largest survey definition accepted, in bytes.
const MaxDefinitionSize = 1 << 20

// Limits on the length of definition texts, in characters.
const (
	maxTitleLength       = 200
	maxPromptLength      = 1000
	maxLabelLength       = 300
	maxDescriptionLength = 5000
	maxNoticeLength      = 20000
)

// ParseDefinition reads a survey definition written in YAML or JSON (JSON is
// read as YAML, of which it is a subset) and checks it. Unknown fields are
// refused, so that a misspelt "requird" does not silently do nothing. The
// error names every mistake found.
func ParseDefinition(data []byte) (*Survey, error) {
	if len(data) > MaxDefinitionSize {
		return nil, Errorf(ETOOLARGE, "The survey definition is larger than %d bytes.", MaxDefinitionSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Errorf(EMALFORMED, "The survey definition is empty.")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Survey
	if err := dec.Decode(&s); err != nil {
		return nil, Errorf(EMALFORMED, "The survey definition could not be read: %s.", yamlErrorText(err))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, Errorf(EMALFORMED, "The survey definition must be a single document.")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	msg = strings.ReplaceAll(msg, "in type surveys.", "in ")
	return strings.TrimSuffix(msg, ".")
}

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	pattern := func(re interface{ MatchString(string) bool }) validator.Func {
		return func(fl validator.FieldLevel) bool { return re.MatchString(fl.Field().String()) }
	}
	must(v.RegisterValidation("slug", pattern(slugPattern)))
	must(v.RegisterValidation("key", pattern(keyPattern)))
	must(v.RegisterValidation("langtag", pattern(langTagPattern)))
	return v
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// validatorMessages turns validator/v10's errors into words an officer can act on.
func validatorMessages(err error, fields fieldErrors) {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		fields.add("definition", "could not be checked: %v", err)
		return
	}
	for _, fe := range verrs {
		path := fe.Namespace()
		if _, rest, ok := strings.Cut(path, "."); ok {
			path = rest
		}
		fields.add(path, "%s", tagMessage(fe))
	}
}

func tagMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("may have at most %s items", fe.Param())
		}
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be %s characters or fewer", fe.Param())
		}
		return fmt.Sprintf("must be %s or less", fe.Param())
	case "min":
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("must list at least %s", fe.Param())
		}
		return fmt.Sprintf("must be %s or more", fe.Param())
	case "oneof":
		return fmt.Sprintf("must be one of: %s", strings.ReplaceAll(fe.Param(), " ", ", "))
	case "unique":
		return "must not list the same value twice"
	case "slug":
		return "must use only lower-case letters a-z, digits and single hyphens, e.g. care-strategy-2027"
	case "key":
		return "must use only lower-case letters a-z, digits and underscores, e.g. what_matters"
	case "langtag":
		return fmt.Sprintf("%q is not a language code such as en, ur or pa-Arab", fe.Value())
	case "alphanum":
		return "must be letters and digits only, e.g. CARE"
	}
	return fmt.Sprintf("is not valid (%s)", fe.Tag())
}

// Validate normalises s and checks every rule a definition must meet,
// returning one error that names each mistake.
func (s *Survey) Validate() error {
	s.normalise()
	fields := fieldErrors{}
	if err := validate.Struct(s); err != nil {
		validatorMessages(err, fields)
	}
	def := s.DefaultLanguage()
	if def == "" {
		fields.add("languages", "list at least one language code; the first is the default, e.g. [en, ur]")
	}
	langs := map[string]bool{}
	for _, l := range s.Languages {
		langs[l] = true
	}
	checkText := func(path string, t Text, required bool, max int) {
		if def == "" {
			return // without languages, every text would be wrong: one message is enough
		}
		if required && strings.TrimSpace(t[def]) == "" && def != "" {
			fields.add(path, "needs text in the default language %q", def)
			return
		}
		for lang, text := range t {
			if !langs[lang] {
				fields.add(path, "has text in %q, which is not in languages %v", lang, s.Languages)
				return
			}
			if n := utf8.RuneCountInString(text); n > max {
				fields.add(path, "the %q text is %d characters; keep it to %d or fewer", lang, n, max)
				return
			}
		}
	}
	checkText("title", s.Title, true, maxTitleLength)
	checkText("description", s.Description, false, maxDescriptionLength)
	checkText("privacy_notice", s.PrivacyNotice, false, maxNoticeLength)
	if s.SMS != nil && SMSCommand(s.SMS.Keyword) != "" {
		fields.add("sms.keyword", "%q is a word texters use to stop, start or get help; choose another keyword", s.SMS.Keyword)
	}
	if s.OpensAt != nil && s.ClosesAt != nil && !s.OpensAt.Before(*s.ClosesAt) {
		fields.add("closes_at", "must be after opens_at")
	}
	if len(s.Questions) == 0 {
		fields.add("questions", "add at least one question")
	}

	position := map[string]int{} // question key -> index, for uniqueness and show_if
	for i := range s.Questions {
		q := &s.Questions[i]
		at := fmt.Sprintf("questions[%d]", i)
		checkText(at+".prompt", q.Prompt, true, maxPromptLength)
		checkText(at+".hint", q.Hint, false, maxPromptLength)
		checkText(at+".sms_prompt", q.SMSPrompt, false, maxPromptLength)
		if q.Key != "" {
			if j, dup := position[q.Key]; dup {
				fields.add(at+".key", "%q is already the key of questions[%d]; each key must be unique", q.Key, j)
			}
			position[q.Key] = i
			checkKeyName(q.Key, at+".key", fields)
		}
		s.checkQuestionShape(q, at, checkText, fields)
		if q.ShowIf != nil {
			s.checkShowIf(q, at, position, fields)
		}
	}
	// A question with "Other" stores its free text as <key>_other: no other
	// question may have that key. Checked after all keys are known.
	for i, q := range s.Questions {
		if q.Other {
			if j, clash := position[OtherKey(q.Key)]; clash {
				fields.add(fmt.Sprintf("questions[%d].key", j), "%q is where the \"Other\" text of questions[%d] is stored; choose another key", OtherKey(q.Key), i)
			}
		}
	}
	return fields.err("The survey definition has mistakes. Fix each one listed and try again.")
}

func checkKeyName(key, at string, fields fieldErrors) {
	for _, r := range reservedColumns {
		if key == r {
			fields.add(at, "%q is the name of a column Voices adds to every export; choose another key", key)
			return
		}
	}
	if strings.HasSuffix(key, OriginalSuffix) || strings.HasSuffix(key, OriginalLanguageSuffix) {
		fields.add(at, "keys ending in %s or %s are kept for the original words beside translated answers; choose another key", OriginalSuffix, OriginalLanguageSuffix)
	}
	if strings.HasPrefix(key, "equality_") {
		fields.add(at, "keys starting with equality_ are kept for the equality monitoring questions; choose another key")
	}
}

func (s *Survey) checkQuestionShape(q *Question, at string, checkText func(string, Text, bool, int), fields fieldErrors) {
	if q.IsChoice() {
		if len(q.Options)+boolToInt(q.Other) < 2 {
			fields.add(at+".options", "question %q is a choice question: give it at least two options", q.Key)
		}
		seen := map[string]bool{}
		for j, o := range q.Options {
			oat := fmt.Sprintf("%s.options[%d]", at, j)
			if seen[o.Value] {
				fields.add(oat+".value", "%q is listed twice in question %q", o.Value, q.Key)
			}
			seen[o.Value] = true
			if o.Value == OtherValue {
				fields.add(oat+".value", "\"other\" is kept for the Other option: set other: true on the question instead")
			}
			checkText(oat+".label", o.Label, true, maxLabelLength)
		}
	} else {
		if len(q.Options) > 0 {
			fields.add(at+".options", "only single_choice and multiple_choice questions have options")
		}
		if q.Other {
			fields.add(at+".other", "only single_choice and multiple_choice questions can offer Other")
		}
	}
	if q.MaxLength != 0 && q.Type != TypeText && q.Type != TypeLongText {
		fields.add(at+".max_length", "only text and long_text questions have a max_length")
	}
	if (q.MinLabel != nil || q.MaxLabel != nil) && q.Type != TypeScale {
		fields.add(at+".min_label", "only scale questions have min_label and max_label")
	}
	checkText(at+".min_label", q.MinLabel, false, maxLabelLength)
	checkText(at+".max_label", q.MaxLabel, false, maxLabelLength)
	switch q.Type {
	case TypeScale:
		lo, hi := *q.Min, *q.Max
		switch {
		case lo != math.Trunc(lo) || hi != math.Trunc(hi):
			fields.add(at+".min", "a scale runs between whole numbers, e.g. min: 1 and max: 5")
		case lo >= hi:
			fields.add(at+".max", "must be greater than min (%s)", FormatNumber(lo))
		case hi-lo > 10:
			fields.add(at+".max", "a scale may have at most 11 points; use a number question for wider ranges")
		}
	case TypeNumber:
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			fields.add(at+".max", "must not be less than min (%s)", FormatNumber(*q.Min))
		}
	default:
		if q.Min != nil || q.Max != nil {
			fields.add(at+".min", "only scale and number questions have min and max")
		}
	}
}

func (s *Survey) checkShowIf(q *Question, at string, position map[string]int, fields fieldErrors) {
	at += ".show_if.question"
	j, ok := position[q.ShowIf.Question]
	switch {
	case !ok && s.Question(q.ShowIf.Question) != nil:
		fields.add(at, "%q comes later in the survey; show_if may only depend on an earlier question", q.ShowIf.Question)
		return
	case !ok:
		fields.add(at, "there is no question with key %q", q.ShowIf.Question)
		return
	case s.Questions[j].Key == q.Key:
		fields.add(at, "a question cannot depend on itself")
		return
	}
	dep := &s.Questions[j]
	if dep.Type == TypeText || dep.Type == TypeLongText {
		fields.add(at, "show_if must depend on a choice, scale, yes_no or number question, not free text")
		return
	}
	inAt := strings.TrimSuffix(at, ".question") + ".in"
	if len(q.ShowIf.In) == 0 {
		fields.add(inAt, "list the answers to %q that show this question, e.g. in: [\"yes\"]", dep.Key)
		return
	}
	for k, v := range q.ShowIf.In {
		norm, p := dep.normaliseValue(v)
		if p != nil {
			fields.add(inAt, "%q is not a possible answer to question %q", v, dep.Key)
			return
		}
		// Stored in the form answers take ("Yes" -> "yes", "01" -> "1"),
		// because Visible compares them with normalised answers.
		q.ShowIf.In[k] = norm
	}
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
