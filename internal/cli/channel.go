package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/hex32"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/publisher"
	"github.com/trustedpods/tpod/internal/usage"
)

func newChannelCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channel",
		Short: "Payment channels: create, fund, inspect, claim, unlock, withdraw, close, release",
		Long: `Payment channels, one transaction at a time (docs/contracts.md). A CHANNEL
argument is the channel ID (0x + 64 hex digits), an unambiguous prefix of a
channel known here (0x1fd1…), or a deployment ID whose channel it is.
Amounts are whole tokens by symbol (5TPT, "0.25 TPT") or base units (1000,
5e15).`,
	}
	cmd.AddCommand(
		newChannelCreateCmd(g), newChannelShowCmd(g), newChannelDepositCmd(g),
		newChannelUnlockCmd(g), newChannelWithdrawCmd(g), newChannelCloseCmd(g),
		newChannelClaimCmd(g), newChannelCollectCmd(g), newChannelReleaseCmd(g),
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
	if g.json() {
		return writeJSON(w, r)
	}
	fmt.Fprintf(w, "%s: channel %s", r.Action, r.Channel)
	if r.Amount != "" {
		fmt.Fprintf(w, ", %s", g.fmtAmount(r.Amount))
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
	addr, err := f.contract("payment")
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := f.dial(cmd)
	if err != nil {
		return nil, nil, nil, err
	}
	if f.g != nil {
		f.g.lookupWith(c)
	}
	p := chain.NewPayment(c, addr)
	if f.info != nil {
		p.FromBlock = f.info.Contracts.Block
	}
	return c, p, w, nil
}

// resolveChannel turns a CHANNEL argument into a channel ID: a full ID, a
// deployment ID of the state directory, or an unambiguous prefix of a
// channel of the state directory or of the chain's ChannelCreated events.
func resolveChannel(ctx context.Context, f *chainFlags, p *chain.Payment, arg string) ([32]byte, error) {
	if id, err := hex32.Parse(arg); err == nil {
		return id, nil
	}
	var known [][32]byte
	st := &publisher.State{Dir: os.Getenv("TPOD_STATE_DIR")}
	if st.Dir == "" {
		st.Dir, _ = publisher.DefaultStateDir()
	}
	if f.ctx != nil && f.ctx.StateDir != "" && os.Getenv("TPOD_STATE_DIR") == "" {
		st.Dir = f.ctx.StateDir
	}
	if !strings.HasPrefix(strings.ToLower(arg), "0x") {
		if rec, err := st.Load(arg); err == nil {
			if !rec.ChannelID.IsZero() {
				return rec.ChannelID, nil
			}
		}
	}
	if !isHexPrefix(arg) {
		return [32]byte{}, usagef("CHANNEL %q: want a channel ID (0x + 64 hex digits), a prefix of one, or a deployment ID", arg)
	}
	if recs, _, err := st.List(); err == nil {
		for _, r := range recs {
			if !r.ChannelID.IsZero() {
				known = append(known, r.ChannelID)
			}
		}
	}
	if refs, err := p.ChannelsOf(ctx, nil, nil); err == nil {
		for _, r := range refs {
			known = append(known, r.ID)
		}
	}
	head, tail := splitEllipsis(strings.ToLower(arg[2:]))
	seen := map[[32]byte]bool{}
	var match [][32]byte
	for _, k := range known {
		h := hexutil.Encode(k[:])[2:]
		if !seen[k] && strings.HasPrefix(h, head) && strings.HasSuffix(h, tail) {
			match = append(match, k)
		}
		seen[k] = true
	}
	switch len(match) {
	case 0:
		return [32]byte{}, usagef("CHANNEL %s: no channel known here starts with it (give the whole ID)", arg)
	case 1:
		return match[0], nil
	}
	return [32]byte{}, usagef("CHANNEL %s is ambiguous (%d channels start with it): give more digits", arg, len(match))
}

func parsePrices(s string, tok amount.Token) ([usage.Len]*big.Int, error) {
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
		v, err := amount.Parse(part, tok)
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
			if dispute < 0 || dispute%time.Second != 0 {
				return usagef("--dispute-period must be whole seconds")
			}
			var pod [32]byte
			if podStr == "" {
				rand.Read(pod[:])
			} else if pod, err = parseBytes32("--pod-id", podStr); err != nil {
				return err
			}
			tokAddr, err := f.contract("token")
			if err != nil {
				return err
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			ti := f.tokenInfo(ctx, c, tokAddr)
			prices, err := parsePrices(pricesStr, ti)
			if err != nil {
				return usagef("--prices: %v", err)
			}
			maxPS, err := amount.Parse(maxPerSecond, ti)
			if err != nil || maxPS.Sign() == 0 || maxPS.BitLen() > 128 {
				return usagef("--max-per-second: want a positive amount below 2^128 base units (%s), got %q", amount.Help, maxPerSecond)
			}
			amt, err := amount.Parse(amountStr, ti)
			if err != nil || amt.Sign() == 0 {
				return usagef("--amount: want a positive amount (%s), got %q", amount.Help, amountStr)
			}
			tok := chain.NewToken(c, tokAddr)
			terms := payment.Terms{EnclaveSigner: encl, MaxPerSecond: maxPS, Prices: prices}
			id, rcpt, err := openChannel(ctx, cmd.ErrOrStderr(), g, p, tok, w, prov, pod, terms, uint64(dispute/time.Second), amt, !noApprove)
			if err != nil {
				return err
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), struct {
					channelTx
					PodID     string `json:"podId"`
					Publisher string `json:"publisher"`
					Provider  string `json:"provider"`
				}{txResult("created", id, rcpt), hexutil.Encode(pod[:]), w.Address().Hex(), prov.Hex()})
			}
			r := txResult("created", id, rcpt)
			r.Amount = amt.String()
			r.Note = "pod " + hexutil.Encode(pod[:])
			return printChannelTx(g, cmd.OutOrStdout(), r)
		},
	}
	f.register(g, cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&provider, "provider", "", "provider address (a prefix of a dev account's, or its label)")
	fl.StringVar(&enclave, "enclave", "", "enclave signer address whose receipts count (or a dev account label)")
	fl.StringVar(&pricesStr, "prices", "", "price per unit of each usage counter ("+strings.Join(usage.Names[:], ",")+"), comma separated, in base units (or by symbol)")
	fl.StringVar(&maxPerSecond, "max-per-second", "", "most paid per second of receipt time: "+amount.Help)
	fl.StringVar(&amountStr, "amount", "", "initial deposit: "+amount.Help)
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
func openChannel(ctx context.Context, log io.Writer, g *globals, p *chain.Payment, tok *chain.Token, w *chain.Wallet, prov common.Address, pod [32]byte, terms payment.Terms, dispute uint64, amt *big.Int, raise bool) ([32]byte, *types.Receipt, error) {
	create := func() ([32]byte, *types.Receipt, error) {
		id, rcpt, err := p.CreateChannel(ctx, w, prov, pod, tok.Address(), terms, dispute, amt)
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
	if allowed.Cmp(amt) >= 0 {
		return create()
	}
	pm, err := tok.SignPermit(ctx, w, p.Address(), amt, chain.PermitValidity)
	switch {
	case err == nil:
		fmt.Fprintf(log, "opening the channel with a permit for %s (one transaction)\n", g.fmtAmount(amt))
		id, rcpt, err := p.CreateChannelWithPermit(ctx, w, prov, pod, tok.Address(), terms, dispute, amt, pm)
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
	fmt.Fprintf(log, "approving %s of token %s for the Payment contract\n", g.fmtAmount(amt), tok.Address().Hex())
	if _, err := tok.Approve(ctx, w, p.Address(), amt); err != nil {
		return [32]byte{}, nil, fmt.Errorf("approve: %w", err)
	}
	return create()
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
	UnlockAll     bool     `json:"unlockAll,omitempty"`
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
			ctx := cmd.Context()
			c, p, _, err := channelSetup(cmd, &f, false)
			if err != nil {
				return err
			}
			defer c.Close()
			id, err := resolveChannel(ctx, &f, p, args[0])
			if err != nil {
				return err
			}
			ch, err := p.Channel(ctx, id)
			if err != nil {
				return err
			}
			if ch.Status == chain.StatusNone {
				return fmt.Errorf("channel %s: %w", hexutil.Encode(id[:]), &chain.RevertError{Contract: "Payment", Name: "UnknownChannel", Args: []any{id}, ArgNames: []string{"channelId"}})
			}
			v := channelView{
				Channel: hexutil.Encode(id[:]), Status: chain.StatusName(ch.Status),
				Publisher: ch.Publisher.Hex(), Provider: ch.Provider.Hex(), Token: ch.Token.Hex(),
				Balance: ch.Balance.String(), Earned: ch.Earned.String(), DisputePeriod: ch.DisputePeriod,
			}
			if ch.UnlockAmount.Sign() > 0 {
				v.UnlockAt = ch.UnlockAt
				if amount.IsSentinel(ch.UnlockAmount) {
					v.UnlockAll = true
				} else {
					v.UnlockAmount = ch.UnlockAmount.String()
				}
			}
			var lastUsage usage.Vector
			if st, err := p.State(ctx, id); err == nil {
				v.PodID = hexutil.Encode(st.PodID[:])
				v.EnclaveSigner = st.Terms.EnclaveSigner.Hex()
				v.MaxPerSecond = st.Terms.MaxPerSecond.String()
				for _, pr := range st.Terms.Prices {
					v.Prices = append(v.Prices, pr.String())
				}
				lastUsage = st.Last.Usage
				v.LastSeq, v.LastTime, v.LastUsage = st.Last.Seq, st.Last.Time, st.Last.Usage[:]
				v.Claimed, v.Deposited = st.ClaimedTotal.String(), st.DepositsTotal.String()
			} else if ch.Status != chain.StatusClosed {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: terms and last receipt unavailable: %v\n", err)
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			f.tokenInfo(ctx, c, ch.Token)
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "channel    %s\nstatus     %s\npublisher  %s\nprovider   %s\ntoken      %s\nbalance    %s\nearned     %s (not yet paid out to the provider)\ndispute    %s\n",
				v.Channel, v.Status, v.Publisher, v.Provider, v.Token, g.fmtAmount(v.Balance), g.fmtAmount(v.Earned), amount.Duration(time.Duration(v.DisputePeriod)*time.Second))
			switch {
			case v.UnlockAll:
				fmt.Fprintf(w, "unlock     everything (closing), withdrawable %s\n", g.when(v.UnlockAt))
			case v.UnlockAmount != "":
				fmt.Fprintf(w, "unlock     %s, withdrawable %s\n", g.fmtAmount(v.UnlockAmount), g.when(v.UnlockAt))
			}
			if v.EnclaveSigner != "" {
				fmt.Fprintf(w, "enclave    %s\nmax/s      %s (%s)\n", v.EnclaveSigner, perSecondOf(g, v.MaxPerSecond), perHourOf(g, v.MaxPerSecond))
				fmt.Fprintf(w, "prices     (per unit, in base units)\n")
				for i, pr := range v.Prices {
					if pr != "0" {
						fmt.Fprintf(w, "           %-16s %s per %s\n", usage.Labels[i], pr, usage.Units[i])
					}
				}
				fmt.Fprintf(w, "last       receipt %d at %s\n           usage: %s\nclaimed    %s in total, deposited %s in total\n",
					v.LastSeq, time.Unix(int64(v.LastTime), 0).Local().Format(time.DateTime), lastUsage.Describe(), g.fmtAmount(v.Claimed), g.fmtAmount(v.Deposited))
			}
			return nil
		},
	}
	f.register(g, cmd, false)
	return cmd
}

