package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// The staff console: everything the back-office API does, for a council without a case management
// system, and an audit log of who saw and changed what.

// caseRows is how many children (or other repeated case-data items) the "Delegate a form" page offers:
// six, for a sibling group on one form.
const caseRows = 6

// requireStaff lets only council staff through; anyone else gets "not found", so the console's
// existence is not advertised.
func (a *App) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := userFrom(r); u == nil || !u.IsStaff() {
			a.auditRefusal(r, actorOf(r), "access refused: not staff", "")
			a.notFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// audit records what a member of staff saw or did. A failure to audit fails the request: a view that
// cannot be accounted for must not happen.
func (a *App) audit(r *http.Request, action, target, detail string) error {
	return a.store.Audit(r.Context(), store.AuditEntry{At: a.now(), Actor: userFrom(r).Email, Action: action, Target: target, Detail: detail})
}

func (a *App) staffHome(w http.ResponseWriter, r *http.Request) {
	list, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Limit: 500})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var delegations, referrals []renderer.StaffRow
	for _, resp := range list {
		form := a.forms.Version(resp.FormID, resp.FormVersion)
		if form == nil {
			continue
		}
		var caseData any
		json.Unmarshal(resp.CaseData, &caseData)
		form = inLang(r.Context(), form)
		row := renderer.StaffRow{FormTitle: form.Title, Status: statusWords(r.Context(), resp.Status), Reference: resp.Reference}
		switch {
		case resp.Kind == store.KindDelegation:
			row.Href, row.Name, row.Owner = "/staff/delegations/"+resp.ID, taskNameIn(i18n.From(r.Context()), caseChildrenIn(i18n.From(r.Context()), form, caseData)), resp.OwnerEmail
			row.Due = dueOrNone(r.Context(), resp.DueDate)
			if reply, err := a.autoReplyFor(r.Context(), resp.OwnerEmail); err == nil && reply != nil {
				row.AutoReply = true
			}
			row.Overdue = casework.Overdue(resp, a.now())
			delegations = append(delegations, row)
		case resp.Status != store.StatusDraft:
			f, err := a.referralFlow(r.Context(), resp)
			if err != nil {
				a.serverError(w, r, err)
				return
			}
			row.Href, row.Name, row.Owner = "/staff/referrals/"+resp.ID, f.childName(r.Context()), resp.OwnerName+" ("+resp.OwnerEmail+")"
			referrals = append(referrals, row)
		}
	}
	a.render(w, r, renderer.StaffHome(a.page(r, i18n.T(r.Context(), "console.home.title")), delegations, referrals))
}

// autoReplyFor is the automatic reply in force for a professional's (verified) address, if any.
func (a *App) autoReplyFor(ctx context.Context, email string) (*store.AutoReply, error) {
	return a.work.AutoReplyFor(ctx, email)
}

// --- delegate a form ------------------------------------------------------------------------------

func (a *App) delegateForm(w http.ResponseWriter, r *http.Request) {
	v, form := a.delegateView(r)
	if form != nil {
		for i := range v.Sections {
			v.Sections[i].Checked = true
		}
		v.Case = caseInputs(r.Context(), form.CaseData, nil, nil)
	}
	a.render(w, r, renderer.DelegatePage(v))
}

func (a *App) delegateView(r *http.Request) (renderer.DelegateView, *engine.Form) {
	v := renderer.DelegateView{Page: a.page(r, i18n.T(r.Context(), "console.delegate.title"))}
	for _, f := range a.forms.All() {
		if f.Kind == engine.KindDelegation {
			v.Forms = append(v.Forms, renderer.OptionView{Value: f.ID, Label: inLang(r.Context(), f).Title})
		}
	}
	form := a.forms.Get(r.URL.Query().Get("form"))
	if form == nil || form.Kind != engine.KindDelegation {
		return v, nil
	}
	shown := inLang(r.Context(), form) // its titles in the language of the page; the form itself is sent
	v.FormID, v.FormTitle = form.ID, shown.Title
	v.Reminders = reminderText(form.Reminders)
	for _, s := range shown.Sections {
		if s.Delegable {
			v.Sections = append(v.Sections, renderer.OptionView{Value: s.ID, Label: s.Title})
		}
	}
	return v, form
}

