package server_test

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
)

// A body over the limit is refused by fasthttp before any handler runs;
// app.Test cannot see that answer, so this test uses a real listener.
func TestBodyOverLimitOnRealListener(t *testing.T) {
	f := newFixture(t)
	slug := f.create(t, parksJSON)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.app.Listener(ln)
	t.Cleanup(func() { f.app.Shutdown() })

	body := `{"answers": {"visit": "yes", "comment": "` + strings.Repeat("x", 1<<20) + `"}}`
	resp, err := http.Post("http://"+ln.Addr().String()+"/api/v1/surveys/"+slug+"/responses", "application/json", strings.NewReader(body))
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
