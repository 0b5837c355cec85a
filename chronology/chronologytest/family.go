// Package chronologytest makes the large multi-agency chronologies the benchmarks merge and draw.
package chronologytest

import (
	"encoding/json"
	"fmt"
	"time"

	"formportal/engine"
)

// Family is a family of six children (ids c1 to c6, as enginetest.CaseData names them) and agencies
// submissions of the Multi-Agency Chronology of rows rows each, spread over two years, with the same
// few kinds of event told by several agencies.
func Family(agencies, rows int) ([]engine.Child, []json.RawMessage) {
	var children []engine.Child
	for i := range 6 {
		children = append(children, engine.Child{ID: fmt.Sprintf("c%d", i+1), Name: fmt.Sprintf("Child %d Boreo", i+1)})
	}
	events := []string{"Home visit by the health visitor: the house was cold and there was little food",
		"Missed appointment at the dental surgery", "Police called to the home after a domestic incident",
		"Attended A&E with a head injury after a fall at home", "Exclusion from school for two days after a fight",
		"Reported missing overnight, found the next morning at a friend's house"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []json.RawMessage
	for a := range agencies {
		list := make([]any, rows)
		for i := range rows {
			list[i] = map[string]any{"date": start.AddDate(0, 0, (i*37+a*11)%730).Format(time.DateOnly),
				"children_concerned": []any{children[(i+a)%6].ID}, "event": events[(i+a)%len(events)] + fmt.Sprintf(" (entry %d)", i),
				"source": fmt.Sprintf("Agency %d", a), "outcome": "Referred to the family support team"}
		}
		raw, err := json.Marshal(engine.Answers{Values: map[string]any{"agency_currently_involved": "yes", "chronology_entries": list}})
		if err != nil {
			panic(err) // plain maps of strings always marshal
		}
		out = append(out, raw)
	}
	return children, out
}
