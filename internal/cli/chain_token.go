package cli

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

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
		Short: "Show token balances of addresses or dev accounts (default: every dev account of --network)",
		RunE: func(cmd *cobra.Command, args []string) error {
			tokAddr, err := f.contract("token", f.token)
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
			tok := chain.NewToken(c, tokAddr)
			var out []bal
			for i, addr := range addrs {
				b, err := tok.BalanceOf(cmd.Context(), addr)
				if err != nil {
					return err
				}
				out = append(out, bal{args[i], addr.Hex(), b.String()})
			}
			if g.output == "json" {
				return chainWriteJSON(cmd.OutOrStdout(), out)
			}
			dec, derr := tok.Decimals(cmd.Context())
			sym, serr := tok.Symbol(cmd.Context())
			for _, b := range out {
				fmt.Fprintf(cmd.OutOrStdout(), "%-12s %s %s", b.Account, b.Address, b.Balance)
				if derr == nil && serr == nil {
					v, _ := new(big.Int).SetString(b.Balance, 10)
					fmt.Fprintf(cmd.OutOrStdout(), "  (%s %s)", formatUnits(v, dec), sym)
				}
				fmt.Fprintln(cmd.OutOrStdout())
			}
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}

func tokenTxCmd(g *globals, use, short, who, action string, run func(cmd *cobra.Command, t *chain.Token, w *chain.Wallet, to common.Address, amount string) error) *cobra.Command {
	var f chainFlags
	var amountStr string
	cmd := &cobra.Command{
		Use:   use + " " + who,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			amount, err := parseAmount(amountStr)
			if err != nil {
				return usagef("--amount: %v", err)
			}
			to, err := f.address(who, args[0])
			if err != nil {
				return err
			}
			tokAddr, err := f.contract("token", f.token)
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
			tok := chain.NewToken(c, tokAddr)
			var rcptErr error
			switch action {
			case "approve":
				_, rcptErr = tok.Approve(cmd.Context(), w, to, amount)
			case "mint":
				_, rcptErr = tok.Mint(cmd.Context(), w, to, amount)
			}
			if rcptErr != nil {
				return fmt.Errorf("%s: %w", action, rcptErr)
			}
			return run(cmd, tok, w, to, amount.String())
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&amountStr, "amount", "", "amount in token base units")
	return cmd
}

func newTokenApproveCmd(g *globals) *cobra.Command {
	return tokenTxCmd(g, "approve", "Let SPENDER take up to --amount of the signer's tokens", "SPENDER", "approve",
		func(cmd *cobra.Command, t *chain.Token, w *chain.Wallet, to common.Address, amount string) error {
			if g.output == "json" {
				return chainWriteJSON(cmd.OutOrStdout(), map[string]string{"owner": w.Address().Hex(), "spender": to.Hex(), "allowance": amount})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "approved %s to spend %s of %s's tokens\n", to.Hex(), amount, w.Address().Hex())
			return nil
		})
}

func newTokenMintCmd(g *globals) *cobra.Command {
	return tokenTxCmd(g, "mint", "Mint test tokens to ACCOUNT (the devnet's TestToken only)", "ACCOUNT", "mint",
		func(cmd *cobra.Command, t *chain.Token, w *chain.Wallet, to common.Address, amount string) error {
			bal, err := t.BalanceOf(cmd.Context(), to)
			if err != nil {
				return err
			}
			if g.output == "json" {
				return chainWriteJSON(cmd.OutOrStdout(), map[string]string{"account": to.Hex(), "minted": amount, "balance": bal.String()})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "minted %s to %s; balance %s\n", amount, to.Hex(), bal)
			return nil
		})
}

// formatUnits renders base units as a decimal number of whole tokens.
func formatUnits(v *big.Int, decimals uint8) string {
	if v == nil {
		return "0"
	}
	s := v.String()
	if decimals == 0 {
		return s
	}
	d := int(decimals)
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	whole, frac := s[:len(s)-d], strings.TrimRight(s[len(s)-d:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
