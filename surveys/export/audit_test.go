package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"testing"
	"time"

	"github.com/voices-uk/voices/surveys"
	"github.com/voices-uk/voices/surveys/export"
)

// auditEvents is an audit log in memory.
type auditEvents []*surveys.AuditEvent

func (l auditEvents) RecordAudit(context.Context, *surveys.AuditEvent) error { return nil }
func (l auditEvents) AuditLog(context.Context, int64, int) ([]*surveys.AuditEvent, error) {
	return nil, nil
}
func (l auditEvents) AuditEvents(context.Context, surveys.AuditQuery) ([]*surveys.AuditEvent, error) {
	return nil, nil
}
func (l auditEvents) EachAuditEvent(_ context.Context, fn func(*surveys.AuditEvent) error) error {
	for _, e := range l {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func TestAuditCSV(t *testing.T) {
	at := time.Date(2027, 7, 12, 9, 30, 0, 0, time.FixedZone("BST", 3600))
	log := auditEvents{
		{ID: 1, At: at, Actor: "ada@example.org", Action: "organisation.add", Target: "organisation:انجمن خواتین"},
		{ID: 2, At: at, Actor: "=1+1", Action: "-x", Target: "+44 7700 900123", Detail: "@SUM(A1)"},
		{ID: 3, At: at, Actor: "\tcli", Action: "sign_in", Target: "\ruser:x", Detail: "-5"},
	}
	var buf bytes.Buffer
	if err := export.AuditCSV(context.Background(), log, &buf); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "at", "actor", "action", "target", "detail"},
		{"1", "2027-07-12T08:30:00Z", "ada@example.org", "organisation.add", "organisation:انجمن خواتین", ""},
		{"2", "2027-07-12T08:30:00Z", "'=1+1", "'-x", "'+44 7700 900123", "'@SUM(A1)"},
		{"3", "2027-07-12T08:30:00Z", "'\tcli", "sign_in", "'\ruser:x", "-5"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit CSV:\ngot  %q\nwant %q", got, want)
	}
}
