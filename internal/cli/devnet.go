package cli

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/devnet"
)

func newDevnetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Run a local development network (an in-process Ethereum dev chain with the contracts deployed)",
	}
	cmd.AddCommand(newDevnetUpCmd(g), newDevnetWaitCmd())
	return cmd
}

func newDevnetUpCmd(g *globals) *cobra.Command {
	var cfg devnet.Config
	var out string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start the dev chain, deploy the contracts, fund dev accounts, write the devnet file and run until interrupted",
		Long: `Starts a go-ethereum dev node in this process with JSON-RPC over HTTP and
WebSocket on 127.0.0.1, deploys TestToken, Registry and Payment, funds the dev
accounts (deployer, publisher, provider, enclave, ...) with ETH and test tokens
and writes the devnet file (mode 0600: it holds the dev keys; format in
docs/devnet.md). Runs until interrupted (Ctrl-C / SIGTERM), then removes the
file. The dev keys are public knowledge: use them on this devnet only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if verbose {
				cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			}
			start := time.Now()
			d, err := devnet.Start(ctx, cfg)
			if err != nil {
				return fmt.Errorf("start devnet: %w", err)
			}
			defer d.Close()
			info := d.Info()
			if err := devnet.WriteInfo(out, info); err != nil {
				return fmt.Errorf("write devnet file: %w", err)
			}
			defer os.Remove(out)
			w := cmd.OutOrStdout()
			if g.output == "json" {
				pub := *info
				pub.Accounts = nil
				for _, a := range info.Accounts {
					a.PrivateKey = "" // keys stay in the 0600 file
					pub.Accounts = append(pub.Accounts, a)
				}
				if err := chainWriteJSON(w, struct {
					File string `json:"file"`
					*devnet.Info
				}{out, &pub}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(w, "devnet up in %s (chain %d, block period %ds)\n", time.Since(start).Round(time.Millisecond), info.ChainID, info.BlockPeriod)
				fmt.Fprintf(w, "  rpc       %s  %s\n", info.RPC.HTTP, info.RPC.WS)
				fmt.Fprintf(w, "  payment   %s\n  registry  %s\n  token     %s (%s, %d decimals)\n", info.Contracts.Payment.Hex(), info.Contracts.Registry.Hex(), info.Token.Address.Hex(), info.Token.Symbol, info.Token.Decimals)
				for _, a := range info.Accounts {
					fmt.Fprintf(w, "  %-10s%s\n", a.Label, a.Address.Hex())
				}
				fmt.Fprintf(w, "devnet file %s (dev keys inside); Ctrl-C stops\n", out)
			}
			<-ctx.Done()
			fmt.Fprintln(cmd.ErrOrStderr(), "devnet: stopping")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&cfg.HTTPPort, "http-port", 8545, "JSON-RPC HTTP port on 127.0.0.1 (0: any free port)")
	fl.IntVar(&cfg.WSPort, "ws-port", 8546, "JSON-RPC WebSocket port on 127.0.0.1 (0: any free port)")
	fl.Uint64Var(&cfg.BlockPeriod, "period", 0, "seconds between blocks; 0 mines a block for each transaction")
	fl.StringVar(&cfg.DataDir, "datadir", "", "keep the chain in this directory across restarts (default: in memory)")
	fl.IntVar(&cfg.ExtraAccounts, "accounts", 0, "extra funded dev accounts beyond deployer, publisher, provider and enclave")
	fl.StringVar(&out, "out", "devnet.json", "where to write the devnet file")
	fl.BoolVarP(&verbose, "verbose", "v", false, "log progress to stderr")
	return cmd
}

func newDevnetWaitCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait FILE",
		Short: "Wait until a devnet file exists and its chain answers (for scripts)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			if err := chainWaitFile(cmd.Context(), args[0], timeout); err != nil {
				return err
			}
			f := chainFlags{network: args[0]}
			c, err := f.dial(cmd)
			if err != nil {
				return err
			}
			c.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "devnet ready after %s\n", time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "how long to wait")
	return cmd
}
