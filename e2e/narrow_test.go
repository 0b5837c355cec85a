package e2e

import (
	"testing"

	"formportal/internal/browsertest"
)

// The pages a professional and a member of the public use fit a 320 pixel wide screen without scrolling
// sideways (WCAG 2.2's reflow criterion): the start page, the tasks table, a task's child banner and form
// pages, and a referral's overview. There the chronology's rows are stacked, each answer under its
// column's name and the row's number after its noun ("Row 1"), from the stylesheet alone: the rows'
// cells carry no classes. On a form's pages the page's heading and questions come before the section
// list, in the page (so to a screen reader and the Tab key) and on the screen, so nobody scrolls past
// the list to reach them; on a wide screen the list is beside them, on the left.
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
	questionFirst(t, b, "a referral's overview", false)
	p.emailLink(b, "kim.lee@school.example")
	p.register(b, "Kim", "Lee", "kim.lee@school.example")
	b.Visit("/tasks")
	overflow("the tasks page")
	for _, page := range []string{"practitioner", "chronology", "supporting_documentation"} {
		b.Visit("/tasks/" + task + "/pages/" + page)
		overflow("the task page " + page)
		questionFirst(t, b, "the task page "+page, false)
	}

	// On a computer's screen the section list is still on the left, beside the questions, though it
	// comes after them in the page.
	desktop := p.browser()
	p.login(desktop, "kim.lee@school.example", password)
	desktop.Visit("/tasks/" + task + "/pages/practitioner")
	questionFirst(t, desktop, "the task page practitioner at 1280 pixels", true)

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

// questionFirst checks that a form page's main column, with its heading, comes before its section list
// in the page, and where each is drawn: on a narrow screen the heading above the list, on a wide one the
// list on the left beside the questions, both starting at the same height.
func questionFirst(t *testing.T, b *browsertest.Browser, where string, wide bool) {
	t.Helper()
	var got struct {
		DOMOrder                     bool
		HeadingTop, NavTop           float64
		MainLeft, NavLeft, NavRight  float64
		MainTop, NavColumnTop, Width float64
	}
	b.Eval(`(() => {
		const main = document.querySelector('.app-form-main-column'), column = document.querySelector('.app-section-nav-column')
		const nav = column.querySelector('.app-section-nav'), h1 = main.querySelector('h1')
		const box = e => e.getBoundingClientRect()
		return {
			DOMOrder: !!(main.compareDocumentPosition(nav) & Node.DOCUMENT_POSITION_FOLLOWING),
			HeadingTop: box(h1).top, NavTop: box(nav).top,
			MainLeft: box(main).left, NavLeft: box(nav).left, NavRight: box(nav).right,
			MainTop: box(main).top, NavColumnTop: box(column).top, Width: document.documentElement.clientWidth
		}
	})()`, &got)
	if !got.DOMOrder {
		t.Errorf("%s: the section list comes before the questions in the page", where)
	}
	switch {
	case !wide && got.HeadingTop >= got.NavTop:
		t.Errorf("%s: the heading (top %.0f) is not above the section list (top %.0f)", where, got.HeadingTop, got.NavTop)
	case wide && (got.NavRight > got.MainLeft || got.NavLeft > got.Width/4 || got.MainTop != got.NavColumnTop):
		t.Errorf("%s: the section list is not on the left beside the questions: %+v", where, got)
	}
}
