// Command portal runs the council's portals: one binary with an embedded SQLite database by default, the
// dev mailbox when no SMTP server is configured, and demo data with -demo.
//
//	portal [flags]                          serve
//	portal [flags] apikey create NAME [-expires 90d] [-scope read-only]
//	                                        make a back-office API key and print it once (a year, read-write
//	                                        unless told)
//	portal [flags] apikey list              every key: scope, expiry, revoked or not
//	portal [flags] apikey revoke NAME-or-ID refuse the key from the next request on, in every process
//	portal [flags] webhook add URL          send every event to URL, signed; prints its secret once
//	portal [flags] webhook list             every endpoint
//	portal [flags] webhook remove ID        send it nothing more
//	portal [flags] staff create EMAIL FORENAME SURNAME [admin]
//	                                        make a council staff account (admin: also reads the audit log)
//	portal [flags] forms publish [-migrate] DIR
//	                                        check a forms folder and publish its new versions to the
//	                                        database; running portals take them up on SIGHUP or their poll
//	portal new-key ID                       print a keyring line with a fresh encryption key
//	portal [flags] rotate-key               bring every stored row under the keyring's first key, while
//	                                        the portal serves
//	portal [flags] export-subject EMAIL FILE.zip
//	                                        everything held about an email address (a subject access
//	                                        request): JSON, a PDF of each form, the documents
//	portal [flags] config | healthcheck | backup FILE | restore FILE | migrate status | migrate apply
//	                                        operations (opscommands.go)
//
// Every flag can also be set by an environment variable, PORTAL_ and the flag's name in capitals with
// dashes as underscores (PORTAL_SMTP_HOST for -smtp-host). Secrets (the SMTP password, a database URL
// with a password in it) come from the environment or from a file (-smtp-password-file,
// -database-url-file: a Docker secret or a systemd credential), never from a flag except in development:
// every user of the machine can read a process's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"formportal/addresslookup"
	"formportal/casework"
	"formportal/forms"
	"formportal/mail"
	"formportal/scan"
	"formportal/store/sqlstore"
	"formportal/web"
	"formportal/web/assets"
	"formportal/webhook"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(context.Background(), os.Args[1:], logger); err != nil {
		logger.Error("portal stopped", "err", err)
		os.Exit(1)
	}
}

type config struct {
	addr, dataDir, databaseURL   string
	trustedProxies               string
	clamd                        string
	web                          web.Config
	smtpHost, smtpUser, smtpPass string
	smtpTLS, from                string
	smtpPort                     int
	demo, devMailbox             bool
	shutdownGrace                time.Duration
	warnings                     []string // about the configuration, logged at start
	signInCode                   bool
	rememberDays                 int
	oidcIssuer, oidcClientID     string
	oidcSecretFile, oidcDomains  string
	oidcName                     string
	lookupURL, lookupKeyFile     string
	lookupTimeout                time.Duration
	lookup                       addresslookup.Lookup // addresslookup.None without -address-lookup-url
	formsDir                     string
	formsPoll                    time.Duration
	encryption                   encryptionConfig
	ops                          // operations settings and the flag set, for portal config (config.go)
	memoryLimitMiB               int
}

