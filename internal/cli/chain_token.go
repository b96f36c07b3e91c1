package cli

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
)

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "ERC-20 token: balances, approvals, and minting the devnet's test token",
	}
	cmd.AddCommand(newTokenBalanceCmd(g), newTokenApproveCmd(g), newTokenMintCmd(g))
	return cmd
}

func newTokenBalanceCmd(g *globals) *cobra.Command {
	var f chainFlags
	cmd := &cobra.Command{
		Use:   "balance ACCOUNT...",
		Short: "Show token (and gas) balances of addresses or dev accounts (default: every dev account of the network file)",
		RunE: func(cmd *cobra.Command, args []string) error {
			tokAddr, err := f.contract("token")
			if err != nil {
				return err
			}
			if len(args) == 0 && f.info != nil {
				for _, a := range f.info.Accounts {
					args = append(args, a.Label)
				}
			}
			if len(args) == 0 {
				return usagef("name at least one account")
			}
			type bal struct {
				Account string `json:"account"`
				Address string `json:"address"`
				Balance string `json:"balance"`
				// Gas is the account's balance of the chain's coin (wei).
				Gas string `json:"gas"`
			}
			var addrs []common.Address
			for _, a := range args {
				addr, err := f.address("ACCOUNT", a)
				if err != nil {
					return err
				}
				addrs = append(addrs, addr)
			}
			c, err := f.dial(cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			g.lookupWith(c)
			tok := chain.NewToken(c, tokAddr)
			info := f.tokenInfo(cmd.Context(), c, tokAddr)
			out := []bal{}
			for i, addr := range addrs {
				b, err := tok.BalanceOf(cmd.Context(), addr)
				if err != nil {
					return err
				}
				eth, err := c.BalanceAt(cmd.Context(), addr)
				if err != nil {
					return err
				}
				out = append(out, bal{args[i], addr.Hex(), b.String(), eth.String()})
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			eth := amount.Token{Symbol: "ETH", Decimals: 18}
			for _, b := range out {
				fmt.Fprintf(cmd.OutOrStdout(), "%-12s %s  %s  (gas: %s)\n", b.Account, b.Address, g.fmtIn(b.Balance, info), g.fmtIn(b.Gas, eth))
			}
			return nil
		},
	}
	f.register(g, cmd, false)
	return cmd
}

func tokenTxCmd(g *globals, use, short, who, action string, run func(cmd *cobra.Command, t *chain.Token, w *chain.Wallet, to common.Address, amount *big.Int) error) *cobra.Command {
	var f chainFlags
	var amountStr string
	cmd := &cobra.Command{
		Use:   use + " " + who,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := amount.ParseQuantity(amountStr)
			if err != nil {
				return usagef("--amount %v", err)
			}
			to, err := f.address(who, args[0])
			if err != nil {
				return err
			}
			tokAddr, err := f.contract("token")
			if err != nil {
				return err
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
			g.lookupWith(c)
			v, err := q.Resolve(f.tokenInfo(cmd.Context(), c, tokAddr))
			if err != nil {
				return usagef("--amount %v", err)
			}
			tok := chain.NewToken(c, tokAddr)
			switch action {
			case "approve":
				_, err = tok.Approve(cmd.Context(), w, to, v)
			case "mint":
				_, err = tok.Mint(cmd.Context(), w, to, v)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", action, err)
			}
			return run(cmd, tok, w, to, v)
		},
	}
	f.register(g, cmd, true)
	cmd.Flags().StringVar(&amountStr, "amount", "", "amount: "+amount.Help)
	return cmd
}

func newTokenApproveCmd(g *globals) *cobra.Command {
	return tokenTxCmd(g, "approve", "Let SPENDER take up to --amount of the signer's tokens", "SPENDER", "approve",
		func(cmd *cobra.Command, t *chain.Token, w *chain.Wallet, to common.Address, v *big.Int) error {
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), map[string]string{"owner": w.Address().Hex(), "spender": to.Hex(), "allowance": v.String()})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "approved %s to spend %s of %s's tokens\n", to.Hex(), g.fmtAmount(v), w.Address().Hex())
			return nil
		})
}

func newTokenMintCmd(g *globals) *cobra.Command {
	return tokenTxCmd(g, "mint", "Mint test tokens to ACCOUNT (the devnet's TestToken only)", "ACCOUNT", "mint",
		func(cmd *cobra.Command, t *chain.Token, w *chain.Wallet, to common.Address, v *big.Int) error {
			bal, err := t.BalanceOf(cmd.Context(), to)
			if err != nil {
				return err
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), map[string]string{"account": to.Hex(), "minted": v.String(), "balance": bal.String()})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "minted %s to %s; balance %s\n", g.fmtAmount(v), to.Hex(), g.fmtAmount(bal))
			return nil
		})
}
