package e2e

import (
	"testing"

	"formportal/internal/browsertest"
)

// The pages a professional and a member of the public use fit a 320 pixel wide screen without scrolling
// sideways (WCAG 2.2's reflow criterion): the start page, the tasks table, a task's child banner and form
// pages, and a referral's overview. There the chronology's rows are stacked, each answer under its
// column's name and the row's number after its noun ("Row 1"), from the stylesheet alone: the rows'
// cells carry no classes.
func TestPagesFitA320PixelScreen(t *testing.T) {
	p := startPortal(t)
	task := p.delegate("kim.lee@school.example")
	b := p.browser(browsertest.WithViewport(320, 640))
	overflow := func(where string) {
		t.Helper()
		var widths struct{ Scroll, Client int }
		b.Eval(`({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &widths)
		if widths.Scroll > widths.Client {
			t.Errorf("%s is %d pixels wide on a %d pixel screen", where, widths.Scroll, widths.Client)
		}
	}
	b.Visit("/")
	overflow("the start page")
	b.ClickButton("I am a Professional")
	b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
	overflow("a referral's overview")
	p.emailLink(b, "kim.lee@school.example")
	p.register(b, "Kim", "Lee", "kim.lee@school.example")
	b.Visit("/tasks")
	overflow("the tasks page")
	for _, page := range []string{"practitioner", "chronology", "supporting_documentation"} {
		b.Visit("/tasks/" + task + "/pages/" + page)
		overflow("the task page " + page)
	}

	seedChronology(t, p, task, 3)
	b.Visit("/tasks/" + task + "/pages/chronology")
	overflow("the chronology of 3 rows")
	var row struct {
		Display, Number, Hidden string
		Labels                  []string
		Actions                 []string // the borders between Change and Remove
	}
	b.Eval(`(() => {
		const row = document.getElementById('chronology_entries-row-0'), style = getComputedStyle
		return {
			Display: style(row.querySelector('td')).display,
			Number: style(row.querySelector('th'), '::before').content,
			Hidden: style(row.querySelector('button span')).clipPath,
			Labels: [...row.querySelectorAll('td[data-label]')].map(td => style(td, '::before').content),
			Actions: [...row.querySelectorAll('li')].map(li => style(li).borderRightStyle)
		}
	})()`, &row)
	if row.Display != "block" || row.Number != `"Row "` || len(row.Labels) != 6 || row.Labels[0] != `"Date"` || row.Labels[2] != `"Event or incident"` ||
		row.Hidden != "inset(50%)" || len(row.Actions) != 2 || row.Actions[0] != "solid" || row.Actions[1] != "none" {
		t.Errorf("the chronology's row at 320 pixels is not stacked under its columns' names: %+v", row)
	}
}