func parseFlags(args []string) (*config, []string, error) {
	def := web.DefaultConfig()
	c := &config{}
	fl := flag.NewFlagSet("portal", flag.ContinueOnError)
	fl.StringVar(&c.addr, "addr", "localhost:8080", "address to listen on")
	fl.StringVar(&c.formsDir, "forms", "", "the council's forms folder (*.yaml); without it the bundled forms serve. A folder with errors stops the portal starting; SIGHUP reads it again")
	fl.DurationVar(&c.formsPoll, "forms-poll", time.Minute, "how often to look in the database for form versions published by other processes (portal forms publish); 0: only on SIGHUP")
	fl.StringVar(&c.dataDir, "data", "data", "folder for the SQLite database")
	fl.StringVar(&c.databaseURL, "database-url", "", "a PostgreSQL DSN (postgres://...) instead of SQLite; several portal processes can share it. As a flag for development only (the process list shows it): set PORTAL_DATABASE_URL or -database-url-file")
	databaseURLFile := fl.String("database-url-file", "", "a file holding the PostgreSQL DSN, such as a Docker secret or a systemd credential")
	fl.StringVar(&c.web.BaseURL, "base-url", def.BaseURL, "public address of the portal, used in emails; https makes cookies Secure")
	fl.StringVar(&c.web.Council, "council", def.Council, "the council's name, shown in the header and emails")
	fl.StringVar(&c.web.Service, "service", def.Service, "the portal's name")
	fl.StringVar(&c.web.BrandColour, "brand-colour", def.BrandColour, "the council's colour, as #rrggbb")
	fl.StringVar(&c.web.OutOfHoursPhone, "out-of-hours-phone", def.OutOfHoursPhone, "the council's out-of-hours number")
	fl.StringVar(&c.web.Marking, "marking", def.Marking, "the classification printed on every page of PDFs")
	fl.DurationVar(&c.web.IdleTimeout, "idle-timeout", def.IdleTimeout, "sign out after this long without activity")
	fl.DurationVar(&c.web.IdleWarning, "idle-warning", def.IdleWarning, "warn this long before the idle timeout")
	fl.DurationVar(&c.web.SessionLifetime, "session-lifetime", def.SessionLifetime, "sign out this long after signing in")
	fl.IntVar(&c.web.DraftCacheMiB, "draft-cache-mib", def.DraftCacheMiB, "memory, in MiB, for drafts kept decoded between requests (a 2,000-row chronology takes a few); -1 keeps none, nor any form page as drawn")
	fl.IntVar(&c.memoryLimitMiB, "memory-limit-mib", 224, "the Go runtime's soft memory limit in MiB: past it, memory is collected sooner (GOMEMLIMIT, when set, wins); 0 for none")
	fl.DurationVar(&c.web.DraftCacheIdle, "draft-cache-idle", def.DraftCacheIdle, "how long a draft is kept decoded unused; when all have gone, their memory is handed back to the system")
	fl.StringVar(&c.smtpHost, "smtp-host", "", "SMTP server; without it, mail goes to the dev mailbox at /dev/mail")
	fl.IntVar(&c.smtpPort, "smtp-port", 587, "SMTP port")
	fl.StringVar(&c.smtpUser, "smtp-user", "", "SMTP user name")
	fl.StringVar(&c.smtpPass, "smtp-password", "", "SMTP password. As a flag for development only (the process list shows it): set PORTAL_SMTP_PASSWORD or -smtp-password-file")
	smtpPassFile := fl.String("smtp-password-file", "", "a file holding the SMTP password, such as a Docker secret or a systemd credential")
	fl.StringVar(&c.smtpTLS, "smtp-tls", "starttls", "SMTP security: starttls, tls or none")
	fl.StringVar(&c.from, "mail-from", "donotreply@council.example", "the From address of emails")
	fl.BoolVar(&c.demo, "demo", false, "add demo data (a council, forms, a professional with tasks)")
	fl.BoolVar(&c.devMailbox, "dev-mailbox", false, "without SMTP on a public address, show every email at /dev/mail anyway (demos only)")
	fl.StringVar(&c.trustedProxies, "trusted-proxies", "", "addresses or CIDR ranges of the proxies in front of the portal, comma separated: only they may say in X-Forwarded-For which address a request came from")
	fl.StringVar(&c.clamd, "clamd", "", "clamd's address for scanning uploads for viruses: unix:/run/clamav/clamd.ctl or tcp:host:3310; without it uploads are not scanned")
	fl.DurationVar(&c.shutdownGrace, "shutdown-grace", 20*time.Second, "how long requests in flight get to finish on shutdown")
	fl.BoolVar(&c.signInCode, "signin-code", true, "email a code at every sign-in (staff with an authenticator app give its code instead); false: the password alone, except after wrong passwords")
	fl.IntVar(&c.rememberDays, "remember-device-days", 30, `how long "remember this device" spares a browser the sign-in code, in days`)
	fl.StringVar(&c.oidcIssuer, "oidc-issuer", "", "staff sign in through this OpenID Connect provider too (its issuer URL, like https://login.microsoftonline.com/TENANT/v2.0)")
	fl.StringVar(&c.oidcClientID, "oidc-client-id", "", "the portal's client id at the OpenID Connect provider")
	fl.StringVar(&c.oidcSecretFile, "oidc-client-secret-file", "", "a file holding the client secret (or set PORTAL_OIDC_CLIENT_SECRET); never a flag, which the process list shows")
	fl.StringVar(&c.oidcDomains, "oidc-email-domains", "", "the email domains whose staff may sign in through the provider, comma separated")
	fl.StringVar(&c.oidcName, "oidc-name", "", `the provider's name on the sign-in button, like "Microsoft"`)
	fl.StringVar(&c.lookupURL, "address-lookup-url", "", "a gazetteer's postcode search in the OS Places shape (https://api.os.uk/search/places/v1/postcode, or the council's own): address questions offer Find address. Without it people type addresses")
	fl.StringVar(&c.lookupKeyFile, "address-lookup-key-file", "", "a file holding the gazetteer's API key (or set PORTAL_ADDRESS_LOOKUP_KEY); never a flag, which the process list shows")
	fl.DurationVar(&c.lookupTimeout, "address-lookup-timeout", addresslookup.DefaultTimeout, "how long a postcode search may take before people are asked to type the address")
	c.encryption.flags(fl)
	retentionFlags(fl, &c.web.Retention)
	c.addObservabilityFlags(fl)
	if err := c.fromEnvironment(fl, os.Environ()); err != nil {
		return nil, nil, err
	}
	if err := fl.Parse(args); err != nil {
		return nil, nil, err
	}
	c.flags = fl
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	c.web.PasswordOnlySignIn = !c.signInCode
	if c.rememberDays < 1 {
		return nil, nil, fmt.Errorf("-remember-device-days %d: give a number of days, 1 or more", c.rememberDays)
	}
	c.web.RememberDevice = time.Duration(c.rememberDays) * 24 * time.Hour
	if c.oidcIssuer != "" {
		sso, err := c.sso()
		if err != nil {
			return nil, nil, err
		}
		c.web.SSO = sso
	}
	lookup, err := c.addressLookup()
	if err != nil {
		return nil, nil, err
	}
	c.lookup = lookup
	if c.trustedProxies != "" {
		nets, err := web.ParseTrustedProxies(c.trustedProxies)
		if err != nil {
			return nil, nil, fmt.Errorf("-trusted-proxies: %w", err)
		}
		c.web.TrustedProxies = nets
	}
	secrets := []struct {
		name, file string
		value      *string
	}{{"smtp-password", *smtpPassFile, &c.smtpPass}, {"database-url", *databaseURLFile, &c.databaseURL}, {"encryption-keys", *c.encryption.keysFile, &c.encryption.keysText}}
	onCommandLine := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true }) // flags only: the environment sets values directly
	for _, s := range secrets {
		if err := secretFromFile(s.value, s.name, s.file); err != nil {
			return nil, nil, err
		}
		if s.file != "" {
			if info, err := os.Stat(s.file); err == nil && info.Mode().Perm()&0o077 != 0 {
				c.warnings = append(c.warnings, fmt.Sprintf("-%s-file %s can be read by other users of this machine (mode %s): make it readable by the portal's user only (chmod 600)",
					s.name, s.file, info.Mode().Perm()))
			}
		}
		if onCommandLine[s.name] {
			c.warnings = append(c.warnings, fmt.Sprintf("-%s was given as a flag, which every user of this machine can read in the process list: set PORTAL_%s or -%s-file instead",
				s.name, strings.ToUpper(strings.ReplaceAll(s.name, "-", "_")), s.name))
		}
	}
	if err := c.encryption.load(); err != nil {
		return nil, nil, err
	}
	if err := checkRetention(c.web.Retention); err != nil {
		return nil, nil, err
	}
	// The dev mailbox shows every email, codes included, to anyone: only when nothing but this machine can
	// reach it and its links, or for a demo that says so, never on a public address by accident.
	if c.smtpHost == "" {
		if !c.devMailbox && (!loopbackListener(c.addr) || !loopbackURL(c.web.BaseURL)) {
			return nil, nil, fmt.Errorf("no SMTP server (-smtp-host), and -addr %s with -base-url %s is not loopback only: configure SMTP, or pass -dev-mailbox to show every email at /dev/mail to anyone (demos only)", c.addr, c.web.BaseURL)
		}
		c.web.DevMailbox = true
	}
	return c, fl.Args(), nil
}