// caseInputs makes questions from the form's case-data schema: its text properties, nested objects and
// lists of objects (a few rows of each, such as the children of a sibling group). The sender is filled
// from the member of staff, and ids of list items are made up, so neither is asked; a single child's id
// is its reference in the case management system, and is asked.
func caseInputs(ctx context.Context, schema map[string]any, posted map[string]string, errs map[string]string) []renderer.CaseInput {
	var out []renderer.CaseInput
	var walk func(schema map[string]any, path, group string, required, inList bool)
	walk = func(schema map[string]any, path, group string, required, inList bool) {
		props, _ := schema["properties"].(map[string]any)
		req := map[string]bool{}
		for _, r := range asStrings(schema["required"]) {
			req[r] = true
		}
		for _, key := range sortedProps(props, req) {
			sub, _ := props[key].(map[string]any)
			p := key
			if path != "" {
				p = path + "." + key
			}
			switch schemaKind(sub) {
			case "object":
				walk(sub, p, humanise(ctx, key), required && req[key], inList)
			case "array":
				items, _ := sub["items"].(map[string]any)
				if schemaKind(items) != "object" {
					continue
				}
				for i := range caseRows {
					walk(items, fmt.Sprintf("%s.%d", p, i), itemName(ctx, key, i+1), required && req[key] && i == 0, true)
				}
			case "string":
				if key == "id" && inList || strings.HasPrefix(p, "sender") {
					continue
				}
				in := renderer.CaseInput{Name: "case." + p, ID: "case-" + strings.ReplaceAll(p, ".", "-"), Label: humanise(ctx, key),
					Value: posted[p], Error: errs[p], Required: required && req[key]}
				if d, _ := sub["description"].(string); d != "" {
					in.Hint = d
				}
				in.Choices = asStrings(sub["enum"])
				if f, _ := sub["format"].(string); f == "date" {
					in.Hint = strings.TrimSpace(in.Hint + " " + i18n.T(ctx, "console.case.date_hint"))
					in.Date, in.Day, in.Month, in.Year = true, posted[p+".day"], posted[p+".month"], posted[p+".year"]
				}
				in.Group = group
				if group != "" {
					in.Context = " (" + group + ")"
				}
				out = append(out, in)
			}
		}
	}
	walk(schema, "", "", true, false)
	// Only the first input of a group carries its heading.
	last := ""
	for i := range out {
		g := groupOf(out[i].Name)
		if g == last {
			out[i].Group = ""
		}
		last = g
	}
	return out
}

func groupOf(name string) string {
	if i := strings.LastIndex(name, "."); i > 0 {
		return name[:i]
	}
	return ""
}

