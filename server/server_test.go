package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"github.com/xuri/excelize/v2"

	"github.com/voices-uk/voices/server"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

// parksJSON is an open survey with every kind of question the tests need:
// a required yes/no, a multiple choice with "Other", a scale, a question
// shown only for low ratings, and a short text answer.
const parksJSON = `{
  "slug": "parks",
  "title": {"en": "Parks and green spaces", "ur": "پارک اور سبز جگہیں"},
  "languages": ["en", "ur"],
  "status": "open",
  "equality_monitoring": true,
  "questions": [
    {"key": "visit", "type": "yes_no", "required": true, "prompt": {"en": "Do you visit parks?"}},
    {"key": "likes", "type": "multiple_choice", "other": true, "prompt": {"en": "What do you like?"},
     "options": [{"value": "trees", "label": {"en": "Trees"}},
                 {"value": "play", "label": {"en": "Play areas"}},
                 {"value": "benches", "label": {"en": "Benches"}}]},
    {"key": "rating", "type": "scale", "min": 1, "max": 5, "prompt": {"en": "How good are they?"}},
    {"key": "why_low", "type": "long_text", "show_if": {"question": "rating", "in": ["1", "2"]}, "prompt": {"en": "Why?"}},
    {"key": "comment", "type": "text", "max_length": 50, "prompt": {"en": "Anything else?"}}
  ]
}`

// librariesYAML is a draft survey (no status) written in YAML.
const librariesYAML = `
slug: libraries
title: {en: "Libraries"}
languages: [en]
questions:
  - key: use
    type: yes_no
    required: true
    prompt: {en: "Do you use a library?"}
`

// withSlug returns a copy of the JSON definition def with another slug.
func withSlug(def, slug string) string {
	return strings.Replace(def, `"slug": "parks"`, `"slug": "`+slug+`"`, 1)
}

const partnerOrg = "Ladywood Community Group"

// parksHeader is the export header of parksJSON.
func parksHeader() []string {
	h := []string{"reference", "submitted_at", "channel", "language", "entered_by", "mode",
		"interpreter_language", "interpreter", "organisation",
		"visit", "likes", "likes_other", "rating", "why_low", "why_low_original", "why_low_original_language",
		"comment", "comment_original", "comment_original_language"}
	for _, c := range surveys.EqualityColumns {
		h = append(h, "equality_"+c)
	}
	return h
}

var referencePattern = regexp.MustCompile(`^[A-Z0-9]{3}-[A-Z0-9]{3}$`)

type fixture struct {
	ctx         context.Context
	db          *sqlite.DB
	svc         *surveys.Service
	app         *fiber.App
	officer     string // API tokens
	partner     string
	interpreter string
	partnerUser *surveys.User
}

// newFixture opens a real database in a temporary directory, adds an
// officer, a community group member (partner) and an interpreter with a
// token each, and builds the app.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, server.Config{})
}

// newFixtureWith is newFixture with cfg (its Logger discards unless set).
func newFixtureWith(t *testing.T, cfg server.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "voices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &surveys.Service{Store: db}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.APIPostsPerMinute == 0 {
		cfg.APIPostsPerMinute = -1 // tests submit many; TestRequestLimits tests the limit
	}
	app, err := server.New(cfg, svc)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, db: db, svc: svc, app: app}
	users := []struct {
		user  surveys.NewUser
		token *string
	}{
		{surveys.NewUser{Email: "officer@example.org", Name: "Olu", Role: surveys.RoleOfficer}, &f.officer},
		{surveys.NewUser{Email: "partner@example.org", Name: "Amina", Role: surveys.RolePartner, Organisation: partnerOrg}, &f.partner},
		{surveys.NewUser{Email: "interpreter@example.org", Name: "Iqbal", Role: surveys.RoleInterpreter}, &f.interpreter},
	}
	for _, u := range users {
		u.user.Password = "a long enough password"
		added, err := svc.AddUser(ctx, &u.user)
		if err != nil {
			t.Fatalf("AddUser(%s): %v", u.user.Email, err)
		}
		if u.user.Role == surveys.RolePartner {
			f.partnerUser = added
		}
		if *u.token, err = svc.CreateToken(ctx, u.user.Email); err != nil {
			t.Fatalf("CreateToken(%s): %v", u.user.Email, err)
		}
	}
	return f
}

// send makes one request through app.Test and returns the response and its body.
func (f *fixture) send(t *testing.T, method, path, token, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, data
}

// do sends a JSON request and returns the status and the JSON object
// answered (nil if the body is not a JSON object).
func (f *fixture) do(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	resp, data := f.send(t, method, path, token, contentType, body)
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		m = nil
	}
	return resp.StatusCode, m
}

// create creates a survey through the API as the officer and returns its slug.
func (f *fixture) create(t *testing.T, definition string) string {
	t.Helper()
	status, got := f.do(t, "POST", "/api/v1/surveys", f.officer, definition)
	if status != http.StatusCreated {
		t.Fatalf("creating survey: got %d %v, want 201", status, got)
	}
	return got["slug"].(string)
}

// submit posts a response that must be accepted and returns its reference.
func (f *fixture) submit(t *testing.T, slug, token, body string) string {
	t.Helper()
	status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", token, body)
	if status != http.StatusCreated {
		t.Fatalf("submitting %s: got %d %v, want 201", body, status, got)
	}
	ref, _ := got["reference"].(string)
	return ref
}

// stored returns every stored response to the survey at slug, read straight
// from the store.
func (f *fixture) stored(t *testing.T, slug string) []*surveys.Response {
	t.Helper()
	return storedResponses(t, f.ctx, f.db, slug)
}

// byReference finds a stored response by its reference.
func (f *fixture) byReference(t *testing.T, slug, ref string) *surveys.Response {
	t.Helper()
	return storedResponse(t, f.ctx, f.db, slug, ref)
}

// storedResponses reads every stored response to the survey at slug.
func storedResponses(t *testing.T, ctx context.Context, db *sqlite.DB, slug string) []*surveys.Response {
	t.Helper()
	sv, err := db.Survey(ctx, slug)
	if err != nil {
		t.Fatalf("Survey(%q): %v", slug, err)
	}
	list, err := db.Responses(ctx, sv.ID, surveys.ResponseFilter{Limit: 1000})
	if err != nil {
		t.Fatalf("Responses(%q): %v", slug, err)
	}
	return list
}

// storedResponse finds the stored response with reference ref.
func storedResponse(t *testing.T, ctx context.Context, db *sqlite.DB, slug, ref string) *surveys.Response {
	t.Helper()
	for _, r := range storedResponses(t, ctx, db, slug) {
		if r.Reference == ref {
			return r
		}
	}
	t.Fatalf("no stored response %s to %s", ref, slug)
	return nil
}

// checkError checks an API error: the status, an "error" message, and,
// when field is not "", a message for that field in "fields".
func checkError(t *testing.T, status int, got map[string]any, wantStatus int, field string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status: got %d, want %d (body %v)", status, wantStatus, got)
	}
	if msg, ok := got["error"].(string); !ok || msg == "" {
		t.Errorf("error: got %#v, want a non-empty message (body %v)", got["error"], got)
	}
	if field == "" {
		return
	}
	fields, _ := got["fields"].(map[string]any)
	if msg, _ := fields[field].(string); msg == "" {
		t.Errorf("fields[%q]: got %v, want a message naming it", field, fields)
	}
}

func errorText(got map[string]any) string {
	s, _ := got["error"].(string)
	return s
}

func TestHealth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, body := f.send(t, "GET", path, "", "", "")
		if got, want := resp.StatusCode, http.StatusOK; got != want {
			t.Errorf("GET %s: got %d %q, want %d", path, got, body, want)
		}
	}
	status, got := f.do(t, "GET", "/api/v1/no/such/page", "", "")
	checkError(t, status, got, http.StatusNotFound, "")
	// Outside the API a person gets a page, not JSON.
	if resp, body := f.send(t, "GET", "/no/such/page", "", "", ""); resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "Page not found") {
		t.Errorf("GET /no/such/page: got %d %q, want a 404 page", resp.StatusCode, body)
	}

	// Once the database is gone the process is up but not ready.
	f.db.Close()
	if resp, _ := f.send(t, "GET", "/healthz", "", "", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz with the database closed: got %d, want 200", resp.StatusCode)
	}
	if resp, _ := f.send(t, "GET", "/readyz", "", "", ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with the database closed: got %d, want 503", resp.StatusCode)
	}
	// An internal error is shown as a generic message, never its detail.
	status, got = f.do(t, "GET", "/api/v1/surveys", "", "")
	checkError(t, status, got, http.StatusInternalServerError, "")
	if msg := errorText(got); strings.Contains(msg, "sql") || strings.Contains(msg, "closed") {
		t.Errorf("error: got %q, want a generic message without the internal detail", msg)
	}
}

