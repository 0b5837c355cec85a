// Package web is the portal's HTTP application: routing, sessions, CSRF protection, security headers and
// the handlers of every page. It depends on the store interface, the mail outbox and the renderer only.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/addresslookup"
	"formportal/api"
	"formportal/casework"
	merged "formportal/chronology" // the package; web's tests have a type of its name
	"formportal/forms"
	"formportal/i18n"
	"formportal/internal/kept"
	"formportal/renderer"
	"formportal/retention"
	"formportal/scan"
	"formportal/store"
)

// Config is what a council sets. Zero values get the defaults of DefaultConfig.
type Config struct {
	Council         string        // shown in the header and emails
	Service         string        // the portal's name
	BaseURL         string        // the public address, for links in emails and the Secure cookie flag
	BrandColour     string        // a CSS colour for the header
	IdleTimeout     time.Duration // signed out after this long without a request
	IdleWarning     time.Duration // the warning appears this long before the idle timeout
	SessionLifetime time.Duration // signed out this long after signing in, whatever the activity
	CodeLifetime    time.Duration // emailed codes expire after this
	DevMailbox      bool          // show /dev/mail (only when no SMTP server is configured)
	OutOfHoursPhone string
	Marking         string // the classification printed on every PDF page
	// TrustedProxies are the proxies (a TLS proxy, a load balancer) whose X-Forwarded-For says which
	// address a request came from; from anywhere else the header is ignored.
	TrustedProxies []net.IPNet
	// PasswordOnlySignIn turns off the code emailed at every sign-in, which is on unless a council turns
	// it off. A sign-in after wrong passwords still needs one, and staff with an authenticator app are
	// asked for its code whatever this says.
	PasswordOnlySignIn bool
	// RememberDevice is how long a browser is not asked for a sign-in code again after "remember this
	// device" was ticked with one.
	RememberDevice time.Duration
	// Retention is how long what the portal keeps is kept: the defaults of forms without their own, and
	// the service's periods. Zero is retention.DefaultConfig.
	Retention retention.Config
	// SSO lets council staff sign in through the council's OpenID Connect provider; nil turns it off.
	SSO *SSOConfig
	// DraftCacheMiB is about how much memory, in MiB, the drafts kept decoded between requests may take
	// (negative: none are kept), and DraftCacheIdle how long one is kept unused.
	DraftCacheMiB  int
	DraftCacheIdle time.Duration
}

// DefaultConfig is what the portal runs with when nothing is set.
func DefaultConfig() Config {
	return Config{
		Council:         "Example County Council",
		Service:         "Children's Services Portal",
		BaseURL:         "http://localhost:8080",
		BrandColour:     "#1d70b8",
		IdleTimeout:     10 * time.Minute,
		IdleWarning:     2 * time.Minute,
		SessionLifetime: 12 * time.Hour,
		CodeLifetime:    15 * time.Minute,
		RememberDevice:  30 * 24 * time.Hour,
		OutOfHoursPhone: "0800 123 4567",
		Marking:         "OFFICIAL-SENSITIVE",
		Retention:       retention.DefaultConfig(),
		DraftCacheMiB:   64,
		DraftCacheIdle:  3 * time.Minute,
	}
}

// Mailer queues an email for delivery (mail.Outbox): at once, or inside a casework transaction.
type Mailer interface {
	Send(ctx context.Context, to, subject, text string) error
	casework.Mailer
}

// App is the portal's HTTP handler.
type App struct {
	cfg   Config
	store store.Store
	mail  Mailer
	work  *casework.Service // every change in the life of a delegation or referral
	// chronologies are the merged chronologies of requests lately viewed, for the console and the API.
	chronologies *merged.Cache
	forms        *forms.Library
	scanner      Scanner              // nil: uploads are not scanned
	lookup       addresslookup.Lookup // finds addresses by postcode; addresslookup.None: people type them
	// lookupLimits are how many searches for addresses are allowed an hour (addressfinder.go).
	lookupLimits lookupLimits
	log          *slog.Logger
	now          func() time.Time
	secure       bool // cookies are Secure: the portal is served over HTTPS
	assets       http.Handler
	asset        func(string) string
	router       chi.Router
	sso          *ssoClient // nil without single sign-on

	lastDocumentPurge time.Time // housekeeping's last look for documents no answer lists
	// anonKey signs the CSRF tokens of visitors without a stored session.
	anonKey secretKey
	// drafts keeps the drafts last read or saved, decoded (answers.go).
	drafts *draftCache
	// pages keeps form pages as drawn, for the session they were drawn for (pagecache.go); nil keeps none.
	pages *kept.Cache[pageKey, keptPage]
	// touches keeps a burst of requests on one session to one write of its last use (session.go).
	touches touchLog
}

