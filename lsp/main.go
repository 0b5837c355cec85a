package lsp

import (
	"fmt"
	"io"
)

// Main runs `formlint lsp` on stdin and stdout and returns its exit status: 0 after the client's shutdown
// and exit, 1 otherwise, 2 on a usage error. --stdio, which editors' clients add, is accepted: stdio is the
// only transport.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a != "--stdio" && a != "-stdio" {
			fmt.Fprintf(stderr, "usage: formlint lsp [--stdio]\nformlint lsp: unknown argument %q\n", a)
			return 2
		}
	}
	if err := Serve(stdin, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "formlint lsp: %v\n", err)
		return 1
	}
	return 0
}
