package cli

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/console"
	"github.com/trustedpods/tpod/internal/provider"
	"github.com/trustedpods/tpod/internal/publisher"
)

func newConsoleCmd(g *globals) *cobra.Command {
	var (
		f           pubFlags
		listen      string
		allowRemote bool
		operator    bool
		t           providerTarget
	)
	cmd := &cobra.Command{
		Use:   "console [--listen 127.0.0.1:8090]",
		Short: "Serve a local web console: deployments, funds, spend charts, logs, events, deposit/withdraw/delete, deploy",
		Long: `Serves the web console (docs/console.md) for the publisher wallet and
network of the context (or the flags): the deployments of the state
directory with their state, endpoints, balance and runway, per deployment
its spend and usage charts from the on-chain claims, its logs and events,
and actions (deposit, unlock, withdraw, delete) confirmed in a dialog that
states the amount and the fee. It acts with your wallet, which never
reaches the page.

It listens on loopback only. Another address needs --allow-remote and an
access token of at least 16 characters in TPOD_CONSOLE_TOKEN (the page is
then opened once with ?token=...; serve it behind TLS).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token := os.Getenv("TPOD_CONSOLE_TOKEN")
			if !allowRemote {
				token = ""
			}
			if err := console.CheckListen(listen, allowRemote, token); err != nil {
				return usageError{err}
			}
			var srv *console.Server
			f.progress = func(e publisher.Event) {
				if srv != nil {
					srv.Progress(e)
				}
			}
			// An operator's console needs no wallet: a publisher's pages
			// then only read.
			sign := true
			if operator {
				_, werr := f.wallet()
				sign = werr == nil
			}
			p, closeFn, err := f.open(cmd, g, sign)
			if err != nil {
				return err
			}
			defer closeFn()
			ctx := cmd.Context()
			cfg := console.Config{Publisher: p, Token: token, Totals: providersTotals}
			if operator {
				if cfg.Operator, err = operatorSource(cmd, &f, &t, p.Chain()); err != nil {
					return err
				}
			}
			if srv, err = console.New(ctx, cfg); err != nil {
				return err
			}
			l, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "console: http://%s/\n", l.Addr())
			return srv.Serve(ctx, l)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8090", "address to serve on (loopback unless --allow-remote)")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "serve a non-loopback address; needs TPOD_CONSOLE_TOKEN (at least 16 characters)")
	cmd.Flags().BoolVar(&operator, "operator", false, "also serve the provider operator's page: its pods, capacity, earnings per token over time, claims sent and their gas, alerts (--url/--config: the daemon's status endpoint; --provider: its account)")
	t.register(cmd)
	f.register(g, cmd, true)
	return cmd
}

// operatorSource finds the provider as tpod provider status does: its
// status endpoint and its account (--provider, the endpoint's, or the
// wallet's).
func operatorSource(cmd *cobra.Command, f *pubFlags, t *providerTarget, c *chain.Client) (*console.Operator, error) {
	base, err := t.statusURL(&f.chainFlags)
	if err != nil {
		return nil, err
	}
	op := &console.Operator{}
	acct := t.account
	if base != "" {
		op.Status = func(ctx context.Context) (*provider.Status, error) { return fetchStatus(ctx, base) }
		if acct == "" {
			if st, err := fetchStatus(cmd.Context(), base); err == nil {
				acct = st.Address
			}
		}
	}
	if acct == "" {
		if w, err := f.wallet(); err == nil {
			acct = w.Address().Hex()
		}
	}
	if acct == "" {
		return nil, usagef("which provider? give --url (its status endpoint), --config, --provider ADDRESS or a wallet")
	}
	if op.Account, err = f.address("--provider", acct); err != nil {
		return nil, err
	}
	payAddr, err := f.contract("payment")
	if err != nil {
		return nil, err
	}
	op.Payment = chain.NewPayment(c, payAddr)
	if f.info != nil {
		op.Payment.FromBlock = f.info.Contracts.Block
	}
	return op, nil
}
