package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/publisher"
)

func newPodCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pod",
		Short: "Manage deployed pods: list, status, logs, update, delete, cancel, verify-tls",
	}
	cmd.AddCommand(newPodListCmd(g), newPodStatusCmd(g), newPodLogsCmd(g), newPodUpdateCmd(g), newPodDeleteCmd(g), newPodCancelCmd(g), newPodVerifyTLSCmd(g))
	return cmd
}

func newPodListCmd(g *globals) *cobra.Command {
	var stateDir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the deployments recorded on this machine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir := stateDir
			if dir == "" {
				var err error
				if dir, err = publisher.DefaultStateDir(); err != nil {
					return err
				}
			}
			recs, err := (&publisher.State{Dir: dir}).List()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				if recs == nil {
					recs = []*publisher.Record{}
				}
				return pubWriteJSON(w, recs)
			}
			if len(recs) == 0 {
				fmt.Fprintln(w, "no deployments")
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSTEP\tPROVIDER\tCREATED\tENDPOINT")
			for _, r := range recs {
				ep := "-"
				if len(r.Endpoints) > 0 {
					ep = r.Endpoints[0].Address
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Step, r.Provider.Address, r.CreatedAt.Format(time.RFC3339), ep)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", "", "deployment records directory")
	return cmd
}

func newPodStatusCmd(g *globals) *cobra.Command {
	var f pubFlags
	cmd := &cobra.Command{
		Use:   "status ID",
		Short: "Show a pod's state at its provider, usage, spent and remaining funds, runway",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			st, err := p.Status(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				return pubWriteJSON(w, st)
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
				printFunds(w, st.Funds)
			}
			return nil
		},
	}
	f.register(cmd, true)
	return cmd
}

func printFunds(w io.Writer, f *publisher.Funds) {
	fmt.Fprintf(w, "  channel   %s (%s)\n", f.Channel, f.Status)
	fmt.Fprintf(w, "  balance   %s (deposited %s, spent %s)\n", f.Balance, f.Deposited, f.Spent)
	fmt.Fprintf(w, "  usage     %v (receipt %d)\n", f.Usage, f.LastReceiptSeq)
	if run, ok := f.Runway(); ok {
		fmt.Fprintf(w, "  runway    %s at %s/s\n", run, f.BurnPerSecond)
	} else {
		fmt.Fprintf(w, "  runway    unbounded (nothing is billed now)\n")
	}
	if f.UnlockAmount != "0" {
		fmt.Fprintf(w, "  unlocking %s, withdrawable after %s\n", f.UnlockAmount, time.Unix(int64(f.UnlockAt), 0).UTC().Format(time.RFC3339))
	}
}

func newPodLogsCmd(g *globals) *cobra.Command {
	var f pubFlags
	var follow bool
	var container string
	var tail uint32
	var forDur time.Duration
	cmd := &cobra.Command{
		Use:   "logs ID [-f]",
		Short: "Print a pod's container logs; -f follows them",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
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
				if g.output == "json" {
					return pubWriteJSON(w, l)
				}
				_, err := fmt.Fprintf(w, "%s %s\n", l.Container, l.Line)
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&follow, "follow", "f", false, "keep printing new lines until interrupted")
	fl.DurationVar(&forDur, "follow-for", 0, "with -f, stop following after this long")
	fl.StringVar(&container, "container", "", "only this container")
	fl.Uint32Var(&tail, "tail", 0, "only the last N lines (0: all)")
	f.register(cmd, true)
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
			return printDeployment(g, cmd.OutOrStdout(), rec)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "the new pod manifest")
	fl.StringArrayVar(&images, "image", nil, "REF=PATH: image for a reference (default: the deploy's); repeatable")
	fl.StringArrayVar(&secrets, "secret", nil, "NAME=FILE: secret value (default: the deploy's); repeatable")
	fl.StringVar(&policy, "policy", "", "attestation policy file (default: the deploy's)")
	fl.BoolVar(&insecure, "insecure-allow-simulated", false, "INSECURE: accept simulated TEE evidence (development only)")
	f.register(cmd, true)
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
'tpod funds withdraw ID' once the dispute period is over.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			rec, err := p.Delete(cmd.Context(), args[0], force)
			if err != nil {
				return err
			}
			return printEnded(g, cmd.OutOrStdout(), rec)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "close the channel even when the provider cannot be reached")
	f.register(cmd, true)
	return cmd
}

func newPodCancelCmd(g *globals) *cobra.Command {
	var f pubFlags
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Abandon an unfinished deployment; close its channel if one was created",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			rec, err := p.Cancel(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printEnded(g, cmd.OutOrStdout(), rec)
		},
	}
	f.register(cmd, true)
	return cmd
}

func printEnded(g *globals, w io.Writer, rec *publisher.Record) error {
	if g.output == "json" {
		return pubWriteJSON(w, rec)
	}
	fmt.Fprintf(w, "deployment %s: %s\n", rec.ID, rec.Step)
	if !rec.ChannelClosed {
		fmt.Fprintln(w, "no channel was created: no funds were moved")
	}
	if rec.ChannelClosed {
		fmt.Fprintf(w, "the channel is closed; withdraw the rest after the dispute period (%ds) with: tpod funds withdraw %s\n", rec.DisputePeriod, rec.ID)
	}
	return nil
}