func TestCreateSurvey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mistakes := `{
  "slug": "Bad Slug",
  "title": {"en": ""},
  "languages": ["en"],
  "questions": [
    {"key": "a", "type": "text", "prompt": {"en": "A?"}},
    {"key": "a", "type": "text", "prompt": {"en": "A again?"}},
    {"key": "pick", "type": "single_choice", "prompt": {"en": "Pick"}, "options": [{"value": "x", "label": {"en": "X"}}]},
    {"key": "score", "type": "scale", "min": 5, "max": 1, "prompt": {"en": "Score"}},
    {"key": "colour", "type": "colour", "prompt": {"en": "Colour?"}}
  ]
}`
	tests := []struct {
		name        string
		token       string
		contentType string
		body        string
		wantStatus  int
		wantSlug    string
		wantFields  []string
	}{
		{"officer, JSON", f.officer, "application/json", parksJSON, 201, "parks", nil},
		{"officer, YAML", f.officer, "application/yaml", librariesYAML, 201, "libraries", nil},
		{"same slug again", f.officer, "application/json", parksJSON, 409, "", nil},
		{"no token", "", "application/json", withSlug(parksJSON, "no-token"), 401, "", nil},
		{"garbage token", "voices_not-a-real-token", "application/json", withSlug(parksJSON, "garbage"), 401, "", nil},
		{"partner", f.partner, "application/json", withSlug(parksJSON, "by-partner"), 403, "", nil},
		{"interpreter", f.interpreter, "application/json", withSlug(parksJSON, "by-interpreter"), 403, "", nil},
		{"mistakes", f.officer, "application/json", mistakes, 422, "",
			[]string{"slug", "title", "questions[1].key", "questions[2].options", "questions[3].max", "questions[4].type"}},
		{"invalid YAML", f.officer, "application/yaml", "slug: [unclosed\ntitle: {en: x", 400, "", nil},
		{"empty", f.officer, "application/yaml", "", 400, "", nil},
		{"unknown field", f.officer, "application/yaml", librariesYAML + "requird: true\n", 400, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := f.send(t, "POST", "/api/v1/surveys", tt.token, tt.contentType, tt.body)
			var got map[string]any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatalf("body %q is not a JSON object: %v", data, err)
			}
			if tt.wantStatus != http.StatusCreated {
				checkError(t, resp.StatusCode, got, tt.wantStatus, "")
				for _, field := range tt.wantFields {
					fields, _ := got["fields"].(map[string]any)
					if _, ok := fields[field]; !ok {
						t.Errorf("fields: got %v, want %q named", fields, field)
					}
				}
				return
			}
			if resp.StatusCode != tt.wantStatus || got["slug"] != tt.wantSlug {
				t.Fatalf("got %d %v, want %d slug %q", resp.StatusCode, got, tt.wantStatus, tt.wantSlug)
			}
			if got, want := resp.Header.Get("Location"), "/api/v1/surveys/"+tt.wantSlug; got != want {
				t.Errorf("Location: got %q, want %q", got, want)
			}
			status, sv := f.do(t, "GET", "/api/v1/surveys/"+tt.wantSlug, f.officer, "")
			if status != http.StatusOK || sv["slug"] != tt.wantSlug {
				t.Errorf("GET after create: got %d %v, want 200 slug %q", status, sv, tt.wantSlug)
			}
		})
	}
	// Nothing refused was stored.
	list, err := f.db.Surveys(f.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, sv := range list {
		slugs = append(slugs, sv.Slug)
	}
	slices.Sort(slugs)
	if want := []string{"libraries", "parks"}; !reflect.DeepEqual(slugs, want) {
		t.Errorf("stored surveys: got %v, want %v", slugs, want)
	}
}

// slugsOf returns the slugs of a GET /api/v1/surveys answer, sorted.
func slugsOf(t *testing.T, got map[string]any) []string {
	t.Helper()
	list, ok := got["surveys"].([]any)
	if !ok {
		t.Fatalf("surveys: got %v, want a list", got)
	}
	slugs := []string{}
	for _, item := range list {
		slugs = append(slugs, item.(map[string]any)["slug"].(string))
	}
	slices.Sort(slugs)
	return slugs
}

func TestListAndGetSurveys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.create(t, parksJSON)
	f.create(t, librariesYAML) // draft
	f.create(t, strings.Replace(withSlug(parksJSON, "old"), `"status": "open"`, `"status": "closed"`, 1))

	lists := []struct {
		name  string
		path  string
		token string
		want  []string
	}{
		{"public", "/api/v1/surveys", "", []string{"old", "parks"}},
		{"partner", "/api/v1/surveys", f.partner, []string{"old", "parks"}},
		{"officer", "/api/v1/surveys", f.officer, []string{"libraries", "old", "parks"}},
		{"officer, drafts", "/api/v1/surveys?status=draft", f.officer, []string{"libraries"}},
		{"public, drafts", "/api/v1/surveys?status=draft", "", []string{}},
		{"public, closed", "/api/v1/surveys?status=closed", "", []string{"old"}},
	}
	for _, tt := range lists {
		t.Run("list "+tt.name, func(t *testing.T) {
			status, got := f.do(t, "GET", tt.path, tt.token, "")
			if status != http.StatusOK {
				t.Fatalf("status: got %d, want 200", status)
			}
			if got := slugsOf(t, got); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("slugs: got %v, want %v", got, tt.want)
			}
		})
	}

	gets := []struct {
		name       string
		slug       string
		token      string
		wantStatus int
		wantOpen   bool
	}{
		{"open survey, public", "parks", "", 200, true},
		{"closed survey, public", "old", "", 200, false},
		{"draft, public", "libraries", "", 404, false},
		{"draft, partner", "libraries", f.partner, 404, false},
		{"draft, officer", "libraries", f.officer, 200, false},
		{"unknown", "no-such-survey", "", 404, false},
		{"unknown, officer", "no-such-survey", f.officer, 404, false},
	}
	for _, tt := range gets {
		t.Run("get "+tt.name, func(t *testing.T) {
			status, got := f.do(t, "GET", "/api/v1/surveys/"+tt.slug, tt.token, "")
			if tt.wantStatus != http.StatusOK {
				checkError(t, status, got, tt.wantStatus, "")
				if strings.Contains(fmt.Sprint(got), "Libraries") {
					t.Errorf("a hidden draft's title leaked: %v", got)
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("status: got %d %v, want 200", status, got)
			}
			if got["slug"] != tt.slug || got["open"] != tt.wantOpen {
				t.Errorf("got slug %v open %v, want %q open %v", got["slug"], got["open"], tt.slug, tt.wantOpen)
			}
			if qs, _ := got["questions"].([]any); len(qs) == 0 {
				t.Errorf("questions: got %v, want the survey's questions", got["questions"])
			}
		})
	}
}

func TestOpenAndClose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, librariesYAML) // a draft
	path := "/api/v1/surveys/" + slug
	answer := `{"answers": {"use": "yes"}}`

	steps := []struct {
		name        string
		method      string
		path        string
		token       string
		body        string
		wantStatus  int
		wantMessage string // part of the error message
	}{
		{"submit to a draft", "POST", path + "/responses", "", answer, 409, "not open"},
		{"open without token", "POST", path + "/open", "", "", 401, ""},
		{"open as partner", "POST", path + "/open", f.partner, "", 403, ""},
		{"open as interpreter", "POST", path + "/open", f.interpreter, "", 403, ""},
		{"open unknown survey", "POST", "/api/v1/surveys/nope/open", f.officer, "", 404, ""},
		{"still a draft", "POST", path + "/responses", "", answer, 409, "not open"},
		{"open", "POST", path + "/open", f.officer, "", 200, ""},
		{"submit to open", "POST", path + "/responses", "", answer, 201, ""},
		{"close as partner", "POST", path + "/close", f.partner, "", 403, ""},
		{"close", "POST", path + "/close", f.officer, "", 200, ""},
		{"submit to closed", "POST", path + "/responses", "", answer, 409, "closed"},
		{"submit to closed as partner", "POST", path + "/responses", f.partner,
			`{"answers": {"use": "yes"}, "mediation": {"consent_confirmed": true}}`, 409, "closed"},
	}
	for _, tt := range steps {
		status, got := f.do(t, tt.method, tt.path, tt.token, tt.body)
		switch {
		case tt.wantStatus >= 400:
			checkError(t, status, got, tt.wantStatus, "")
			if !strings.Contains(errorText(got), tt.wantMessage) {
				t.Errorf("%s: error %q, want it to contain %q", tt.name, errorText(got), tt.wantMessage)
			}
		case status != tt.wantStatus:
			t.Errorf("%s: got %d %v, want %d", tt.name, status, got, tt.wantStatus)
		}
		if strings.HasSuffix(tt.path, "/open") && status == 200 && got["status"] != "open" {
			t.Errorf("%s: got %v, want status open", tt.name, got)
		}
		if strings.HasSuffix(tt.path, "/close") && status == 200 && got["status"] != "closed" {
			t.Errorf("%s: got %v, want status closed", tt.name, got)
		}
	}
	if got, want := len(f.stored(t, slug)), 1; got != want {
		t.Errorf("stored responses: got %d, want %d (only the one sent while open)", got, want)
	}
	status, got := f.do(t, "GET", path, "", "")
	if status != 200 || got["status"] != "closed" || got["open"] != false {
		t.Errorf("GET after close: got %d status %v open %v, want 200 closed false", status, got["status"], got["open"])
	}
}

