package web

import (
	"context"
	"strings"
	"testing"
)

// The header's language switch: a link to the same page in the other language, kept in a cookie and,
// when signed in, in the account.
func TestLanguageSwitchKeptInCookieAndAccount(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/").status(200)
	if !strings.Contains(b.last, `<html lang="en"`) || !strings.Contains(b.last, `href="/?lang=cy" hreflang="cy" lang="cy"`) {
		t.Fatalf("English start page: no lang=en or no link to Welsh:\n%s", b.last[:min(len(b.last), 3000)])
	}
	b.get("/?lang=cy").status(200).see("Mae hwn yn wasanaeth newydd", "Neidio i'r prif gynnwys")
	if !strings.Contains(b.last, `<html lang="cy"`) || !strings.Contains(b.last, `href="/?lang=en" hreflang="en" lang="en"`) {
		t.Fatal("Welsh page: no lang=cy or no link back to English")
	}
	// The cookie keeps it on the next page, without the parameter.
	b.get("/login").see("Mae hwn yn wasanaeth newydd")
	if !strings.Contains(b.last, `<html lang="cy"`) {
		t.Fatal("the language chosen was not kept for the next page")
	}

	// Signed in, the account keeps it: another browser that signs in gets Welsh too.
	signed := e.register("rose@example.org")
	signed.get("/submitted?lang=cy").see("Mae hwn yn wasanaeth newydd")
	if u, err := e.store.UserByEmail(context.Background(), "rose@example.org"); err != nil || u.Lang != "cy" {
		t.Fatalf("account's language %q, %v; want cy", u.Lang, err)
	}
	other := e.browser()
	other.login("rose@example.org", testPassword)
	other.get("/submitted").see("Mae hwn yn wasanaeth newydd")
	// And back to English.
	other.get("/submitted?lang=en").see("This is a new service")
	if u, _ := e.store.UserByEmail(context.Background(), "rose@example.org"); u.Lang != "en" {
		t.Fatalf("account's language %q after switching back, want en", u.Lang)
	}
	// A language the service does not speak is ignored.
	e.browser().get("/?lang=fr").see("This is a new service")
}
