package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

func newChannelCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channel",
		Short: "Payment channels: create, fund, inspect, claim, unlock, withdraw, close, release",
	}
	cmd.AddCommand(
		newChannelCreateCmd(g), newChannelShowCmd(g), newChannelDepositCmd(g),
		newChannelUnlockCmd(g), newChannelWithdrawCmd(g), newChannelCloseCmd(g),
		newChannelClaimCmd(g), newChannelEarningsCmd(g), newChannelReleaseCmd(g),
	)
	return cmd
}

// channelTx is the result printed for a transaction.
type channelTx struct {
	Action  string `json:"action"`
	Channel string `json:"channel"`
	Tx      string `json:"tx"`
	Block   uint64 `json:"block"`
	GasUsed uint64 `json:"gasUsed"`
	Amount  string `json:"amount,omitempty"`
	Note    string `json:"note,omitempty"`
}

func printChannelTx(g *globals, w io.Writer, r channelTx) error {
	if g.output == "json" {
		return chainWriteJSON(w, r)
	}
	fmt.Fprintf(w, "%s: channel %s", r.Action, r.Channel)
	if r.Amount != "" {
		fmt.Fprintf(w, ", amount %s", r.Amount)
	}
	fmt.Fprintf(w, " (tx %s, block %d, gas %d)\n", r.Tx, r.Block, r.GasUsed)
	if r.Note != "" {
		fmt.Fprintln(w, r.Note)
	}
	return nil
}

func txResult(action string, id [32]byte, rcpt *types.Receipt) channelTx {
	return channelTx{Action: action, Channel: hexutil.Encode(id[:]), Tx: rcpt.TxHash.Hex(), Block: rcpt.BlockNumber.Uint64(), GasUsed: rcpt.GasUsed}
}

// channelSetup dials and binds Payment (and the wallet when sign is set).
func channelSetup(cmd *cobra.Command, f *chainFlags, sign bool) (*chain.Client, *chain.Payment, *chain.Wallet, error) {
	var w *chain.Wallet
	var err error
	if sign {
		if w, err = f.wallet(); err != nil {
			return nil, nil, nil, err
		}
	}
	addr, err := f.contract("payment", f.payment)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := f.dial(cmd)
	if err != nil {
		return nil, nil, nil, err
	}
	p := chain.NewPayment(c, addr)
	if f.info != nil {
		p.FromBlock = f.info.Contracts.Block
	}
	return c, p, w, nil
}