// A draft is hidden from the public "as if it did not exist" (loadSurvey),
// but a public submission to it is answered 409 with its title.
func TestDraftTitleNotShown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, strings.Replace(librariesYAML, `title: {en: "Libraries"}`, `title: {en: "Secret library closures"}`, 1))
	status, got := f.do(t, "GET", "/api/v1/surveys/"+slug, "", "")
	checkError(t, status, got, http.StatusNotFound, "")
	status, got = f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", "", `{"answers": {"use": "yes"}}`)
	checkError(t, status, got, http.StatusConflict, "")
	if msg := errorText(got); strings.Contains(msg, "Secret library closures") {
		t.Errorf("submitting to a draft told anyone its title, which GET hides with 404: %q", msg)
	}
}

func TestOpeningTimes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.Now = func() time.Time { return time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC) }
	ended := strings.Replace(withSlug(parksJSON, "ended"), `"status": "open",`,
		`"status": "open", "closes_at": "2027-01-31T23:59:00Z",`, 1)
	future := strings.Replace(withSlug(parksJSON, "future"), `"status": "open",`,
		`"status": "open", "opens_at": "2027-03-01T09:00:00Z",`, 1)
	running := strings.Replace(withSlug(parksJSON, "running"), `"status": "open",`,
		`"status": "open", "opens_at": "2027-01-01T09:00:00Z", "closes_at": "2027-12-31T23:59:00Z",`, 1)
	tests := []struct {
		def         string
		slug        string
		wantStatus  int
		wantMessage string
		wantOpen    bool
	}{
		{ended, "ended", 409, "closed", false},
		{future, "future", 409, "not open", false},
		{running, "running", 201, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			f.create(t, tt.def)
			_, sv := f.do(t, "GET", "/api/v1/surveys/"+tt.slug, "", "")
			if got := sv["open"]; got != tt.wantOpen {
				t.Errorf("open: got %v, want %v", got, tt.wantOpen)
			}
			status, got := f.do(t, "POST", "/api/v1/surveys/"+tt.slug+"/responses", "", `{"answers": {"visit": "yes"}}`)
			if tt.wantStatus == 201 {
				if status != 201 {
					t.Errorf("got %d %v, want 201", status, got)
				}
				return
			}
			checkError(t, status, got, tt.wantStatus, "")
			if !strings.Contains(errorText(got), tt.wantMessage) {
				t.Errorf("error %q, want it to contain %q", errorText(got), tt.wantMessage)
			}
			if n := len(f.stored(t, tt.slug)); n != 0 {
				t.Errorf("stored responses: got %d, want 0", n)
			}
		})
	}
}

func TestSubmitResponse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.Now = func() time.Time { return time.Date(2027, 1, 15, 10, 30, 0, 0, time.UTC) }
	slug := f.create(t, parksJSON)

	tests := []struct {
		name         string
		token        string
		body         string
		wantAnswers  map[string][]string
		wantLanguage string
		wantEquality map[string]string
	}{
		{"numbers and booleans", "",
			`{"answers": {"visit": true, "rating": 4}}`,
			map[string][]string{"visit": {"yes"}, "rating": {"4"}}, "en", nil},
		{"the same as text", "",
			`{"answers": {"visit": "yes", "rating": "4"}}`,
			map[string][]string{"visit": {"yes"}, "rating": {"4"}}, "en", nil},
		{"false is no", "",
			`{"answers": {"visit": false}}`,
			map[string][]string{"visit": {"no"}}, "en", nil},
		{"multiple choice with other", "",
			`{"answers": {"visit": "yes", "likes": ["trees", "other", "trees"], "likes_other": "The ducks"}}`,
			map[string][]string{"visit": {"yes"}, "likes": {"trees", "other"}, "likes_other": {"The ducks"}}, "en", nil},
		{"shown question answered", "",
			`{"answers": {"visit": "yes", "rating": 2, "why_low": "Too far away"}}`,
			map[string][]string{"visit": {"yes"}, "rating": {"2"}, "why_low": {"Too far away"}}, "en", nil},
		{"nulls and blanks are no answer", "",
			`{"answers": {"visit": "no", "rating": null, "comment": "   ", "likes": []}}`,
			map[string][]string{"visit": {"no"}}, "en", nil},
		{"max_length counts characters, not bytes", "",
			`{"answers": {"visit": "yes", "comment": "` + strings.Repeat("é", 50) + `"}}`,
			map[string][]string{"visit": {"yes"}, "comment": {strings.Repeat("é", 50)}}, "en", nil},
		{"Urdu", "",
			`{"language": "ur", "answers": {"visit": "yes", "comment": "پارک بہت اچھے ہیں 🌳"}}`,
			map[string][]string{"visit": {"yes"}, "comment": {"پارک بہت اچھے ہیں 🌳"}}, "ur", nil},
		{"equality", "",
			`{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "asian_pakistani", "age_band": "35_49", "disability": "prefer_not_to_say"}}`,
			map[string][]string{"visit": {"yes"}}, "en",
			map[string]string{"ethnic_group": "asian_pakistani", "ethnic_group_broad": "asian", "age_band": "35_49", "disability": "prefer_not_to_say"}},
		{"equality, derived disability", "",
			`{"answers": {"visit": "yes"}, "equality": {"disability_condition": "yes", "disability_impact": "a_little", "sex": ""}}`,
			map[string][]string{"visit": {"yes"}}, "en",
			map[string]string{"disability_condition": "yes", "disability_impact": "a_little", "disability": "disabled_a_little"}},
		{"self, with a token", f.partner,
			`{"answers": {"visit": "yes"}, "mediation": {"entered_by": "self"}}`,
			map[string][]string{"visit": {"yes"}}, "en", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", tt.token, tt.body)
			if status != http.StatusCreated {
				t.Fatalf("got %d %v, want 201", status, got)
			}
			ref, _ := got["reference"].(string)
			if !referencePattern.MatchString(ref) {
				t.Errorf("reference: got %q, want it to match %s", ref, referencePattern)
			}
			id, ok := got["id"].(float64)
			if !ok || id <= 0 {
				t.Errorf("id: got %#v, want a positive number", got["id"])
			}
			r := f.byReference(t, slug, ref)
			if r.ID != int64(id) {
				t.Errorf("stored id: got %d, want %v", r.ID, id)
			}
			answers := map[string][]string{}
			for _, a := range r.Answers {
				answers[a.Key] = a.Values
			}
			if !reflect.DeepEqual(answers, tt.wantAnswers) {
				t.Errorf("stored answers: got %v, want %v", answers, tt.wantAnswers)
			}
			if r.Language != tt.wantLanguage {
				t.Errorf("language: got %q, want %q", r.Language, tt.wantLanguage)
			}
			if !reflect.DeepEqual(r.Equality, tt.wantEquality) {
				t.Errorf("equality: got %v, want %v", r.Equality, tt.wantEquality)
			}
			if want := time.Date(2027, 1, 15, 10, 30, 0, 0, time.UTC); !r.SubmittedAt.Equal(want) {
				t.Errorf("submitted_at: got %v, want %v", r.SubmittedAt, want)
			}
			if r.Channel != surveys.ChannelAPI || r.Mediation.EnteredBy != surveys.EnteredBySelf {
				t.Errorf("channel %q entered_by %q, want api self", r.Channel, r.Mediation.EnteredBy)
			}
		})
	}
}

func TestSubmitBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	noEquality := f.create(t, strings.Replace(withSlug(parksJSON, "no-equality"),
		`"equality_monitoring": true`, `"equality_monitoring": false`, 1))
	huge := `{"answers": {"visit": "yes", "comment": "` + strings.Repeat("x", 1100<<10) + `"}}`
	tests := []struct {
		name       string
		slug       string
		token      string
		body       string
		wantStatus int
		wantField  string
	}{
		{"invalid JSON", slug, "", `{"answers": {"visit": "yes"`, 400, ""},
		{"not JSON at all", slug, "", `visit=yes`, 400, ""},
		{"two JSON values", slug, "", `{"answers": {"visit": "yes"}} {"answers": {}}`, 400, ""},
		{"empty body", slug, "", ``, 400, ""},
		{"blank body", slug, "", "  \n", 400, ""},
		{"unknown survey", "no-such-survey", "", `{"answers": {"visit": "yes"}}`, 404, ""},
		{"missing required answer", slug, "", `{"answers": {"rating": 3}}`, 422, "visit"},
		{"no answers at all", slug, "", `{}`, 422, "visit"},
		{"unknown question key", slug, "", `{"answers": {"visit": "yes", "colour": "green"}}`, 422, "colour"},
		{"option not in the list", slug, "", `{"answers": {"visit": "yes", "likes": ["trees", "swings"]}}`, 422, "likes"},
		{"yes_no not yes or no", slug, "", `{"answers": {"visit": "maybe"}}`, 422, "visit"},
		{"two answers to a yes_no", slug, "", `{"answers": {"visit": ["yes", "no"]}}`, 422, "visit"},
		{"over-long answer", slug, "", `{"answers": {"visit": "yes", "comment": "` + strings.Repeat("é", 51) + `"}}`, 422, "comment"},
		{"NUL in text", slug, "", `{"answers": {"visit": "yes", "comment": "a\u0000b"}}`, 422, "comment"},
		{"scale too high", slug, "", `{"answers": {"visit": "yes", "rating": 6}}`, 422, "rating"},
		{"scale too low", slug, "", `{"answers": {"visit": "yes", "rating": 0}}`, 422, "rating"},
		{"scale not whole", slug, "", `{"answers": {"visit": "yes", "rating": 3.5}}`, 422, "rating"},
		{"hidden by show_if", slug, "", `{"answers": {"visit": "yes", "rating": 4, "why_low": "Because"}}`, 422, "why_low"},
		{"hidden, no rating", slug, "", `{"answers": {"visit": "yes", "why_low": "Because"}}`, 422, "why_low"},
		{"other text without other", slug, "", `{"answers": {"visit": "yes", "likes": ["trees"], "likes_other": "Ducks"}}`, 422, "likes_other"},
		{"unknown top-level field", slug, "", `{"answers": {"visit": "yes"}, "nickname": "Bob"}`, 422, "nickname"},
		{"answers not an object", slug, "", `{"answers": "yes"}`, 422, "answers"},
		{"language not a string", slug, "", `{"language": 5, "answers": {"visit": "yes"}}`, 422, "language"},
		{"language not in the survey", slug, "", `{"language": "fr", "answers": {"visit": "yes"}}`, 422, "language"},
		{"answer is an object", slug, "", `{"answers": {"visit": {"value": "yes"}}}`, 422, "visit"},
		{"answer is a list of objects", slug, "", `{"answers": {"visit": "yes", "likes": [{"value": "trees"}]}}`, 422, "likes"},
		{"equality value unknown", slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "martian"}}`, 422, "equality.ethnic_group"},
		{"equality key unknown", slug, "", `{"answers": {"visit": "yes"}, "equality": {"star_sign": "leo"}}`, 422, "equality.star_sign"},
		{"equality broad group contradicting the ethnic group", slug, "", `{"answers": {"visit": "yes"}, "equality": {"ethnic_group": "asian_pakistani", "ethnic_group_broad": "white"}}`, 422, "equality.ethnic_group_broad"},
		{"equality as a list", slug, "", `{"answers": {"visit": "yes"}, "equality": {"sex": ["female", "male"]}}`, 422, "equality.sex"},
		{"equality impact without condition", slug, "", `{"answers": {"visit": "yes"}, "equality": {"disability_impact": "a_lot"}}`, 422, "equality.disability_impact"},
		{"equality on a survey without it", noEquality, "", `{"answers": {"visit": "yes"}, "equality": {"sex": "female"}}`, 422, "equality"},
		{"mediated, no token", slug, "", `{"answers": {"visit": "yes"}, "mediation": {"entered_by": "interpreter", "consent_confirmed": true}}`, 422, "mediation.entered_by"},
		{"mediated, partner, no consent", slug, f.partner, `{"answers": {"visit": "yes"}, "mediation": {"entered_by": "community_group"}}`, 422, "mediation.consent_confirmed"},
		{"mediated, partner, default, no consent", slug, f.partner, `{"answers": {"visit": "yes"}}`, 422, "mediation.consent_confirmed"},
		{"mediated, interpreter, no consent", slug, f.interpreter, `{"answers": {"visit": "yes"}, "mediation": {"mode": "phone"}}`, 422, "mediation.consent_confirmed"},
		{"mediation unknown entered_by", slug, "", `{"answers": {"visit": "yes"}, "mediation": {"entered_by": "robot"}}`, 422, "mediation.entered_by"},
		{"mediation unknown mode", slug, f.interpreter, `{"answers": {"visit": "yes"}, "mediation": {"mode": "telepathy", "consent_confirmed": true}}`, 422, "mediation.mode"},
		{"mediation bad interpreter language", slug, f.interpreter, `{"answers": {"visit": "yes"}, "mediation": {"interpreter_language": "Urdu!", "consent_confirmed": true}}`, 422, "mediation.interpreter_language"},
		{"consent not a boolean", slug, f.partner, `{"answers": {"visit": "yes"}, "mediation": {"consent_confirmed": "yes"}}`, 422, "mediation.consent_confirmed"},
		{"invalid token", slug, "voices_not-a-real-token", `{"answers": {"visit": "yes"}}`, 401, ""},
		{"trailing brace", slug, "", `{"answers": {"visit": "yes"}}}`, 400, ""},
		{"a JSON list", slug, "", `[]`, 400, ""},
		{"unknown field inside mediation", slug, "", `{"answers": {"visit": "yes"}, "mediation": {"entred_by": "self"}}`, 422, "mediation.entred_by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.stored(t, slug)) + len(f.stored(t, noEquality))
			status, got := f.do(t, "POST", "/api/v1/surveys/"+tt.slug+"/responses", tt.token, tt.body)
			checkError(t, status, got, tt.wantStatus, tt.wantField)
			if after := len(f.stored(t, slug)) + len(f.stored(t, noEquality)); after != before {
				t.Errorf("stored responses: got %d after, want %d as before", after, before)
			}
		})
	}

	// Fiber's app.Test cannot show this answer: fasthttp writes the 413
	// (through the app's error handler, as JSON) and then ServeConn returns
	// ErrBodyTooLarge, which app.Test reports instead of the response. So
	// the refusal is checked by that error, and nothing may be stored.
	t.Run("body over 1 MiB", func(t *testing.T) {
		before := len(f.stored(t, slug))
		req := httptest.NewRequest("POST", "/api/v1/surveys/"+slug+"/responses", strings.NewReader(huge))
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.app.Test(req, -1)
		switch {
		case errors.Is(err, fasthttp.ErrBodyTooLarge):
			// Refused for its size before any handler ran.
		case err != nil:
			t.Fatalf("app.Test: %v", err)
		default:
			defer resp.Body.Close()
			var got map[string]any
			json.NewDecoder(resp.Body).Decode(&got)
			checkError(t, resp.StatusCode, got, http.StatusRequestEntityTooLarge, "")
		}
		if after := len(f.stored(t, slug)); after != before {
			t.Errorf("stored responses: got %d after, want %d as before", after, before)
		}
	})

	t.Run("other auth schemes", func(t *testing.T) {
		before := len(f.stored(t, slug))
		req := httptest.NewRequest("POST", "/api/v1/surveys/"+slug+"/responses", strings.NewReader(`{"answers": {"visit": "yes"}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Basic b2ZmaWNlcjpwYXNzd29yZA==")
		resp, err := f.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
			t.Errorf("status: got %d, want %d", got, want)
		}
		if after := len(f.stored(t, slug)); after != before {
			t.Errorf("stored responses: got %d after, want %d as before", after, before)
		}
	})
}

func TestMediatedEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)

	t.Run("partner with consent", func(t *testing.T) {
		ref := f.submit(t, slug, f.partner,
			`{"answers": {"visit": "yes"}, "mediation": {"entered_by": "community_group", "mode": "paper", "consent_confirmed": true}}`)
		m := f.byReference(t, slug, ref).Mediation
		want := surveys.Mediation{EnteredBy: surveys.EnteredByCommunityGroup, Mode: "paper", ConsentConfirmed: true,
			OrganisationID: f.partnerUser.OrganisationID, Organisation: partnerOrg, UserID: f.partnerUser.ID}
		if m != want {
			t.Errorf("mediation: got %+v, want %+v", m, want)
		}
		if r := f.byReference(t, slug, ref); r.Channel != surveys.ChannelAssisted {
			t.Errorf("channel: got %q, want %q", r.Channel, surveys.ChannelAssisted)
		}
	})

	t.Run("the organisation comes from the token, not the body", func(t *testing.T) {
		status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", f.partner,
			`{"answers": {"visit": "yes"}, "mediation": {"consent_confirmed": true, "organisation": "Someone Else"}}`)
		if status == http.StatusCreated {
			m := f.byReference(t, slug, got["reference"].(string)).Mediation
			if m.Organisation != partnerOrg {
				t.Errorf("organisation: got %q, want %q", m.Organisation, partnerOrg)
			}
		}
	})

	t.Run("interpreter with consent", func(t *testing.T) {
		ref := f.submit(t, slug, f.interpreter,
			`{"language": "ur", "answers": {"visit": "yes", "comment": "وہ ہر ہفتے جاتی ہیں"},
			  "mediation": {"entered_by": "interpreter", "mode": "bsl_video_relay", "interpreter_language": "bfi",
			                "interpreter": "Iqbal", "consent_confirmed": true}}`)
		r := f.byReference(t, slug, ref)
		m := r.Mediation
		if m.EnteredBy != "interpreter" || m.Mode != "bsl_video_relay" || m.InterpreterLanguage != "bfi" ||
			m.Interpreter != "Iqbal" || !m.ConsentConfirmed || m.Organisation != "" {
			t.Errorf("mediation: got %+v, want interpreter, bsl_video_relay, bfi, Iqbal, consent, no organisation", m)
		}
		if r.Channel != surveys.ChannelAssisted {
			t.Errorf("channel: got %q, want %q", r.Channel, surveys.ChannelAssisted)
		}
	})

	// DESIGN.md: "assisted" is a response "entered for someone by a group,
	// interpreter or officer". A partner who leaves entered_by out is
	// recorded as community_group, so the channel should say so too.
	t.Run("partner, entered_by left out", func(t *testing.T) {
		ref := f.submit(t, slug, f.partner, `{"answers": {"visit": "yes"}, "mediation": {"consent_confirmed": true}}`)
		r := f.byReference(t, slug, ref)
		if r.Mediation.EnteredBy != surveys.EnteredByCommunityGroup || r.Mediation.Organisation != partnerOrg {
			t.Errorf("mediation: got %+v, want community_group of %q", r.Mediation, partnerOrg)
		}
		if r.Channel != surveys.ChannelAssisted {
			t.Errorf("channel: got %q, want assisted for a partner who leaves out entered_by", r.Channel)
		}
	})
}

// Who entered a response is recorded from the body's entered_by; a
// community group member should not be able to record it as entered by a
// council officer.
func TestPartnerCannotEnterAsOfficer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", f.partner,
		`{"answers": {"visit": "yes"}, "mediation": {"entered_by": "officer", "consent_confirmed": true}}`)
	if status == http.StatusCreated {
		m := f.byReference(t, slug, got["reference"].(string)).Mediation
		t.Fatalf("a partner's response was stored as entered_by %q with organisation %q; want 422", m.EnteredBy, m.Organisation)
	}
	checkError(t, status, got, http.StatusUnprocessableEntity, "mediation.entered_by")
	if n := len(f.stored(t, slug)); n != 0 {
		t.Errorf("stored responses: got %d, want 0", n)
	}
}

// A large but valid response: 100 multiple choice questions of 100 options
// each, every option ticked (the definition limits allow 200 x 100).
func TestSubmitManyAnswerValues(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var def strings.Builder
	def.WriteString("slug: big\ntitle: {en: Big}\nlanguages: [en]\nstatus: open\nquestions:\n")
	answers := map[string][]string{}
	for q := range 100 {
		key := fmt.Sprintf("q%d", q)
		fmt.Fprintf(&def, "  - key: %s\n    type: multiple_choice\n    prompt: {en: Question}\n    options:\n", key)
		for o := range 100 {
			fmt.Fprintf(&def, "      - {value: o%d, label: {en: Option}}\n", o)
			answers[key] = append(answers[key], fmt.Sprintf("o%d", o))
		}
	}
	slug := f.create(t, def.String())
	body, err := json.Marshal(map[string]any{"answers": answers})
	if err != nil {
		t.Fatal(err)
	}
	status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", "", string(body))
	if n := len(f.stored(t, slug)); status != http.StatusCreated && n != 0 {
		t.Errorf("stored responses after a refusal: got %d, want 0", n)
	}
	if status == http.StatusInternalServerError {
		t.Fatalf("10,000 answer values: got 500 %v; inserts must stay under SQLite's bound-parameter limit", got)
	}
	if status != http.StatusCreated {
		t.Fatalf("got %d %v, want 201", status, got)
	}
	r := f.byReference(t, slug, got["reference"].(string))
	if n := len(r.Answers); n != 100 || len(r.Answer("q99")) != 100 {
		t.Errorf("stored answers: got %d questions, %d values for q99; want 100 and 100", n, len(r.Answer("q99")))
	}
}

func TestReplaceSurvey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	path := "/api/v1/surveys/" + slug
	renamed := strings.Replace(parksJSON, "Parks and green spaces", "Parks, woods and green spaces", 1)
	withoutComment := strings.Replace(parksJSON,
		`,
    {"key": "comment", "type": "text", "max_length": 50, "prompt": {"en": "Anything else?"}}`, "", 1)
	withoutPlay := strings.Replace(parksJSON, `{"value": "play", "label": {"en": "Play areas"}},`, "", 1)
	ratingAsText := strings.Replace(strings.Replace(parksJSON,
		`{"key": "rating", "type": "scale", "min": 1, "max": 5,`, `{"key": "rating", "type": "text",`, 1),
		`"show_if": {"question": "rating", "in": ["1", "2"]}, `, "", 1)
	withoutOther := strings.Replace(parksJSON, `"type": "multiple_choice", "other": true,`, `"type": "multiple_choice",`, 1)
	addedQuestion := strings.Replace(parksJSON, `"questions": [`,
		`"questions": [
    {"key": "postcode", "type": "text", "prompt": {"en": "Postcode?"}},`, 1)
	if withoutComment == parksJSON || withoutPlay == parksJSON || withoutOther == parksJSON || ratingAsText == parksJSON || addedQuestion == parksJSON {
		t.Fatal("a test definition was not changed: the replacements need updating")
	}

	tests := []struct {
		name       string
		token      string
		path       string
		body       string
		wantStatus int
		wantField  string
	}{
		{"no token", "", path, renamed, 401, ""},
		{"partner", f.partner, path, renamed, 403, ""},
		{"unknown survey", f.officer, "/api/v1/surveys/nope", withSlug(renamed, "nope"), 404, ""},
		{"slug differs from path", f.officer, path, withSlug(renamed, "gardens"), 422, "slug"},
		{"mistakes", f.officer, path, strings.Replace(parksJSON, `"key": "visit"`, `"key": "Visit!"`, 1), 422, "questions[0].key"},
		{"invalid YAML", f.officer, path, "slug: [", 400, ""},
		{"before responses", f.officer, path, renamed, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := f.do(t, "PUT", tt.path, tt.token, tt.body)
			if tt.wantStatus == http.StatusOK {
				if status != http.StatusOK || got["slug"] != slug {
					t.Errorf("got %d %v, want 200 slug %q", status, got, slug)
				}
				return
			}
			checkError(t, status, got, tt.wantStatus, tt.wantField)
		})
	}
	_, sv := f.do(t, "GET", path, f.officer, "")
	if got := sv["title"].(map[string]any)["en"]; got != "Parks, woods and green spaces" {
		t.Fatalf("title after replace: got %q, want the new title", got)
	}

	f.submit(t, slug, "", `{"answers": {"visit": "yes", "likes": ["play", "other"], "likes_other": "Ducks", "rating": 5, "comment": "Lovely"}}`)
	_, before := f.do(t, "GET", path, f.officer, "")

	after := []struct {
		name       string
		body       string
		wantStatus int
		wantField  string
	}{
		{"remove an answered question", withoutComment, 409, "comment"},
		{"remove an answered option", withoutPlay, 409, "likes"},
		{"remove Other after Other answers", withoutOther, 409, "likes"},
		{"retype an answered question", ratingAsText, 409, "rating"},
		{"slug differs from path", withSlug(parksJSON, "gardens"), 422, "slug"},
	}
	for _, tt := range after {
		t.Run("after responses, "+tt.name, func(t *testing.T) {
			status, got := f.do(t, "PUT", path, f.officer, tt.body)
			checkError(t, status, got, tt.wantStatus, tt.wantField)
			_, now := f.do(t, "GET", path, f.officer, "")
			if !reflect.DeepEqual(now, before) {
				t.Errorf("the stored survey changed:\n got %v\nwant %v", now, before)
			}
		})
	}
	t.Run("after responses, add a question", func(t *testing.T) {
		status, got := f.do(t, "PUT", path, f.officer, addedQuestion)
		if status != http.StatusOK {
			t.Fatalf("got %d %v, want 200", status, got)
		}
		_, now := f.do(t, "GET", path, f.officer, "")
		if qs := now["questions"].([]any); len(qs) != 6 || qs[0].(map[string]any)["key"] != "postcode" {
			t.Errorf("questions: got %v, want postcode first and 6 in all", qs)
		}
		if n := len(f.stored(t, slug)); n != 1 {
			t.Errorf("stored responses: got %d, want 1", n)
		}
	})
}

