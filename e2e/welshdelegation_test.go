package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDelegatedTaskInWelsh walks a professional's delegated task in Welsh, with axe on every page (the
// harness audits each one): registering from the email's link, the tasks list, the task's pages with
// its header, a chronology row added in place, a document uploaded, an automatic reply's errors, and
// submitting. In the middle of the form the language is switched to English and back: what was typed
// and not yet saved is still there. The bundled form's own texts are in Welsh too.
func TestDelegatedTaskInWelsh(t *testing.T) {
	p := startPortal(t)
	p.delegate("rhian.berry@school.example")
	b := p.browser()
	welsh := func(page string) {
		t.Helper()
		var lang string
		b.Eval(`document.documentElement.lang`, &lang)
		if lang != "cy" {
			t.Fatalf("%s: <html lang=%q>, want cy", page, lang)
		}
	}
	m := p.smtp.WaitFor(t, "rhian.berry@school.example", 10*time.Second)
	link := regexp.MustCompile(`https?://\S+/tasks`).FindString(m.Body)
	if link == "" {
		t.Fatalf("the delegation email has no link:\n%s", m.Body)
	}
	b.Visit(link)
	b.ClickLink("Newid yr iaith i'r Gymraeg")
	b.MustSee("Mewngofnodi diogel")
	welsh("sign in")
	b.ClickLink("Cofrestru am gyfrif newydd")
	b.Fill("Enw cyntaf", "Rhian")
	b.Fill("Cyfenw", "Berry")
	b.ClickButton("Nesaf")
	b.Fill("Cyfeiriad e-bost", "rhian.berry@school.example")
	b.Fill("Cyfrinair", password)
	b.Fill("Rhowch yr un cyfrinair eto", password)
	b.ClickButton("Nesaf")
	b.MustSee("Dilyswch eich cyfeiriad e-bost")
	b.Fill("Cod", p.code("rhian.berry@school.example"))
	b.ClickButton("Nesaf")
	b.Check("Rwy’n cytuno i’r Telerau ac Amodau hyn")
	b.ClickButton("Parhau")
	b.MustSee("Cofrestru wedi’i gwblhau")
	b.ClickLink("Parhau")

	welsh("tasks")
	b.MustSee("Tasgau sydd wedi’u neilltuo ar hyn o bryd")
	b.MustSee("8 Rhagfyr 2026")
	b.MustSee("Cronoleg Amlasiantaethol")
	b.ClickLink("Aurora Boreo ac 1 brawd neu chwaer")
	welsh("first page")
	b.MustSee("Dyddiad geni: 1 Ionawr 2016")
	b.MustSee("Angen erbyn")
	b.MustSee("Manylion yr ymarferydd")
	b.Fill("Enw’r ymarferydd", "Rhian Berry")
	b.Fill("Rôl", "Nyrs ysgol")
	b.Fill("Rhif ffôn", "01632960001")
	switchToEnglishAndBack(t, b, welsh, "first page", "Nyrs ysgol", "Practitioner's details", "Sections")
	if got := b.Value("Rôl"); got != "Nyrs ysgol" {
		t.Fatalf("switching back lost an answer saved by the first switch: %q", got)
	}
	b.ClickButton("Nesaf")
	b.ClickButton("Nesaf")

	welsh("chronology")
	b.MustSee("Beth i’w gynnwys")
	b.Check("Ie")
	b.ClickButton("+ Ychwanegu rhes")
	b.WaitToSee("Cadw a dychwelyd")
	if r := b.Audit(); len(r.Violations) > 0 {
		t.Fatalf("the row's form in place, in Welsh:\n%s", r)
	}
	b.Fill("Diwrnod", "3")
	b.Fill("Mis", "2")
	b.Fill("Blwyddyn", "2026")
	b.Check("Aurora Boreo")
	b.Fill("Digwyddiad", "Ymweliad cartref gan nyrs yr ysgol")
	b.ClickButton("Cadw a dychwelyd")
	b.WaitToSee("Wedi cadw: Rhes 1")
	b.MustSee("Newid")
	b.MustSee("Gludo rhesi o daenlen")
	b.ClickButton("Nesaf")

	welsh("documents")
	b.MustSee("Gallwch lanlwytho")
	chooseFile(t, b, "Dewiswch ffeil i’w lanlwytho", writeFile(t, "adroddiad.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")))
	b.MustSee("adroddiad.pdf")
	chooseFile(t, b, "Dewiswch ffeil i’w lanlwytho", writeFile(t, "cyllideb.xlsx", xlsx(t)))
	b.MustSee("Nid oes modd lanlwytho taenlenni")
	b.ClickButton("Cadw")

	b.Visit("/auto-replies/new")
	welsh("new automatic reply")
	b.MustSee("Ychwanegu ateb awtomatig")
	b.ClickButton("Cadw")
	b.MustSee("Mae problem wedi codi")
	b.MustSee("Rhowch y dyddiad dechrau")
	b.MustSee("Rhowch neges")

	b.Visit("/tasks")
	b.ClickLink("Aurora Boreo ac 1 brawd neu chwaer")
	b.ClickButton("Cyflwyno cyfraniad")
	welsh("submit")
	b.MustSee("Pan fyddwch yn cyflwyno")
	b.ClickButton("Cyflwyno")
	b.MustSee("Cyfraniad wedi’i gyflwyno")
	b.ClickLink("Yn ôl i’ch tasgau")
	welsh("tasks after submitting")
	b.MustSee("Tasgau a gyflwynwyd yn ddiweddar")
	for _, english := range []string{"Currently Assigned Tasks", "Recently Submitted Tasks", "sibling", "Re-Assign"} {
		if strings.Contains(b.Text(), english) {
			t.Errorf("the Welsh tasks page still says %q", english)
		}
	}
}