func schemaKind(s map[string]any) string {
	t, _ := s["type"].(string)
	return t
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// sortedProps puts required properties first, then the rest, each alphabetically.
func sortedProps(props map[string]any, req map[string]bool) []string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if req[keys[i]] != req[keys[j]] {
			return req[keys[i]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// itemName is the heading of the n-th item of a case-data list: "Child 2" for children, "Sibling 2" for
// siblings.
func itemName(ctx context.Context, key string, n int) string {
	if key == "children" {
		return i18n.T(ctx, "console.case.child_n", "N", n)
	}
	noun := strings.TrimSuffix(humanise(ctx, key), "ren")
	if noun == humanise(ctx, key) {
		noun = strings.TrimSuffix(noun, "s")
	}
	return fmt.Sprintf("%s %d", noun, n)
}

// caseWords are the case-data properties of the bundled forms, which the catalogue names in each
// language; a council form's others are named from their keys.
var caseWords = []string{"address", "child", "children", "conference", "date", "dob", "ethnicity", "familyName", "gender", "id",
	"legalStatus", "name", "placement", "pupilPremiumPlus", "startDate", "type", "upn"}

// humanise is a case-data property's name as a label: the common ones in the language of ctx, others
// in words from their name ("dateOfBirth", "date_of_birth": "Date of birth").
func humanise(ctx context.Context, key string) string {
	if slices.Contains(caseWords, key) {
		return i18n.T(ctx, "console.case.key_"+key)
	}
	var b strings.Builder
	for i, r := range key {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
			r += 'a' - 'A'
		}
		if r == '_' {
			r = ' '
		}
		b.WriteRune(r)
	}
	s := b.String()
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// caseDataFrom builds case data from the posted questions, following the schema's shape. A list keeps
// only the items answered, so its items' paths can differ from their questions': asked maps the path of
// each item kept ("children.0") to its questions' ("children.1", when the first child was left blank).
func caseDataFrom(schema map[string]any, posted map[string]string, staff *store.User, dept string) (data map[string]any, asked map[string]string) {
	asked = map[string]string{}
	var build func(schema map[string]any, path, dataPath string) (map[string]any, bool)
	build = func(schema map[string]any, path, dataPath string) (map[string]any, bool) {
		props, _ := schema["properties"].(map[string]any)
		out := map[string]any{}
		found := false
		for key, v := range props {
			sub, _ := v.(map[string]any)
			p, dp := key, key
			if path != "" {
				p, dp = path+"."+key, dataPath+"."+key
			}
			switch schemaKind(sub) {
			case "object":
				if m, ok := build(sub, p, dp); ok {
					out[key], found = m, true
				}
			case "array":
				items, _ := sub["items"].(map[string]any)
				var list []any
				for i := range caseRows {
					item, dataItem := fmt.Sprintf("%s.%d", p, i), fmt.Sprintf("%s.%d", dp, len(list))
					if m, ok := build(items, item, dataItem); ok {
						if _, has := m["id"]; !has {
							m["id"] = fmt.Sprintf("c%d", len(list)+1)
						}
						list = append(list, m)
						asked[dataItem] = item
					}
				}
				if len(list) > 0 {
					out[key], found = list, true
				}
			case "string":
				if s := strings.TrimSpace(posted[p]); s != "" {
					out[key], found = s, true
				}
			}
		}
		return out, found
	}
	data, _ = build(schema, "", "")
	data["sender"] = map[string]any{"name": staff.Name(), "department": dept, "email": staff.Email}
	return data, asked
}

// askedPath is the path of the question a case-data path came from (caseDataFrom's asked): the list
// items in it renumbered as they were asked, outermost first.
func askedPath(p string, asked map[string]string) string {
	parts := strings.Split(p, ".")
	for i := len(parts); i > 0; i-- {
		if q, ok := asked[strings.Join(parts[:i], ".")]; ok {
			return strings.Join(append([]string{q}, parts[i:]...), ".")
		}
	}
	return p
}

// postedCase is the posted case-data questions, by path.
func postedCase(r *http.Request) map[string]string {
	posted := map[string]string{}
	for k, vals := range r.PostForm {
		if p, ok := strings.CutPrefix(k, "case."); ok && len(vals) > 0 {
			posted[p] = vals[0]
		}
	}
	return posted
}

// casePath is the case-data path a question is posted for ("children.0.dob").
func casePath(in renderer.CaseInput) string { return strings.TrimPrefix(in.Name, "case.") }

// caseDateName is how a date's messages name it: its label and group, "date of birth (Child 2)".
func caseDateName(in renderer.CaseInput) string { return strings.ToLower(in.Label) + in.Context }

// caseDates reads the dates asked as day, month and year with the checks of a form's own dates: a real
// one goes into posted as YYYY-MM-DD, for caseDataFrom, and a date typed wrong is a problem, by its path.
// A date left blank is left to the schema, which knows whether it is needed.
func caseDates(ctx context.Context, inputs []renderer.CaseInput, posted map[string]string) map[string]string {
	problems := map[string]string{}
	for _, in := range inputs {
		if !in.Date {
			continue
		}
		p := casePath(in)
		delete(posted, p) // a date comes only from its three parts
		if strings.TrimSpace(in.Day+in.Month+in.Year) == "" {
			continue
		}
		if d, msg := simpleDateIn(i18n.From(ctx), in.Day, in.Month, in.Year, caseDateName(in), in.Label+in.Context); msg != "" {
			problems[p] = msg
		} else {
			posted[p] = d
		}
	}
	return problems
}

var quotedRE = regexp.MustCompile(`'([^']+)'`)

// caseDataProblems checks case data made from the posted questions (inputs) against the form, after their
// dates' own problems (from caseDates): each problem by the question's path (itemsAsked, from
// caseDataFrom, renumbering list items as asked), and as the error summary's
// items in the page's order, each linked to its question (a date's day). A date the schema says is
// missing is asked for by name ("Enter the date of birth (Child 1)").
func caseDataProblems(ctx context.Context, form *engine.Form, caseData map[string]any, itemsAsked map[string]string,
	inputs []renderer.CaseInput, dateProblems map[string]string) (map[string]string, []renderer.ErrorItem) {
	caseErrs := maps.Clone(dateProblems)
	asked := map[string]renderer.CaseInput{}
	for _, in := range inputs {
		asked[casePath(in)] = in
	}
	var unasked []renderer.ErrorItem // problems with no question of their own, such as no child at all
	for _, e := range form.CheckCaseData(caseData) {
		p := askedPath(strings.ReplaceAll(strings.TrimPrefix(e.Path, "/"), "/", "."), itemsAsked)
		msg := i18n.T(ctx, "console.case.check", "Problem", e.Message)
		if strings.Contains(e.Message, "missing propert") || p == "" {
			msg = i18n.T(ctx, "console.case.enter", "Problem", e.Message)
			var rest []string
			names := quotedRE.FindAllStringSubmatch(e.Message, -1)
			for _, m := range names {
				q := strings.TrimPrefix(p+"."+m[1], ".")
				if in, ok := asked[q]; ok && in.Date {
					if caseErrs[q] == "" {
						caseErrs[q] = i18n.T(ctx, "date.enter", "Name", caseDateName(in))
					}
					continue
				}
				rest = append(rest, q)
			}
			if len(names) > 0 && len(rest) == 0 {
				continue
			}
			if len(rest) > 0 {
				if _, ok := asked[rest[0]]; ok {
					p = rest[0]
				}
			}
		}
		if _, ok := asked[p]; !ok {
			unasked = append(unasked, renderer.ErrorItem{Field: "case-" + strings.ReplaceAll(p, ".", "-"), Message: msg})
		}
		if caseErrs[p] == "" {
			caseErrs[p] = msg
		}
	}
	var items []renderer.ErrorItem
	for _, in := range inputs {
		if msg := caseErrs[casePath(in)]; msg != "" {
			field := in.ID
			if in.Date {
				field += "-day"
			}
			items = append(items, renderer.ErrorItem{Field: field, Message: msg})
		}
	}
	return caseErrs, append(items, unasked...)
}

func (a *App) delegate(w http.ResponseWriter, r *http.Request) {
	v, form := a.delegateView(r)
	if form == nil {
		a.notFound(w, r)
		return
	}
	staff := userFrom(r)
	posted := postedCase(r)
	chosen := map[string]bool{}
	for _, s := range r.PostForm["sections"] {
		chosen[s] = true
	}
	for i := range v.Sections {
		v.Sections[i].Checked = chosen[v.Sections[i].Value]
	}
	v.Email, v.Name = normaliseEmail(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("name"))
	v.Organisation, v.Comments = strings.TrimSpace(r.PostFormValue("organisation")), strings.TrimSpace(r.PostFormValue("comments"))
	v.DueDay, v.DueMonth, v.DueYear = r.PostFormValue("due.day"), r.PostFormValue("due.month"), r.PostFormValue("due.year")
	v.Reminders = strings.TrimSpace(r.PostFormValue("reminders"))
	add := func(field, msg string) {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: field, Message: msg})
	}
	ctx := r.Context()
	if len(chosen) == 0 {
		add("sections", i18n.T(ctx, "console.delegate.no_sections"))
	}
	if msg := professionalEmailProblem(ctx, v.Email); msg != "" {
		add("email", msg)
	}
	if v.Name == "" {
		add("name", i18n.T(ctx, "console.name_enter"))
	}
	due := ""
	if v.DueDay+v.DueMonth+v.DueYear != "" {
		d, msg := consoleDate(ctx, v.DueDay, v.DueMonth, v.DueYear, "due")
		switch {
		case msg != "":
			add("due-day", msg)
		case d < a.now().Format(time.DateOnly):
			add("due-day", i18n.T(ctx, "console.date.due_past"))
		default:
			due = d
		}
	}
	reminders, msg := parseReminders(ctx, v.Reminders)
	if msg != "" {
		add("reminders", msg)
	}
	if slices.Equal(reminders, form.Reminders) || len(reminders) == 0 && len(form.Reminders) == 0 {
		reminders = nil // the form's schedule, followed as the form changes
	}
	inputs := caseInputs(ctx, form.CaseData, posted, nil)
	dateProblems := caseDates(ctx, inputs, posted)
	caseData, itemsAsked := caseDataFrom(form.CaseData, posted, staff, "Children's Services")
	caseErrs, caseItems := caseDataProblems(ctx, form, caseData, itemsAsked, inputs, dateProblems)
	v.Page.Errors = append(v.Page.Errors, caseItems...)
	if len(v.Page.Errors) > 0 {
		v.Case = caseInputs(ctx, form.CaseData, posted, caseErrs)
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.DelegatePage(v))
		return
	}
	sections := checkedValues(v.Sections)
	raw, err := json.Marshal(caseData)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	resp, err := a.work.Delegate(r.Context(), staff.Email, casework.Delegation{Form: form.ID, Sections: sections,
		To: casework.Professional{Email: v.Email, Name: v.Name, Organisation: v.Organisation}, CaseData: raw, DueDate: due, Comments: v.Comments, Reminders: reminders})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/delegations/"+resp.ID, http.StatusSeeOther)
}

