package mail

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"formportal/i18n"
)

// htmlPage is an email's HTML part: the same words as the text part, with the sender's name at the top
// and each link as a clear button. Styles are inline because email clients drop style sheets; the
// colours meet WCAG AA contrast.
var htmlPage = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:0;background:#f3f2f1;font-family:Arial,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c">
<div role="article" aria-roledescription="email" aria-label="{{.Subject}}" lang="{{.Lang}}" style="max-width:640px;margin:0 auto;background:#ffffff">
<div style="background:#1d70b8;color:#ffffff;padding:16px 24px;font-weight:bold;font-size:22px">{{.Sender}}</div>
<div style="padding:24px">
<h1 style="font-size:27px;margin:0 0 20px">{{.Subject}}</h1>
{{range .Parts}}<div{{if .Lang}} lang="{{.Lang}}"{{end}}>
{{range .Paragraphs}}{{if .Link}}<p style="margin:0 0 8px">{{.Text}}</p>
<p style="margin:0 0 20px"><a href="{{.Link}}" style="display:inline-block;background:#00703c;color:#ffffff;padding:10px 16px;text-decoration:none;font-weight:bold;border-bottom:2px solid #002d18">{{.LinkText}}</a></p>
{{else}}<p style="margin:0 0 20px">{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}{{end}}</div>
{{end}}</div></div>
</body>
</html>
`))

var urlRE = regexp.MustCompile(`https?://[^\s<>"]+`)

type htmlParagraph struct {
	Text, Link, LinkText string
	Lines                []string
}

// LanguageDivider is the paragraph between the Welsh and the English of an email in both languages
// (Welsh first): the HTML part marks what follows it as English.
const LanguageDivider = "----------"

// htmlPart is a run of an email's paragraphs in one language: lang "" is the email's own.
type htmlPart struct {
	Lang       string
	Paragraphs []htmlParagraph
}

// htmlBody renders the HTML part of an email from its text, in lang ("" is English).
func htmlBody(sender, subject, text, lang string) (string, error) {
	l, ok := i18n.Parse(lang)
	if !ok {
		l = i18n.English
	}
	parts := []htmlPart{{}}
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if p == LanguageDivider && l != i18n.English {
			l = i18n.English
			parts = append(parts, htmlPart{Lang: string(l)})
			continue
		}
		last := &parts[len(parts)-1]
		if link := urlRE.FindString(p); link != "" {
			words := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Replace(p, link, "", 1)), ":"))
			last.Paragraphs = append(last.Paragraphs, htmlParagraph{Text: words, Link: link, LinkText: linkText(l, link)})
			continue
		}
		last.Paragraphs = append(last.Paragraphs, htmlParagraph{Lines: strings.Split(p, "\n")})
	}
	page, _ := i18n.Parse(lang)
	var b bytes.Buffer
	err := htmlPage.Execute(&b, struct {
		Lang, Sender, Subject string
		Parts                 []htmlPart
	}{string(page), sender, subject, parts})
	return b.String(), err
}

// linkText says where a button goes, so it makes sense read on its own (WCAG 2.4.4), in l.
func linkText(l i18n.Lang, link string) string {
	switch {
	case strings.HasSuffix(link, "/tasks"):
		return i18n.In(l, "mail.button_tasks")
	case strings.HasSuffix(link, "/submitted"):
		return i18n.In(l, "mail.button_submitted")
	}
	return i18n.In(l, "mail.button_sign_in")
}
