package sealed

import (
	"errors"
	"strings"
	"testing"
)

func keyring(t *testing.T, ids ...string) (*Keyring, []string) {
	t.Helper()
	var lines []string
	for _, id := range ids {
		l, err := NewKeyLine(id)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	k, err := Parse([]byte("# keys\n\n" + strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return k, lines
}

func TestSealOpenRewrap(t *testing.T) {
	old, oldLines := keyring(t, "old")
	dk, err := old.NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	box, err := dk.Seal([]byte("answer"), "responses.answers")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(box), "answer") {
		t.Fatal("sealed text holds the plain text")
	}
	if _, err := dk.Open(box, "responses.case_data"); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("opened in another column: %v", err)
	}
	newLine, _ := NewKeyLine("new")
	both, err := Parse([]byte(newLine + "\n" + oldLines[0]))
	if err != nil || both.Current() != "new" || !both.Has("old") {
		t.Fatalf("keyring: %v", err)
	}
	rewrapped, err := both.Rewrap(dk.KeyID, dk.Wrapped)
	if err != nil {
		t.Fatal(err)
	}
	onlyNew, _ := Parse([]byte(newLine))
	again, err := onlyNew.DataKey("new", rewrapped)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := again.Open(box, "responses.answers"); err != nil || string(plain) != "answer" {
		t.Fatalf("after rewrapping: %q, %v", plain, err)
	}
	// A data key wrapped under one id is not accepted under another.
	if _, err := both.DataKey("old", rewrapped); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("data key accepted under another id: %v", err)
	}
	if _, err := onlyNew.DataKey("old", dk.Wrapped); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key: %v", err)
	}
}

// Keyring errors name the line and the key id, never the key.
func TestParseErrors(t *testing.T) {
	for text, want := range map[string]string{
		"":            "no key",
		"k1":          "line 1",
		"k1 c2hvcnQ=": "line 1 (key k1): the key must be 32",
		"bad/id QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=":                                            "line 1",
		"k QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\nk QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=": "given twice",
	} {
		_, err := Parse([]byte(text))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "QUFB") || strings.Contains(err.Error(), "c2hv") {
			t.Errorf("Parse(%q) = %v, want an error saying %q without the key", text, err, want)
		}
	}
}
