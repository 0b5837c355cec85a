package engine

import (
	"strings"
	"testing"
)

// A problem inside a block of text (|) is reported at its own line and column, not the block's.
func TestGuidanceProblemInBlockIsPlaced(t *testing.T) {
	src := `id: early-help-request
title: Early Help Request
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: before
    title: Before you start
    fields:
      - id: intro
        type: content
        text: |
          Read this first.

          - then [call us](javascript:call())
      - { id: your_name, type: text, label: Your name, required: true }
`
	_, diags := Load("f.yaml", []byte(src))
	if len(diags) != 1 || diags[0].Rule != "markdown-link" || diags[0].Line != 16 || diags[0].Col != 18 {
		t.Fatalf("got %v, want one markdown-link at 16:18", diags)
	}
	if !strings.Contains(diags[0].Message, `"javascript:call()"`) {
		t.Errorf("message does not name the link: %s", diags[0].Message)
	}
}
