package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// ops is the part of the configuration that operations need: where metrics are served, and where each
// setting came from, for portal config and for error messages that name what to fix.
type ops struct {
	flags       *flag.FlagSet
	fromEnv     map[string]string // flag name -> the PORTAL_ variable that set it
	metricsAddr string
}

// envOnly are the PORTAL_ variables that are not flags: secrets that must never be flags. Variables
// beginning PORTAL_TEST_ belong to the tests. Any other PORTAL_ variable is a mistake (a typo, or a
// setting this version does not have) and stops the start.
var envOnly = map[string]bool{"PORTAL_OIDC_CLIENT_SECRET": true, "PORTAL_ADDRESS_LOOKUP_KEY": true}

const testEnvPrefix = "PORTAL_TEST_"

// envName is the environment variable of a flag: PORTAL_SMTP_HOST for -smtp-host.
func envName(flagName string) string {
	return "PORTAL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (c *config) addObservabilityFlags(fl *flag.FlagSet) {
	fl.StringVar(&c.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address (like localhost:9090), apart from the portal; without it there are none")
}

// fromEnvironment sets every flag from its PORTAL_ variable in env. A value the flag refuses, or a
// PORTAL_ variable that is no setting, stops the start with a message naming the variable.
func (c *config) fromEnvironment(fl *flag.FlagSet, env []string) error {
	c.fromEnv = map[string]string{}
	known := map[string]*flag.Flag{}
	fl.VisitAll(func(f *flag.Flag) { known[envName(f.Name)] = f })
	var errs []error
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "PORTAL_") || envOnly[name] || strings.HasPrefix(name, testEnvPrefix) {
			continue
		}
		f, ok := known[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s is not a setting of the portal: check its spelling (portal -help lists the settings; each is PORTAL_ and the flag's name)", name))
			continue
		}
		if err := f.Value.Set(value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s", name, badValue(f, value)))
			continue
		}
		c.fromEnv[f.Name] = name
	}
	return errors.Join(errs...)
}

// badValue says what a flag takes, quoting the value given unless it could be a secret.
func badValue(f *flag.Flag, value string) string {
	shown := fmt.Sprintf("%q", value)
	if secretSetting(f.Name) {
		shown = "the value given"
	}
	want := "another value"
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int, int64, uint, uint64:
			want = "a whole number"
		case time.Duration:
			want = "a duration such as 10m, 90s or 1h30m"
		case bool:
			want = "true or false"
		}
	}
	return fmt.Sprintf("%s is not %s", shown, want)
}

// secretSetting reports whether a setting's value is a secret that portal config and error messages
// must not show. Files holding secrets are named by -NAME-file settings, whose values (paths) are not.
func secretSetting(name string) bool {
	if strings.HasSuffix(name, "-file") {
		return false
	}
	for _, word := range []string{"password", "secret", "key", "database-url"} {
		if strings.Contains(name, word) {
			return true
		}
	}
	return false
}

// setting names a flag as the operator set it: its PORTAL_ variable when that set it, else the flag.
func (c *config) setting(name string) string {
	if v, ok := c.fromEnv[name]; ok {
		return v
	}
	return "-" + name
}

// validate checks the values each flag's type cannot: ranges, choices, addresses.
func (c *config) validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", c.setting(name), fmt.Sprintf(format, args...)))
	}
	if c.smtpPort < 1 || c.smtpPort > 65535 {
		bad("smtp-port", "%d is not a port: give one from 1 to 65535", c.smtpPort)
	}
	switch c.smtpTLS {
	case "starttls", "tls", "none":
	default:
		bad("smtp-tls", "%q: give starttls, tls or none", c.smtpTLS)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"idle-timeout", c.web.IdleTimeout}, {"idle-warning", c.web.IdleWarning}, {"session-lifetime", c.web.SessionLifetime}} {
		if d.v <= 0 {
			bad(d.name, "%v: give a duration longer than nothing, such as 10m", d.v)
		}
	}
	if c.web.IdleWarning >= c.web.IdleTimeout {
		bad("idle-warning", "%v is not shorter than the idle timeout (%v): the warning comes before it", c.web.IdleWarning, c.web.IdleTimeout)
	}
	if c.shutdownGrace < 0 {
		bad("shutdown-grace", "%v: give a duration of 0 or more", c.shutdownGrace)
	}
	if _, err := mail.ParseAddress(c.from); err != nil {
		bad("mail-from", "%q is not an email address", c.from)
	}
	if u, err := url.Parse(c.web.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("base-url", "%q: give the portal's public address, like https://portal.council.gov.uk", c.web.BaseURL)
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		bad("addr", "%q: give host:port or :port", c.addr)
	}
	if c.metricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.metricsAddr); err != nil {
			bad("metrics-addr", "%q: give host:port, like localhost:9090", c.metricsAddr)
		} else if c.metricsAddr == c.addr {
			bad("metrics-addr", "%q is the portal's own address: metrics are served apart", c.metricsAddr)
		}
	}
	if c.dataDir == "" && c.databaseURL == "" {
		bad("data", "give the folder for the database")
	}
	return errors.Join(errs...)
}

// printConfig writes the effective configuration, one setting a line with where it came from; secrets
// are masked, a database URL keeps everything but its password.
func printConfig(w io.Writer, c *config) error {
	onCommandLine := map[string]bool{}
	c.flags.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var names []string
	c.flags.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tFROM")
	for _, name := range names {
		f := c.flags.Lookup(name)
		from := "default"
		switch {
		case onCommandLine[name]:
			from = "flag -" + name
		case c.fromEnv[name] != "":
			from = c.fromEnv[name]
		}
		value := f.Value.String()
		switch {
		case name == "database-url" && c.databaseURL != "":
			value = maskDatabaseURL(c.databaseURL)
			if from == "default" {
				from = "-database-url-file"
			}
		case name == "smtp-password" && c.smtpPass != "" && from == "default":
			value, from = masked, "-smtp-password-file"
		case secretSetting(name) && value != "":
			value = masked
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, value, from)
	}
	if c.web.SSO != nil {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", "oidc client secret", masked, "PORTAL_OIDC_CLIENT_SECRET or -oidc-client-secret-file")
	}
	fmt.Fprintf(tw, "%s\t%v\t%s\n", "dev mailbox", c.web.DevMailbox, "on without -smtp-host")
	for _, warning := range c.warnings {
		fmt.Fprintf(tw, "warning\t%s\t\n", warning)
	}
	return tw.Flush()
}

const masked = "******"

// maskDatabaseURL hides a DSN's password, in its user part or its query: postgres://portal:xxxxx@db/portal.
// A DSN that is not a URL (host=... password=...) is hidden whole.
func maskDatabaseURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return masked
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