// sso is the OpenID Connect configuration; the client secret comes from a file or the environment.
func (c *config) sso() (*web.SSOConfig, error) {
	secret := os.Getenv("PORTAL_OIDC_CLIENT_SECRET")
	if c.oidcSecretFile != "" {
		b, err := os.ReadFile(c.oidcSecretFile)
		if err != nil {
			return nil, fmt.Errorf("-oidc-client-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	var domains []string
	for _, d := range strings.Split(c.oidcDomains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			domains = append(domains, d)
		}
	}
	switch {
	case c.oidcClientID == "":
		return nil, errors.New("-oidc-issuer needs -oidc-client-id")
	case secret == "":
		return nil, errors.New("-oidc-issuer needs the client secret in -oidc-client-secret-file or PORTAL_OIDC_CLIENT_SECRET")
	case len(domains) == 0:
		return nil, errors.New("-oidc-issuer needs -oidc-email-domains: the domains whose staff may sign in through it")
	}
	return &web.SSOConfig{Issuer: c.oidcIssuer, ClientID: c.oidcClientID, ClientSecret: secret, EmailDomains: domains, Name: c.oidcName}, nil
}

// addressLookup is the gazetteer address questions search by postcode, or none without
// -address-lookup-url. Its key comes from a file or the environment, like the other secrets.
func (c *config) addressLookup() (addresslookup.Lookup, error) {
	key := os.Getenv("PORTAL_ADDRESS_LOOKUP_KEY")
	if c.lookupKeyFile != "" {
		if key != "" {
			return nil, errors.New("-address-lookup-key-file and PORTAL_ADDRESS_LOOKUP_KEY both given: give one")
		}
		if err := secretFromFile(&key, "address-lookup-key", c.lookupKeyFile); err != nil {
			return nil, err
		}
	}
	if c.lookupURL == "" {
		if key != "" {
			return nil, errors.New("an address lookup key is given without -address-lookup-url")
		}
		return addresslookup.None, nil
	}
	l, err := addresslookup.NewPlaces(c.lookupURL, key, c.lookupTimeout)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.setting("address-lookup-url"), err)
	}
	return l, nil
}

