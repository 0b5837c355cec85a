package renderer

import (
	"strings"
	"testing"
)

const fixedRowsForm = `
id: network
title: Network
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: network
    title: Network
    fields:
      - id: professionals
        type: table
        label: Professionals
        fixedRows:
          - { id: gp, label: GP }
          - { id: school, label: School }
        columns:
          - { id: name, type: text, label: Name }
`

// TestFixedRowsRendered: before anything is typed the fixed rows are there, each headed by its label,
// with Change and no Remove; a row added after them is numbered and can be removed.
func TestFixedRowsRendered(t *testing.T) {
	html := renderSection(t, fixedRowsForm, map[string]any{"professionals": []any{
		map[string]any{"name": "Youth worker"},
		map[string]any{"fixedRow": "school", "name": "Hill Primary"},
	}})
	for _, want := range []string{
		`<th scope="row">GP</th>`,
		`<th scope="row">School</th><td data-label="Name">Hill Primary</td>`,
		`<th scope="row" data-label="Row">3</th><td data-label="Name">Youth worker</td>`,
		`Change<span> GP</span>`,
		`value="remove:professionals:2:`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in\n%s", want, html)
		}
	}
	for _, unwanted := range []string{`value="remove:professionals:0:`, `value="remove:professionals:1:`} {
		if strings.Contains(html, unwanted) {
			t.Errorf("a fixed row can be removed: %s", unwanted)
		}
	}
}