func TestListResponses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	path := "/api/v1/surveys/" + slug + "/responses"
	var refs []string
	for i := range 5 {
		refs = append(refs, f.submit(t, slug, "", fmt.Sprintf(`{"answers": {"visit": "yes", "rating": %d}}`, i+1)))
	}
	for range 2 {
		refs = append(refs, f.submit(t, slug, f.partner,
			`{"answers": {"visit": "no"}, "mediation": {"entered_by": "community_group", "consent_confirmed": true}}`))
	}

	// list returns the references on one page and its next_after.
	list := func(t *testing.T, query string) ([]string, any) {
		t.Helper()
		status, got := f.do(t, "GET", path+query, f.officer, "")
		if status != http.StatusOK {
			t.Fatalf("GET %s: got %d %v, want 200", query, status, got)
		}
		items, ok := got["responses"].([]any)
		if !ok {
			t.Fatalf("responses: got %v, want a list", got["responses"])
		}
		var page []string
		for _, item := range items {
			page = append(page, item.(map[string]any)["reference"].(string))
		}
		return page, got["next_after"]
	}

	t.Run("paging", func(t *testing.T) {
		var all []string
		query := "?limit=3"
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			page, next := list(t, query)
			all = append(all, page...)
			if next == nil {
				break
			}
			if len(page) != 3 {
				t.Errorf("page %d: got %d responses with next_after %v, want 3", pages, len(page), next)
			}
			query = fmt.Sprintf("?limit=3&after=%v", next)
		}
		if !reflect.DeepEqual(all, refs) {
			t.Errorf("all pages: got %v, want %v (each once, oldest first)", all, refs)
		}
	})

	filters := []struct {
		query   string
		want    []string
		wantNil bool
	}{
		{"", refs, true},
		{"?channel=api", refs[:5], true},
		{"?channel=assisted", refs[5:], true},
		{"?channel=sms", nil, true},
		{"?limit=7", refs, false},
		{"?limit=2&channel=assisted", refs[5:], false},
		{"?from=2000-01-01", refs, true},
		{"?to=2000-01-01", nil, true},
	}
	for _, tt := range filters {
		t.Run("filter "+tt.query, func(t *testing.T) {
			page, next := list(t, tt.query)
			if !reflect.DeepEqual(page, tt.want) {
				t.Errorf("got %v, want %v", page, tt.want)
			}
			if (next == nil) != tt.wantNil {
				t.Errorf("next_after: got %v, want nil %v", next, tt.wantNil)
			}
		})
	}

	bad := []struct {
		name       string
		path       string
		token      string
		wantStatus int
		wantField  string
	}{
		{"limit=abc", path + "?limit=abc", f.officer, 422, "limit"},
		{"limit=-1", path + "?limit=-1", f.officer, 422, "limit"},
		{"limit=1001", path + "?limit=1001", f.officer, 422, "limit"},
		{"after=x", path + "?after=x", f.officer, 422, "after"},
		{"channel=fax", path + "?channel=fax", f.officer, 422, "channel"},
		{"from=yesterday", path + "?from=yesterday", f.officer, 422, "from"},
		{"no token", path, "", 401, ""},
		{"garbage token", path, "nonsense", 401, ""},
		{"unknown survey", "/api/v1/surveys/nope/responses", f.officer, 404, ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, got := f.do(t, "GET", tt.path, tt.token, "")
			checkError(t, status, got, tt.wantStatus, tt.wantField)
			if got["responses"] != nil {
				t.Errorf("responses were shown with the error: %v", got)
			}
		})
	}

	t.Run("mediation shown", func(t *testing.T) {
		_, got := f.do(t, "GET", path+"?channel=assisted", f.officer, "")
		m := got["responses"].([]any)[0].(map[string]any)["mediation"].(map[string]any)
		if m["entered_by"] != "community_group" || m["organisation"] != partnerOrg || m["consent_confirmed"] != true {
			t.Errorf("mediation: got %v, want community_group, %q, consent", m, partnerOrg)
		}
	})
}

// A page size of 0 is accepted (0 to 1000), but the store then falls back
// to 50 rows while the handler reports no next page.
func TestListResponsesLimitZero(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	for range 51 {
		if _, err := f.svc.Submit(f.ctx, slug, &surveys.Submission{Channel: surveys.ChannelAPI,
			Answers: map[string][]string{"visit": {"yes"}}}); err != nil {
			t.Fatal(err)
		}
	}
	status, got := f.do(t, "GET", "/api/v1/surveys/"+slug+"/responses?limit=0", f.officer, "")
	if fields, _ := got["fields"].(map[string]any); status != http.StatusUnprocessableEntity || fields["limit"] == nil {
		t.Errorf("limit=0: got %d %v, want 422 naming limit", status, got)
	}
}

// exportFixture is a survey with responses that test every export rule.
type exportFixture struct {
	*fixture
	slug string
	refs map[string]string // name -> reference
}

// Text answers the exports must neutralise or keep byte for byte.
const (
	formulaHyperlink = `=HYPERLINK("http://x")`
	formulaPlus      = "+1+1"
	formulaMinus     = "-2+3"
	formulaAt        = "@SUM(A1:A2)"
	urduAndEmoji     = "پارک بہت اچھے ہیں 🌳👍🏽"
)

