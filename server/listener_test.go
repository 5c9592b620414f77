package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A body over the limit is refused by fasthttp before any handler runs;
// app.Test cannot see that answer, so this test uses a real listener. It
// announces a body of 2 MiB and sends none: the refusal comes from the
// Content-Length alone, so the client is never cut off mid-upload.
func TestBodyOverLimitOnRealListener(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.app.Listener(ln)
	t.Cleanup(func() { f.app.Shutdown() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /api/v1/surveys/%s/responses HTTP/1.1\r\nHost: voices\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", slug, 2<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&got)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(got.Error, "too large") {
		t.Errorf("got %d %q, want 413 with a message saying it is too large", resp.StatusCode, got.Error)
	}
	if n := len(f.stored(t, slug)); n != 0 {
		t.Errorf("stored responses after a refused body: got %d, want 0", n)
	}
}

// When something fails behind a web page, people get a page, not JSON.
func TestWebPageServerErrorIsHTML(t *testing.T) {
	f := newFixture(t)
	f.db.Close()
	resp, body := f.send(t, "GET", "/", "", "", "")
	if resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), "Sorry, there is a problem with the service") {
		t.Errorf("GET / with the database closed: got %d %s %q, want a 500 page in HTML", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// Officers extend the interface's translations: a new language appears on
// the pages, its status is reported, and unknown keys are refused.
func TestTranslationsAPI(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, `{"slug": "libraries", "title": {"en": "Libraries", "pl": "Biblioteki"}, "languages": ["en", "pl"], "status": "open",
		"questions": [{"key": "use", "type": "yes_no", "prompt": {"en": "Do you use a library?", "pl": "Czy korzystasz z biblioteki?"}}]}`)

	status, got := f.do(t, "PUT", "/api/v1/translations/pl", f.officer, `{"_meta": {"status": "reviewed", "language_name": "Polski"}, "start.button": "Zacznij teraz", "nope.key": "x"}`)
	checkError(t, status, got, http.StatusUnprocessableEntity, "nope.key")

	status, got = f.do(t, "PUT", "/api/v1/translations/pl", f.partner, `{"start.button": "Zacznij teraz"}`)
	checkError(t, status, got, http.StatusForbidden, "")

	status, got = f.do(t, "PUT", "/api/v1/translations/pl", f.officer, `{"_meta": {"status": "machine_drafted"}, "start.button": "Zacznij teraz"}`)
	if status != http.StatusOK || got["status"] != "machine_drafted" {
		t.Fatalf("PUT pl: got %d %v, want 200 machine_drafted", status, got)
	}
	if missing, _ := got["missing"].([]any); len(missing) == 0 {
		t.Errorf("PUT pl: got no missing keys, want the many texts not yet translated")
	}
	_, body := f.send(t, "GET", "/s/"+slug+"?lang=pl", "", "", "")
	page := string(body)
	for _, want := range []string{`lang="pl"`, "Zacznij teraz", "drafted by machine"} {
		if !strings.Contains(page, want) {
			t.Errorf("start page in Polish: no %q in it", want)
		}
	}
	status, got = f.do(t, "GET", "/api/v1/translations", "", "")
	langs, _ := got["languages"].([]any)
	found := false
	for _, l := range langs {
		m, _ := l.(map[string]any)
		found = found || (m["code"] == "pl" && m["status"] == "machine_drafted")
	}
	if status != http.StatusOK || !found {
		t.Errorf("GET /api/v1/translations: got %d %v, want pl listed as machine_drafted", status, got)
	}
}
