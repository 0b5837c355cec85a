package engine

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

// A form file far larger than any form is refused before it is read whole, so a stray export or a
// runaway file in the forms folder cannot take the portal's memory.
func TestLoadFSRefusesAHugeFile(t *testing.T) {
	huge := []byte("id: huge\ntitle: Huge\n# " + strings.Repeat("x", MaxFormFile) + "\n")
	_, _, err := LoadFS(fstest.MapFS{"huge.yaml": {Data: huge}}, ".")
	if err == nil || !strings.Contains(err.Error(), "huge.yaml") || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a %d-byte form file: %v", len(huge), err)
	}
}

// A form file that is not a regular file (a named pipe, which would block the read for ever) is refused.
func TestLoadFSRefusesANamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadFS(os.DirFS(dir), ".")
	if err == nil || !strings.Contains(err.Error(), "pipe.yaml") || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a named pipe: %v", err)
	}
}

// A billion laughs (aliases nested nine deep) is refused as YAML the language does not allow, without
// being expanded.
func TestLoadRefusesAYAMLBomb(t *testing.T) {
	y := "id: bomb\ntitle: Bomb\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		y += n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", ") + "]\n"
		prev = n
	}
	f, diags := Load("bomb.yaml", []byte(y))
	if f != nil || !diags.HasErrors() || diags[0].Rule != "yaml-syntax" {
		t.Fatalf("a YAML bomb: %v", diags)
	}
}
