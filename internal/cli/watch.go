package cli

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/publisher"
)

func newWatchCmd(g *globals) *cobra.Command {
	var f pubFlags
	var threshold, interval time.Duration
	var webhook string
	var once, keepGoing bool
	cmd := &cobra.Command{
		Use:   "watch [ID]...",
		Short: "Warn when a pod's runway falls below a threshold (message, exit code, webhook)",
		Long: `Checks the runway (channel balance / estimated cost per second) of the given
deployments, or of every running deployment recorded here, every --interval.
When one falls below --threshold it prints a warning on stderr, POSTs the
warnings as JSON ({"warnings": [...]}) to --webhook if given, and exits
non-zero (unless --keep-going). With --once it checks a single time.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if webhook != "" {
				u, err := url.Parse(webhook)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return usagef("--webhook %q: want an http(s) URL", webhook)
				}
			}
			if interval <= 0 {
				return usagef("--interval must be positive")
			}
			p, closeFn, err := f.open(cmd, g, false)
			if err != nil {
				return err
			}
			defer closeFn()
			ctx := cmd.Context()
			errw := cmd.ErrOrStderr()
			warned := false
			for {
				ws, err := p.CheckRunways(ctx, args, threshold)
				if err != nil {
					return err
				}
				for _, w := range ws {
					fmt.Fprintf(errw, "WARNING: %s\n", w.Message)
				}
				if g.output == "json" && len(ws) > 0 {
					pubWriteJSON(cmd.OutOrStdout(), ws)
				}
				if len(ws) > 0 {
					warned = true
					if webhook != "" {
						if err := publisher.PostWebhook(ctx, webhook, ws); err != nil {
							fmt.Fprintf(errw, "tpod: %v\n", err)
						}
					}
					if !keepGoing {
						return exitError{fmt.Errorf("runway below %s for %d pod(s)", threshold, len(ws)), exitLowRunway}
					}
				} else if g.output != "json" {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: every runway is above %s\n", time.Now().UTC().Format(time.RFC3339), threshold)
				}
				if once {
					if warned {
						return exitError{errors.New("runway below threshold"), exitLowRunway}
					}
					return nil
				}
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&threshold, "threshold", time.Hour, "warn when the runway is shorter than this")
	fl.DurationVar(&interval, "interval", 30*time.Second, "how often to check")
	fl.StringVar(&webhook, "webhook", "", "POST warnings as JSON to this http(s) URL")
	fl.BoolVar(&once, "once", false, "check once and exit (non-zero when a runway is low)")
	fl.BoolVar(&keepGoing, "keep-going", false, "keep watching after a warning")
	f.register(cmd, false)
	return cmd
}
