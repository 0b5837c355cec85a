package mail

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"
)

// htmlPage is an email's HTML part: the same words as the text part, with the sender's name at the top
// and each link as a clear button. Styles are inline because email clients drop style sheets; the
// colours meet WCAG AA contrast.
var htmlPage = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:0;background:#f3f2f1;font-family:Arial,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c">
<div role="article" aria-roledescription="email" aria-label="{{.Subject}}" lang="en" style="max-width:640px;margin:0 auto;background:#ffffff">
<div style="background:#1d70b8;color:#ffffff;padding:16px 24px;font-weight:bold;font-size:22px">{{.Sender}}</div>
<div style="padding:24px">
<h1 style="font-size:27px;margin:0 0 20px">{{.Subject}}</h1>
{{range .Paragraphs}}{{if .Link}}<p style="margin:0 0 8px">{{.Text}}</p>
<p style="margin:0 0 20px"><a href="{{.Link}}" style="display:inline-block;background:#00703c;color:#ffffff;padding:10px 16px;text-decoration:none;font-weight:bold;border-bottom:2px solid #002d18">{{.LinkText}}</a></p>
{{else}}<p style="margin:0 0 20px">{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}{{end}}</div></div>
</body>
</html>
`))

var urlRE = regexp.MustCompile(`https?://[^\s<>"]+`)

type htmlParagraph struct {
	Text, Link, LinkText string
	Lines                []string
}

// htmlBody renders the HTML part of an email from its text.
func htmlBody(sender, subject, text string) (string, error) {
	var paras []htmlParagraph
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if link := urlRE.FindString(p); link != "" {
			words := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Replace(p, link, "", 1)), ":"))
			paras = append(paras, htmlParagraph{Text: words, Link: link, LinkText: linkText(link)})
			continue
		}
		paras = append(paras, htmlParagraph{Lines: strings.Split(p, "\n")})
	}
	var b bytes.Buffer
	err := htmlPage.Execute(&b, struct {
		Sender, Subject string
		Paragraphs      []htmlParagraph
	}{sender, subject, paras})
	return b.String(), err
}

// linkText says where a button goes, so it makes sense read on its own (WCAG 2.4.4).
func linkText(link string) string {
	switch {
	case strings.HasSuffix(link, "/tasks"):
		return "Go to your tasks"
	case strings.HasSuffix(link, "/submitted"):
		return "Go to your submitted forms"
	}
	return "Sign in to the portal"
}
