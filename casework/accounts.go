package casework

import (
	"context"
	"errors"
	"fmt"

	"formportal/store"
)

// ErrStaffAccount is returned by DeleteAccount for a council staff account: admins manage those.
var ErrStaffAccount = errors.New("a staff account is disabled by an admin, not deleted")

// DeleteAccount deletes a professional's or a member of the public's account at their request, in one
// transaction: their drafts, and forms returned to them and not sent again, go with it; what they
// submitted stays with the council, and delegations addressed to them stay the council's. Their sessions,
// remembered devices and automatic replies go with the account. It returns how many forms were deleted.
func (s *Service) DeleteAccount(ctx context.Context, userID string) (int, error) {
	deleted := 0
	err := s.st.InTx(ctx, func(tx store.Data) error {
		u, err := tx.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if u.IsStaff() {
			return ErrStaffAccount
		}
		drafts, err := tx.ListResponses(ctx, store.ResponseFilter{Kind: store.KindReferral, OwnerUserID: u.ID,
			Statuses: []store.Status{store.StatusDraft, store.StatusReturned}})
		if err != nil {
			return err
		}
		for _, r := range drafts {
			if err := tx.DeleteResponse(ctx, r.ID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, u.Email, Purge, r, string(r.Status)+" deleted with its author's account"); err != nil {
				return err
			}
		}
		deleted = len(drafts)
		if err := tx.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: s.now(), Actor: u.Email, Action: "deleted account",
			Detail: fmt.Sprintf("by its owner; %d unsubmitted forms deleted with it", deleted)})
	})
	if err != nil {
		return 0, fmt.Errorf("delete account %s: %w", userID, err)
	}
	return deleted, nil
}