func newExportFixture(t *testing.T) *exportFixture {
	t.Helper()
	f := newFixture(t)
	e := &exportFixture{fixture: f, slug: f.create(t, parksJSON), refs: map[string]string{}}
	bodies := []struct{ name, token, body string }{
		{"hyperlink", "", `{"answers": {"visit": true, "likes": ["trees", "play"], "rating": 4, "comment": ` + jsonString(formulaHyperlink) + `},
			"equality": {"ethnic_group": "asian_pakistani", "age_band": "35_49", "disability": "prefer_not_to_say"}}`},
		{"plus", "", `{"answers": {"visit": "no", "likes": ["other"], "likes_other": "The ducks", "comment": ` + jsonString(formulaPlus) + `}}`},
		{"minus", "", `{"answers": {"visit": "yes", "comment": ` + jsonString(formulaMinus) + `}}`},
		{"at", "", `{"answers": {"visit": "yes", "comment": ` + jsonString(formulaAt) + `}}`},
		{"urdu", "", `{"language": "ur", "answers": {"visit": "yes", "comment": ` + jsonString(urduAndEmoji) + `}}`},
		{"partner", f.partner, `{"answers": {"visit": "yes", "rating": 2, "why_low": "Too far", "comment": "-5"},
			"mediation": {"entered_by": "community_group", "mode": "paper", "consent_confirmed": true}}`},
		{"interpreter", f.interpreter, `{"answers": {"visit": "yes"},
			"mediation": {"entered_by": "interpreter", "mode": "bsl_video_relay", "interpreter_language": "bfi", "interpreter": "=1+2", "consent_confirmed": true}}`},
	}
	for _, b := range bodies {
		e.refs[b.name] = f.submit(t, e.slug, b.token, b.body)
	}
	return e
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkSheet checks rows (header first) of a CSV or XLSX export.
func (e *exportFixture) checkSheet(t *testing.T, rows [][]string) {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("no rows, not even a header")
	}
	header := rows[0]
	if got, want := header, parksHeader(); !reflect.DeepEqual(got, want) {
		t.Fatalf("header:\n got %v\nwant %v", got, want)
	}
	for _, c := range []string{"equality_ethnic_group", "equality_ethnic_group_broad", "equality_age_band", "equality_disability"} {
		if !slices.Contains(header, c) {
			t.Errorf("header: %q missing from %v", c, header)
		}
	}
	if got, want := len(rows)-1, len(e.refs); got != want {
		t.Errorf("rows: got %d, want %d (one per response)", got, want)
	}
	col := func(name string) int { return slices.Index(header, name) }
	byRef := map[string][]string{}
	for _, row := range rows[1:] {
		if len(row) < len(header) {
			// XLSX rows stop at the last non-empty cell; pad them.
			row = append(row, make([]string, len(header)-len(row))...)
		}
		byRef[row[0]] = row
	}
	tests := []struct {
		name   string
		column string
		want   string
	}{
		{"hyperlink", "comment", "'" + formulaHyperlink},
		{"plus", "comment", "'" + formulaPlus},
		{"minus", "comment", "'" + formulaMinus},
		{"at", "comment", "'" + formulaAt},
		{"urdu", "comment", urduAndEmoji},
		{"urdu", "language", "ur"},
		{"partner", "comment", "-5"},
		{"hyperlink", "likes", "trees; play"},
		{"hyperlink", "visit", "yes"},
		{"hyperlink", "rating", "4"},
		{"hyperlink", "channel", "api"},
		{"hyperlink", "entered_by", "self"},
		{"hyperlink", "organisation", ""},
		{"hyperlink", "equality_ethnic_group", "asian_pakistani"},
		{"hyperlink", "equality_ethnic_group_broad", "asian"},
		{"hyperlink", "equality_age_band", "35_49"},
		{"hyperlink", "equality_disability", "prefer_not_to_say"},
		{"plus", "visit", "no"},
		{"plus", "likes", "other"},
		{"plus", "likes_other", "The ducks"},
		{"partner", "channel", "assisted"},
		{"partner", "entered_by", "community_group"},
		{"partner", "mode", "paper"},
		{"partner", "organisation", partnerOrg},
		{"partner", "why_low", "Too far"},
		{"interpreter", "entered_by", "interpreter"},
		{"interpreter", "mode", "bsl_video_relay"},
		{"interpreter", "interpreter_language", "bfi"},
		{"interpreter", "interpreter", "'=1+2"},
	}
	for _, tt := range tests {
		row, ok := byRef[e.refs[tt.name]]
		if !ok {
			t.Errorf("no row for the %s response (%s)", tt.name, e.refs[tt.name])
			continue
		}
		if got := row[col(tt.column)]; got != tt.want {
			t.Errorf("%s response, column %s: got %q, want %q", tt.name, tt.column, got, tt.want)
		}
	}
	for _, row := range rows[1:] {
		if _, err := time.Parse(time.RFC3339, row[1]); err != nil {
			t.Errorf("submitted_at %q: %v", row[1], err)
		}
	}
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	e := newExportFixture(t)
	resp, body := e.send(t, "GET", "/api/v1/surveys/"+e.slug+"/responses.csv", e.officer, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d %s, want 200", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/csv") {
		t.Errorf("Content-Type: got %q, want text/csv", got)
	}
	if got := resp.Header.Get("Content-Disposition"); !strings.Contains(got, "attachment") || !strings.Contains(got, "parks-responses.csv") {
		t.Errorf("Content-Disposition: got %q, want an attachment named parks-responses.csv", got)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parsing the CSV: %v\n%s", err, body)
	}
	e.checkSheet(t, rows)
	if !bytes.Contains(body, []byte(urduAndEmoji)) {
		t.Errorf("the CSV does not hold the Urdu and emoji answer byte for byte")
	}
}

func TestExportJSON(t *testing.T) {
	t.Parallel()
	e := newExportFixture(t)
	resp, body := e.send(t, "GET", "/api/v1/surveys/"+e.slug+"/responses.json", e.officer, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d %s, want 200", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type: got %q, want application/json", got)
	}
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("parsing the JSON: %v\n%s", err, body)
	}
	if got, want := len(list), len(e.refs); got != want {
		t.Fatalf("objects: got %d, want %d (one per response)", got, want)
	}
	byRef := map[string]map[string]any{}
	for _, obj := range list {
		ref, _ := obj["reference"].(string)
		byRef[ref] = obj
	}
	answers := func(name string) map[string]any {
		a, _ := byRef[e.refs[name]]["answers"].(map[string]any)
		return a
	}
	mediation := func(name string) map[string]any {
		m, _ := byRef[e.refs[name]]["mediation"].(map[string]any)
		return m
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"multiple choice is a list", answers("hyperlink")["likes"], []any{"trees", "play"}},
		{"scale is a number", answers("hyperlink")["rating"], float64(4)},
		{"yes_no is text", answers("hyperlink")["visit"], "yes"},
		{"text as sent", answers("hyperlink")["comment"], formulaHyperlink},
		{"other text", answers("plus")["likes_other"], "The ducks"},
		{"Urdu and emoji", answers("urdu")["comment"], urduAndEmoji},
		{"language", byRef[e.refs["urdu"]]["language"], "ur"},
		{"self", mediation("hyperlink")["entered_by"], "self"},
		{"partner entered_by", mediation("partner")["entered_by"], "community_group"},
		{"partner organisation", mediation("partner")["organisation"], partnerOrg},
		{"partner consent", mediation("partner")["consent_confirmed"], true},
		{"partner channel", byRef[e.refs["partner"]]["channel"], "assisted"},
		{"interpreter mode", mediation("interpreter")["mode"], "bsl_video_relay"},
		{"equality", byRef[e.refs["hyperlink"]]["equality"], map[string]any{"ethnic_group": "asian_pakistani",
			"ethnic_group_broad": "asian", "age_band": "35_49", "disability": "prefer_not_to_say"}},
		{"no equality", byRef[e.refs["plus"]]["equality"], nil},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
	if !bytes.Contains(body, []byte(`"rating":4`)) {
		t.Errorf("the scale answer is not written as the JSON number 4:\n%s", body)
	}
	if !bytes.Contains(body, []byte(urduAndEmoji)) {
		t.Errorf("the JSON does not hold the Urdu and emoji answer byte for byte")
	}
}

func TestExportXLSX(t *testing.T) {
	t.Parallel()
	e := newExportFixture(t)
	resp, body := e.send(t, "GET", "/api/v1/surveys/"+e.slug+"/responses.xlsx", e.officer, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"; got != want {
		t.Errorf("Content-Type: got %q, want %q", got, want)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("opening the XLSX: %v", err)
	}
	defer book.Close()
	rows, err := book.GetRows("Responses")
	if err != nil {
		t.Fatalf("sheet Responses: %v (sheets %v)", err, book.GetSheetList())
	}
	e.checkSheet(t, rows)
	// No cell is a formula.
	for r := range rows {
		for c := range rows[r] {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if formula, _ := book.GetCellFormula("Responses", cell); formula != "" {
				t.Errorf("cell %s is the formula %q", cell, formula)
			}
		}
	}
}

func TestExportAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	f.create(t, librariesYAML)
	for _, format := range []string{"csv", "json", "xlsx"} {
		tests := []struct {
			name       string
			path       string
			token      string
			wantStatus int
		}{
			{"no token", "/api/v1/surveys/" + slug + "/responses." + format, "", 401},
			{"garbage token", "/api/v1/surveys/" + slug + "/responses." + format, "nonsense", 401},
			{"unknown survey", "/api/v1/surveys/nope/responses." + format, f.officer, 404},
			{"bad filter", "/api/v1/surveys/" + slug + "/responses." + format + "?channel=fax", f.officer, 422},
		}
		for _, tt := range tests {
			t.Run(format+" "+tt.name, func(t *testing.T) {
				status, got := f.do(t, "GET", tt.path, tt.token, "")
				checkError(t, status, got, tt.wantStatus, "")
			})
		}
	}

	// With no responses: a header only, an empty list, a sheet with a header.
	empty := []struct {
		format string
		check  func(t *testing.T, body []byte)
	}{
		{"csv", func(t *testing.T, body []byte) {
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(rows) != 1 || !reflect.DeepEqual(rows[0], parksHeader()) {
				t.Errorf("got %q (%v), want the header only", body, err)
			}
		}},
		{"json", func(t *testing.T, body []byte) {
			if got := strings.TrimSpace(string(body)); got != "[]" {
				t.Errorf("got %q, want []", got)
			}
		}},
		{"xlsx", func(t *testing.T, body []byte) {
			book, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer book.Close()
			rows, err := book.GetRows("Responses")
			if err != nil || len(rows) != 1 || !reflect.DeepEqual(rows[0], parksHeader()) {
				t.Errorf("got %v (%v), want the header only", rows, err)
			}
		}},
	}
	for _, tt := range empty {
		t.Run(tt.format+" empty", func(t *testing.T) {
			resp, body := f.send(t, "GET", "/api/v1/surveys/"+slug+"/responses."+tt.format, f.officer, "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status: got %d %s, want 200", resp.StatusCode, body)
			}
			tt.check(t, body)
		})
	}
}

