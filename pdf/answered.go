package pdf

import (
	"fmt"
	"strconv"
	"strings"

	"formportal/engine"
)

// answeredForm draws the submission Validate makes of the answers, section by section in form order.
func (r *renderer) answeredForm(d Document) {
	res := d.Form.Validate(d.CaseData, d.Answers, engine.ValidateOptions{Sections: d.Sections, Today: d.Today, Lang: d.Lang})
	a := &answered{r: r, children: d.Form.Children(d.CaseData), form: d.Form, submission: res.Submission}
	for _, sr := range res.Sections {
		if !sr.Visible {
			continue
		}
		s := d.Form.Section(sr.Section)
		if s == nil {
			continue
		}
		title := s.Title
		values := res.Submission.Values
		if sr.Child != "" {
			name := sr.ChildName
			if name == "" {
				name = sr.Child
			}
			title += ": " + name
			if sr.Title != "" {
				title = sr.Title // a repetition's own title: "About Amy Smith" (lists15)
			}
			values = res.Submission.Children[sr.Child]
		}
		hidden := make(map[string]bool, len(sr.Hidden))
		for _, id := range sr.Hidden {
			hidden[id] = true
		}
		a.child = sr.Child
		r.section(title, func() {
			for _, fd := range s.Fields {
				if hidden[fd.ID] {
					continue
				}
				a.field(left, contentW, fd, values[fd.ID])
			}
		})
	}
}

type answered struct {
	r        *renderer
	children []engine.Child
	// For declarations that show the person's answers (content15).
	form       *engine.Form
	submission engine.Answers
	child      string // the child of the per-child section being drawn
}

// field draws one question and its answer at x, in width w: together, a division of the structure.
func (a *answered) field(x, w float64, fd *engine.Field, v any) {
	r := a.r
	if fd.Type == engine.TypeContent {
		r.content(x, w, fd)
		return
	}
	r.begin("Div")
	defer r.end()
	switch fd.Type {
	case engine.TypeTable:
		a.table(x, w, fd, v)
		return
	case engine.TypeList:
		a.list(x, w, fd, v)
		return
	}
	r.label(x, w, fd.Label, stLabel, stBody.lh())
	if fd.Type == engine.TypeDeclaration && strings.TrimSpace(fd.Text) != "" {
		r.para(x, w, strings.TrimSpace(a.form.Statement(fd, a.submission, a.child, a.children)), stBody)
	}
	a.answer(x, w, fd.FormatAnswer(v, a.children))
	r.gap(7)
}

// answer draws the lines of an answer, or "Not answered".
func (a *answered) answer(x, w float64, lines []string) {
	r := a.r
	if len(lines) == 0 {
		r.para(x, w, a.r.w.notAnswered, stMuted)
		return
	}
	for _, l := range lines {
		r.para(x, w, l, stBody)
	}
}

// table draws a table answer as a table: a column per column of the definition, a row per answered row.
func (a *answered) table(x, w float64, fd *engine.Field, v any) {
	r := a.r
	rows, _ := v.([]any)
	r.label(x, w, fd.Label, stLabel, 3*stCell.lh()+4*cellPad)
	if len(rows) == 0 {
		a.answer(x, w, nil)
		r.gap(7)
		return
	}
	t := tableSpec{caption: fmt.Sprintf(r.w.continued, fd.Label)}
	head := fixedRowsHead(fd)
	if head != "" {
		t.heads, t.nowrap = append(t.heads, head), append(t.nowrap, false)
	}
	for _, col := range fd.Columns {
		t.heads = append(t.heads, col.Label)
		t.nowrap = append(t.nowrap, shortValues(col))
	}
	t.rows = make([][]string, 0, len(rows))
	for _, it := range rows {
		row, _ := it.(map[string]any)
		var cells []string
		if head != "" {
			cells = append(cells, fixedRowLabel(fd, row))
		}
		for _, col := range fd.Columns {
			cells = append(cells, strings.Join(col.FormatAnswer(row[col.ID], a.children), "\n"))
		}
		t.rows = append(t.rows, cells)
	}
	r.y += 2
	r.table(t)
	r.gap(9)
}

// list draws a list answer item by item ("Person 1", "Person 2"), each with its questions and answers. An
// item's question with a condition and no answer is left out: the submission drops the answers of hidden
// questions, so it is hidden or was not asked.
func (a *answered) list(x, w float64, fd *engine.Field, v any) {
	r := a.r
	items, _ := v.([]any)
	r.label(x, w, fd.Label, stLabel, 2*stBody.lh())
	if len(items) == 0 {
		a.answer(x, w, nil)
		r.gap(7)
		return
	}
	name := fd.ItemLabel
	if name == "" {
		name = r.w.item
	}
	const indent = 12
	for i, it := range items {
		item, _ := it.(map[string]any)
		r.gap(4)
		r.group(x+indent/2, w-indent/2, name+" "+strconv.Itoa(i+1), stLabel.lh()+stBody.lh(), func() {
			r.y += 2
			for _, f := range fd.Fields {
				val, ok := item[f.ID]
				if f.Type != engine.TypeContent && (!ok || val == nil) && f.ShowWhen != nil {
					continue
				}
				a.field(x+indent, w-indent, f, val)
			}
		})
	}
	r.gap(4)
}

// shortValues reports whether a column holds short values that read badly wrapped: dates, numbers,
// telephone numbers, yes or no.
func shortValues(col *engine.Field) bool {
	switch col.Type {
	case engine.TypeDate, engine.TypeNumber, engine.TypePhone, engine.TypeYesNo:
		return true
	}
	return false
}
