package main

import (
	"flag"
	"fmt"

	"formportal/retention"
)

// retentionFlags registers the service's retention periods into cfg: the defaults of forms whose YAML
// gives none, and the periods of what is not a form's.
func retentionFlags(fl *flag.FlagSet, cfg *retention.Config) {
	def := retention.DefaultConfig()
	*cfg = def
	fl.IntVar(&cfg.Forms.Drafts, "retain-drafts-days", def.Forms.Drafts, "days a draft never submitted is kept, for forms without their own retention")
	fl.StringVar(&cfg.Forms.DraftsFrom, "retain-drafts-from", def.Forms.DraftsFrom, "count a draft's days from its last-save (rolling) or its start (fixed)")
	fl.IntVar(&cfg.Forms.Submitted, "retain-submitted-days", def.Forms.Submitted, "days a submission is kept after the case system first fetched it through the API")
	fl.IntVar(&cfg.Forms.Returned, "retain-returned-days", def.Forms.Returned, "days a form returned for more information and not sent again is kept after its last save")
	fl.IntVar(&cfg.Forms.Retracted, "retain-retracted-days", def.Forms.Retracted, "days a retracted delegation is kept")
	fl.BoolVar(&cfg.Forms.Anonymise, "retain-anonymise", def.Forms.Anonymise, "at the end of their days, anonymise submissions and retracted delegations (sensitive answers, case data and documents cleared, ids kept) instead of deleting them")
	fl.IntVar(&cfg.MailBodies, "retain-mail-days", def.MailBodies, "days the text of a sent email (sign-in codes among them) is kept")
	fl.IntVar(&cfg.Codes, "retain-codes-days", def.Codes, "days an emailed code is kept after it expired")
	fl.IntVar(&cfg.Audit, "retain-audit-days", def.Audit, "days the audit log's entries and the records of emails are kept")
	fl.IntVar(&cfg.Events, "retain-events-days", def.Events, "days the API's events (the event feed) and their webhook deliveries are kept; a failed delivery is kept this long after it failed unless resent")
}

// checkRetention refuses a period that is not 1 day or more.
func checkRetention(cfg retention.Config) error {
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("-retain-*: %w", err)
	}
	return nil
}