// Replacing a definition that does not say its status keeps the status the
// survey has: editing wording must not quietly close or reopen it.
func TestReplaceKeepsStatusUnlessGiven(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	if status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/close", f.officer, ""); status != 200 {
		t.Fatalf("close: got %d %v", status, got)
	}
	tests := []struct {
		name, def, want string
	}{
		{"no status in the definition", strings.Replace(parksJSON, `"status": "open",`, "", 1), "closed"},
		{"status given", parksJSON, "open"},
	}
	for _, tt := range tests {
		if status, got := f.do(t, "PUT", "/api/v1/surveys/"+slug, f.officer, tt.def); status != 200 {
			t.Fatalf("%s: PUT got %d %v", tt.name, status, got)
		}
		if _, got := f.do(t, "GET", "/api/v1/surveys/"+slug, f.officer, ""); got["status"] != tt.want {
			t.Errorf("%s: status after PUT: got %v, want %s", tt.name, got["status"], tt.want)
		}
	}
}

func TestListSurveysStatusFilter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.create(t, parksJSON)
	status, got := f.do(t, "GET", "/api/v1/surveys?status=bogus", f.officer, "")
	checkError(t, status, got, http.StatusUnprocessableEntity, "status")
	status, got = f.do(t, "GET", "/api/v1/surveys?status=open", f.officer, "")
	if list, _ := got["surveys"].([]any); status != 200 || len(list) != 1 {
		t.Errorf("status=open: got %d with %d surveys, want 200 with 1", status, len(list))
	}
}

// An interpreter's entry keeps the person's own words beside the English,
// through the API, storage, the responses list and the exports.
func TestOriginalsRoundTrip(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, withSlug(parksJSON, "originals"))
	body := `{"language": "en", "answers": {"visit": "yes", "comment": "The paths are too dark at night"},
		"mediation": {"mode": "face_to_face", "interpreter_language": "ur", "interpreter": "Community interpreting service", "consent_confirmed": true},
		"originals": {"comment": {"language": "ur", "text": "رات کو راستے بہت اندھیرے ہوتے ہیں"}}}`
	ref := f.submit(t, slug, f.interpreter, body)
	r := f.byReference(t, slug, ref)
	want := surveys.Original{Language: "ur", Text: "رات کو راستے بہت اندھیرے ہوتے ہیں"}
	if got := r.Originals["comment"]; got != want {
		t.Errorf("stored original: got %+v, want %+v", got, want)
	}
	if got := r.Answer("comment"); len(got) != 1 || got[0] != "The paths are too dark at night" {
		t.Errorf("stored answer: got %v, want the English", got)
	}

	resp, data := f.send(t, "GET", "/api/v1/surveys/"+slug+"/responses.csv", f.officer, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: got %d", resp.StatusCode)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export: got %d rows, %v", len(rows), err)
	}
	cell := map[string]string{}
	for i, name := range rows[0] {
		cell[name] = rows[1][i]
	}
	if cell["comment"] != "The paths are too dark at night" || cell["comment_original"] != want.Text || cell["comment_original_language"] != "ur" {
		t.Errorf("export: got comment %q, original %q (%q); want the English beside the Urdu", cell["comment"], cell["comment_original"], cell["comment_original_language"])
	}

	// A resident's own response cannot carry originals.
	status, got := f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", "",
		`{"answers": {"visit": "yes", "comment": "x"}, "originals": {"comment": {"language": "ur", "text": "ایکس"}}}`)
	checkError(t, status, got, http.StatusUnprocessableEntity, "originals.comment")
	// An unknown field inside an original is named.
	status, got = f.do(t, "POST", "/api/v1/surveys/"+slug+"/responses", f.interpreter,
		`{"answers": {"visit": "yes", "comment": "x"}, "mediation": {"consent_confirmed": true}, "originals": {"comment": {"lang": "ur", "text": "ایکس"}}}`)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("unknown field in an original: got %d %v, want 422", status, got)
	}
}

// addUser adds a user with a token to the fixture's database.
func (f *fixture) addUser(t *testing.T, u surveys.NewUser) string {
	t.Helper()
	u.Password = "a long enough password"
	if _, err := f.svc.AddUser(f.ctx, &u); err != nil {
		t.Fatalf("AddUser(%s): %v", u.Email, err)
	}
	token, err := f.svc.CreateToken(f.ctx, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// Who sees what: officers every response; a community group member those
// their organisation entered (by any of its members); an interpreter those
// they entered. The same rule holds for the list and every export format.
func TestWhoSeesWhat(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, withSlug(parksJSON, "who-sees"))
	colleague := f.addUser(t, surveys.NewUser{Email: "colleague@example.org", Name: "Bea", Role: surveys.RolePartner, Organisation: partnerOrg})
	otherGroup := f.addUser(t, surveys.NewUser{Email: "other@example.org", Name: "Cai", Role: surveys.RolePartner, Organisation: "Handsworth Carers"})
	otherInterpreter := f.addUser(t, surveys.NewUser{Email: "bsl@example.org", Name: "Dee", Role: surveys.RoleInterpreter})
	mediated := `{"answers": {"visit": "yes", "comment": "%s"}, "mediation": {"mode": "face_to_face", "consent_confirmed": true}}`
	entries := []struct{ token, comment string }{
		{"", "note resident"},
		{f.partner, "note partner"},
		{colleague, "note colleague"},
		{otherGroup, "note other group"},
		{f.interpreter, "note interpreter"},
		{otherInterpreter, "note other interpreter"},
		{f.officer, "note officer"},
	}
	for _, e := range entries {
		body := fmt.Sprintf(mediated, e.comment)
		if e.token == "" {
			body = fmt.Sprintf(`{"answers": {"visit": "yes", "comment": "%s"}}`, e.comment)
		}
		f.submit(t, slug, e.token, body)
	}
	everyone := []string{"note colleague", "note interpreter", "note officer", "note other group", "note other interpreter", "note partner", "note resident"}
	tests := []struct {
		role  string
		token string
		want  []string
	}{
		{"officer", f.officer, everyone},
		{"partner", f.partner, []string{"note colleague", "note partner"}},
		{"partner's colleague", colleague, []string{"note colleague", "note partner"}},
		{"another group", otherGroup, []string{"note other group"}},
		{"interpreter", f.interpreter, []string{"note interpreter"}},
		{"another interpreter", otherInterpreter, []string{"note other interpreter"}},
	}
	base := "/api/v1/surveys/" + slug + "/responses"
	for _, tt := range tests {
		t.Run(tt.role+" list", func(t *testing.T) {
			status, got := f.do(t, "GET", base, tt.token, "")
			if status != http.StatusOK {
				t.Fatalf("status: got %d %v, want 200", status, got)
			}
			var comments []string
			for _, r := range got["responses"].([]any) {
				comments = append(comments, r.(map[string]any)["answers"].(map[string]any)["comment"].(string))
			}
			sort.Strings(comments)
			if !reflect.DeepEqual(comments, tt.want) {
				t.Errorf("got %v, want %v", comments, tt.want)
			}
		})
		for _, format := range []string{"csv", "json"} {
			t.Run(tt.role+" "+format, func(t *testing.T) {
				resp, data := f.send(t, "GET", base+"."+format, tt.token, "", "")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status: got %d, want 200", resp.StatusCode)
				}
				for _, c := range everyone {
					if got, want := strings.Contains(string(data), `"`+c+`"`) || strings.Contains(string(data), ","+c+","), contains(tt.want, c); got != want {
						t.Errorf("export has %q: got %v, want %v", c, got, want)
					}
				}
			})
		}
	}
	t.Run("without a token", func(t *testing.T) {
		status, got := f.do(t, "GET", base, "", "")
		checkError(t, status, got, http.StatusUnauthorized, "")
	})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
