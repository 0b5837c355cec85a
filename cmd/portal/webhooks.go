package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"formportal/store/sqlstore"
	"formportal/webhook"
)

// addWebhook registers an endpoint and prints its signing secret.
func addWebhook(ctx context.Context, db *sqlstore.DB, url string) error {
	e, err := webhook.AddEndpoint(ctx, db, url, operator(), time.Now())
	if err != nil {
		return err
	}
	fmt.Printf("Webhook endpoint %s added for %s. Every event is sent to it, signed with this secret (check webhook-signature with it; give it to the receiving system only):\n%s\n", e.ID, e.URL, e.Secret)
	return nil
}

// listWebhooks shows every endpoint, without its secret.
func listWebhooks(ctx context.Context, db *sqlstore.DB) error {
	list, err := db.WebhookEndpoints(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Println("No webhook endpoints. Add one with: portal webhook add URL")
		return nil
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tURL\tADDED")
	for _, e := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.ID, e.URL, e.CreatedAt.Format(time.DateTime+" MST"))
	}
	return tw.Flush()
}

func removeWebhook(ctx context.Context, db *sqlstore.DB, id string) error {
	if err := webhook.RemoveEndpoint(ctx, db, id, operator(), time.Now()); err != nil {
		return err
	}
	fmt.Printf("Webhook endpoint %s removed; nothing more is sent to it.\n", id)
	return nil
}
