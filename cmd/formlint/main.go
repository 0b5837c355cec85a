// Command formlint checks form definitions: the language's schema, then the engine's semantic rules.
//
//	formlint [-format text|json] [-strict] PATH...   check files, or every *.yaml in folders
//	formlint -compat OLD NEW                         list changes from OLD to NEW that break drafts or consumers
//	formlint -pdf DIR PATH...                        also write a blank PDF of each form into DIR
//	formlint -lang cy -pdf DIR|FILE.pdf PATH...      the blank PDF in Welsh (FILE.pdf: one form)
//	formlint lsp                                     a language server for editors, on stdin and stdout
//	formlint preview [-addr HOST:PORT] DIR           serve the forms of DIR to their designer, live (package preview)
//	formlint NAME ARGS...                            run a subcommand (see subcommands)
//
// It prints one line per problem, file:line:col: severity: message (rule), and exits 0 when there is
// nothing to report or only warnings, 1 when there are errors (or, with -strict, warnings), 2 on a
// usage or I/O error.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"formportal/engine"
	"formportal/lsp"
	"formportal/pdf"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "lsp" {
		os.Exit(lsp.Main(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// subcommands are the commands run as formlint NAME ARGS...; each returns the exit status. A
// subcommand lives in its own file and adds itself here from an init function.
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{}

// Exit statuses.
const (
	exitClean    = 0 // nothing to report, or warnings only
	exitProblems = 1 // errors; with -strict, warnings too
	exitUsage    = 2 // a usage or I/O error
)

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(args[1:], stdout, stderr)
		}
	}
	fl := flag.NewFlagSet("formlint", flag.ContinueOnError)
	fl.SetOutput(stderr)
	format := fl.String("format", "text", "output format: text or json")
	compat := fl.Bool("compat", false, "compare two versions of a form: formlint -compat OLD NEW")
	pdfDir := fl.String("pdf", "", "also write a blank PDF of each form without errors into this folder, for offline review")
	strict := fl.Bool("strict", false, "fail (exit 1) on warnings as well as errors, for CI")
	lang := fl.String("lang", engine.English, "the language of the blank PDFs: en, or a language the forms are translated into (cy)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: formlint [-format text|json] [-strict] PATH...\n       formlint [-format text|json] [-strict] -compat OLD NEW")
		for _, name := range sortedNames(subcommands) {
			fmt.Fprintf(stderr, "       formlint %s ...\n", name)
		}
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "formlint: unknown -format %q: use text or json\n", *format)
		return exitUsage
	}
	if *lang != engine.English && !slices.Contains(engine.TranslationLanguages, *lang) {
		fmt.Fprintf(stderr, "formlint: unknown -lang %q: use en or %s\n", *lang, strings.Join(engine.TranslationLanguages, ", "))
		return exitUsage
	}
	if fl.NArg() == 0 || *compat && fl.NArg() != 2 {
		fl.Usage()
		return exitUsage
	}
	var diags engine.Diagnostics
	var err error
	if *compat {
		diags, err = compare(fl.Arg(0), fl.Arg(1))
	} else {
		diags, err = lint(fl.Args(), pdfOutput{*pdfDir, *lang})
	}
	if err != nil {
		fmt.Fprintf(stderr, "formlint: %v\n", err)
		return exitUsage
	}
	if err := write(stdout, *format, diags); err != nil {
		fmt.Fprintf(stderr, "formlint: %v\n", err)
		return exitUsage
	}
	return status(diags, *strict)
}