// loopbackHost reports whether a host is this machine's loopback: "localhost" exactly, or a loopback IP
// address. A name that only begins like one (localhost.attacker.example, 127.0.0.1.nip.io) is not.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackListener reports whether a listening address takes connections from this machine only; one
// without a host (":8080") listens on every interface.
func loopbackListener(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && loopbackHost(host)
}

// loopbackURL reports whether a base URL's host, as parsed, is loopback.
func loopbackURL(base string) bool {
	u, err := url.Parse(base)
	return err == nil && loopbackHost(u.Hostname())
}

// command runs a subcommand against the store.
func command(ctx context.Context, c *config, args []string) error {
	const usage = "use: " + opsUsage + " | apikey create NAME [-expires 90d] [-scope read-only|read-write] | apikey list | apikey revoke NAME-or-ID | webhook add URL | webhook list | webhook remove ID | staff create EMAIL FORENAME SURNAME [admin] | forms publish [-migrate] DIR | new-key ID | rotate-key | export-subject EMAIL FILE.zip"
	var do func(context.Context, *sqlstore.DB) error
	switch {
	case len(args) >= 3 && args[0] == "apikey" && args[1] == "create":
		spec, err := apiKeySpec(args[2:])
		if err != nil {
			return fmt.Errorf("apikey create: %w; %s", err, usage)
		}
		do = func(ctx context.Context, db *sqlstore.DB) error { return createAPIKey(ctx, db, spec) }
	case len(args) >= 2 && args[0] == "forms" && args[1] == "publish":
		var err error
		if do, err = publishCommand(args[2:]); err != nil {
			return fmt.Errorf("forms publish: %w; %s", err, usage)
		}
	case len(args) == 2 && args[0] == "apikey" && args[1] == "list":
		do = listAPIKeys
	case len(args) == 3 && args[0] == "apikey" && args[1] == "revoke":
		do = func(ctx context.Context, db *sqlstore.DB) error { return revokeAPIKey(ctx, db, args[2]) }
	case len(args) == 3 && args[0] == "webhook" && args[1] == "add":
		do = func(ctx context.Context, db *sqlstore.DB) error { return addWebhook(ctx, db, args[2]) }
	case len(args) == 2 && args[0] == "webhook" && args[1] == "list":
		do = listWebhooks
	case len(args) == 3 && args[0] == "webhook" && args[1] == "remove":
		do = func(ctx context.Context, db *sqlstore.DB) error { return removeWebhook(ctx, db, args[2]) }
	case (len(args) == 5 || len(args) == 6 && args[5] == "admin") && args[0] == "staff" && args[1] == "create":
		do = func(ctx context.Context, db *sqlstore.DB) error {
			password, err := web.NewStaff(ctx, db, args[2], args[3], args[4], len(args) == 6, time.Now())
			if err != nil {
				return err
			}
			fmt.Printf("Staff account %s created. Its first password, shown only this once, is changed at the first sign-in, when an authenticator app is set up too:\n%s\n", args[2], password)
			return nil
		}
	case len(args) == 2 && args[0] == "new-key":
		return newKeyLine(args[1])
	default:
		var ok bool
		if do, ok = dataCommand(c, args); !ok {
			return fmt.Errorf("unknown command %q: %s", strings.Join(args, " "), usage)
		}
	}
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	return do(ctx, db)
}

