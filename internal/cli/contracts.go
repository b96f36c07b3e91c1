package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/chain"
)

func newContractsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contracts",
		Short: "Deploy the Trusted Pods contracts",
	}
	cmd.AddCommand(newContractsDeployCmd(g))
	return cmd
}

func newContractsDeployCmd(g *globals) *cobra.Command {
	var f chainFlags
	var out string
	var withToken bool
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy Registry and Payment to any EVM chain and write their addresses as JSON",
		Long: `Deploys Registry and Payment (and, with --test-token, a mintable TestToken
for development networks) from the wallet given by --keystore, --key-file or
the TPOD_PRIVATE_KEY environment variable, waits for --confirmations, and
writes the addresses as JSON to --out (or stdout).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.rpc == "" && f.network == "" {
				return usagef("--rpc URL is required")
			}
			w, err := f.wallet()
			if err != nil {
				return err
			}
			c, err := f.dial(cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "deploying from %s to chain %s at %s\n", w.Address().Hex(), c.ChainID(), c.Endpoint())
			d, err := chain.DeployAll(cmd.Context(), c, w, withToken)
			if err != nil {
				return err
			}
			if out != "" {
				fh, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
				if err != nil {
					return fmt.Errorf("write addresses: %w", err)
				}
				if err := writeJSON(fh, d); err != nil {
					fh.Close()
					return fmt.Errorf("write addresses: %w", err)
				}
				if err := fh.Close(); err != nil {
					return fmt.Errorf("write addresses: %w", err)
				}
			}
			if g.output == "json" || out == "" {
				return writeJSON(cmd.OutOrStdout(), d)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "registry  %s\npayment   %s\n", d.Registry.Hex(), d.Payment.Hex())
			if withToken {
				fmt.Fprintf(cmd.OutOrStdout(), "token     %s\n", d.Token.Hex())
			}
			fmt.Fprintf(cmd.OutOrStdout(), "addresses written to %s\n", out)
			return nil
		},
	}
	f.register(g, cmd, true)
	cmd.Flags().StringVar(&out, "out", "", "write the addresses JSON to this file (default: stdout)")
	cmd.Flags().BoolVar(&withToken, "test-token", false, "also deploy a mintable TestToken (development networks only)")
	return cmd
}
