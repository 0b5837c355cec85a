package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/store"
)

// Demo account: the README gives these so a newcomer can sign in at once.
const (
	DemoEmail    = "demo.professional@example.org"
	DemoPassword = "demo portal password 2026"

	DemoStaffEmail    = "demo.staff@council.example"
	DemoStaffPassword = "demo staff password 2026"
)

// SeedDemo adds the demo data once: a council staff member (an admin of the staff console), a
// professional with a verified account, two delegated tasks (a
// Multi-Agency Chronology for two siblings, a Care Plan part 1), and in the Children's Portal a saved
// draft, a submitted referral and one returned for more information. Running it again changes nothing.
func (a *App) SeedDemo(ctx context.Context) error {
	_, err := a.store.UserByEmail(ctx, DemoEmail)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash, err := hashPassword(DemoPassword)
	if err != nil {
		return err
	}
	now := a.now()
	u := &store.User{ID: newID(), Email: DemoEmail, Forename: "Sam", Surname: "Jones", Organisation: "Cherwell Primary School",
		Phone: "01632960001", PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("demo professional: %w", err)
	}
	sender := map[string]any{"name": "Nyree Ellison-Anjos", "department": "ICT Applications and Systems Team",
		"address": "Speedwell House\nSpeedwell Street\nOXFORD\nOX1 1NE", "email": "nyree.ellison-anjos@council.example"}
	delegations := []struct {
		form, due, comments string
		sections            []string
		caseData            map[string]any
	}{
		{"multi-agency-chronology", now.AddDate(0, 0, 14).Format(time.DateOnly), "Please include all contact since January.", nil, map[string]any{
			"familyName": "Boreo family", "address": "41 Test Street, Testertown, TS1 1ST", "sender": sender,
			"children": []any{
				map[string]any{"id": "c1", "name": "Aurora Boreo", "dob": "2016-01-01", "gender": "Female"},
				map[string]any{"id": "c2", "name": "Orion Boreo", "dob": "2018-05-20", "gender": "Male"},
			}}},
		{"care-plan-part-1", "", "", []string{"contributor", "health", "education", "supporting_documentation"}, map[string]any{
			"sender": sender,
			"child": map[string]any{"id": "p1001", "name": "Frodo Bagginski", "dob": "2012-09-22", "gender": "Male",
				"ethnicity": "White - English, Welsh, Scottish, Northern Irish or British", "legalStatus": "Interim care order (section 38)",
				"address": "Address withheld", "placement": map[string]any{"type": "Foster placement with a relative or friend", "address": "Address withheld", "startDate": "2024-11-04"}}}},
	}
	for _, d := range delegations {
		if a.forms.Get(d.form) == nil {
			continue // a council that removed the form
		}
		raw, _ := json.Marshal(d.caseData)
		resp := &store.Response{ID: newID(), Kind: store.KindDelegation, FormID: d.form, Sections: d.sections, OwnerEmail: DemoEmail,
			OwnerName: u.Name(), OwnerOrg: u.Organisation, CaseData: raw, Status: store.StatusSent, DueDate: d.due, Comments: d.comments,
			CreatedAt: now, UpdatedAt: now}
		if err := a.createDelegation(ctx, resp, "demo"); err != nil {
			return fmt.Errorf("demo delegation %s: %w", d.form, err)
		}
	}
	staffHash, err := hashPassword(DemoStaffPassword)
	if err != nil {
		return err
	}
	staff := &store.User{ID: newID(), Email: DemoStaffEmail, Forename: "Nyree", Surname: "Ellison-Anjos", Organisation: "Children's Services",
		Role: store.RoleAdmin, PasswordHash: staffHash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}
	if err := a.store.CreateUser(ctx, staff); err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	if err := a.seedDemoReferrals(ctx, u); err != nil {
		return fmt.Errorf("demo referrals: %w", err)
	}
	a.log.Info("demo data added", "email", DemoEmail)
	return nil
}

// seedDemoReferrals gives the demo professional a saved draft, a submitted form and a returned one.
func (a *App) seedDemoReferrals(ctx context.Context, u *store.User) error {
	now := a.now()
	caseData := map[string]any{"submitter": map[string]any{"type": engine.AudienceProf, "name": u.Name(), "email": u.Email,
		"organisation": u.Organisation, "telephone": u.Phone}}
	raw, _ := json.Marshal(caseData)
	for i, form := range []string{"safeguarding-concern", "early-help-request", "safeguarding-concern"} {
		f := a.forms.Get(form)
		if f == nil {
			continue
		}
		answers := enginetest.Answers(f, caseData, 2, now)
		resp := &store.Response{ID: newID(), Kind: store.KindReferral, FormID: form, OwnerUserID: u.ID, OwnerEmail: u.Email,
			OwnerName: u.Name(), OwnerOrg: u.Organisation, CaseData: raw, Status: store.StatusDraft,
			CreatedAt: now.AddDate(0, 0, -3+i), UpdatedAt: now.AddDate(0, 0, -3+i)}
		if i == 0 {
			// A draft: only the first sections answered, saved three days ago.
			prefilled, _ := f.Prefill(caseData)
			for _, s := range f.Sections[:min(3, len(f.Sections))] {
				for _, fd := range s.Fields {
					if v, ok := answers.Values[fd.ID]; ok {
						prefilled.Values[fd.ID] = v
					}
				}
			}
			answers = prefilled
		} else {
			res := f.Validate(caseData, answers, engine.ValidateOptions{Today: now})
			if !res.Valid() {
				return fmt.Errorf("sample answers for %s do not validate: %v", form, res.Errors)
			}
			resp.Submission, _ = json.Marshal(res.Submission)
			resp.Status, resp.SubmittedAt, resp.Reference = store.StatusSubmitted, resp.UpdatedAt, reference(resp.UpdatedAt)
		}
		resp.Answers, _ = json.Marshal(answers)
		if err := a.store.CreateResponse(ctx, resp, a.event(resp.ID, "created", "demo", "")); err != nil {
			return err
		}
		if i == 2 {
			if _, err := a.returnReferral(ctx, resp, "Insufficient Detail", "Can you please provide further information regarding this referral?", "demo"); err != nil {
				return err
			}
		}
	}
	return nil
}