func run(ctx context.Context, args []string, logger *slog.Logger) error {
	c, rest, err := parseFlags(args)
	if err != nil {
		return err
	}
	for _, w := range c.warnings {
		logger.Warn(w)
	}
	if do, ok := opsCommand(rest); ok {
		return do(ctx, c)
	}
	if len(rest) > 0 {
		return command(ctx, c, rest)
	}
	if c.encryption.keys == nil {
		logger.Warn("answers, case data and documents are stored unencrypted: set -encryption-keys-file or PORTAL_ENCRYPTION_KEYS")
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && c.memoryLimitMiB > 0 {
		debug.SetMemoryLimit(int64(c.memoryLimitMiB) << 20)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	stopMetrics, err := serveMetrics(c, db, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	list, err := readForms(c.formsDir, os.Stderr, logger)
	if err != nil {
		return err
	}
	library := forms.New(list)

	from := fmt.Sprintf("%s <%s>", c.web.Service, c.from)
	var transport mail.Transport = mail.DevMailbox{}
	if c.smtpHost != "" {
		transport = &mail.SMTPTransport{Host: c.smtpHost, Port: c.smtpPort, Username: c.smtpUser, Password: c.smtpPass, TLS: c.smtpTLS, Timeout: 30 * time.Second}
	}
	hooks := webhook.NewSender(db, webhook.Options{Logger: logger})
	sender := mail.NewSender(db, transport, from, mail.SenderOptions{Logger: logger, Webhooks: hooks})
	outbox := mail.NewOutbox(db, from, time.Now)
	outbox.Notify = sender.Wake
	// Publishing the forms is refused, and the portal does not start, when a published version changed.
	work := casework.New(db, library, outbox, casework.Texts{Council: c.web.Council, Service: c.web.Service, BaseURL: c.web.BaseURL}, nil)
	if err := publish(ctx, work, library, list, casework.PublishOptions{By: "portal start"}, logger); err != nil {
		return err
	}

	opts := web.Options{Store: db, Mailer: outbox, Webhooks: hooks, Forms: library, Logger: logger, Assets: assets.Handler(), Asset: assets.Path,
		AddressLookup: c.lookup}
	if c.clamd != "" {
		clamd, err := scan.NewClamd(c.clamd)
		if err != nil {
			return fmt.Errorf("-clamd: %w", err)
		}
		if err := clamd.Ping(ctx); err != nil {
			logger.Warn("clamd does not answer yet: uploads are refused until it does", "clamd", c.clamd, "err", err)
		}
		opts.Scanner = clamd
	} else {
		logger.Warn("uploads are not scanned for viruses: set -clamd to clamd's address")
	}
	app, err := web.New(c.web, opts)
	if err != nil {
		return err
	}
	if c.demo {
		if err := app.SeedDemo(ctx); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	srv := &http.Server{
		Addr:              c.addr,
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	background, cancelBackground := context.WithCancel(context.Background())
	defer cancelBackground()
	go sender.Run(background)
	go hooks.Run(background)
	go app.RunHousekeeping(background)
	go work.RunReminders(background, time.Minute, logger) // due-date reminders and the staff's daily digests
	go watchForms(background, c.formsDir, c.formsPoll, work, library, logger)

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("portal listening", "addr", c.addr, "base_url", c.web.BaseURL, "dev_mailbox", c.web.DevMailbox, "demo", c.demo,
		"signin_code", !c.web.PasswordOnlySignIn, "sso", c.web.SSO != nil, "forms", formsName(c.formsDir), "address_lookup", addresslookup.Offered(c.lookup))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// openStore opens PostgreSQL when a database URL is given, else the SQLite file in the data folder, with
// the encryption keys: keys that do not open the data stored stop it here.
func openStore(ctx context.Context, c *config) (*sqlstore.DB, error) {
	var db *sqlstore.DB
	var err error
	if c.databaseURL != "" {
		db, err = sqlstore.OpenPostgres(ctx, c.databaseURL)
	} else {
		if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data folder: %w", err)
		}
		db, err = sqlstore.OpenSQLite(ctx, filepath.Join(c.dataDir, "portal.db"))
	}
	if err != nil {
		return nil, err
	}
	if err := db.UseKeys(ctx, c.encryption.keys); err != nil {
		db.Close()
		return nil, fmt.Errorf("encryption keys (-encryption-keys-file, PORTAL_ENCRYPTION_KEYS): %w", err)
	}
	return db, nil
}

// secretFromFile reads a secret from the file named by its -NAME-file flag into value, without its final
// line end. Giving both the secret and its file is a mistake, not a choice of one; errors never show
// the secret.
func secretFromFile(value *string, name, file string) error {
	if file == "" {
		return nil
	}
	if *value != "" {
		return fmt.Errorf("-%s and -%s-file both given (as flags or PORTAL_ variables): give one", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("-%s-file: %w", name, err)
	}
	*value = strings.TrimRight(string(b), "\r\n")
	if *value == "" {
		return fmt.Errorf("-%s-file: %s is empty", name, file)
	}
	return nil
}

// formsName says which forms serve, for the log.
func formsName(dir string) string {
	if dir == "" {
		return "bundled"
	}
	return dir
}