// --- one delegation or referral ---------------------------------------------------------------------

// staffResponse loads the delegation or referral in the URL.
func (a *App) staffResponse(w http.ResponseWriter, r *http.Request, kind store.Kind) (*store.Response, *flow, bool) {
	resp, err := a.store.Response(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && (resp.Kind != kind || resp.Status == store.StatusDraft) {
		a.notFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, nil, false
	}
	var f *flow
	if kind == store.KindDelegation {
		f, err = a.taskFlow(r.Context(), resp)
	} else {
		f, err = a.referralFlow(r.Context(), resp)
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, nil, false
	}
	f.forStaff()
	return resp, f, true
}

func (a *App) staffDetail(kind store.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, f, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		if err := a.audit(r, "viewed "+string(kind), resp.ID, ""); err != nil {
			a.serverError(w, r, err)
			return
		}
		ctx := r.Context()
		base := "/staff/" + string(kind) + "s/" + resp.ID
		v := renderer.StaffDetailView{Page: a.page(r, f.form.Title), Kind: string(kind), ID: resp.ID, FormTitle: f.form.Title,
			AnswersHref: base + "/answers", PDFHref: base + "/pdf"}
		if len(casework.StaffAnswerable(f.form)) > 0 && casework.Allowed(casework.StaffAnswer, resp.Kind, resp.Status) {
			v.StaffAnswersHref = base + "/staff-answers"
		}
		switch r.URL.Query().Get("problem") {
		case "reassign":
			v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "email", Message: i18n.T(ctx, "console.detail.reassign_problem")})
		case "reason":
			v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "reason", Message: i18n.T(ctx, "console.return.reason_enter")})
		case "status":
			v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "status", Message: i18n.T(ctx, "console.detail.status_changed", "Status", strings.ToLower(statusWords(ctx, resp.Status)))})
		}
		fact := func(q string, a ...string) { v.Facts = append(v.Facts, renderer.SummaryRow{Question: q, Answer: a}) }
		fact(i18n.T(ctx, "console.status"), statusWords(ctx, resp.Status))
		if kind == store.KindDelegation {
			var caseData any
			json.Unmarshal(resp.CaseData, &caseData)
			fact(i18n.T(ctx, "console.child_or_family"), taskNameIn(i18n.From(ctx), caseChildrenIn(i18n.From(ctx), f.form, caseData)))
			fact(i18n.T(ctx, "console.professional"), resp.OwnerName+" ("+resp.OwnerEmail+")", resp.OwnerOrg)
			fact(i18n.T(ctx, "console.sections"), strings.Join(sectionTitles(ctx, f.form, resp.Sections), ", "))
			due := dueOrNone(ctx, resp.DueDate)
			if casework.Overdue(resp, a.now()) {
				due += " " + i18n.T(ctx, "console.detail.overdue")
			}
			fact(i18n.T(ctx, "console.due"), due)
			days, _, err := a.work.ReminderDays(r.Context(), a.store, resp)
			if err != nil {
				a.serverError(w, r, err)
				return
			}
			if resp.DueDate != "" {
				fact(i18n.T(ctx, "console.reminders.label"), remindersFact(ctx, days))
			}
			if reply, err := a.autoReplyFor(r.Context(), resp.OwnerEmail); err == nil && reply != nil {
				v.AutoReply = reply.Message + " " + i18n.T(ctx, "console.detail.until", "Date", consoleDay(ctx, reply.EndsOn))
			}
			m, err := casework.LatestMail(r.Context(), a.store, resp.ID)
			if err != nil {
				a.serverError(w, r, err)
				return
			}
			if m != nil && m.Status() == store.MailUndeliverable {
				v.EmailUndeliverable = &renderer.MailProblem{To: m.To, Reason: m.LastError}
			}
			v.CanRetract = casework.Allowed(casework.Retract, resp.Kind, resp.Status)
			v.CanReassign = casework.Allowed(casework.Reassign, resp.Kind, resp.Status)
		} else {
			fact(i18n.T(ctx, "console.submitted_by"), resp.OwnerName+" ("+resp.OwnerEmail+")")
			fact(i18n.T(ctx, "common.child"), f.childName(ctx))
		}
		if resp.Reference != "" {
			ref := resp.Reference
			if resp.PreviousID != "" && !resp.SubmittedAt.IsZero() {
				ref += " " + i18n.T(ctx, "console.detail.resubmitted", "Date", i18n.Date(i18n.From(ctx), resp.SubmittedAt))
			}
			fact(i18n.T(ctx, "console.reference"), ref)
		}
		if resp.ReturnReason != "" {
			fact(i18n.T(ctx, "console.detail.returned_for"), resp.ReturnReason, resp.ReturnComment)
		}
		v.CanReturn = casework.Allowed(casework.Return, resp.Kind, resp.Status)
		changes, _, err := a.changesView(ctx, resp) // rounds.go
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		v.Changes = changes
		events, err := a.store.Events(r.Context(), resp.ID)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		for _, e := range events {
			what := eventWords(ctx, e.Kind)
			if e.Actor != "" {
				what = i18n.T(ctx, "console.detail.event_by", "Event", what, "Actor", e.Actor)
			}
			if e.Detail != "" {
				what += ": " + e.Detail
			}
			v.History = append(v.History, renderer.SummaryRow{Question: consoleDateTime(ctx, e.At), Answer: []string{what}})
		}
		collectFiles(f.answers.Values, base, &v.Files)
		for _, c := range f.answers.Children {
			collectFiles(c, base, &v.Files)
		}
		a.render(w, r, renderer.StaffDetail(v))
	}
}

