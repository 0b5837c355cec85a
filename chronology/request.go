package chronology

import (
	"encoding/json"

	"formportal/engine"
	"formportal/store"
)

// OfRequest merges the submitted contributions of a request's delegations (members, in the request's
// order) on the request's form. Contributions not submitted, or returned for more information, are
// left out until they are submitted (again). The family is the one in the first delegation's case data:
// every delegation of a request is sent with the same.
func OfRequest(form *engine.Form, members []*store.Response) (*Table, error) {
	var children []engine.Child
	if len(members) > 0 {
		var caseData any
		if err := json.Unmarshal(members[0].CaseData, &caseData); err == nil {
			children = form.Children(caseData)
		}
	}
	var list []Contribution
	for _, m := range members {
		if m.Status != store.StatusSubmitted || len(m.Submission) == 0 {
			continue
		}
		org := m.OwnerOrg
		if org == "" {
			org = m.OwnerEmail
		}
		list = append(list, Contribution{ResponseID: m.ID, Organisation: org, Submission: m.Submission})
	}
	return Merge(form, children, list)
}
