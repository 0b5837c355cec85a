package renderer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"formportal/i18n"
)

// TestNotificationBanner: each kind of banner is labelled by its title, announced as GOV.UK Frontend
// expects (a success banner at once without taking the focus, an alert at once, others as a region)
// and titled from the catalogue in the page's language unless given a title.
func TestNotificationBanner(t *testing.T) {
	for _, tc := range []struct {
		lang  i18n.Lang
		b     Banner
		want  []string
		never []string
	}{
		{"en", Banner{TitleID: "banner-title", Heading: "Saved", Success: true},
			[]string{`class="govuk-notification-banner govuk-notification-banner--success"`, `role="alert"`, `aria-labelledby="banner-title"`,
				`data-disable-auto-focus="true"`, `id="banner-title">Success</h2>`, `__heading">Saved</p>`}, nil},
		{"cy", Banner{TitleID: "notice-title", Heading: "Sylwch"},
			[]string{`class="govuk-notification-banner"`, `role="region"`, `aria-labelledby="notice-title"`, `id="notice-title">Pwysig</h2>`},
			[]string{"--success", "data-disable-auto-focus"}},
		{"en", Banner{TitleID: "conflict-title", Heading: "Changed elsewhere", Alert: true},
			[]string{`role="alert"`, `id="conflict-title">Important</h2>`}, []string{"--success", "data-disable-auto-focus"}},
		{"en", Banner{TitleID: "auto-reply-title", Title: "Automatic reply on", Heading: "You are away"},
			[]string{`role="region"`, `id="auto-reply-title">Automatic reply on</h2>`}, nil},
	} {
		var out bytes.Buffer
		if err := NotificationBanner(tc.b).Render(i18n.WithLang(context.Background(), tc.lang), &out); err != nil {
			t.Fatal(err)
		}
		html := out.String()
		for _, w := range tc.want {
			if !strings.Contains(html, w) {
				t.Errorf("%+v in %s: no %s in\n%s", tc.b, tc.lang, w, html)
			}
		}
		for _, n := range tc.never {
			if strings.Contains(html, n) {
				t.Errorf("%+v in %s: %s in\n%s", tc.b, tc.lang, n, html)
			}
		}
	}
}