// sectionTitles names delegated sections as the form does, in the language of ctx.
func sectionTitles(ctx context.Context, form *engine.Form, ids []string) []string {
	if len(ids) == 0 {
		return []string{i18n.T(ctx, "console.whole_form")}
	}
	form = inLang(ctx, form)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if s := form.Section(id); s != nil {
			out[i] = s.Title
		}
	}
	return out
}

func collectFiles(vals map[string]any, base string, out *[]renderer.FileLink) {
	for _, v := range vals {
		list, _ := v.([]any)
		for _, it := range list {
			m, _ := it.(map[string]any)
			if id, _ := m["id"].(string); id != "" && m["kind"] != nil {
				*out = append(*out, renderer.FileLink{Name: fmt.Sprint(m["name"]), Href: base + "/files/" + id})
			}
		}
	}
}

func (a *App) staffAnswers(kind store.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, f, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		if err := a.audit(r, "read answers", resp.ID, ""); err != nil {
			a.serverError(w, r, err)
			return
		}
		f.base = "/staff/" + string(kind) + "s/" + resp.ID
		a.render(w, r, renderer.PrintPage(f.printView(r)))
	}
}

func (a *App) staffPDF(kind store.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, f, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		if err := a.audit(r, "downloaded PDF", resp.ID, ""); err != nil {
			a.serverError(w, r, err)
			return
		}
		if _, res, err := a.changesView(r.Context(), resp); err != nil { // rounds.go
			a.serverError(w, r, err)
			return
		} else if res != nil {
			f.changes = append([]engine.Change{}, res.Changes...) // not nil: the PDF says when nothing changed
		}
		a.writePDF(w, r, f)
	}
}

