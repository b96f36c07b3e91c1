package cli

import (
	"fmt"
	"math/big"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/publisher"
)

func newFundsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "funds",
		Short: "A deployment's channel funds: show, deposit, unlock, withdraw, close",
	}
	cmd.AddCommand(newFundsShowCmd(g),
		fundsTxCmd(g, "deposit ID AMOUNT", "Add AMOUNT (token base units) to the channel, approving the token if needed", true,
			func(cmd *cobra.Command, p *publisher.Publisher, id string, amt *big.Int) (*publisher.TxResult, error) {
				return p.Deposit(cmd.Context(), id, amt)
			}),
		fundsTxCmd(g, "unlock ID AMOUNT", "Request AMOUNT back; withdrawable after the dispute period", true,
			func(cmd *cobra.Command, p *publisher.Publisher, id string, amt *big.Int) (*publisher.TxResult, error) {
				return p.Unlock(cmd.Context(), id, amt)
			}),
		fundsTxCmd(g, "withdraw ID", "Withdraw an unlock whose dispute period is over", false,
			func(cmd *cobra.Command, p *publisher.Publisher, id string, _ *big.Int) (*publisher.TxResult, error) {
				return p.Withdraw(cmd.Context(), id)
			}),
		fundsTxCmd(g, "close ID", "Unlock the whole balance (the pod stops when its runway ends)", false,
			func(cmd *cobra.Command, p *publisher.Publisher, id string, _ *big.Int) (*publisher.TxResult, error) {
				return p.Close(cmd.Context(), id)
			}),
	)
	return cmd
}

func newFundsShowCmd(g *globals) *cobra.Command {
	var f pubFlags
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show the channel: balance, spent, unlocks, runway",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, closeFn, err := f.open(cmd, g, false)
			if err != nil {
				return err
			}
			defer closeFn()
			fu, err := p.Funds(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if g.output == "json" {
				return pubWriteJSON(cmd.OutOrStdout(), fu)
			}
			printFunds(cmd.OutOrStdout(), fu)
			return nil
		},
	}
	f.register(cmd, true)
	return cmd
}

func fundsTxCmd(g *globals, use, short string, withAmount bool, run func(*cobra.Command, *publisher.Publisher, string, *big.Int) (*publisher.TxResult, error)) *cobra.Command {
	var f pubFlags
	nargs := 1
	if withAmount {
		nargs = 2
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			var amt *big.Int
			if withAmount {
				var err error
				if amt, err = parseAmount(args[1]); err != nil {
					return usagef("AMOUNT: %v", err)
				}
			}
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			r, err := run(cmd, p, args[0], amt)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				return pubWriteJSON(w, r)
			}
			fmt.Fprintf(w, "%s: deployment %s", r.Action, r.ID)
			if r.Amount != "" {
				fmt.Fprintf(w, ", amount %s", r.Amount)
			}
			fmt.Fprintf(w, " (tx %s, block %d)\n", r.Tx, r.Block)
			return nil
		},
	}
	f.register(cmd, true)
	return cmd
}
