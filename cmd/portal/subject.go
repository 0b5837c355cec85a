package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"formportal/forms"
	"formportal/store/sqlstore"
	"formportal/subject"
)

// exportSubject writes everything held about an email address, a subject access request, to a zip file
// only its owner can read; the export is in the audit log under who ran it.
func exportSubject(ctx context.Context, db *sqlstore.DB, c *config, email, file string) error {
	library, err := forms.Load()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("export-subject: %w", err)
	}
	x := &subject.Exporter{St: db, Forms: library, Marking: c.web.Marking, Now: time.Now}
	sum, err := x.Export(ctx, email, operator(), f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file)
		return fmt.Errorf("export-subject: %w", err)
	}
	fmt.Printf("Wrote %s: account %v, %d forms, %d documents, %d emails, %d audit entries.\n", file, sum.Account, sum.Forms, sum.Documents, sum.Emails, sum.Audit)
	return nil
}
