package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/voices-uk/voices/channels"
	"github.com/voices-uk/voices/surveys"
)

// DefaultImportLimit is the largest import file accepted unless configured:
// room for 100,000 rows of a typical survey.
const DefaultImportLimit = 32 << 20

// isImport reports whether a request uploads an import file, the one kind
// of request allowed past the ordinary body limit.
func isImport(method, uri string) bool {
	// Fiber routes are neither case-sensitive nor strict about a final
	// slash, so neither is this.
	path, _, _ := strings.Cut(strings.ToLower(uri), "?")
	path = strings.TrimSuffix(path, "/")
	return method == fiber.MethodPost && (strings.HasPrefix(path, "/api/v1/surveys/") && strings.HasSuffix(path, "/imports") ||
		strings.HasPrefix(path, "/dashboard/s/") && strings.HasSuffix(path, "/import"))
}

// signedIn lets any signed-in user through; what they may see is scoped
// by their role where the data is read.
func (s *Server) signedIn(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return surveys.Errorf(surveys.EUNAUTHORIZED, "Sign in or send an API token.")
	}
	return c.Next()
}

// importTemplate sends the CSV template of a survey's import.
func (s *Server) importTemplate(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Attachment(fmt.Sprintf("%s-import-template.csv", sv.Slug))
	return channels.ImportTemplate(c, sv)
}

// importResponses stores the good rows of an uploaded CSV and reports the
// rest by line.
func (s *Server) importResponses(c *fiber.Ctx) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); !strings.HasPrefix(ct, "text/csv") {
		return surveys.Errorf(surveys.EMALFORMED, "Send the file as text/csv.")
	}
	rows, err := channels.ReadImport(c.Body(), sv)
	if err != nil {
		return err
	}
	res, err := s.svc.Import(c.UserContext(), sv, currentUser(c), rows)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// The import pages: a community group member or officer uploads a CSV from
// the dashboard, and a page shows its progress, then which rows were
// stored and which were not, by line. The import runs in the background so
// that a 50,000-row file does not hold a request open; the page works
// without JavaScript (reload it), and with it a small script updates the
// progress bar. Jobs live in memory for an hour after they finish, seen
// only by whoever uploaded them: the stored rows and the audit log are the
// lasting record.

// importJobKeep is how long a finished import's report stays available.
const importJobKeep = time.Hour

// importJob is one upload being imported.
type importJob struct {
	ID       string
	UserID   int64
	Survey   *surveys.Survey
	Total    int
	started  time.Time
	mu       sync.Mutex
	done     int
	finished time.Time
	result   surveys.ImportResult
	err      error
}

type importJobStatus struct {
	Done     int                   `json:"done"`
	Total    int                   `json:"total"`
	Finished bool                  `json:"finished"`
	Failed   bool                  `json:"failed"`
	Result   *surveys.ImportResult `json:"result,omitempty"`
}

func (j *importJob) status() importJobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := importJobStatus{Done: j.done, Total: j.Total, Finished: !j.finished.IsZero(), Failed: j.err != nil}
	if st.Finished && j.err == nil {
		r := j.result
		st.Result = &r
	}
	return st
}

// importJobs holds the imports of this process.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

// start runs an import in the background and returns its job.
func (s *Server) startImport(u *surveys.User, sv *surveys.Survey, rows []surveys.ImportRow) *importJob {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	j := &importJob{ID: hex.EncodeToString(id), UserID: u.ID, Survey: sv, Total: len(rows), started: time.Now()}
	s.imports.mu.Lock()
	if s.imports.jobs == nil {
		s.imports.jobs = map[string]*importJob{}
	}
	for id, old := range s.imports.jobs {
		if st := old.status(); st.Finished && time.Since(old.finished) > importJobKeep {
			delete(s.imports.jobs, id)
		}
	}
	s.imports.jobs[j.ID] = j
	s.imports.mu.Unlock()
	go func() {
		// The request is over: the import has its own context, with the
		// uploader as the actor for the audit log.
		ctx, cancel := context.WithTimeout(surveys.WithActor(context.Background(), surveys.Actor{User: u}), 30*time.Minute)
		defer cancel()
		res, err := s.svc.ImportWithProgress(ctx, sv, u, rows, func(done, _ int) {
			j.mu.Lock()
			j.done = done
			j.mu.Unlock()
		})
		if err != nil {
			s.log.Error("import failed", "survey", sv.Slug, "error", err.Error())
		}
		j.mu.Lock()
		j.result, j.err, j.finished = res, err, time.Now()
		j.mu.Unlock()
	}()
	return j
}

