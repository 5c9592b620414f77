package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

// Stored answers are shown to officers: markup in them is always shown as
// text, never run, on every page that shows answers.
func TestStoredMarkupIsEscaped(t *testing.T) {
	f := newWebFixture(t, 0)
	base := f.survey(t, entryYAML)
	officer := f.signedIn(t, "olu@example.org", surveys.RoleOfficer, "")
	attacks := []string{
		`<script>alert("comment")</script>`,
		`"><img src=x onerror=alert(1)>`,
		`javascript:alert(1)`,
		`</textarea><svg onload=alert(1)>`,
	}
	var refs []string
	for _, a := range attacks {
		refs = append(refs, enterFor(t, officer, base, "visit", "yes", "likes", "other", "likes_other", a, "comment", a,
			"comment_original", a, "comment_original_language", "ur"))
	}
	slug := strings.TrimPrefix(base, "/s/")
	if _, err := f.svc.PutCodebook(f.ctx, mustSurvey(t, f, slug), []byte("themes:\n  - {id: x, name: \"<b>bold</b><script>alert(2)</script>\"}\n")); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/dashboard" + base, "/dashboard" + base + "/themes", "/dashboard" + base + "/themes/review",
		"/dashboard" + base + "/themes/codebook"}
	for _, ref := range refs {
		pages = append(pages, "/dashboard"+base+"/r/"+ref, "/dashboard"+base+"/r/"+ref+"/correct")
	}
	for _, path := range pages {
		p := officer.get(path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, p.status)
			continue
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>bold</b>"} {
			if strings.Contains(p.body, bad) {
				t.Errorf("GET %s: the page holds %q unescaped", path, bad)
			}
		}
	}
	// And the answers are there, as text.
	if p := officer.get("/dashboard" + base + "/r/" + refs[0]); !strings.Contains(p.body, "&lt;script&gt;alert(&#34;comment&#34;)&lt;/script&gt;") {
		t.Errorf("the detail page does not show the answer as text")
	}
}
