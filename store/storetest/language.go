package storetest

import (
	"context"
	"errors"
	"testing"

	"formportal/store"
)

// testUserLanguage: the language a person chose is kept with the account, and "" until they choose.
func testUserLanguage(t *testing.T, st store.Store) {
	ctx := context.Background()
	if err := st.CreateUser(ctx, newUser("u1", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByID(ctx, "u1")
	if err != nil || u.Lang != "" {
		t.Fatalf("new account: language %q, %v; want none", u.Lang, err)
	}
	u.Lang = "cy"
	if err := st.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if again, err := st.UserByEmail(ctx, "a@example.org"); err != nil || again.Lang != "cy" {
		t.Fatalf("after choosing Welsh: %q, %v", again.Lang, err)
	}
	made := newUser("u2", "b@example.org")
	made.Lang = "cy"
	if err := st.CreateUser(ctx, made); err != nil {
		t.Fatal(err)
	}
	if got, err := st.UserByID(ctx, "u2"); err != nil || got.Lang != "cy" {
		t.Fatalf("made in Welsh: %q, %v", got.Lang, err)
	}
}

// testSetUserLang: choosing a language changes only the language.
func testSetUserLang(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newUser("u1", "a@example.org")
	u.Organisation = "Cherwell School"
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserLang(ctx, "u1", "cy"); err != nil {
		t.Fatal(err)
	}
	got, err := st.UserByID(ctx, "u1")
	if err != nil || got.Lang != "cy" || got.Organisation != "Cherwell School" || got.PasswordHash != "hash" {
		t.Fatalf("after SetUserLang: %+v, %v", got, err)
	}
	if err := st.SetUserLang(ctx, "nobody", "cy"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown account: %v, want ErrNotFound", err)
	}
}
