package cli

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/publisher"
)

func newPodCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pod",
		Short: "Manage deployed pods: list, status, logs, events, update, delete, cancel, prune, verify-tls",
	}
	cmd.AddCommand(newPodListCmd(g), newPodStatusCmd(g), newPodLogsCmd(g), newPodEventsCmd(g), newPodUpdateCmd(g),
		newPodDeleteCmd(g), newPodCancelCmd(g), newPodPruneCmd(g), newPodVerifyTLSCmd(g))
	return cmd
}

func newPodListCmd(g *globals) *cobra.Command {
	var f pubFlags
	var local bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the deployments recorded here, with what is true of each on the chain and at its provider",
		Long: `Lists the deployment records of the state directory. Each is checked
against the chain (its channel and balance) and, when it should run and a
wallet is given, against its provider (the pod's state): STATE is what is
true now, STEP what the record says. Records of another network, or of an
earlier run of a devnet, are flagged stale (tpod pod prune removes those
that hold nothing). --local only reads the records.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := f.state()
			if err != nil {
				return err
			}
			recs, bad, err := st.List()
			if err != nil {
				return err
			}
			errw := cmd.ErrOrStderr()
			for name, e := range bad {
				fmt.Fprintf(errw, "warning: %s is not a readable record (%v); move it away or delete it\n", name, e)
			}
			var entries []publisher.Entry
			tokenOf := func(common.Address) amount.Token { return amount.Token{} }
			if local || len(recs) == 0 {
				for _, r := range recs {
					entries = append(entries, publisher.Entry{Record: r, State: r.Step})
				}
			} else {
				// The provider answers the channel's publisher only: ask it
				// when a wallet is at hand, else check the chain alone.
				_, werr := f.wallet()
				p, closeFn, err := f.open(cmd, g, werr == nil)
				if err != nil {
					return err
				}
				defer closeFn()
				entries = p.Reconcile(cmd.Context(), recs)
				tokenOf = func(a common.Address) amount.Token { return f.tokenInfo(cmd.Context(), p.Chain(), a) }
			}
			w := cmd.OutOrStdout()
			if g.json() {
				if entries == nil {
					entries = []publisher.Entry{}
				}
				return writeJSON(w, entries)
			}
			if len(entries) == 0 {
				fmt.Fprintln(w, "no deployments")
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSTATE\tSTEP\tBALANCE\tPROVIDER\tCREATED\tDETAIL")
			for _, e := range entries {
				bal := "-"
				if e.Balance != "" {
					bal = g.fmtIn(e.Balance, tokenOf(e.Token))
				}
				detail := e.Detail
				if detail == "" && len(e.Endpoints) > 0 && e.Step == publisher.StepProvisioned {
					detail = e.Endpoints[0].Address
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Name, e.State, e.Step, bal, shortAddr(e.Provider.Address.Hex()),
					e.CreatedAt.Local().Format("2006-01-02 15:04"), detail)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&local, "local", false, "only read the records: no chain, no provider")
	f.register(g, cmd, true)
	return cmd
}

// shortAddr abbreviates an address as tpod accepts it back: 0xE59c…802d.
func shortAddr(a string) string {
	if len(a) == 42 {
		return a[:6] + "…" + a[38:]
	}
	return a
}

func newPodStatusCmd(g *globals) *cobra.Command {
	var f pubFlags
	cmd := &cobra.Command{
		Use:   "status ID",
		Short: "Show a pod's state at its provider, usage, spent and remaining funds, runway",
		Args:  cobra.ExactArgs(1),
		RunE: f.runE(g, true, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			st, err := p.Status(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.json() {
				return writeJSON(w, st)
			}
			fmt.Fprintf(w, "pod %s (%s): %s\n", st.ID, st.Name, st.State)
			if st.Message != "" {
				fmt.Fprintf(w, "  message   %s\n", st.Message)
			}
			if st.Unreachable != "" {
				fmt.Fprintf(w, "  provider unreachable: %s\n", st.Unreachable)
			}
			fmt.Fprintf(w, "  step      %s\n", st.Step)
			for _, e := range st.Endpoints {
				fmt.Fprintf(w, "  endpoint  %s %s %s\n", e.Name, e.Protocol, e.Address)
			}
			for _, c := range st.Containers {
				fmt.Fprintf(w, "  container %s: %s (restarts %d)\n", c.Name, c.State, c.Restarts)
			}
			for _, wn := range st.Warnings {
				fmt.Fprintf(w, "  warning   %s\n", wn)
			}
			if st.Funds != nil {
				f.tokenInfo(cmd.Context(), p.Chain(), common.HexToAddress(st.Funds.Token))
				printFunds(g, w, st.Funds)
			}
			return nil
		}),
	}
	f.register(g, cmd, true)
	return cmd
}

func newPodLogsCmd(g *globals) *cobra.Command {
	var f pubFlags
	var follow bool
	var container string
	var tail uint32
	var forDur time.Duration
	cmd := &cobra.Command{
		Use:   "logs ID [-f]",
		Short: "Print a pod's container logs; -f follows them (-o json: one JSON object per line)",
		Long: `Prints a pod's container logs, each line prefixed with its container and,
when the provider's runtime recorded it, the time it was written. With
-o json the output is NDJSON: one object per line, {"container", "stream",
"time" (when recorded), "line"}.`,
		Args: cobra.ExactArgs(1),
		RunE: f.runE(g, true, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			ctx := cmd.Context()
			if forDur > 0 {
				var cancel context.CancelFunc
				// Cancel rather than a deadline: a cancelled follow ends cleanly.
				ctx, cancel = context.WithCancel(ctx)
				defer time.AfterFunc(forDur, cancel).Stop()
				defer cancel()
			}
			w := cmd.OutOrStdout()
			return p.Logs(ctx, args[0], p2p.LogOptions{Container: container, Follow: follow, TailLines: tail}, func(l publisher.LogLine) error {
				if g.json() {
					return writeNDJSON(w, l)
				}
				if l.Time != nil {
					_, err := fmt.Fprintf(w, "%s %s %s\n", l.Time.Local().Format("15:04:05.000"), l.Container, l.Line)
					return err
				}
				_, err := fmt.Fprintf(w, "%s %s\n", l.Container, l.Line)
				return err
			})
		}),
	}
	fl := cmd.Flags()
	fl.BoolVarP(&follow, "follow", "f", false, "keep printing new lines until interrupted")
	fl.DurationVar(&forDur, "follow-for", 0, "with -f, stop following after this long")
	fl.StringVar(&container, "container", "", "only this container")
	fl.Uint32Var(&tail, "tail", 0, "only the last N lines (0: all)")
	f.register(g, cmd, true)
	return cmd
}

func newPodUpdateCmd(g *globals) *cobra.Command {
	var f pubFlags
	var file, policy string
	var images, secrets []string
	var insecure bool
	cmd := &cobra.Command{
		Use:   "update ID -f POD.yaml [--image REF=PATH]...",
		Short: "Replace a running pod's manifest and images (same channel and prices)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return usagef("-f POD.yaml is required")
			}
			req := publisher.UpdateRequest{Manifest: file, Policy: policy, InsecureSimulated: insecure}
			var err error
			if req.Images, err = parseKV("image", images); err != nil {
				return err
			}
			if req.Secrets, err = parseKV("secret", secrets); err != nil {
				return err
			}
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			rec, err := p.Update(cmd.Context(), args[0], req)
			if err != nil {
				return err
			}
			f.tokenInfo(cmd.Context(), p.Chain(), rec.Token)
			return printDeployment(g, cmd.OutOrStdout(), rec)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "the new pod manifest")
	fl.StringArrayVar(&images, "image", nil, "REF=PATH: image for a reference (default: the deploy's); repeatable")
	fl.StringArrayVar(&secrets, "secret", nil, "NAME=FILE: secret value (default: the deploy's); repeatable")
	fl.StringVar(&policy, "policy", "", "attestation policy file (default: the deploy's)")
	fl.BoolVar(&insecure, "insecure-allow-simulated", false, "INSECURE: accept simulated TEE evidence (development only)")
	f.register(g, cmd, true)
	return cmd
}

func newPodDeleteCmd(g *globals) *cobra.Command {
	var f pubFlags
	var force bool
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Stop the pod (final claim at the provider) and close its channel",
		Long: `Stops and removes the pod at its provider, which bills it a last time, then
closes the channel: the rest of the balance can be withdrawn with
'tpod funds withdraw ID' once the dispute period is over. Deleting a
deployment that was deleted or cancelled already says where its money is.`,
		Args: cobra.ExactArgs(1),
		RunE: f.runE(g, true, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			out, err := p.Delete(cmd.Context(), args[0], force)
			if err != nil {
				return err
			}
			f.tokenInfo(cmd.Context(), p.Chain(), out.Token)
			return printEnded(g, cmd.OutOrStdout(), out)
		}),
	}
	cmd.Flags().BoolVar(&force, "force", false, "close the channel even when the provider cannot be reached")
	f.register(g, cmd, true)
	return cmd
}

func newPodCancelCmd(g *globals) *cobra.Command {
	var f pubFlags
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Abandon a deployment at any step; close its channel if one was created",
		Long: `Abandons a deployment, finished or not: a pod the provider may run is
deleted (best effort), an open channel is closed (the rest is withdrawable
after the dispute period). A record of a devnet restarted since is
cancelled here: its chain, and its channel, are gone.`,
		Args: cobra.ExactArgs(1),
		RunE: f.runE(g, true, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			out, err := p.Cancel(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			f.tokenInfo(cmd.Context(), p.Chain(), out.Token)
			return printEnded(g, cmd.OutOrStdout(), out)
		}),
	}
	f.register(g, cmd, true)
	return cmd
}

// printEnded says what delete or cancel did and where the money is.
func printEnded(g *globals, w io.Writer, e *publisher.Ended) error {
	if g.json() {
		return writeJSON(w, e)
	}
	if e.Already {
		fmt.Fprintf(w, "deployment %s was %s already\n", e.ID, e.Step)
	} else {
		fmt.Fprintf(w, "deployment %s: %s\n", e.ID, e.Step)
	}
	if e.ProviderError != "" {
		fmt.Fprintf(w, "the provider could not be told (%s): it stops the pod when the channel's funds end\n", e.ProviderError)
	}
	switch e.Channel {
	case "none":
		fmt.Fprintln(w, "no channel was created: no funds were moved")
	case "missing":
		fmt.Fprintln(w, "its channel is not on this chain (made on an earlier run of a devnet, or another network): nothing to withdraw here")
	case "closed":
		fmt.Fprintln(w, "the channel is settled: nothing is left in it")
	case "closing", "open":
		rest, ok := new(big.Int).SetString(e.Remaining, 10)
		if !ok || rest.Sign() == 0 {
			fmt.Fprintln(w, "the channel is closing with nothing left in it")
			break
		}
		fmt.Fprintf(w, "the channel is closing: %s comes back; withdraw it %s with: tpod funds withdraw %s\n", g.fmtAmount(e.Remaining), g.when(e.UnlockAt), e.ID)
	}
	return nil
}

func newPodPruneCmd(g *globals) *cobra.Command {
	var f pubFlags
	var force, dryRun bool
	cmd := &cobra.Command{
		Use:   "prune [ID]...",
		Short: "Remove records that hold nothing (finished, or of a restarted devnet); named ones unless funds remain",
		Long: `Without IDs, removes the records that hold nothing any more: deleted or
cancelled deployments whose channel is settled or was never created, and
records of an earlier run of this chain (a devnet restarted without
--datadir). It keeps, and says why, records whose channel still holds funds,
unfinished deploys (resume or cancel them, or name them), and records of
another network (their funds may be there). Named records are removed
unless their channel holds funds on this chain; --force removes them
anyway.`,
		RunE: f.runE(g, false, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			res, err := p.Prune(cmd.Context(), args, force, dryRun)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.json() {
				return writeJSON(w, res)
			}
			verb := "removed"
			if dryRun {
				verb = "would remove"
			}
			for _, r := range res.Removed {
				fmt.Fprintf(w, "%s %s (%s): %s\n", verb, r.ID, r.Name, r.Reason)
			}
			for _, r := range res.Kept {
				fmt.Fprintf(w, "kept    %s (%s): %s\n", r.ID, r.Name, r.Reason)
			}
			if len(res.Removed)+len(res.Kept) == 0 {
				fmt.Fprintln(w, "no records")
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&force, "force", false, "remove named records even when funds may remain (you keep track of them)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what would be removed, remove nothing")
	f.register(g, cmd, true)
	return cmd
}

func newPodEventsCmd(g *globals) *cobra.Command {
	var f pubFlags
	var follow bool
	var every time.Duration
	cmd := &cobra.Command{
		Use:   "events ID [-f]",
		Short: "What happened to a pod: deposits, claims, unlocks, price proposals, restarts, stops (-o json: NDJSON)",
		Long: `Prints what happened to a deployment, oldest first: its channel's events on
the chain (opened, deposits, each claim and what it paid, skipped claims,
unlocks, withdrawals, closing, price proposals), its record's steps, and
what its provider recorded (container restarts with their exit code, stops
for low funds, scaling to zero and wakes, price proposals, updates, restores
after a provider restart; the last 500). When the provider cannot be asked,
a provider-unreachable event says so and the rest is still shown. With -f it
keeps printing new events until interrupted. With -o json each event is one
JSON object per line.`,
		Args: cobra.ExactArgs(1),
		RunE: f.runE(g, true, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			ctx := cmd.Context()
			w := cmd.OutOrStdout()
			seen := map[string]bool{}
			for {
				evs, err := p.Events(ctx, args[0])
				if err != nil {
					return err
				}
				for _, e := range evs {
					key := e.Source + e.Kind + e.Tx + e.Time.String() + e.Message
					if e.Kind == "provider-unreachable" || e.Kind == "provider-error" {
						key = e.Kind + e.Message // said once while it lasts
					}
					if seen[key] {
						continue
					}
					seen[key] = true
					if g.json() {
						if err := writeNDJSON(w, e); err != nil {
							return err
						}
						continue
					}
					fmt.Fprintf(w, "%s  %-8s %s\n", e.Time.Local().Format(time.DateTime), e.Source, e.Message)
				}
				if !follow {
					return nil
				}
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(every):
				}
			}
		}),
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new events until interrupted")
	cmd.Flags().DurationVar(&every, "interval", 2*time.Second, "with -f, how often to look for new events")
	f.register(g, cmd, true)
	return cmd
}