// perSecondOf formats a rate in base units per second.
func perSecondOf(g *globals, perSecond string) string { return rateOf(g, perSecond, amount.PerSecond) }

// simpleChannelCmd builds the commands that send one transaction on a channel.
func simpleChannelCmd(g *globals, use, short, action string, withAmount bool, run func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, amount *big.Int) (*types.Receipt, string, error)) *cobra.Command {
	var f chainFlags
	var amountStr string
	cmd := &cobra.Command{
		Use:   use + " CHANNEL",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var q amount.Quantity
			if withAmount {
				var err error
				if q, err = amount.ParseQuantity(amountStr); err != nil {
					return usagef("--amount %v", err)
				}
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			id, err := resolveChannel(cmd.Context(), &f, p, args[0])
			if err != nil {
				return err
			}
			var amt *big.Int
			if withAmount {
				ch, err := p.Channel(cmd.Context(), id)
				if err != nil {
					return err
				}
				if amt, err = q.Resolve(f.tokenInfo(cmd.Context(), c, ch.Token)); err != nil {
					return usagef("--amount %v", err)
				}
				if amt.Sign() == 0 {
					return usagef("--amount must be more than zero")
				}
			} else if ch, err := p.Channel(cmd.Context(), id); err == nil {
				f.tokenInfo(cmd.Context(), c, ch.Token)
			}
			rcpt, note, err := run(cmd, p, w, id, amt)
			if err != nil {
				return fmt.Errorf("%s: %w", use, err)
			}
			r := txResult(action, id, rcpt)
			if amt != nil {
				r.Amount = amt.String()
			}
			r.Note = note
			return printChannelTx(g, cmd.OutOrStdout(), r)
		},
	}
	f.register(g, cmd, true)
	if withAmount {
		cmd.Flags().StringVar(&amountStr, "amount", "", "amount: "+amount.Help)
	}
	return cmd
}