// Options are an App's collaborators.
type Options struct {
	Store  store.Store
	Mailer Mailer
	Forms  *forms.Library
	Logger *slog.Logger
	Now    func() time.Time    // the clock; time.Now when nil
	Assets http.Handler        // serves /assets/
	Asset  func(string) string // the versioned URL of an asset
	// Scanner checks uploads for malware (scan.Clamd). Without one, uploads are not scanned: the portal
	// says so at start and in /readyz.
	Scanner Scanner
	// AddressLookup finds addresses by postcode for address questions' Find address (addresslookup.Places);
	// nil or addresslookup.None: people type every address.
	AddressLookup addresslookup.Lookup
	// Webhooks is woken after each change that records an event for the case system (webhook.Sender),
	// so its deliveries go at once; without it they go at the sender's next look.
	Webhooks casework.Waker
}

// Scanner checks a document for malware. An error means it could not be checked.
type Scanner interface {
	Scan(ctx context.Context, content []byte) (scan.Result, error)
	Ping(ctx context.Context) error
}

// New builds the application.
func New(cfg Config, opts Options) (*App, error) {
	def := DefaultConfig()
	if cfg.Council == "" {
		cfg.Council = def.Council
	}
	if cfg.Service == "" {
		cfg.Service = def.Service
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = def.BaseURL
	}
	if cfg.BrandColour == "" {
		cfg.BrandColour = def.BrandColour
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&cfg.IdleTimeout, def.IdleTimeout}, {&cfg.IdleWarning, def.IdleWarning},
		{&cfg.SessionLifetime, def.SessionLifetime}, {&cfg.CodeLifetime, def.CodeLifetime},
		{&cfg.RememberDevice, def.RememberDevice}, {&cfg.DraftCacheIdle, def.DraftCacheIdle},
	} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if cfg.DraftCacheMiB == 0 {
		cfg.DraftCacheMiB = def.DraftCacheMiB
	}
	if cfg.OutOfHoursPhone == "" {
		cfg.OutOfHoursPhone = def.OutOfHoursPhone
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute URL", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if !validColour(cfg.BrandColour) {
		return nil, fmt.Errorf("brand colour %q is not a hex colour like #1d70b8", cfg.BrandColour)
	}
	if opts.Store == nil || opts.Mailer == nil {
		return nil, fmt.Errorf("web.New needs a store and a mailer")
	}
	a := &App{cfg: cfg, store: opts.Store, mail: opts.Mailer, forms: opts.Forms, log: opts.Logger, now: opts.Now,
		secure: base.Scheme == "https", assets: opts.Assets, asset: opts.Asset, scanner: opts.Scanner, lookup: opts.AddressLookup, lookupLimits: defaultLookupLimits,
		drafts: newDraftCache(cfg.DraftCacheMiB<<20, cfg.DraftCacheIdle), chronologies: merged.NewCache(merged.CacheRows)}
	if cfg.DraftCacheMiB >= 0 {
		a.pages = newPageCache()
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.assets == nil {
		a.assets = http.NotFoundHandler()
	}
	if c := cfg.SSO; c != nil {
		if c.Issuer == "" || c.ClientID == "" || c.ClientSecret == "" || len(c.EmailDomains) == 0 {
			return nil, fmt.Errorf("single sign-on needs an issuer, a client id, a client secret and the email domains allowed")
		}
		a.sso = newSSOClient(*c, cfg.BaseURL)
	}
	if a.cfg.Retention == (retention.Config{}) {
		a.cfg.Retention = retention.DefaultConfig()
	}
	if err := a.cfg.Retention.Check(); err != nil {
		return nil, err
	}
	a.work = a.casework()
	if opts.Webhooks != nil {
		a.work.WakeWebhooks(opts.Webhooks)
	}
	a.routes()
	return a, nil
}

