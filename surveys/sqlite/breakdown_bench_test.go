package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voices-uk/voices/migrations"
	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/sqlite"
)

const breakdownResponses = 1_000_000

// breakdownGenerator changes whenever the generated data below does, so a
// cached database from an older generator is not used.
const breakdownGenerator = 1

const breakdownDefinition = `
slug: care-bench
title: {en: "Care"}
languages: [en]
status: open
equality_monitoring: true
questions:
  - key: rating
    type: scale
    min: 1
    max: 5
    prompt: {en: "How good is care?"}
  - key: services
    type: multiple_choice
    prompt: {en: "Which services do you use?"}
    options:
      - {value: home_care, label: {en: "Care at home"}}
      - {value: day_centre, label: {en: "Day centres"}}
      - {value: respite, label: {en: "Respite"}}
      - {value: meals, label: {en: "Meals"}}
  - key: matters
    type: long_text
    prompt: {en: "What matters most?"}
`

// breakdownDB returns the path of a database holding breakdownResponses
// responses to the survey "care-bench". Generating it takes about a minute,
// so it is kept in os.TempDir() under a name made of the schema version
// (a hash of every migration file) and breakdownGenerator, and reused by later runs;
// delete voices-breakdown-*.db there to start afresh. Data is written with
// SQL in bulk; only the counting is measured.
//
// The distribution, for response i (1-based):
//   - one in ten (i % 10 == 0) has no equality answers at all;
//   - every equality characteristic is an option of its question picked by
//     a multiplicative hash of i, with prefer_not_to_say among the choices
//     and one choice in (options + 2) left unanswered (NULL);
//   - channel cycles web, sms, assisted, import; entered_by is self except
//     for assisted (community_group) and import (interpreter);
//   - rating is answered by nine in ten, 1 to 5; services has one option,
//     and a second one for every third response; matters is answered by all;
//   - every other response's answer to matters is coded by one officer:
//     "transport" when i % 4 == 0, "cost" and "staff" when i % 4 == 2.
func breakdownDB(b *testing.B) string {
	b.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(names) == 0 {
		b.Fatal("no migrations", err)
	}
	schema := sha256.New()
	for _, name := range names {
		data, err := migrations.FS.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		schema.Write(data)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("voices-breakdown-%x-g%d-%d.db", schema.Sum(nil)[:6], breakdownGenerator, breakdownResponses))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("generating %d responses in %s (kept for later runs)", breakdownResponses, path)
	tmp := path + ".partial"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	if err := generateBreakdownDB(tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

func generateBreakdownDB(path string) error {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	svc := &surveys.Service{Store: db}
	s, err := svc.CreateSurvey(ctx, []byte(breakdownDefinition))
	if err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=synchronous(OFF)&_pragma=foreign_keys(0)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)

	// pick is an SQL expression choosing one of values by a hash of i;
	// "" stands for NULL (not answered).
	pick := func(prime int, values []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "CASE ((i * %d) %% 1000003) %% %d", prime, len(values))
		for k, v := range values {
			if v == "" {
				fmt.Fprintf(&b, " WHEN %d THEN NULL", k)
			} else {
				fmt.Fprintf(&b, " WHEN %d THEN '%s'", k, v)
			}
		}
		return b.String() + " END"
	}
	choices := func(key string) []string {
		var out []string
		for _, o := range surveys.EqualityQuestionByKey(key).Options {
			out = append(out, o.ID)
		}
		return append(out, surveys.PreferNotToSay, "")
	}
	broad := "CASE eq.ethnic_group WHEN 'prefer_not_to_say' THEN 'prefer_not_to_say'"
	for _, o := range surveys.EqualityQuestionByKey("ethnic_group").Options {
		broad += fmt.Sprintf(" WHEN '%s' THEN '%s'", o.ID, o.Group)
	}
	broad += " END"
	disability := append(append([]string{}, surveys.DisabilityMeasures...), surveys.PreferNotToSay, "")

	script := fmt.Sprintf(`
INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('coder@example.org', 'Coder', 'officer', 'x', '2026-01-01T00:00:00.000000Z');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[1]d)
INSERT INTO responses (id, survey_id, reference, submitted_at, channel, language, entered_by)
SELECT i, %[2]d, printf('B%%07d', i), strftime('%%Y-%%m-%%dT%%H:%%M:%%f000Z', '2026-11-01', '+' || i || ' seconds'),
       CASE i %% 4 WHEN 0 THEN 'web' WHEN 1 THEN 'sms' WHEN 2 THEN 'assisted' ELSE 'import' END, 'en',
       CASE i %% 4 WHEN 2 THEN 'community_group' WHEN 3 THEN 'interpreter' ELSE 'self' END
FROM n;
CREATE TEMP TABLE eq AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[1]d)
SELECT i, %[3]s AS age_band, %[4]s AS sex, %[5]s AS gender_identity, %[6]s AS sexual_orientation, %[7]s AS ethnic_group,
       %[8]s AS religion, %[9]s AS disability, %[10]s AS unpaid_care, %[11]s AS main_language FROM n WHERE i %% 10 != 0;
INSERT INTO equality_answers (response_id, standard, age_band, sex, gender_identity, sexual_orientation, ethnic_group,
       ethnic_group_broad, religion, disability, unpaid_care, main_language)
SELECT i, 'ons2021', age_band, sex, gender_identity, sexual_orientation, ethnic_group, %[12]s,
       religion, disability, unpaid_care, main_language FROM eq;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[1]d)
INSERT INTO answers (response_id, question_key, position, value)
SELECT i, 'rating', 0, ((i * 31) %% 5) + 1 FROM n WHERE i %% 10 != 5;
INSERT INTO answers (response_id, question_key, position, value)
SELECT id, 'services', 0, CASE id %% 4 WHEN 0 THEN 'home_care' WHEN 1 THEN 'day_centre' WHEN 2 THEN 'respite' ELSE 'meals' END FROM responses;
INSERT INTO answers (response_id, question_key, position, value)
SELECT id, 'services', 1, CASE id %% 4 WHEN 0 THEN 'day_centre' WHEN 1 THEN 'respite' WHEN 2 THEN 'meals' ELSE 'home_care' END FROM responses WHERE id %% 3 = 0;
INSERT INTO answers (response_id, question_key, position, value)
SELECT id, 'matters', 0, 'Getting to appointments by bus is hard and the carers change too often. ' || id FROM responses;
INSERT INTO theme_codings (response_id, question_key, coder_id, themes, codebook_version, coded_at)
SELECT id, 'matters', 1, CASE id %% 4 WHEN 0 THEN '["transport"]' ELSE '["cost","staff"]' END, 1, '2026-12-01T00:00:00.000000Z'
FROM responses WHERE id %% 2 = 0;`,
		breakdownResponses, s.ID,
		pick(7919, choices("age_band")), pick(104729, choices("sex")), pick(1299709, choices("gender_identity")),
		pick(15485863, choices("sexual_orientation")), pick(32452843, choices("ethnic_group")), pick(49979687, choices("religion")),
		pick(67867967, disability), pick(86028121, choices("unpaid_care")), pick(179424673, choices("main_language")),
		broad)
	tx, err := raw.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(script); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	// Rows written straight into the tables get their breakdown profiles
	// the way a migrated database does.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.RebuildBreakdownProfiles(ctx)
}

