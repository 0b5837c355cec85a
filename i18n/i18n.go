// Package i18n holds the service's own texts in English and Welsh (the catalogues in catalogue/, a file
// per area and language: AREA.en.yaml beside AREA.cy.yaml) and says which language a request, a person or a document is in. Form definitions'
// texts are not here: they travel with each form.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// Lang is a language the service speaks, as its BCP 47 tag.
type Lang string

const (
	English Lang = "en"
	Welsh   Lang = "cy"
)

// Langs are the languages there is a catalogue for, English (the default) first.
var Langs = []Lang{English, Welsh}

// Parse is the language named by s ("en", "cy"), or false when the service does not speak it.
func Parse(s string) (Lang, bool) {
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return English, false
}

// Other is the language a "Cymraeg / English" switch offers from l.
func (l Lang) Other() Lang {
	if l == Welsh {
		return English
	}
	return Welsh
}

// Name is the language's name in itself, as the switch shows it.
func (l Lang) Name() string {
	if l == Welsh {
		return "Cymraeg"
	}
	return "English"
}

//go:embed catalogue/*.yaml
var catalogueFiles embed.FS

var (
	bundle     = loadBundle()
	localizers = map[Lang]*goi18n.Localizer{
		English: goi18n.NewLocalizer(bundle, string(English)),
		Welsh:   goi18n.NewLocalizer(bundle, string(Welsh)),
	}
)

func loadBundle() *goi18n.Bundle {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for _, l := range Langs {
		for _, path := range cataloguePaths(l) {
			if _, err := b.LoadMessageFileFS(catalogueFiles, path); err != nil {
				panic(fmt.Sprintf("i18n: catalogue %s: %v", path, err)) // embedded and tested: cannot happen in a build
			}
		}
	}
	return b
}

// cataloguePaths are l's catalogue files, one an area (portal, delegation, console, ...), so that work
// on one area's texts does not touch another's file. go-i18n reads the language from the name.
func cataloguePaths(l Lang) []string {
	paths, err := fs.Glob(catalogueFiles, "catalogue/*."+string(l)+".yaml")
	if err != nil {
		panic(fmt.Sprintf("i18n: catalogue pattern: %v", err)) // the pattern is a constant
	}
	return paths
}

type ctxKey struct{}

// WithLang is ctx speaking l.
func WithLang(ctx context.Context, l Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From is the language of ctx: English unless WithLang said otherwise.
func From(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return English
}

// plain keeps the texts without placeholders once made (by plainKey): go-i18n works a text out afresh
// at every call, and a form page asks for a few hundred. The catalogues never change once loaded.
var plain sync.Map

type plainKey struct {
	lang Lang
	id   string
}

// T is the text of id in the language of ctx. args are the placeholders' names and values in pairs:
// T(ctx, "rows.limit", "Max", 10).
func T(ctx context.Context, id string, args ...any) string { return In(From(ctx), id, args...) }

// In is the text of id in l. A text missing from l falls back to English (the catalogue test keeps
// that from happening); an id in neither comes back as itself, logged, so a page still shows.
func In(l Lang, id string, args ...any) string {
	if len(args) == 0 {
		if s, ok := plain.Load(plainKey{l, id}); ok {
			return s.(string)
		}
	}
	lc := &goi18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
		lc.TemplateData = data
	}
	loc, ok := localizers[l]
	if !ok {
		loc = localizers[English]
	}
	s, err := loc.Localize(lc)
	if err != nil {
		slog.Error("i18n: text missing", "id", id, "lang", l, "err", err)
		if s == "" {
			return id
		}
	} else if len(args) == 0 {
		plain.Store(plainKey{l, id}, s)
	}
	return s
}