// retention applies the retention periods on the app's store, forms and casework.
func (a *App) retention() *retention.Purger {
	return retention.New(a.store, a.forms, a.work, a.cfg.Retention, a.now)
}

// casework is the lifecycle service on the app's store, forms and outbox.
func (a *App) casework() *casework.Service {
	return casework.New(a.store, a.forms, a.mail, a.texts(), a.now)
}

// texts are the council's names for emails.
func (a *App) texts() casework.Texts {
	return casework.Texts{Council: a.cfg.Council, Service: a.cfg.Service, BaseURL: a.cfg.BaseURL}
}

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.router.ServeHTTP(w, r) }

func (a *App) routes() {
	r := chi.NewRouter()
	r.Use(a.accessLog, a.recoverPanics, a.clientAddress, a.securityHeaders, limitBody(1<<20, maxUploadBytes))
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	r.Get("/readyz", a.ready)
	r.Handle("/assets/*", a.assets)
	r.Get("/theme.css", a.theme)

	backOffice, err := api.New(api.Options{Store: a.store, Work: a.work, Forms: a.forms, PDF: a, Logger: a.log, Now: a.now,
		EventDays: a.cfg.Retention.Events, Chronologies: a.chronologies})
	if err != nil {
		panic(err) // every option is set above
	}
	r.Mount(api.Base, backOffice.Router())

	r.Group(func(r chi.Router) {
		r.Use(a.sessions, a.language, a.csrf) // language first: a refused post's page is in the person's language too
		r.NotFound(a.notFound)
		r.Get("/", a.start)
		r.Get("/referrals/new/{form}", a.overview)
		r.Post("/referrals/new/{form}", a.startReferral)
		r.Get("/forms/{form}/blank.pdf", a.blankPDF)
		r.Get("/accessibility", a.staticPage("static.accessibility_title", "static.accessibility_1", "static.accessibility_2", "static.accessibility_welsh"))
		r.Get("/privacy", a.staticPage("static.privacy_title", "static.privacy_1", "static.privacy_2", "static.privacy_3"))
		r.Get("/terms", a.termsPage)

		r.Get("/login", a.loginForm)
		r.Post("/login", a.login)
		r.Get("/login/code", a.signInCodeForm)
		r.Post("/login/code", a.signInCode)
		r.Get("/login/two-factor", a.authenticatorForm)
		r.Post("/login/two-factor", a.authenticatorCode)
		r.Get("/login/sso", a.ssoStart)
		r.Get("/login/sso/callback", a.ssoCallback)
		r.Post("/logout", a.logout)
		r.Get("/logout", a.loggedOut)
		r.Get("/account/deleted", a.accountDeleted)
		r.Post("/session/keepalive", a.keepalive)

		r.Get("/register", a.registerNameForm)
		r.Post("/register", a.registerName)
		r.Get("/register/cancel", a.registerCancel)
		r.Get("/register/email", a.registerEmailForm)
		r.Post("/register/email", a.registerEmail)
		r.Get("/register/verify", a.verifyForm)
		r.Post("/register/verify", a.verify)
		r.Post("/register/resend", a.resendCode)
		r.Get("/register/terms", a.termsForm)
		r.Post("/register/terms", a.acceptTerms)
		r.Get("/register/done", a.registered)

		r.Get("/password/forgotten", a.forgottenForm)
		r.Post("/password/forgotten", a.forgotten)
		r.Get("/password/reset", a.resetForm)
		r.Post("/password/reset", a.reset)

		r.Group(func(r chi.Router) {
			r.Use(a.requireUser)
			// What an account must set up first, and signing out, come before everything else.
			r.Get("/account/new-password", a.firstPasswordForm)
			r.Post("/account/new-password", a.firstPassword)
			r.Get("/account/two-factor", a.twoFactorForm)
			r.Post("/account/two-factor", a.setUpTwoFactor)
			r.Post("/account/sign-out-everywhere", a.signOutEveryDevice)
		})
		r.Group(func(r chi.Router) {
			r.Use(a.requireUser, a.requireSetUp)
			r.Get("/recover", a.recover)
			r.Get("/submitted", a.submittedForms)
			r.Get("/referrals/{id}", a.resumeReferral)
			r.Get("/referrals/{id}/pages/*", a.referralPage)
			r.Post("/referrals/{id}/pages/*", a.referralPost)
			r.Get("/referrals/{id}/submit", a.checkAnswers)
			r.Get("/referrals/{id}/confirm", a.confirmReferral)
			r.Post("/referrals/{id}/submit", a.submitReferral)
			r.Get("/referrals/{id}/print", a.referralPrint)
			r.Get("/referrals/{id}/pdf", a.referralPDF)
			r.Get("/referrals/{id}/files/{file}", a.referralFile)
			r.Get("/tasks", a.tasks)
			r.Get("/tasks/{id}", a.taskStart)
			r.Get("/tasks/{id}/pages/*", a.taskPage)
			r.Post("/tasks/{id}/pages/*", a.taskPost)
			r.Get("/tasks/{id}/submit", a.taskSubmitForm)
			r.Post("/tasks/{id}/submit", a.taskSubmit)
			r.Get("/tasks/{id}/print", a.taskPrint)
			r.Get("/tasks/{id}/pdf", a.taskPDF)
			r.Get("/tasks/{id}/files/{file}", a.taskFile)
			r.Get("/tasks/{id}/reassign", a.reassignForm)
			r.Post("/tasks/{id}/reassign", a.reassign)
			r.Get("/auto-replies", a.autoReplies)
			r.Get("/auto-replies/new", a.autoReplyForm)
			r.Post("/auto-replies/new", a.saveAutoReply)
			r.Get("/auto-replies/{reply}", a.autoReplyForm)
			r.Post("/auto-replies/{reply}", a.saveAutoReply)
			r.Post("/auto-replies/{reply}/delete", a.deleteAutoReply)
			r.Route("/staff", func(r chi.Router) {
				r.Use(a.requireStaff)
				r.Get("/", a.staffHome)
				r.Get("/audit", a.auditLog)
				r.Get("/forms", a.staffForms)
				r.Get("/accounts", a.staffAccounts)
				r.Get("/webhooks", a.webhooks)
				r.Post("/webhooks", a.addWebhook)
				r.Post("/webhooks/{id}/remove", a.removeWebhook)
				r.Post("/webhooks/deliveries/{delivery}/resend", a.resendWebhook)
				r.Get("/subject-access", a.subjectAccessForm)
				r.Post("/subject-access", a.subjectAccess)
				for _, change := range []string{disableAccount, enableAccount, resetAuthenticator} {
					r.Post("/accounts/{id}/"+change, a.changeStaffAccount(change))
				}
				r.Get("/delegations/new", a.delegateForm)
				r.Post("/delegations/new", a.delegate)
				// Multi-agency requests (issue 17).
				r.Get("/requests", a.requestList)
				r.Get("/requests/new", a.requestForm)
				r.Post("/requests/new", a.sendRequest)
				r.Get("/requests/{id}", a.requestPage)
				r.Get("/requests/{id}/chronology", a.requestChronology)
				for _, kind := range []store.Kind{store.KindDelegation, store.KindReferral} {
					base := "/" + string(kind) + "s/{id}"
					r.Get(base, a.staffDetail(kind))
					r.Get(base+"/answers", a.staffAnswers(kind))
					r.Get(base+"/staff-answers", a.staffAnswersPage(kind)) // staffanswers.go
					r.Post(base+"/staff-answers", a.staffAnswersPage(kind))
					r.Get(base+"/pdf", a.staffPDF(kind))
					r.Get(base+"/files/{file}", a.staffFile(kind))
					r.Post(base+"/return", a.staffChange(kind, casework.Return))
					r.Get(base+"/return", a.staffReturnPage(kind)) // rounds.go
				}
				r.Post("/delegations/{id}/retract", a.staffChange(store.KindDelegation, casework.Retract))
				r.Post("/delegations/{id}/reassign", a.staffChange(store.KindDelegation, casework.Reassign))
			})
			r.Get("/account", a.accountForm)
			r.Post("/account", a.updateAccount)
			r.Get("/account/password", a.passwordForm)
			r.Post("/account/password", a.changePassword)
			r.Get("/account/delete", a.deleteAccountForm)
			r.Post("/account/delete", a.deleteAccount)
		})
		if a.cfg.DevMailbox {
			r.Get("/dev/mail", a.devMailbox)
		}
	})
	a.router = r
}

