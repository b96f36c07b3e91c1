package cli

import (
	"fmt"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/publisher"
)

func newWatchCmd(g *globals) *cobra.Command {
	var f pubFlags
	var threshold, interval time.Duration
	var webhook string
	var once, exitOnLow bool
	cmd := &cobra.Command{
		Use:   "watch [ID]...",
		Short: "Watch pods' runways: alert once when one runs low, once when it recovers (message, webhook, exit code)",
		Long: `Checks the runway (channel balance / estimated cost per second) of the given
deployments, or of every running deployment of this network recorded here,
every --interval, and keeps watching until interrupted.

An alert is sent once when it happens, not at every check: "low" when a
runway falls below --threshold, "recovered" when it is above again (a
deposit), "problem" when a runway cannot be read (its channel is gone, the
chain does not answer) and "resolved" when it can again. A record of
another network or of a devnet restarted since is left out, and one pod's
problem never stops the watch of the others.

Each check prints every runway (text), or one JSON object per line
(-o json: {"time", "runways": [...], "alerts": [...]}). Alerts go to stderr
and, as JSON ({"alerts": [...]}), to --webhook.

--once checks a single time: exit 0 when every runway is above the
threshold, 3 when one is below, 4 when one could not be checked. --exit-on-low stops a watch at the first
low runway, with status 3.`,
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
			errw, out := cmd.ErrOrStderr(), cmd.OutOrStdout()
			w := &publisher.Watch{Threshold: threshold, Token: func(a string) amount.Token { return f.tokenInfo(ctx, p.Chain(), hexAddr(a)) }}
			for {
				runways, err := p.Runways(ctx, args)
				if err != nil {
					return err
				}
				alerts := w.Step(runways)
				now := time.Now()
				if g.json() {
					if err := writeNDJSON(out, struct {
						Time             time.Time          `json:"time"`
						ThresholdSeconds int64              `json:"thresholdSeconds"`
						Runways          []publisher.Runway `json:"runways"`
						Alerts           []publisher.Alert  `json:"alerts"`
					}{now.UTC(), int64(threshold / time.Second), runways, orEmpty(alerts)}); err != nil {
						return err
					}
				} else {
					printRunways(g, &f, p, cmd, runways, threshold)
				}
				for _, a := range alerts {
					fmt.Fprintf(errw, "%s: %s\n", alertWord(a.Kind), a.Message)
				}
				if len(alerts) > 0 && webhook != "" {
					if err := publisher.PostWebhook(ctx, webhook, alerts); err != nil {
						fmt.Fprintf(errw, "tpod: %v (the alerts stand; the next ones are sent as they come)\n", err)
					}
				}
				low := w.Low()
				if len(low) > 0 && (once || exitOnLow) {
					return &printedError{exitError{fmt.Errorf("runway below %s for %d pod(s)", threshold, len(low)), exitLowRunway}}
				}
				if once {
					var problems int
					for _, r := range runways {
						if r.Problem != "" {
							problems++
						}
					}
					if problems > 0 {
						return &printedError{exitError{fmt.Errorf("the runway of %d pod(s) could not be checked", problems), exitUnchecked}}
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
	fl.DurationVar(&threshold, "threshold", time.Hour, "alert when a runway is shorter than this")
	fl.DurationVar(&interval, "interval", 30*time.Second, "how often to check")
	fl.StringVar(&webhook, "webhook", "", "POST alerts as JSON to this http(s) URL")
	fl.BoolVar(&once, "once", false, "check once and exit (status 3 when a runway is low)")
	fl.BoolVar(&exitOnLow, "exit-on-low", false, "stop at the first low runway with status 3 (the default keeps watching)")
	f.register(g, cmd, false)
	return cmd
}

func orEmpty(a []publisher.Alert) []publisher.Alert {
	if a == nil {
		return []publisher.Alert{}
	}
	return a
}

func alertWord(kind string) string {
	switch kind {
	case publisher.AlertLow:
		return "LOW"
	case publisher.AlertRecovered:
		return "RECOVERED"
	case publisher.AlertProblem:
		return "PROBLEM"
	}
	return "RESOLVED"
}

// printRunways prints one check: each pod's runway against the threshold.
func printRunways(g *globals, f *pubFlags, p *publisher.Publisher, cmd *cobra.Command, rs []publisher.Runway, threshold time.Duration) {
	w := cmd.OutOrStdout()
	stamp := time.Now().Local().Format("15:04:05")
	if len(rs) == 0 {
		fmt.Fprintf(w, "%s: no running deployment of this network to watch\n", stamp)
		return
	}
	for _, r := range rs {
		tok := f.tokenInfo(cmd.Context(), p.Chain(), hexAddr(r.Token))
		switch {
		case r.Problem != "":
			fmt.Fprintf(w, "%s  %s (%s): cannot check: %s\n", stamp, r.ID, r.Name, r.Problem)
		case r.RunwaySeconds < 0:
			fmt.Fprintf(w, "%s  %s (%s): runway unbounded (nothing is billed now), balance %s\n", stamp, r.ID, r.Name, g.fmtIn(r.Balance, tok))
		default:
			mark := "ok"
			if r.RunwaySeconds < int64(threshold/time.Second) {
				mark = "LOW"
			}
			burn, _ := parseBigString(r.BurnPerSecond)
			fmt.Fprintf(w, "%s  %s (%s): runway %s (%s, threshold %s), balance %s at %s\n", stamp, r.ID, r.Name, amount.Seconds(r.RunwaySeconds), mark,
				amount.Duration(threshold), g.fmtIn(r.Balance, tok), amountPerHour(g, burn, tok))
		}
	}
}
