package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"formportal/store"
)

// testStaffAccounts: the fields of a staff account round-trip, and ListStaff lists staff only.
func testStaffAccounts(t *testing.T, st store.Store) {
	ctx := context.Background()
	pro := newUser("u1", "pro@example.org")
	staff := newUser("u2", "jo@council.example")
	staff.Role, staff.MustChangePassword = store.RoleAdmin, true
	for _, u := range []*store.User{pro, staff} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.UserByID(ctx, "u2")
	if err != nil || !got.MustChangePassword || got.Disabled() || got.TOTPSecret != "" {
		t.Fatalf("new staff account: %+v, %v", got, err)
	}
	got.MustChangePassword, got.DisabledAt, got.TOTPSecret = false, t0.Add(time.Hour), "JBSWY3DPEHPK3PXP"
	if err := st.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListStaff(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListStaff: %+v, %v; want jo only", list, err)
	}
	if u := list[0]; u.ID != "u2" || u.MustChangePassword || !u.DisabledAt.Equal(t0.Add(time.Hour)) || u.TOTPSecret != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("after update: %+v", u)
	}
}

// testSecondFactors: an authenticator time step is accepted once and never an earlier one; recovery codes
// are replaced whole and each is used once; remembered devices are found, revoked per user and expire.
func testSecondFactors(t *testing.T, st store.Store) {
	ctx := context.Background()
	for _, u := range []*store.User{newUser("u1", "a@example.org"), newUser("u2", "b@example.org")} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.UseTOTPStep(ctx, "u1", 1000); err != nil {
		t.Fatal(err)
	}
	for _, step := range []int64{1000, 999} {
		if err := st.UseTOTPStep(ctx, "u1", step); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("step %d after 1000: got %v, want ErrConflict", step, err)
		}
	}
	if err := st.UseTOTPStep(ctx, "u2", 999); err != nil {
		t.Fatalf("another user's steps are their own: %v", err)
	}

	codes := func(prefix string, n int) []store.RecoveryCode {
		var out []store.RecoveryCode
		for i := range n {
			out = append(out, store.RecoveryCode{ID: fmt.Sprintf("%s%d", prefix, i), Salt: "salt", Hash: fmt.Sprintf("hash%d", i), CreatedAt: t0})
		}
		return out
	}
	if err := st.SetRecoveryCodes(ctx, "u1", codes("old", 10)); err != nil {
		t.Fatal(err)
	}
	if err := st.SetRecoveryCodes(ctx, "u1", codes("new", 10)); err != nil {
		t.Fatal(err)
	}
	list, err := st.RecoveryCodes(ctx, "u1")
	if err != nil || len(list) != 10 || list[0].ID[:3] != "new" || list[0].UserID != "u1" || list[0].Hash != "hash0" || list[0].Salt != "salt" {
		t.Fatalf("recovery codes after replacing: %+v, %v", list, err)
	}
	if err := st.UseRecoveryCode(ctx, "new3", t0); err != nil {
		t.Fatal(err)
	}
	if err := st.UseRecoveryCode(ctx, "new3", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a used code used again: got %v, want ErrNotFound", err)
	}
	if err := st.UseRecoveryCode(ctx, "old3", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a replaced code used: got %v, want ErrNotFound", err)
	}
	list, _ = st.RecoveryCodes(ctx, "u1")
	if !list[3].UsedAt.Equal(t0) || !list[4].UsedAt.IsZero() {
		t.Fatalf("use recorded on the wrong code: %+v", list)
	}
	if other, _ := st.RecoveryCodes(ctx, "u2"); len(other) != 0 {
		t.Fatalf("u2 has u1's codes: %+v", other)
	}

	for i, d := range []*store.Device{{ID: "d1", UserID: "u1"}, {ID: "d2", UserID: "u1"}, {ID: "d3", UserID: "u2"}} {
		d.CreatedAt, d.ExpiresAt = t0, t0.Add(time.Duration(i+1)*time.Hour)
		if err := st.CreateDevice(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	d, err := st.DeviceByID(ctx, "d2")
	if err != nil || d.UserID != "u1" || !d.ExpiresAt.Equal(t0.Add(2*time.Hour)) || !d.CreatedAt.Equal(t0) {
		t.Fatalf("DeviceByID: %+v, %v", d, err)
	}
	if err := st.DeleteUserDevices(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"d1": false, "d2": false, "d3": true} {
		if _, err := st.DeviceByID(ctx, id); (err == nil) != want {
			t.Errorf("device %s remembered: %v, want %v", id, err == nil, want)
		}
	}
	if n, err := st.DeleteDevicesExpiredBefore(ctx, t0.Add(4*time.Hour)); err != nil || n != 1 {
		t.Fatalf("expired devices deleted: %d, %v; want 1", n, err)
	}
	// A deleted account takes its second factors with it.
	if err := st.SetRecoveryCodes(ctx, "u2", codes("u2-", 2)); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateDevice(ctx, &store.Device{ID: "d4", UserID: "u2", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteUser(ctx, "u2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeviceByID(ctx, "d4"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a deleted user's device: %v", err)
	}
	if left, _ := st.RecoveryCodes(ctx, "u2"); len(left) != 0 {
		t.Fatalf("a deleted user's recovery codes: %+v", left)
	}
}