// status is the exit status for what was found: errors fail, warnings only with strict.
func status(diags engine.Diagnostics, strict bool) int {
	if diags.HasErrors() || strict && len(diags) > 0 {
		return exitProblems
	}
	return exitClean
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func lint(paths []string, out pdfOutput) (engine.Diagnostics, error) {
	files, orphans, err := expand(paths)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(out.path, ".pdf") && len(files) != 1 {
		return nil, fmt.Errorf("-pdf %s names one file: give one form, or a folder for the PDFs of %d", out.path, len(files))
	}
	all := orphans
	ids := map[string]string{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		form, diags, err := loadWithTranslations(file, data)
		if err != nil {
			return nil, err
		}
		all = append(all, diags...)
		if form != nil && out.path != "" && !diags.HasErrors() {
			if err := blankPDF(form, out); err != nil {
				return nil, err
			}
		}
		if form != nil {
			if other, dup := ids[form.ID]; dup {
				all = append(all, engine.Diagnostic{File: file, Line: 1, Col: 1, Severity: engine.Error, Rule: "duplicate-form",
					Message: fmt.Sprintf("form id %q is also used by %s", form.ID, other)})
			}
			ids[form.ID] = file
		}
	}
	all.Sort()
	return all, nil
}

// expand turns the command line's files and folders into the form files to check. A translation file
// (FORM.cy.yaml) stands for its form; one with no form beside it is reported.
func expand(paths []string) ([]string, engine.Diagnostics, error) {
	var files []string
	var orphans engine.Diagnostics
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !info.IsDir() {
			if engine.IsTranslationFile(filepath.Base(p)) {
				o := engine.OrphanTranslation(os.DirFS(filepath.Dir(p)), filepath.Base(p))
				if len(o) == 0 {
					p = engine.TranslationForm(p)
				}
				if len(o) > 0 || slices.Contains(files, p) {
					orphans = append(orphans, relocate(o, filepath.Dir(p))...)
					continue
				}
			}
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && engine.IsFormFile(d.Name()) {
				files = append(files, path)
			}
			if !d.IsDir() && engine.IsTranslationFile(d.Name()) {
				orphans = append(orphans, relocate(engine.OrphanTranslation(os.DirFS(filepath.Dir(path)), d.Name()), filepath.Dir(path))...)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walking %s: %w", p, err)
		}
	}
	if len(files) == 0 {
		return nil, nil, errors.New("no form files (*.yaml, *.yml) found")
	}
	sort.Strings(files)
	return files, orphans, nil
}

func compare(oldPath, newPath string) (engine.Diagnostics, error) {
	var forms [2]*engine.Form
	for i, p := range []string{oldPath, newPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, diags := engine.Load(p, data)
		if f == nil {
			diags.Sort()
			return diags, nil // a broken version: report why it cannot be compared
		}
		forms[i] = f
	}
	return engine.Compat(forms[0], forms[1]), nil
}

func write(w io.Writer, format string, diags engine.Diagnostics) error {
	if format == "json" {
		if diags == nil {
			diags = engine.Diagnostics{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(diags)
	}
	for _, d := range diags {
		if _, err := fmt.Fprintln(w, d); err != nil {
			return err
		}
	}
	return nil
}

// pdfOutput is where the blank PDFs go (a folder, or a file for one form) and their language.
type pdfOutput struct {
	path, lang string
}

// blankPDF writes FORM-ID.pdf (FORM-ID.cy.pdf in Welsh) into the folder, or the file named: every
// question of the form, with every condition stated.
func blankPDF(form *engine.Form, out pdfOutput) error {
	path := out.path
	if !strings.HasSuffix(path, ".pdf") {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return err
		}
		name := form.ID + ".pdf"
		if out.lang != engine.English {
			name = form.ID + "." + out.lang + ".pdf"
		}
		path = filepath.Join(path, name)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := pdf.Render(f, pdf.Document{Form: form.In(out.lang), Blank: true, Marking: pdf.BlankMarkingIn(out.lang), Lang: out.lang}); err != nil {
		f.Close()
		return fmt.Errorf("blank PDF of %s: %w", form.ID, err)
	}
	return f.Close()
}

// loadWithTranslations loads a form file with its parallel translation files.
func loadWithTranslations(file string, data []byte) (*engine.Form, engine.Diagnostics, error) {
	dir := filepath.Dir(file)
	parallel, err := engine.ReadTranslations(os.DirFS(dir), filepath.Base(file))
	if err != nil {
		return nil, nil, err
	}
	for i := range parallel {
		parallel[i].File = filepath.Join(dir, parallel[i].File)
	}
	form, diags := engine.LoadTranslated(file, data, parallel...)
	return form, diags, nil
}

// relocate puts the folder back in front of the file names of diagnostics found in it.
func relocate(diags engine.Diagnostics, dir string) engine.Diagnostics {
	for i := range diags {
		diags[i].File = filepath.Join(dir, diags[i].File)
	}
	return diags
}
