package i18n

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"gopkg.in/yaml.v3"
)

// texts reads a language's catalogues as the bundle does: each message's id with its text (its "other"
// form). An id in two areas' files is an error: the bundle would keep one of them silently.
func texts(t *testing.T, l Lang) map[string]string {
	t.Helper()
	out := map[string]string{}
	from := map[string]string{}
	paths := cataloguePaths(l)
	if len(paths) == 0 {
		t.Fatalf("no catalogue for %s", l)
	}
	for _, path := range paths {
		b, err := catalogueFiles.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := goi18n.ParseMessageFileBytes(b, path, map[string]goi18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, m := range mf.Messages {
			if m.One != "" || m.Few != "" || m.Many != "" || m.Two != "" || m.Zero != "" {
				t.Errorf("%s: %s has plural forms: the catalogues use none (Welsh has six), word it with the number apart", path, m.ID)
			}
			if prev, dup := from[m.ID]; dup {
				t.Errorf("%s is in both %s and %s", m.ID, prev, path)
			}
			from[m.ID] = path
			out[m.ID] = m.Other
		}
	}
	return out
}

// TestEachAreaInBothLanguages keeps the files paired: AREA.cy.yaml for every AREA.en.yaml.
func TestEachAreaInBothLanguages(t *testing.T) {
	areas := func(l Lang) []string {
		var out []string
		for _, p := range cataloguePaths(l) {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(p, "catalogue/"), "."+string(l)+".yaml"))
		}
		return out
	}
	if en, cy := areas(English), areas(Welsh); !slices.Equal(en, cy) {
		t.Errorf("catalogue areas differ: en %v, cy %v", en, cy)
	}
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCataloguesMatch is what CI fails on when a text is missing in either language or its placeholders
// differ between them.
func TestCataloguesMatch(t *testing.T) {
	en, cy := texts(t, English), texts(t, Welsh)
	if len(en) < 2 {
		t.Fatalf("English catalogue has %d texts", len(en))
	}
	for id, e := range en {
		c, ok := cy[id]
		switch {
		case !ok:
			t.Errorf("%s has no Welsh in the cy catalogues", id)
		case strings.TrimSpace(c) == "":
			t.Errorf("%s is empty in the cy catalogues", id)
		case !slices.Equal(placeholders(e), placeholders(c)):
			t.Errorf("%s: placeholders differ: en %v, cy %v", id, placeholders(e), placeholders(c))
		}
		if strings.Contains(e, "{{") && len(placeholders(e)) == 0 {
			t.Errorf("%s: en has a template that is not a plain {{.Name}} placeholder", id)
		}
	}
	for id := range cy {
		if _, ok := en[id]; !ok {
			t.Errorf("%s is in the cy catalogues but not the en ones", id)
		}
	}
}

// usedID finds the ids the code asks for by name: i18n.T(ctx, "id"...), i18n.In(lang, "id"...).
var usedID = regexp.MustCompile(`i18n\.(?:T|In)\([^,]+?, "([^"]+)"\s*[,)]`)

// TestEveryIDUsedExists reads the module's Go and templ sources for the texts they ask for, so a typo in an
// id fails here rather than showing the id on a page.
func TestEveryIDUsedExists(t *testing.T) {
	en := texts(t, English)
	root := ".."
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_templ.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range usedID.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, ok := en[m[1]]; !ok && !strings.HasSuffix(path, "_test.go") {
				t.Errorf("%s asks for %q, which is not in the catalogues", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no i18n.T or i18n.In calls: the pattern no longer matches the code")
	}
}

func TestTextsInEachLanguage(t *testing.T) {
	ctx := context.Background()
	if got := T(ctx, "error.summary_title"); got != "There is a problem" {
		t.Errorf("default language: %q, want English", got)
	}
	if got := T(WithLang(ctx, Welsh), "error.summary_title"); got != "Mae problem wedi codi" {
		t.Errorf("Welsh: %q", got)
	}
	if got := In(Welsh, "no.such.text"); got != "no.such.text" {
		t.Errorf("unknown id: %q, want the id back", got)
	}
	if l, ok := Parse("cy"); !ok || l != Welsh || l.Other() != English || English.Other() != Welsh {
		t.Error("Parse or Other is wrong")
	}
	if _, ok := Parse("fr"); ok {
		t.Error("fr parsed as a language the service speaks")
	}
}

func TestPlaceholders(t *testing.T) {
	if got := In(Welsh, "error.title_prefix", "Title", "Cyfrif"); got != "Gwall: Cyfrif" {
		t.Errorf("Welsh with a placeholder: %q", got)
	}
	if got := In(English, "error.title_prefix", "Title", "<b>"); got != "Error: <b>" {
		t.Errorf("a placeholder's value is not escaped here (templ escapes the page): %q", got)
	}
}

func TestDatesInEachLanguage(t *testing.T) {
	d := time.Date(2026, time.March, 2, 14, 5, 0, 0, time.UTC)
	if got := Date(English, d); got != "2 March 2026" {
		t.Errorf("English date %q", got)
	}
	if got := Date(Welsh, d); got != "2 Mawrth 2026" {
		t.Errorf("Welsh date %q", got)
	}
	if got := DateTime(Welsh, d); got != "2 Mawrth 2026 am 14:05" {
		t.Errorf("Welsh date and time %q", got)
	}
	for m := time.January; m <= time.December; m++ {
		if Date(Welsh, time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC)) == Date(English, time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC)) && m != time.May {
			t.Errorf("month %d has no Welsh name", m)
		}
	}
}