func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.Error("not ready", "err", err)
		http.Error(w, "store unreachable", http.StatusServiceUnavailable)
		return
	}
	if err := a.store.WriteProbe(ctx); err != nil {
		a.log.Error("not ready", "err", err)
		http.Error(w, "store cannot take writes", http.StatusServiceUnavailable)
		return
	}
	if a.scanner == nil {
		w.Write([]byte("ready\nwarning: uploads are not scanned for viruses (no -clamd)\n"))
		return
	}
	if err := a.scanner.Ping(ctx); err != nil {
		a.log.Error("not ready", "err", err)
		http.Error(w, "virus scanner unreachable: uploads are refused", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// theme is the council's colour as a tiny stylesheet, so the built CSS stays the same for every council.
func (a *App) theme(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	fmt.Fprintf(w, ":root{--council-brand:%s}\n", a.cfg.BrandColour)
}

func validColour(c string) bool {
	if len(c) != 4 && len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, r := range c[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// page makes the layout's data for a request.
func (a *App) page(r *http.Request, title string) renderer.Page {
	p := renderer.Page{Title: title, Council: a.cfg.Council, Service: a.cfg.Service, DevMailbox: a.cfg.DevMailbox, AssetPath: a.asset}
	if isDelegationPortal(r.URL.Path) {
		p.Service = i18n.T(r.Context(), "service.delegation_portal")
	} else if p.Service == DefaultConfig().Service {
		// The default name has a Welsh one; a council's own name is its own (welsh18).
		p.Service = i18n.T(r.Context(), "service.default")
	}
	if s := sessionFrom(r); s != nil {
		p.CSRFToken = s.CSRFToken
	}
	withLangSwitch(&p, r, "")
	if u := userFrom(r); u != nil {
		p.User = &renderer.User{Name: u.Name(), Menu: a.menu(r.Context(), u)}
		p.IdleSeconds = int(a.cfg.IdleTimeout / time.Second)
		p.WarnSeconds = int(a.cfg.IdleWarning / time.Second)
	}
	return p
}

func isDelegationPortal(path string) bool {
	return path == "/tasks" || strings.HasPrefix(path, "/tasks/") || strings.HasPrefix(path, "/auto-replies")
}

// menu is the name menu; later portals add their items here.
func (a *App) menu(ctx context.Context, u *store.User) []renderer.MenuItem {
	t := func(id string) string { return i18n.T(ctx, id) }
	if u.IsStaff() {
		items := []renderer.MenuItem{{Label: t("menu.staff_console"), Href: "/staff"}}
		if u.Role == store.RoleAdmin {
			items = append(items, renderer.MenuItem{Label: t("menu.audit_log"), Href: "/staff/audit"}, renderer.MenuItem{Label: t("menu.staff_accounts"), Href: "/staff/accounts"},
				renderer.MenuItem{Label: t("menu.webhooks"), Href: "/staff/webhooks"},

				renderer.MenuItem{Label: t("menu.subject_access"), Href: "/staff/subject-access"})
		}
		return append(items, renderer.MenuItem{Label: t("account.title"), Href: "/account"})
	}
	return []renderer.MenuItem{
		{Label: t("menu.tasks"), Href: "/tasks"},
		{Label: t("account.title"), Href: "/account"},
		{Label: t("menu.auto_replies"), Href: "/auto-replies"},
		{Label: t("recover.title"), Href: "/recover"},
		{Label: t("submitted.title"), Href: "/submitted"},
	}
}
