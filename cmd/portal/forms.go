package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"formportal/casework"
	"formportal/engine"
	"formportal/forms"
	"formportal/mail"
	"formportal/store/sqlstore"
)

// readForms loads the forms folder (the bundled forms when dir is ""). Any error refuses the whole folder:
// every diagnostic is printed to w as formlint prints it, and warnings are logged.
func readForms(dir string, w io.Writer, logger *slog.Logger) ([]*engine.Form, error) {
	fsys, name := forms.FS(), "the bundled forms"
	if dir != "" {
		fsys, name = os.DirFS(dir), dir
	}
	list, diags, err := engine.LoadFS(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("forms %s: %w", name, err)
	}
	if diags.HasErrors() {
		for _, d := range diags {
			fmt.Fprintln(w, d)
		}
		return nil, fmt.Errorf("forms %s: %d problems (printed above, as formlint shows them): fix the errors and start again", name, len(diags))
	}
	for _, d := range diags {
		logger.Warn("form definition", "diagnostic", d.String())
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("forms %s: no form definitions (*.yaml, *.yml) in the folder", name)
	}
	return list, nil
}

// publish publishes the forms read from the folder and makes the library offer them, each at its latest
// published version. Versions the engine can no longer load are logged: responses on them cannot open.
func publish(ctx context.Context, work *casework.Service, library *forms.Library, list []*engine.Form, opts casework.PublishOptions, logger *slog.Logger) error {
	res, err := work.Publish(ctx, list, opts)
	if err != nil {
		return err
	}
	library.SetCurrent(list)
	for _, p := range res.New {
		logger.Info("form published", "form", p)
	}
	for _, u := range res.Unloadable {
		logger.Error("a published form version does not load: responses on it cannot be opened", "version", u)
	}
	if res.Moved > 0 || res.Stayed > 0 {
		logger.Info("drafts moved to new form versions", "moved", res.Moved, "stayed_incompatible", res.Stayed)
	}
	return nil
}

// watchForms re-reads and publishes the forms folder on SIGHUP, and looks for versions published by other
// processes (portal forms publish) every poll, until ctx ends. A folder with errors is refused and the
// forms already served stay.
func watchForms(ctx context.Context, dir string, poll time.Duration, work *casework.Service, library *forms.Library, logger *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			list, err := readForms(dir, os.Stderr, logger)
			if err == nil {
				err = publish(ctx, work, library, list, casework.PublishOptions{By: "portal reload"}, logger)
			}
			if err != nil {
				logger.Error("forms not reloaded: the forms already served stay", "err", err)
				continue
			}
			logger.Info("forms reloaded", "forms", len(list))
		case <-tick:
			unloadable, err := work.LoadNewVersions(ctx)
			if err != nil {
				logger.Warn("looking for newly published form versions", "err", err)
			}
			for _, u := range unloadable {
				logger.Error("a published form version does not load: responses on it cannot be opened", "version", u)
			}
		}
	}
}

// publishCommand is `portal forms publish [-migrate] DIR`: check the folder and publish its forms to the
// database that running portals share; they take new versions up on SIGHUP or at their next poll.
func publishCommand(args []string) (func(context.Context, *sqlstore.DB) error, error) {
	fl := flag.NewFlagSet("forms publish", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	migrate := fl.Bool("migrate", false, "move drafts and delegations in flight to each new version when nothing breaks them, as migrate: compatible does")
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	if fl.NArg() != 1 {
		return nil, errors.New("give the forms folder")
	}
	dir := fl.Arg(0)
	if _, err := fs.Stat(os.DirFS(dir), "."); err != nil {
		return nil, fmt.Errorf("forms folder: %w", err)
	}
	return func(ctx context.Context, db *sqlstore.DB) error {
		logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
		list, err := readForms(dir, os.Stderr, logger)
		if err != nil {
			return err
		}
		library := forms.New(list)
		// No mail goes out from a publish: moving a draft sends nothing.
		work := casework.New(db, library, mail.NewOutbox(db, "", time.Now), casework.Texts{}, nil)
		res, err := work.Publish(ctx, list, casework.PublishOptions{By: "portal forms publish", Migrate: *migrate})
		if err != nil {
			return err
		}
		if len(res.New) == 0 {
			fmt.Println("Nothing new to publish: every form in the folder is published already.")
		}
		for _, p := range res.New {
			fmt.Printf("Published %s.\n", p)
		}
		if res.Moved > 0 || res.Stayed > 0 {
			fmt.Printf("Moved %d drafts and delegations to the new versions; %d stay on their version, which a change would break.\n", res.Moved, res.Stayed)
		}
		return nil
	}, nil
}
