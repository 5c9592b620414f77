package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/voices-uk/voices/surveys"
)

// AuditColumns are the columns of the audit log's CSV export.
var AuditColumns = []string{"id", "at", "actor", "action", "target", "detail"}

// AuditCSV writes the whole audit log to w as CSV, oldest first, streaming.
// Targets and details can hold what people typed (an email address, an
// organisation's name), so every cell is made safe for spreadsheets.
func AuditCSV(ctx context.Context, store surveys.AuditStore, w io.Writer) error {
	buf := bufio.NewWriterSize(w, 64<<10)
	out := csv.NewWriter(buf)
	if err := out.Write(AuditColumns); err != nil {
		return err
	}
	row := make([]string, len(AuditColumns))
	err := store.EachAuditEvent(ctx, func(e *surveys.AuditEvent) error {
		row[0], row[1] = strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339)
		row[2], row[3], row[4], row[5] = e.Actor, e.Action, e.Target, e.Detail
		for i := range row {
			row[i] = SafeCell(row[i])
		}
		return out.Write(row)
	})
	if err != nil {
		return err
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return err
	}
	return buf.Flush()
}