// importJob returns the job in the path if the current user started it.
func (s *Server) importJob(c *fiber.Ctx) (*importJob, error) {
	s.imports.mu.Lock()
	j := s.imports.jobs[strings.TrimSuffix(c.Params("id"), ".json")]
	s.imports.mu.Unlock()
	if j == nil || j.UserID != currentUser(c).ID {
		return nil, surveys.Errorf(surveys.ENOTFOUND, "There is no import at this address. Import reports are kept for an hour.")
	}
	return j, nil
}

// importPage explains the import and offers the template and the upload.
func (s *Server) importPage(c *fiber.Ctx) error {
	sv, err := s.entrySurvey(c)
	if sv == nil {
		return err
	}
	return s.renderImport(c, fiber.StatusOK, sv, "")
}

func (s *Server) renderImport(c *fiber.Ctx, status int, sv *surveys.Survey, problem string) error {
	lang := c.Locals(langKey).(string)
	title := sv.Title.In(lang, sv.DefaultLanguage())
	p := &page{Lang: lang, Title: s.tr.T(lang, "import.title", title), Back: "/dashboard" + base(sv),
		Data: struct{ Survey, Template, Error, Limit string }{title, "/dashboard" + base(sv) + "/import/template.csv", problem, formatBytes(s.importLimit)}}
	if problem != "" {
		p.Errors = []summaryError{{Href: "#file", Text: problem}}
	}
	return s.render(c, status, "import", p)
}

// uploadImport reads an uploaded CSV and starts importing it.
func (s *Server) uploadImport(c *fiber.Ctx) error {
	sv, err := s.entrySurvey(c)
	if sv == nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return s.renderImport(c, fiber.StatusUnprocessableEntity, sv, s.tr.T(lang, "import.choose_file"))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	rows, err := channels.ReadImport(data, sv)
	if code := surveys.ErrorCode(err); code == surveys.EINVALID || code == surveys.EMALFORMED || code == surveys.ETOOLARGE {
		return s.renderImport(c, fiber.StatusUnprocessableEntity, sv, fileProblem(err))
	}
	if err != nil {
		return err
	}
	j := s.startImport(currentUser(c), sv, rows)
	return c.Redirect("/dashboard/imports/"+j.ID, fiber.StatusSeeOther)
}

// fileProblem is a file's problem as one sentence for the error summary.
func fileProblem(err error) string {
	msg := surveys.ErrorMessage(err)
	for _, k := range slices.Sorted(maps.Keys(surveys.ErrorFields(err))) {
		msg += " " + k + ": " + surveys.ErrorFields(err)[k] + "."
	}
	return msg
}

// importReport shows an import's progress, then its result.
func (s *Server) importReport(c *fiber.Ctx) error {
	j, err := s.importJob(c)
	if err != nil {
		return err
	}
	lang := c.Locals(langKey).(string)
	st := j.status()
	title := s.tr.T(lang, "import.report_title")
	if !st.Finished {
		title = s.tr.T(lang, "import.running_title")
		// Only this page runs script, and only our own file.
		c.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	}
	percent := 100
	if st.Total > 0 {
		percent = st.Done * 100 / st.Total
	}
	return s.render(c, fiber.StatusOK, "import_report", &page{Lang: lang, Title: title,
		Data: struct {
			Title, Survey, SurveyHref, Again, Script, Status, Self string
			Job                                                    importJobStatus
			Percent                                                int
		}{title, j.Survey.Title.In(lang, j.Survey.DefaultLanguage()), "/dashboard" + base(j.Survey), "/dashboard" + base(j.Survey) + "/import",
			progressScriptPath, c.Path() + ".json", c.Path(), st, percent}})
}

// importStatus is the progress of an import, for the page's script.
func (s *Server) importStatus(c *fiber.Ctx) error {
	j, err := s.importJob(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(j.status())
}

//go:embed static/import-progress.js
var progressScript []byte

// progressScriptPath carries a hash of the script, so it can be cached for ever.
var progressScriptPath = func() string {
	sum := sha256.Sum256(progressScript)
	return fmt.Sprintf("/static/import-progress-%x.js", sum[:4])
}()

func (s *Server) progressScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(progressScript)
}
