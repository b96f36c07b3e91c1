package cli

import (
	"fmt"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/console"
	"github.com/trustedpods/tpod/internal/publisher"
)

func newConsoleCmd(g *globals) *cobra.Command {
	var (
		f           pubFlags
		listen      string
		allowRemote bool
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
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			ctx := cmd.Context()
			if srv, err = console.New(ctx, console.Config{Publisher: p, Token: token, Totals: providersTotals}); err != nil {
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
	f.register(g, cmd, true)
	return cmd
}
