package renderer

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
)

func chronologyField(t *testing.T) (*engine.Field, []engine.Child) {
	t.Helper()
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("multi-agency-chronology")
	return form.Field("chronology_entries"), form.Children(enginetest.CaseData(form, 3))
}

// Rows as Excel copies them: tab-separated, a cell with a line break quoted, a first line of headings in
// another order than the table's; dates the British way, children by name or "all".
func TestReadPasteAsExcelCopiesIt(t *testing.T) {
	fd, children := chronologyField(t)
	text := "Event or incident\tDate\tChild or children concerned\tSource of information or agency\r\n" +
		"\"Home visit.\r\nBoth parents \"\"present\"\".\"\t27/03/2024\tAurora, Orion\tSchool\r\n" +
		"Police call-out\t3 February 2024\tall\t\r\n" +
		"\t\t\t\r\n" +
		"Assessment\t2024-01-05 00:00:00\tLyra Boreo\tGP\r\n"
	p := ReadPaste(context.Background(), fd, text, children)
	if p.Problem != "" || len(p.Rows) != 3 {
		t.Fatalf("read %d rows, problem %q", len(p.Rows), p.Problem)
	}
	want := []map[string]any{
		{"event": "Home visit.\nBoth parents \"present\".", "date": map[string]any{"day": "27", "month": "3", "year": "2024"},
			"children_concerned": []any{"c1", "c2"}, "source": "School"},
		{"event": "Police call-out", "date": map[string]any{"day": "3", "month": "2", "year": "2024"}, "children_concerned": []any{"c1", "c2", "c3"}},
		{"event": "Assessment", "date": map[string]any{"day": "5", "month": "1", "year": "2024"}, "children_concerned": []any{"c3"}, "source": "GP"},
	}
	for i, r := range p.Rows {
		if len(r.Problems) > 0 || !reflect.DeepEqual(r.Values, want[i]) {
			t.Errorf("row %d: %v %v\nwant %v", i+1, r.Values, r.Problems, want[i])
		}
	}
}

// Cells that cannot be read say why, by column; the row is kept as pasted, with the heading line, for
// correction.
func TestReadPasteKeepsWhatItCannotRead(t *testing.T) {
	fd, children := chronologyField(t)
	p := ReadPaste(context.Background(), fd, "1/2/2024\tAurora\tFine\n"+"last Tuesday\tBob\tNot fine\textra\n"+"2/2/2024\tOrion\tToo many\tSchool\ta\tb\tc\n", children)
	if len(p.Rows) != 3 || p.Heading != nil {
		t.Fatalf("rows %d, heading %v", len(p.Rows), p.Heading)
	}
	if len(p.Rows[0].Problems) != 0 {
		t.Fatalf("a good row has problems: %v", p.Rows[0].Problems)
	}
	got := p.Rows[1].Problems
	if len(got) != 2 || got[0].Column != "Date" || !strings.Contains(got[0].Message, "like 27/3/2024") ||
		got[1].Column != "Child or children concerned" || !strings.Contains(got[1].Message, "“Bob” is not one of the children") {
		t.Fatalf("problems of row 2: %+v", got)
	}
	if p.Rows[1].Values != nil {
		t.Fatal("a row that could not be read has answers")
	}
	if got := p.Rows[2].Problems; len(got) != 1 || !strings.Contains(got[0].Message, "This line has 7 cells, but the table has 6 columns") {
		t.Fatalf("problems of row 3: %+v", got)
	}
	if kept := p.Text(p.Rows[1:2]); kept != "last Tuesday\tBob\tNot fine\textra\n" {
		t.Fatalf("kept %q", kept)
	}
}

// EncodePaste and ReadPaste agree: rows pasted as EncodePaste writes them read back as the answers.
func TestPasteRoundTrip(t *testing.T) {
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, form := range lib.All() {
		caseData := enginetest.CaseData(form, 3)
		answers := enginetest.Answers(form, caseData, 4, today)
		children := form.Children(caseData)
		for _, s := range form.Sections {
			for _, fd := range s.Fields {
				if !fd.Container() || fd.ReadOnly {
					continue
				}
				rows, _ := answers.Values[fd.ID].([]any)
				p := ReadPaste(context.Background(), fd, EncodePaste(fd, rows, children), children)
				if len(p.Rows) != len(rows) {
					t.Fatalf("%s %s: %d rows back, want %d", form.ID, fd.ID, len(p.Rows), len(rows))
				}
				for i, r := range p.Rows {
					if len(r.Problems) > 0 {
						t.Fatalf("%s %s row %d: %v", form.ID, fd.ID, i+1, r.Problems)
					}
					got := form.ValidateRow(caseData, answers, fd, "", r.Values, i, engine.ValidateOptions{Today: today})
					if len(got) > 0 {
						t.Errorf("%s %s row %d read back with problems: %v", form.ID, fd.ID, i+1, got)
					}
				}
			}
		}
	}
}
