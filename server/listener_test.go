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