func parsePrices(s string) ([usage.Len]*big.Int, error) {
	var p [usage.Len]*big.Int
	for i := range p {
		p[i] = new(big.Int)
	}
	if strings.TrimSpace(s) == "" {
		return p, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > usage.Len {
		return p, fmt.Errorf("at most %d prices (%s)", usage.Len, strings.Join(usage.Names[:], ","))
	}
	for i, part := range parts {
		if strings.TrimSpace(part) == "" {
			continue
		}
		v, err := parseAmount(part)
		if err != nil {
			return p, fmt.Errorf("price %d (%s): %v", i, usage.Names[i], err)
		}
		if v.BitLen() > 128 {
			return p, fmt.Errorf("price %d (%s) does not fit in 128 bits", i, usage.Names[i])
		}
		p[i] = v
	}
	return p, nil
}

func newChannelCreateCmd(g *globals) *cobra.Command {
	var f chainFlags
	var provider, enclave, pricesStr, maxPerSecond, amountStr, podStr string
	var dispute time.Duration
	var noApprove bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Open a channel to a provider for one pod and fund it (publisher)",
		Long: `Opens a payment channel from the signing wallet (the publisher) to --provider
for one pod, pinning the enclave key whose receipts will be honoured, the
price of each usage counter, a cap per second and the dispute period, and
funds it with --amount of the token. Unless --no-approve is given, the token
allowance is raised first when it is short.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			prov, err := f.address("--provider", provider)
			if err != nil {
				return err
			}
			encl, err := f.address("--enclave", enclave)
			if err != nil {
				return err
			}
			prices, err := parsePrices(pricesStr)
			if err != nil {
				return usagef("--prices: %v", err)
			}
			maxPS, err := parseAmount(maxPerSecond)
			if err != nil || maxPS.Sign() == 0 || maxPS.BitLen() > 128 {
				return usagef("--max-per-second: want a positive integer below 2^128, got %q", maxPerSecond)
			}
			amount, err := parseAmount(amountStr)
			if err != nil || amount.Sign() == 0 {
				return usagef("--amount: want a positive integer, got %q", amountStr)
			}
			if dispute < 0 || dispute%time.Second != 0 {
				return usagef("--dispute-period must be whole seconds")
			}
			var pod [32]byte
			if podStr == "" {
				rand.Read(pod[:])
			} else if pod, err = parseBytes32("--pod-id", podStr); err != nil {
				return err
			}
			tokAddr, err := f.contract("token", f.token)
			if err != nil {
				return err
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			tok := chain.NewToken(c, tokAddr)
			terms := contracts.PaymentTerms{EnclaveSigner: encl, MaxPerSecond: maxPS, Prices: prices}
			id, rcpt, err := openChannel(ctx, cmd.ErrOrStderr(), p, tok, w, prov, pod, terms, uint64(dispute/time.Second), amount, !noApprove)
			if err != nil {
				return err
			}
			if g.output == "json" {
				return chainWriteJSON(cmd.OutOrStdout(), struct {
					channelTx
					PodID     string `json:"podId"`
					Publisher string `json:"publisher"`
					Provider  string `json:"provider"`
				}{txResult("created", id, rcpt), hexutil.Encode(pod[:]), w.Address().Hex(), prov.Hex()})
			}
			r := txResult("created", id, rcpt)
			r.Amount = amount.String()
			r.Note = "pod " + hexutil.Encode(pod[:])
			return printChannelTx(g, cmd.OutOrStdout(), r)
		},
	}
	f.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&provider, "provider", "", "provider address (or a dev account label of --network)")
	fl.StringVar(&enclave, "enclave", "", "enclave signer address whose receipts count (or a dev account label)")
	fl.StringVar(&pricesStr, "prices", "", "price per unit of each usage counter in token base units, comma separated")
	fl.StringVar(&maxPerSecond, "max-per-second", "", "most paid per second of receipt time, in base units")
	fl.StringVar(&amountStr, "amount", "", "initial deposit in token base units")
	fl.DurationVar(&dispute, "dispute-period", time.Hour, "how long an unlock waits so the provider can still claim")
	fl.StringVar(&podStr, "pod-id", "", "pod ID (0x + 64 hex digits; default random)")
	fl.BoolVar(&noApprove, "no-approve", false, "do not raise the token allowance")
	return cmd
}

// openChannel creates and funds a channel in as few transactions as the
// token allows: createChannel when w's allowance covers the deposit, else
// createChannelWithPermit when the token takes an EIP-2612 permit (one
// transaction), else approve, then createChannel. With raise false it never
// raises the allowance (no permit either).
func openChannel(ctx context.Context, log io.Writer, p *chain.Payment, tok *chain.Token, w *chain.Wallet, prov common.Address, pod [32]byte, terms contracts.PaymentTerms, dispute uint64, amount *big.Int, raise bool) ([32]byte, *types.Receipt, error) {
	create := func() ([32]byte, *types.Receipt, error) {
		id, rcpt, err := p.CreateChannel(ctx, w, prov, pod, tok.Address(), terms, dispute, amount)
		if err != nil {
			return id, rcpt, fmt.Errorf("create channel: %w", err)
		}
		return id, rcpt, nil
	}
	if !raise {
		return create()
	}
	allowed, err := tok.Allowance(ctx, w.Address(), p.Address())
	if err != nil {
		return [32]byte{}, nil, err
	}
	if allowed.Cmp(amount) >= 0 {
		return create()
	}
	pm, err := tok.SignPermit(ctx, w, p.Address(), amount, chain.PermitValidity)
	switch {
	case err == nil:
		fmt.Fprintf(log, "opening the channel with a permit for %s of token %s (one transaction)\n", amount, tok.Address().Hex())
		id, rcpt, err := p.CreateChannelWithPermit(ctx, w, prov, pod, tok.Address(), terms, dispute, amount, pm)
		if err == nil {
			return id, rcpt, nil
		}
		if !chain.PermitRefused(err) {
			return id, rcpt, fmt.Errorf("create channel: %w", err)
		}
		fmt.Fprintf(log, "the token did not take the permit (%v); approving instead\n", err)
	case !errors.Is(err, chain.ErrNoPermit):
		return [32]byte{}, nil, err
	}
	fmt.Fprintf(log, "approving %s of token %s for the Payment contract\n", amount, tok.Address().Hex())
	if _, err := tok.Approve(ctx, w, p.Address(), amount); err != nil {
		return [32]byte{}, nil, fmt.Errorf("approve: %w", err)
	}
	return create()
}

// channelArg parses the CHANNEL argument.
func channelArg(args []string) ([32]byte, error) {
	return parseBytes32("CHANNEL", args[0])
}

type channelView struct {
	Channel       string   `json:"channel"`
	Status        string   `json:"status"`
	Publisher     string   `json:"publisher"`
	Provider      string   `json:"provider"`
	Token         string   `json:"token"`
	Balance       string   `json:"balance"`
	Earned        string   `json:"earned"`
	DisputePeriod uint64   `json:"disputePeriod"`
	UnlockAmount  string   `json:"unlockAmount,omitempty"`
	UnlockAt      uint64   `json:"unlockAt,omitempty"`
	PodID         string   `json:"podId,omitempty"`
	EnclaveSigner string   `json:"enclaveSigner,omitempty"`
	MaxPerSecond  string   `json:"maxPerSecond,omitempty"`
	Prices        []string `json:"prices,omitempty"`
	LastSeq       uint64   `json:"lastSeq"`
	LastTime      uint64   `json:"lastTime"`
	LastUsage     []uint64 `json:"lastUsage,omitempty"`
	Claimed       string   `json:"claimedTotal,omitempty"`
	Deposited     string   `json:"depositedTotal,omitempty"`
}

func newChannelShowCmd(g *globals) *cobra.Command {
	var f chainFlags
	cmd := &cobra.Command{
		Use:   "show CHANNEL",
		Short: "Show a channel: status, balance, earnings, pending unlock, terms and last receipt",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := channelArg(args)
			if err != nil {
				return err
			}
			c, p, _, err := channelSetup(cmd, &f, false)
			if err != nil {
				return err
			}
			defer c.Close()
			ch, err := p.Channel(cmd.Context(), id)
			if err != nil {
				return err
			}
			if ch.Status == chain.StatusNone {
				return fmt.Errorf("channel %s: %w", args[0], &chain.RevertError{Contract: "Payment", Name: "UnknownChannel"})
			}
			v := channelView{
				Channel: hexutil.Encode(id[:]), Status: chain.StatusName(ch.Status),
				Publisher: ch.Publisher.Hex(), Provider: ch.Provider.Hex(), Token: ch.Token.Hex(),
				Balance: ch.Balance.String(), Earned: ch.Earned.String(), DisputePeriod: ch.DisputePeriod,
			}
			if ch.UnlockAmount.Sign() > 0 {
				v.UnlockAmount, v.UnlockAt = ch.UnlockAmount.String(), ch.UnlockAt
			}
			if st, err := p.State(cmd.Context(), id); err == nil {
				v.PodID = hexutil.Encode(st.PodID[:])
				v.EnclaveSigner = st.Terms.EnclaveSigner.Hex()
				v.MaxPerSecond = st.Terms.MaxPerSecond.String()
				for _, pr := range st.Terms.Prices {
					v.Prices = append(v.Prices, pr.String())
				}
				v.LastSeq, v.LastTime, v.LastUsage = st.Last.Seq, st.Last.Time, st.Last.Usage[:]
				v.Claimed, v.Deposited = st.ClaimedTotal.String(), st.DepositsTotal.String()
			} else if ch.Status != chain.StatusClosed {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: terms and last receipt unavailable: %v\n", err)
			}
			if g.output == "json" {
				return chainWriteJSON(cmd.OutOrStdout(), v)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "channel    %s\nstatus     %s\npublisher  %s\nprovider   %s\ntoken      %s\nbalance    %s\nearned     %s (not yet withdrawn by the provider)\ndispute    %s\n",
				v.Channel, v.Status, v.Publisher, v.Provider, v.Token, v.Balance, v.Earned, time.Duration(v.DisputePeriod)*time.Second)
			if v.UnlockAmount != "" {
				when := time.Unix(int64(v.UnlockAt), 0).UTC().Format(time.RFC3339)
				if ch.UnlockAmount.BitLen() == 128 && ch.UnlockAmount.Cmp(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))) == 0 {
					fmt.Fprintf(w, "unlock     everything (closing) from %s\n", when)
				} else {
					fmt.Fprintf(w, "unlock     %s from %s\n", v.UnlockAmount, when)
				}
			}
			if v.EnclaveSigner != "" {
				fmt.Fprintf(w, "enclave    %s\nprices     %s (%s)\nmax/s      %s\nlast       seq %d at %d, usage %v\nclaimed    %s in total, deposited %s in total\n",
					v.EnclaveSigner, strings.Join(v.Prices, ","), strings.Join(usage.Names[:], ","), v.MaxPerSecond, v.LastSeq, v.LastTime, v.LastUsage, v.Claimed, v.Deposited)
			}
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}

// simpleChannelCmd builds the commands that send one transaction on a channel.
func simpleChannelCmd(g *globals, use, short, action string, withAmount bool, run func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, amount *big.Int) (*types.Receipt, string, error)) *cobra.Command {
	var f chainFlags
	var amountStr string
	cmd := &cobra.Command{
		Use:   use + " CHANNEL",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := channelArg(args)
			if err != nil {
				return err
			}
			var amount *big.Int
			if withAmount {
				if amount, err = parseAmount(amountStr); err != nil || amount.Sign() == 0 {
					return usagef("--amount: want a positive integer, got %q", amountStr)
				}
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			rcpt, note, err := run(cmd, p, w, id, amount)
			if err != nil {
				return fmt.Errorf("%s: %w", use, err)
			}
			r := txResult(action, id, rcpt)
			if amount != nil {
				r.Amount = amount.String()
			}
			r.Note = note
			return printChannelTx(g, cmd.OutOrStdout(), r)
		},
	}
	f.register(cmd, true)
	if withAmount {
		cmd.Flags().StringVar(&amountStr, "amount", "", "amount in token base units")
	}
	return cmd
}

func newChannelDepositCmd(g *globals) *cobra.Command {
	return simpleChannelCmd(g, "deposit", "Add funds to a channel (publisher; approves the token first)", "deposited", true,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, amount *big.Int) (*types.Receipt, string, error) {
			ch, err := p.Channel(cmd.Context(), id)
			if err != nil {
				return nil, "", err
			}
			if ch.Status != chain.StatusNone {
				tok := chain.NewToken(p.Client(), ch.Token)
				allowed, err := tok.Allowance(cmd.Context(), w.Address(), p.Address())
				if err != nil {
					return nil, "", err
				}
				if allowed.Cmp(amount) < 0 {
					if _, err := tok.Approve(cmd.Context(), w, p.Address(), amount); err != nil {
						return nil, "", fmt.Errorf("approve: %w", err)
					}
				}
			}
			r, err := p.Deposit(cmd.Context(), w, id, amount)
			return r, "", err
		})
}

func newChannelUnlockCmd(g *globals) *cobra.Command {
	return simpleChannelCmd(g, "unlock", "Ask to take funds back; starts the dispute period (publisher)", "unlock requested", true,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, amount *big.Int) (*types.Receipt, string, error) {
			r, err := p.RequestUnlock(cmd.Context(), w, id, amount)
			if err != nil {
				return r, "", err
			}
			ch, err := p.Channel(cmd.Context(), id)
			if err != nil {
				return r, "", nil
			}
			return r, fmt.Sprintf("withdrawable from %s (unix %d); the provider may still claim until then", time.Unix(int64(ch.UnlockAt), 0).UTC().Format(time.RFC3339), ch.UnlockAt), nil
		})
}

func newChannelWithdrawCmd(g *globals) *cobra.Command {
	var wait bool
	cmd := simpleChannelCmd(g, "withdraw", "Take the unlocked funds back after the dispute period (publisher)", "withdrawn", false,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, _ *big.Int) (*types.Receipt, string, error) {
			ctx := cmd.Context()
			ch, err := p.Channel(ctx, id)
			if err != nil {
				return nil, "", err
			}
			if wait && ch.UnlockAt > 0 {
				if head, err := p.Client().HeaderByNumber(ctx, nil); err == nil && head.Time < ch.UnlockAt {
					fmt.Fprintf(cmd.ErrOrStderr(), "  waiting %ds for the dispute period to end…\n", ch.UnlockAt-head.Time)
				}
				if err := p.Client().WaitChainTime(ctx, ch.UnlockAt, 24*time.Hour); err != nil {
					return nil, "", err
				}
			}
			r, err := p.WithdrawUnlocked(ctx, w, id)
			if err != nil {
				return r, "", err
			}
			paid := new(big.Int)
			for _, l := range r.Logs {
				if ev, err := contracts.NewPayment().UnpackWithdrawnEvent(l); err == nil {
					paid.Add(paid, ev.Amount)
				}
			}
			return r, "paid " + paid.String() + " back to the publisher", nil
		})
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until chain time passes the end of the dispute period")
	return cmd
}

func newChannelCloseCmd(g *globals) *cobra.Command {
	return simpleChannelCmd(g, "close", "Unlock the whole balance; withdraw after the dispute period closes the channel (publisher)", "closing", false,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, _ *big.Int) (*types.Receipt, string, error) {
			r, err := p.Close(cmd.Context(), w, id)
			return r, "", err
		})
}

func newChannelReleaseCmd(g *globals) *cobra.Command {
	return simpleChannelCmd(g, "release", "End the channel at once and refund the publisher (provider)", "released", false,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, _ *big.Int) (*types.Receipt, string, error) {
			r, err := p.ProviderRelease(cmd.Context(), w, id)
			return r, "", err
		})
}

func newChannelEarningsCmd(g *globals) *cobra.Command {
	var f chainFlags
	cmd := &cobra.Command{
		Use:   "collect CHANNEL...",
		Short: "Withdraw the provider's earnings of channels (provider)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ids [][32]byte
			for _, a := range args {
				id, err := parseBytes32("CHANNEL", a)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			total, rcpt, err := p.WithdrawEarnings(cmd.Context(), w, ids)
			if err != nil {
				return fmt.Errorf("collect earnings: %w", err)
			}
			r := txResult("earnings collected", ids[0], rcpt)
			r.Amount = total.String()
			return printChannelTx(g, cmd.OutOrStdout(), r)
		},
	}
	f.register(cmd, true)
	return cmd
}

func newChannelClaimCmd(g *globals) *cobra.Command {
	var f chainFlags
	var waitTime time.Duration
	cmd := &cobra.Command{
		Use:   "claim RECEIPT.json...",
		Short: "Submit signed usage receipts; one file calls claim, several call claimMany",
		Long: `Submits signed receipts (files written by the enclave, or by 'tpod receipt
sign' on a devnet). The channel's current terms and last receipt are read
from the chain. With several files, claimMany settles them in one
transaction and reports, by error name, each receipt it skipped.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			type item struct {
				rf *receiptFile
				r  payment.Receipt
			}
			var items []item
			for _, a := range args {
				rf, r, err := readReceiptFile(a)
				if err != nil {
					return err
				}
				items = append(items, item{rf, r})
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			latest := uint64(0)
			for i, it := range items {
				if it.rf.ChainID != c.ChainID().Uint64() || it.rf.Payment != p.Address() {
					return fmt.Errorf("%s: receipt is for chain %d contract %s, not chain %s contract %s", args[i], it.rf.ChainID, it.rf.Payment.Hex(), c.ChainID(), p.Address().Hex())
				}
				latest = max(latest, it.r.Time)
			}
			// The contract refuses receipts from after the block: wait for
			// the chain's clock to catch up with the newest one.
			if head, err := c.HeaderByNumber(ctx, nil); err == nil && head.Time < latest {
				fmt.Fprintf(cmd.ErrOrStderr(), "  waiting for chain time to reach the receipt time (%ds ahead)…\n", latest-head.Time)
				if err := c.WaitChainTime(ctx, latest, waitTime); err != nil {
					return fmt.Errorf("claim: %w", err)
				}
			}
			if len(items) == 1 {
				paid, rcpt, err := p.ClaimReceipt(ctx, w, items[0].r, items[0].rf.Signature)
				if err != nil {
					return fmt.Errorf("claim: %w", err)
				}
				r := txResult("claimed", items[0].r.ChannelID, rcpt)
				r.Amount = paid.String()
				r.Note = fmt.Sprintf("receipt %d accepted; %s credited to the provider's earnings", items[0].r.Seq, paid)
				return printChannelTx(g, cmd.OutOrStdout(), r)
			}
			// A batch: build each claim on the previous one of its channel.
			states := map[[32]byte]*chain.ChannelState{}
			var claims []contracts.PaymentClaim
			for _, it := range items {
				st, ok := states[it.r.ChannelID]
				if !ok {
					if st, err = p.State(ctx, it.r.ChannelID); err != nil {
						return err
					}
					states[it.r.ChannelID] = st
				}
				claims = append(claims, st.Claim(it.r, it.rf.Signature))
				// The next receipt of this channel builds on this one, if
				// the contract will accept it (else it is skipped).
				dom := payment.Domain{ChainID: c.ChainID(), Contract: p.Address()}
				signer, serr := payment.RecoverReceiptSigner(dom, it.r, it.rf.Signature)
				if _, err := payment.Settle(st.Terms, st.Last, it.r, st.Channel.Balance); err == nil && serr == nil && signer == st.Terms.EnclaveSigner {
					next := *st
					next.Last = it.r.Baseline()
					states[it.r.ChannelID] = &next
				}
			}
			res, rcpt, err := p.ClaimMany(ctx, w, claims)
			if err != nil {
				return fmt.Errorf("claim many: %w", err)
			}
			out := struct {
				Tx      string             `json:"tx"`
				Block   uint64             `json:"block"`
				GasUsed uint64             `json:"gasUsed"`
				Results []chainClaimResult `json:"results"`
			}{Tx: rcpt.TxHash.Hex(), Block: rcpt.BlockNumber.Uint64(), GasUsed: rcpt.GasUsed}
			for _, r := range res {
				cr := chainClaimResult{Channel: hexutil.Encode(r.ChannelID[:]), Skipped: r.Skipped}
				if r.Paid != nil {
					cr.Paid = r.Paid.String()
				}
				out.Results = append(out.Results, cr)
			}
			if g.output == "json" {
				return chainWriteJSON(cmd.OutOrStdout(), out)
			}
			wr := cmd.OutOrStdout()
			fmt.Fprintf(wr, "claimMany: %d receipts (tx %s, block %d, gas %d)\n", len(claims), out.Tx, out.Block, out.GasUsed)
			for i, r := range out.Results {
				if r.Skipped != "" {
					fmt.Fprintf(wr, "  %d: channel %s skipped: %s\n", i+1, r.Channel, r.Skipped)
				} else {
					fmt.Fprintf(wr, "  %d: channel %s paid %s\n", i+1, r.Channel, r.Paid)
				}
			}
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().DurationVar(&waitTime, "wait-time", 30*time.Second, "how long to wait for chain time to reach the receipt time")
	return cmd
}

type chainClaimResult struct {
	Channel string `json:"channel"`
	Paid    string `json:"paid,omitempty"`
	Skipped string `json:"skipped,omitempty"`
}
