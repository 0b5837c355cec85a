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

// Every seal takes a fresh random nonce, and every data key is fresh: the same answer sealed twice, under
// one data key or two, never gives the same bytes (a repeated GCM nonce would give away both plain texts
// and the key's authenticity).
func TestNoncesAndDataKeysAreNeverReused(t *testing.T) {
	k, _ := keyring(t, "k1")
	dk, err := k.NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	nonces := map[string]bool{}
	for i := 0; i < 200; i++ {
		box, err := dk.Seal([]byte("the same answer"), "responses.answers")
		if err != nil {
			t.Fatal(err)
		}
		n := string(box[:12])
		if nonces[n] {
			t.Fatalf("nonce repeated after %d seals", i)
		}
		nonces[n] = true
		other, err := k.NewDataKey()
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := other.Seal([]byte("the same answer"), "responses.answers")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dk.Open(theirs, "responses.answers"); !errors.Is(err, ErrWrongKey) {
			t.Fatalf("another row's data key opens this one's: %v", err)
		}
	}
}