func newChannelDepositCmd(g *globals) *cobra.Command {
	return simpleChannelCmd(g, "deposit", "Add funds to a channel (publisher; approves the token first)", "deposited", true,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, amt *big.Int) (*types.Receipt, string, error) {
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
				if allowed.Cmp(amt) < 0 {
					if _, err := tok.Approve(cmd.Context(), w, p.Address(), amt); err != nil {
						return nil, "", fmt.Errorf("approve: %w", err)
					}
				}
			}
			r, err := p.Deposit(cmd.Context(), w, id, amt)
			return r, "", err
		})
}

func newChannelUnlockCmd(g *globals) *cobra.Command {
	return simpleChannelCmd(g, "unlock", "Ask to take funds back; starts the dispute period (publisher)", "unlock requested", true,
		func(cmd *cobra.Command, p *chain.Payment, w *chain.Wallet, id [32]byte, amt *big.Int) (*types.Receipt, string, error) {
			r, err := p.RequestUnlock(cmd.Context(), w, id, amt)
			if err != nil {
				return r, "", err
			}
			ch, err := p.Channel(cmd.Context(), id)
			if err != nil {
				return r, "", nil
			}
			return r, fmt.Sprintf("withdrawable %s; the provider may still claim until then", g.when(ch.UnlockAt)), nil
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
					fmt.Fprintf(cmd.ErrOrStderr(), "  waiting %s for the dispute period to end…\n", amount.Duration(time.Duration(ch.UnlockAt-head.Time)*time.Second))
				}
				if err := p.Client().WaitChainTime(ctx, ch.UnlockAt, 24*time.Hour); err != nil {
					return nil, "", err
				}
			}
			r, err := p.WithdrawUnlocked(ctx, w, id)
			if err != nil {
				return r, "", err
			}
			return r, "paid " + g.fmtAmount(p.Withdrawn(r)) + " back to the publisher", nil
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

func newChannelCollectCmd(g *globals) *cobra.Command {
	var f chainFlags
	cmd := &cobra.Command{
		Use:   "collect CHANNEL...",
		Short: "Pay the provider the earnings of channels (provider; tpod provider collect does every channel)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			var ids [][32]byte
			for _, a := range args {
				id, err := resolveChannel(cmd.Context(), &f, p, a)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return collect(cmd, g, &f, c, p, w, ids)
		},
	}
	f.register(g, cmd, true)
	return cmd
}

// collect pays out the earnings of ids in as few transactions as possible
// and prints what each paid, per token.
func collect(cmd *cobra.Command, g *globals, f *chainFlags, c *chain.Client, p *chain.Payment, w *chain.Wallet, ids [][32]byte) error {
	ctx := cmd.Context()
	earnings, err := p.Earnings(ctx, ids)
	if err != nil {
		return err
	}
	type paidOut struct {
		Token  string `json:"token"`
		Amount string `json:"amount"`
	}
	type txOut struct {
		Tx       string    `json:"tx"`
		Block    uint64    `json:"block"`
		GasUsed  uint64    `json:"gasUsed"`
		Channels int       `json:"channels"`
		Paid     []paidOut `json:"paid"`
	}
	out := struct {
		Provider     string  `json:"provider"`
		Checked      int     `json:"channelsChecked"`
		Transactions []txOut `json:"transactions"`
	}{Provider: w.Address().Hex(), Checked: len(ids), Transactions: []txOut{}}
	if len(earnings) > 0 {
		res, err := p.CollectEarnings(ctx, w, earnings)
		for _, r := range res {
			t := txOut{Tx: r.Tx.Hex(), Block: r.Block, GasUsed: r.GasUsed, Channels: r.Channels}
			for tok, v := range r.Paid {
				t.Paid = append(t.Paid, paidOut{tok.Hex(), v.String()})
			}
			out.Transactions = append(out.Transactions, t)
		}
		if err != nil {
			return fmt.Errorf("collect earnings (%d transaction(s) went through): %w", len(res), err)
		}
	}
	wr := cmd.OutOrStdout()
	if g.json() {
		return writeJSON(wr, out)
	}
	if len(earnings) == 0 {
		fmt.Fprintf(wr, "nothing to collect: none of the %d channel(s) has earnings not yet paid out\n", len(ids))
		return nil
	}
	for _, t := range out.Transactions {
		var paid []string
		for _, po := range t.Paid {
			paid = append(paid, g.fmtIn(po.Amount, f.tokenInfo(ctx, c, common.HexToAddress(po.Token))))
		}
		fmt.Fprintf(wr, "collected %s from %d channel(s) (tx %s, block %d, gas %d)\n", strings.Join(paid, " + "), t.Channels, t.Tx, t.Block, t.GasUsed)
	}
	return nil
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
			var rs []payment.SignedReceipt
			var files []*receiptFile
			for _, a := range args {
				rf, r, err := readReceiptFile(a)
				if err != nil {
					return err
				}
				files = append(files, rf)
				rs = append(rs, payment.SignedReceipt{Receipt: r, Signature: rf.Signature})
			}
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			latest := uint64(0)
			for i, rf := range files {
				if rf.ChainID != c.ChainID().Uint64() || rf.Payment != p.Address() {
					return fmt.Errorf("%s: receipt is for chain %d contract %s, not chain %s contract %s", args[i], rf.ChainID, rf.Payment.Hex(), c.ChainID(), p.Address().Hex())
				}
				latest = max(latest, rs[i].Receipt.Time)
			}
			// The contract refuses receipts from after the block: wait for
			// the chain's clock to catch up with the newest one.
			if head, err := c.HeaderByNumber(ctx, nil); err == nil && head.Time < latest {
				fmt.Fprintf(cmd.ErrOrStderr(), "  waiting for chain time to reach the receipt time (%ds ahead)…\n", latest-head.Time)
				if err := c.WaitChainTime(ctx, latest, waitTime); err != nil {
					return fmt.Errorf("claim: %w", err)
				}
			}
			if ch, err := p.Channel(ctx, rs[0].Receipt.ChannelID); err == nil {
				f.tokenInfo(ctx, c, ch.Token)
			}
			res, rcpt, err := p.ClaimReceipts(ctx, w, rs)
			if err != nil {
				return fmt.Errorf("claim: %w", err)
			}
			if len(rs) == 1 {
				r := txResult("claimed", rs[0].Receipt.ChannelID, rcpt)
				r.Amount = res[0].Paid.String()
				r.Note = fmt.Sprintf("receipt %d accepted; %s credited to the provider's earnings", rs[0].Receipt.Seq, g.fmtAmount(res[0].Paid))
				return printChannelTx(g, cmd.OutOrStdout(), r)
			}
			out := struct {
				Tx      string             `json:"tx"`
				Block   uint64             `json:"block"`
				GasUsed uint64             `json:"gasUsed"`
				Results []chainClaimResult `json:"results"`
			}{Tx: rcpt.TxHash.Hex(), Block: rcpt.BlockNumber.Uint64(), GasUsed: rcpt.GasUsed}
			for _, r := range res {
				cr := chainClaimResult{Channel: hexutil.Encode(r.ChannelID[:]), Skipped: r.Skipped.String()}
				if r.Paid != nil {
					cr.Paid = r.Paid.String()
				}
				out.Results = append(out.Results, cr)
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			wr := cmd.OutOrStdout()
			fmt.Fprintf(wr, "claimMany: %d receipts (tx %s, block %d, gas %d)\n", len(rs), out.Tx, out.Block, out.GasUsed)
			for i, r := range out.Results {
				if r.Skipped != "" {
					fmt.Fprintf(wr, "  %d: channel %s skipped: %s\n", i+1, r.Channel, r.Skipped)
				} else {
					fmt.Fprintf(wr, "  %d: channel %s paid %s\n", i+1, r.Channel, g.fmtAmount(r.Paid))
				}
			}
			return nil
		},
	}
	f.register(g, cmd, true)
	cmd.Flags().DurationVar(&waitTime, "wait-time", 30*time.Second, "how long to wait for chain time to reach the receipt time")
	return cmd
}

type chainClaimResult struct {
	Channel string `json:"channel"`
	Paid    string `json:"paid,omitempty"`
	Skipped string `json:"skipped,omitempty"`
}
