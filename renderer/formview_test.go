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
			if s.PerChild {
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
				var rows []any
				for _, r := range answers.Values[fd.ID].([]any) {
					rows = append(rows, DecodeRow(fd, EncodeRow(fd, r.(map[string]any))))
				}
				decoded.Values[fd.ID] = rows
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