func (a *App) staffFile(kind store.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, _, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		if err := a.audit(r, "downloaded document", resp.ID, chi.URLParam(r, "file")); err != nil {
			a.serverError(w, r, err)
			return
		}
		a.serveAttachment(w, r, resp.ID, chi.URLParam(r, "file"))
	}
}

// staffChange handles the console's retract, re-assign and return buttons. A change the status no
// longer allows (someone else came first) goes back to the page, which shows the status as it is now.
func (a *App) staffChange(kind store.Kind, change casework.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, f, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		actor := userFrom(r).Email
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		back := "/staff/" + string(kind) + "s/" + resp.ID
		var err error
		switch change {
		case casework.Retract:
			_, err = a.work.Retract(r.Context(), resp.ID, actor, reason)
		case casework.Reassign:
			email, name := normaliseEmail(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("name"))
			if emailProblem(r.Context(), email) != "" || name == "" {
				http.Redirect(w, r, back+"?problem=reassign", http.StatusSeeOther)
				return
			}
			_, err = a.work.Reassign(r.Context(), resp.ID, actor, casework.Professional{Email: email, Name: name}, reason)
		case casework.Return:
			var reopened *store.Response
			reopened, err = a.staffReturn(w, r, resp, f, reason) // rounds.go
			if err == nil && reopened == nil {
				return // it answered: a problem to correct
			}
			if err == nil && kind == store.KindReferral {
				back = "/staff/referrals/" + reopened.ID
			}
		}
		if errors.Is(err, casework.ErrNotAllowed) {
			http.Redirect(w, r, back+"?problem=status", http.StatusSeeOther)
			return
		}
		if errors.Is(err, casework.ErrMarks) { // a place that changed under the page: draw it again
			a.renderReturnPage(w, r, f, http.StatusUnprocessableEntity, map[string]string{})
			return
		}
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// auditLog is the admins' audit log: filtered by person, record and days, a page at a time, or all of
// it as CSV.
func (a *App) auditLog(w http.ResponseWriter, r *http.Request) {
	if userFrom(r).Role != store.RoleAdmin {
		a.auditRefusal(r, actorOf(r), "access refused: not an admin", "")
		a.notFound(w, r)
		return
	}
	f, v, errs := auditFilter(r)
	v.Page = a.page(r, i18n.T(r.Context(), "console.audit.title"))
	if len(errs) > 0 {
		v.Page.Errors = errs
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.AuditPage(v))
		return
	}
	if r.URL.Query().Get("export") == "csv" {
		a.exportAudit(w, r, f)
		return
	}
	f.Limit = auditPageSize + 1 // one more, to tell whether there are older entries
	list, err := a.store.AuditLog(r.Context(), f)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	q.Del("before")
	if f.Before > 0 {
		v.Newest = "/staff/audit?" + q.Encode()
	}
	if len(list) > auditPageSize {
		list = list[:auditPageSize]
		q.Set("before", strconv.FormatInt(list[len(list)-1].Seq, 10))
		v.Older = "/staff/audit?" + q.Encode()
	}
	for _, e := range list {
		v.Rows = append(v.Rows, renderer.AuditRow{At: i18n.Date(i18n.From(r.Context()), e.At.UTC()) + " " + e.At.UTC().Format("15:04:05"), Actor: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail})
	}
	a.render(w, r, renderer.AuditPage(v))
}

// NewStaff creates a council staff account and returns its first password, shown once and changed at
// the first sign-in.
func NewStaff(ctx context.Context, st store.Store, email, forename, surname string, admin bool, now time.Time) (string, error) {
	email = normaliseEmail(email)
	if msg := emailProblem(ctx, email); msg != "" {
		return "", errors.New(msg)
	}
	password := newToken()[:20]
	hash, err := hashPassword(password)
	if err != nil {
		return "", err
	}
	role := store.RoleStaff
	if admin {
		role = store.RoleAdmin
	}
	u := &store.User{ID: store.NewID(), Email: email, Forename: forename, Surname: surname, Organisation: "Council", Role: role,
		PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now, MustChangePassword: true}
	if err := st.CreateUser(ctx, u); err != nil {
		return "", fmt.Errorf("create staff account: %w", err)
	}
	return password, nil
}

// checkedValues are the values of the ticked options, in order.
func checkedValues(opts []renderer.OptionView) []string {
	var out []string
	for _, o := range opts {
		if o.Checked {
			out = append(out, o.Value)
		}
	}
	return out
}
