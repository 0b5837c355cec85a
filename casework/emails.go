package casework

import (
	"context"
	"slices"
	"time"

	"formportal/i18n"
	"formportal/mail"
	"formportal/store"
)

// The emails the lifecycle sends. None names a child or a family: the person signs in to see who the
// form is about.

// Each is in the language of the person it goes to (langOf); their texts are the catalogues' mail.*.

func (s *Service) delegationEmail(ctx context.Context, d store.Data, r *store.Response) *store.Mail {
	return s.inTheirLanguage(ctx, d, r, func(l i18n.Lang) *store.Mail {
		due := i18n.In(l, "mail.delegated_intro")
		if r.DueDate != "" {
			due = i18n.In(l, "mail.delegated_intro_due", "Due", DateIn(l, r.DueDate))
		}
		body := i18n.In(l, "mail.delegated_body", "Intro", due, "BaseURL", s.texts.BaseURL, "Signature", s.texts.SignatureIn(l))
		return &store.Mail{To: r.OwnerEmail, Subject: i18n.In(l, "mail.delegated_subject"), Text: body, Lang: string(l), ResponseID: r.ID}
	})
}

// inTheirLanguage is the email made by write in the language the person chose. Someone who has not
// chosen one, a professional with no account yet most often, gets it in Welsh and English when the
// response's form is offered in Welsh: Welsh first, as the Welsh Language Standards ask of
// correspondence to a person whose choice is not known. Otherwise English.
func (s *Service) inTheirLanguage(ctx context.Context, d store.Data, r *store.Response, write func(i18n.Lang) *store.Mail) *store.Mail {
	l, chosen := s.chosenLang(ctx, d, r)
	m := write(l)
	if chosen || !s.offersWelsh(r) {
		return m
	}
	cy := write(i18n.Welsh)
	m.Subject = cy.Subject + " / " + m.Subject
	m.Text = i18n.In(i18n.Welsh, "mail.bilingual_note") + "\n\n" + cy.Text + "\n\n" + mail.LanguageDivider + "\n\n" + m.Text
	m.Lang = string(i18n.Welsh) // the HTML part marks the English after the divider
	return m
}

// offersWelsh says whether the response's form is offered in Welsh.
func (s *Service) offersWelsh(r *store.Response) bool {
	f, err := s.FormOf(r)
	return err == nil && slices.Contains(f.Languages, string(i18n.Welsh))
}

func (s *Service) delegationReturnedEmail(ctx context.Context, d store.Data, r *store.Response, reason string) *store.Mail {
	l := s.langOf(ctx, d, r)
	return &store.Mail{To: r.OwnerEmail, ResponseID: r.ID, Lang: string(l), Subject: i18n.In(l, "mail.delegation_returned_subject"),
		Text: i18n.In(l, "mail.delegation_returned_body", "Reason", reason, "BaseURL", s.texts.BaseURL, "Signature", s.texts.SignatureIn(l))}
}

func (s *Service) referralReturnedEmail(ctx context.Context, d store.Data, r *store.Response, reason string) *store.Mail {
	l := s.langOf(ctx, d, r)
	return &store.Mail{To: r.OwnerEmail, ResponseID: r.ID, Lang: string(l), Subject: i18n.In(l, "mail.referral_returned_subject"),
		Text: i18n.In(l, "mail.referral_returned_body", "Reference", r.Reference, "Reason", reason, "BaseURL", s.texts.BaseURL,
			"Signature", s.texts.SignatureIn(l))}
}

func (s *Service) referralConfirmationEmail(ctx context.Context, d store.Data, r *store.Response) *store.Mail {
	l := s.langOf(ctx, d, r)
	return &store.Mail{To: r.OwnerEmail, ResponseID: r.ID, Lang: string(l), Subject: i18n.In(l, "mail.referral_confirmation_subject"),
		Text: i18n.In(l, "mail.referral_confirmation_body", "Service", s.texts.Service, "Reference", r.Reference, "BaseURL", s.texts.BaseURL,
			"Signature", s.texts.thanksIn(l))}
}

// langOf is the language the person a response's email goes to chose for the service: a referral's
// author, or the account of a delegation's professional. English for someone who has no account yet or
// has not chosen; a failed look-up is English too, so the email still goes.
func (s *Service) langOf(ctx context.Context, d store.Data, r *store.Response) i18n.Lang {
	l, _ := s.chosenLang(ctx, d, r)
	return l
}

// chosenLang is langOf, and whether the person chose it.
func (s *Service) chosenLang(ctx context.Context, d store.Data, r *store.Response) (i18n.Lang, bool) {
	var u *store.User
	var err error
	if r.OwnerUserID != "" {
		u, err = d.UserByID(ctx, r.OwnerUserID)
	} else {
		u, err = d.UserByEmail(ctx, r.OwnerEmail)
	}
	if err != nil {
		return i18n.English, false
	}
	return i18n.Parse(u.Lang)
}

// DateIn shows a YYYY-MM-DD date in l: as the seeds do in English (DateLong), "8 Ebrill 2020" in Welsh,
// whose months have no short names the seeds' way.
func DateIn(l i18n.Lang, s string) string {
	if l != i18n.Welsh {
		return DateLong(s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return i18n.Date(l, t)
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
