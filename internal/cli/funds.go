package cli

import (
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/publisher"
)

func newFundsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "funds",
		Short: "A deployment's channel funds: show, deposit, unlock, withdraw, close",
	}
	cmd.AddCommand(newFundsShowCmd(g),
		fundsTxCmd(g, "deposit ID AMOUNT", "Add AMOUNT ("+amount.Help+") to the channel, approving the token if needed", true,
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
		Short: "Show the channel: balance, spent, unlocks, usage, runway",
		Args:  cobra.ExactArgs(1),
		RunE: f.runE(g, false, func(cmd *cobra.Command, args []string, p *publisher.Publisher) error {
			fu, err := p.Funds(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), fu)
			}
			f.tokenInfo(cmd.Context(), p.Chain(), common.HexToAddress(fu.Token))
			printFunds(g, cmd.OutOrStdout(), fu)
			return nil
		}),
	}
	f.register(g, cmd, true)
	return cmd
}

// printFunds prints a channel's funds in the command's token.
func printFunds(g *globals, w io.Writer, f *publisher.Funds) {
	fmt.Fprintf(w, "  channel   %s (%s)\n", f.Channel, f.Status)
	fmt.Fprintf(w, "  balance   %s (deposited %s, spent %s)\n", g.fmtAmount(f.Balance), g.fmtAmount(f.Deposited), g.fmtAmount(f.Spent))
	fmt.Fprintf(w, "  usage     %s (receipt %d)\n", f.Usage.Describe(), f.LastReceiptSeq)
	if run, ok := f.Runway(); ok {
		fmt.Fprintf(w, "  runway    %s at %s\n", amount.Duration(run), perHourOf(g, f.BurnPerSecond))
	} else {
		fmt.Fprintf(w, "  runway    unbounded (nothing is billed now)\n")
	}
	switch {
	case f.UnlockAll:
		fmt.Fprintf(w, "  unlocking everything (the channel is closing): withdrawable %s\n", g.when(f.UnlockAt))
	case f.UnlockAmount != "" && f.UnlockAmount != "0":
		fmt.Fprintf(w, "  unlocking %s, withdrawable %s\n", g.fmtAmount(f.UnlockAmount), g.when(f.UnlockAt))
	}
}

// when renders a chain timestamp as local time with how far it is:
// "in 58 s (10:14:11)", "from 2 min ago (10:12:11)".
func (g *globals) when(unix uint64) string {
	now := time.Now()
	ref := now
	if !g.headTime.IsZero() {
		ref = g.headTime.Add(time.Since(g.headAt))
	}
	d := time.Unix(int64(unix), 0).Sub(ref).Round(time.Second)
	at := now.Add(d).Local()
	clock := at.Format("15:04:05")
	if at.YearDay() != now.YearDay() || at.Year() != now.Year() {
		clock = at.Format("2006-01-02 15:04:05")
	}
	if d > 0 {
		return fmt.Sprintf("in %s (%s)", amount.Duration(d), clock)
	}
	return fmt.Sprintf("now (since %s)", clock)
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
			var q amount.Quantity
			if withAmount {
				var err error
				if q, err = amount.ParseQuantity(args[1]); err != nil {
					return usagef("AMOUNT %v", err)
				}
			}
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			// Amounts are in the deployment's token.
			tok, err := p.TokenOf(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			ti := f.tokenInfo(cmd.Context(), p.Chain(), tok)
			var amt *big.Int
			if withAmount {
				if amt, err = q.Resolve(ti); err != nil {
					return usagef("AMOUNT %v", err)
				}
				if amt.Sign() == 0 {
					return usagef("AMOUNT must be more than zero")
				}
			}
			r, err := run(cmd, p, args[0], amt)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.json() {
				return writeJSON(w, r)
			}
			fmt.Fprintf(w, "%s: deployment %s", r.Action, r.ID)
			if r.Amount != "" {
				fmt.Fprintf(w, ", %s", g.fmtAmount(r.Amount))
			}
			fmt.Fprintf(w, " (tx %s, block %d)\n", r.Tx, r.Block)
			if r.UnlockAt != 0 {
				fmt.Fprintf(w, "withdrawable %s with: tpod funds withdraw %s\n", g.when(r.UnlockAt), r.ID)
			}
			return nil
		},
	}
	f.register(g, cmd, true)
	return cmd
}
