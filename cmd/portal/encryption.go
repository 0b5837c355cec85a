package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"formportal/store/sealed"
	"formportal/store/sqlstore"
)

// encryptionConfig is the keyring that seals answers, case data and documents at rest. It comes from
// PORTAL_ENCRYPTION_KEYS (lines, or entries separated by commas) or -encryption-keys-file, never the
// database.
type encryptionConfig struct {
	keysText string
	keysFile *string
	keys     *sealed.Keyring // nil: stored in the clear
}

func (e *encryptionConfig) flags(fl *flag.FlagSet) {
	fl.StringVar(&e.keysText, "encryption-keys", "", "the encryption keyring itself. As a flag for development only (the process list shows it): set PORTAL_ENCRYPTION_KEYS or -encryption-keys-file")
	e.keysFile = fl.String("encryption-keys-file", "", "a file holding the keyring that encrypts answers, case data and documents at rest: one key a line, `ID BASE64`, the current key first (make one with `portal new-key ID`); a Docker secret or a systemd credential")
}

// load parses the keyring once secretFromFile has filled keysText.
func (e *encryptionConfig) load() error {
	if e.keysText == "" {
		return nil
	}
	keys, err := sealed.Parse([]byte(strings.ReplaceAll(e.keysText, ",", "\n")))
	if err != nil {
		return fmt.Errorf("-encryption-keys: %w", err)
	}
	e.keys = keys
	return nil
}

// dataCommand is the command for args among those about the data kept (rotate-key, export-subject), and
// whether there is one.
func dataCommand(c *config, args []string) (func(context.Context, *sqlstore.DB) error, bool) {
	switch {
	case len(args) == 1 && args[0] == "rotate-key":
		return func(ctx context.Context, db *sqlstore.DB) error { return rotateKeys(ctx, db, c.encryption.keys) }, true
	case len(args) == 3 && args[0] == "export-subject":
		return func(ctx context.Context, db *sqlstore.DB) error { return exportSubject(ctx, db, c, args[1], args[2]) }, true
	}
	return nil, false
}

// newKeyLine prints a keyring line with a fresh random key, to put first in the keyring file.
func newKeyLine(id string) error {
	line, err := sealed.NewKeyLine(id)
	if err != nil {
		return err
	}
	fmt.Println(line)
	return nil
}

// rotateKeys brings every stored row under the keyring's current key, beside portals that keep serving.
func rotateKeys(ctx context.Context, db *sqlstore.DB, keys *sealed.Keyring) error {
	if keys == nil {
		return fmt.Errorf("rotate-key: give the keyring (-encryption-keys-file or PORTAL_ENCRYPTION_KEYS), the new key first")
	}
	rot, err := db.RotateKeys(ctx, 200)
	if err != nil {
		return fmt.Errorf("rotate-key: %w", err)
	}
	fmt.Printf("Under key %s now: %d rows rewrapped from older keys, %d rows stored in the clear encrypted.\n", keys.Current(), rot.Rewrapped, rot.Sealed)
	if rot.Remaining > 0 {
		fmt.Printf("%d rows are under another key, written meanwhile by a portal without the new key first in its keyring: restart every portal with the new keyring and run rotate-key again.\n", rot.Remaining)
		return nil
	}
	fmt.Println("Every row is under the current key: older keys can be removed from the keyring.")
	return nil
}