// BenchmarkBreakdown1M counts 1,000,000 responses by ethnic_group_broad,
// age_band and disability: alone, with the answers to a multiple choice
// question, and with a theme. The target for the first is under a
// second on the project's two-core machines.
func BenchmarkBreakdown1M(b *testing.B) {
	path := breakdownDB(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s, err := db.Survey(ctx, "care-bench")
	if err != nil {
		b.Fatal(err)
	}
	by := []string{"ethnic_group_broad", "age_band", "disability"}
	for _, bench := range []struct {
		name string
		q    surveys.BreakdownQuery
	}{
		{"three-way", surveys.BreakdownQuery{By: by}},
		{"three-way+question", surveys.BreakdownQuery{By: by, Question: "services"}},
		{"three-way+theme", surveys.BreakdownQuery{By: by, Theme: "transport"}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				counts, err := db.CountGroups(ctx, s.ID, bench.q)
				if err != nil {
					b.Fatal(err)
				}
				total := 0
				for _, c := range counts {
					total += c.Count
				}
				if bench.q.Question == "" && total != breakdownResponses {
					b.Fatalf("got %d respondents, want %d", total, breakdownResponses)
				}
			}
		})
	} // The representation page's counting: every equality characteristic
	// by day, in one read of the profiles.
	b.Run("by-day", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			counts, err := db.CountByDay(ctx, s.ID, time.UTC)
			if err != nil {
				b.Fatal(err)
			}
			total := 0
			for _, c := range counts {
				if c.Dimension == "age_band" {
					total += c.Count
				}
			}
			if total != breakdownResponses {
				b.Fatalf("got %d respondents, want %d", total, breakdownResponses)
			}
		}
	})
}
