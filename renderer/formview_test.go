package renderer

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
)

// TestEncodeDecodeRoundTrip posts every section of every bundled form with sample answers, and each
// row of its tables and lists from its row page, and reads them back: the names the pages use and the
// decoders agree, and the decoded answers still validate.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, form := range lib.All() {
		caseData := enginetest.CaseData(form, 2)
		answers := enginetest.Answers(form, caseData, 3, today)
		decoded := engine.Answers{Values: map[string]any{}, Children: map[string]map[string]any{}}
		for _, s := range form.Sections {
			if s.Repeats() {
				for id, vals := range answers.Children {
					if decoded.Children[id] == nil {
						decoded.Children[id] = map[string]any{}
					}
					for k, v := range DecodeSection(s, EncodeSection(s, vals), vals) {
						decoded.Children[id][k] = v
					}
				}
				continue
			}
			for k, v := range DecodeSection(s, EncodeSection(s, answers.Values), answers.Values) {
				decoded.Values[k] = v
			}
			for _, fd := range s.Fields {
				if !fd.Container() || fd.ReadOnly {
					continue
				}
				decoded.Values[fd.ID] = roundTripRows(fd, answers.Values[fd.ID].([]any))
			}
		}
		want := form.Validate(caseData, answers, engine.ValidateOptions{Today: today})
		got := form.Validate(caseData, decoded, engine.ValidateOptions{Today: today})
		if !got.Valid() {
			t.Errorf("%s: decoded answers do not validate: %v", form.ID, got.Errors)
		}
		if !reflect.DeepEqual(normalise(t, got.Submission), normalise(t, want.Submission)) {
			t.Errorf("%s: round trip changed the submission\n got %v\nwant %v", form.ID, got.Submission, want.Submission)
		}
	}
}

// roundTripRows posts each row from its row page and reads it back. What a row page does not post is
// kept as the portal keeps it (lists15): the item's id, and a list inside the item, whose items are
// each posted from a page of their own.
func roundTripRows(fd *engine.Field, rows []any) []any {
	var out []any
	for _, r := range rows {
		row := r.(map[string]any)
		got := DecodeRow(fd, EncodeRow(fd, row))
		if id := engine.ItemID(row); id != "" {
			got[engine.ItemIDKey] = id
		}
		for _, col := range fd.Children() {
			if inner, ok := row[col.ID].([]any); ok && col.Container() {
				got[col.ID] = roundTripRows(col, inner)
			}
		}
		out = append(out, got)
	}
	return out
}

func normalise(t *testing.T, a engine.Answers) any {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(b, &v)
	return v
}
