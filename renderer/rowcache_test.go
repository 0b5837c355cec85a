package renderer

import (
	"bytes"
	"context"
	"testing"

	"formportal/engine"
	"formportal/i18n"
)

// A row's markup kept is drawn again only for a row that shows exactly the same: changing anything a row
// shows, with the row before it kept, draws what the row drawn afresh is.
func TestRowCacheKeyHasAllARowShows(t *testing.T) {
	field := &engine.Field{ID: "events", Label: "Events", Type: engine.TypeTable}
	base := func() (FieldView, TableRow) {
		f := FieldView{Field: field, ID: "events", Label: "Events", Table: &TableView{Columns: []*engine.Field{{ID: "event", Label: "Event"}, {ID: "date", Label: "Date"}},
			Total: 1, Pages: 1, Page: 1, From: 1, To: 1, Noun: "row", Nouns: "rows", RowHref: "/tasks/t1/pages/chronology?field=events&row=", InPlace: true}}
		return f, TableRow{Index: 0, Label: "Row 1", Cells: []string{"Police called", "1 March 2026"}, Hash: "abc123"}
	}
	draw := func(ctx context.Context, f FieldView, row TableRow) string {
		t.Helper()
		f.Table.Rows = []TableRow{row}
		var buf bytes.Buffer
		if err := TableRows(f).Render(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	ctx := context.Background()
	changes := map[string]func(ctx *context.Context, f *FieldView, row *TableRow){
		"field view id": func(_ *context.Context, f *FieldView, _ *TableRow) { f.ID = "children-c1-events" },
		"field id": func(_ *context.Context, f *FieldView, _ *TableRow) {
			f.Field = &engine.Field{ID: "entries", Type: engine.TypeTable}
		},
		"noun": func(_ *context.Context, f *FieldView, _ *TableRow) { f.Table.Noun = "event" },
		"column label": func(_ *context.Context, f *FieldView, _ *TableRow) {
			f.Table.Columns = []*engine.Field{{ID: "event", Label: "What happened"}, {ID: "date", Label: "Date"}}
		},
		"index":   func(_ *context.Context, _ *FieldView, row *TableRow) { row.Index = 1 },
		"label":   func(_ *context.Context, _ *FieldView, row *TableRow) { row.Label, row.Fixed = "School", true },
		"cell":    func(_ *context.Context, _ *FieldView, row *TableRow) { row.Cells = []string{"Police called", ""} },
		"hash":    func(_ *context.Context, _ *FieldView, row *TableRow) { row.Hash = "def456" },
		"problem": func(_ *context.Context, _ *FieldView, row *TableRow) { row.Problem = "Enter the date" },
		"mark":    func(_ *context.Context, _ *FieldView, row *TableRow) { row.Mark = "Which school?" },
		"focus":   func(_ *context.Context, _ *FieldView, row *TableRow) { row.Focus = true },
		"fixed":   func(_ *context.Context, _ *FieldView, row *TableRow) { row.Fixed = true },
		"language": func(ctx *context.Context, _ *FieldView, _ *TableRow) {
			*ctx = i18n.WithLang(*ctx, i18n.Welsh)
		},
	}
	for name, change := range changes {
		keptRows = newRowCache()
		f, row := base()
		before := draw(ctx, f, row)
		if again := draw(ctx, f, row); again != before {
			t.Fatalf("the same row drawn from the cache differs:\n%s\n%s", before, again)
		}
		cctx := ctx
		f, row = base()
		change(&cctx, &f, &row)
		got := draw(cctx, f, row)
		keptRows = newRowCache()
		if want := draw(cctx, f, row); got != want {
			t.Errorf("%s changed: the row kept from before was drawn:\n%s\nwant\n%s", name, got, want)
		} else if got == before {
			t.Errorf("%s changed, but the markup did not: the test changes nothing a row shows", name)
		}
	}
}
