package casework

import (
	"context"
	"fmt"
	"time"

	"formportal/store"
)

// The emails the lifecycle sends. None names a child or a family: the person signs in to see who the
// form is about.

func (s *Service) delegationEmail(r *store.Response) *store.Mail {
	due := "A new delegated form has been sent to you."
	if r.DueDate != "" {
		due = "A new delegated form has been sent to you and is due for completion by " + DateLong(r.DueDate) + "."
	}
	body := due + "\n\nUse this link to access your online account: " + s.texts.BaseURL + "/tasks\n\n" +
		"If you have not already done so, you will be asked to register for access using this email address.\n\n" + s.texts.Signature()
	return &store.Mail{To: r.OwnerEmail, Subject: "A form has been delegated to you", Text: body, ResponseID: r.ID}
}

func (s *Service) delegationReturnedEmail(r *store.Response, reason string) *store.Mail {
	return &store.Mail{To: r.OwnerEmail, ResponseID: r.ID, Subject: "A form has been returned to you for more information",
		Text: "A form you submitted has been returned to you because the council needs more information.\n\nReason: " + reason +
			"\n\nSign in to see the council's comments and update the form: " + s.texts.BaseURL + "/tasks\n\n" + s.texts.Signature()}
}

func (s *Service) referralReturnedEmail(r *store.Response, reason string) *store.Mail {
	return &store.Mail{To: r.OwnerEmail, ResponseID: r.ID, Subject: "More information needed about your form",
		Text: fmt.Sprintf("The Local Authority needs more information about a form you submitted (reference %s).\n\nReason: %s\n\nSign in to see the comments and update the form under Submitted Forms: %s/submitted\n\n%s",
			r.Reference, reason, s.texts.BaseURL, s.texts.Signature())}
}

func (s *Service) referralConfirmationEmail(r *store.Response) *store.Mail {
	return &store.Mail{To: r.OwnerEmail, ResponseID: r.ID, Subject: "Confirmation of form submission",
		Text: fmt.Sprintf("Thank you for submitting a form to us via the %s.\n\nYour reference number is %s. You can see the form under Submitted Forms for 30 days: %s/submitted\n\nMany Thanks\n\n%s",
			s.texts.Service, r.Reference, s.texts.BaseURL, s.texts.Signature())}
}

// DateLong shows a YYYY-MM-DD date as the seeds do: 08-Apr-2020.
func DateLong(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02-Jan-2006")
}

// LatestMail is the newest email about a response, or nil when none is recorded; d is the store or a
// transaction.
func LatestMail(ctx context.Context, d store.Data, responseID string) (*store.Mail, error) {
	list, err := d.MailAbout(ctx, responseID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}
