package publisher

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"

	amt "github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/usage"
)

// Funds is a deployment's channel as the chain has it, with the runway.
type Funds struct {
	Channel   string `json:"channel"`
	Status    string `json:"status"`
	Token     string `json:"token"`
	Balance   string `json:"balance"`
	Deposited string `json:"deposited"`
	Spent     string `json:"spent"`
	// UnlockAmount is the amount being unlocked ("0": none); UnlockAll
	// replaces it when everything is (a close).
	UnlockAmount  string `json:"unlockAmount,omitempty"`
	UnlockAll     bool   `json:"unlockAll,omitempty"`
	UnlockAt      uint64 `json:"unlockAt,omitempty"`
	DisputePeriod uint64 `json:"disputePeriod"`
	// LastReceipt is the sequence number and time of the last claimed receipt.
	LastReceiptSeq  uint64       `json:"lastReceiptSeq"`
	LastReceiptTime uint64       `json:"lastReceiptTime,omitempty"`
	Usage           usage.Vector `json:"usage"`
	// BurnPerSecond is the estimated cost per second: the reserved
	// resources at the channel's prices plus the average of the used
	// counters so far; 0 when the pod is not running.
	BurnPerSecond string `json:"burnPerSecond"`
	// RunwaySeconds is Balance / BurnPerSecond (-1: unbounded).
	RunwaySeconds int64 `json:"runwaySeconds"`
}

// Runway returns the runway as a duration (at most what a Duration holds);
// ok is false when unbounded.
func (f *Funds) Runway() (time.Duration, bool) {
	if f.RunwaySeconds < 0 {
		return 0, false
	}
	return secondsDuration(f.RunwaySeconds), true
}

// secondsDuration converts seconds to a Duration, saturating.
func secondsDuration(s int64) time.Duration {
	if s > int64(math.MaxInt64/time.Second) {
		return math.MaxInt64
	}
	return time.Duration(s) * time.Second
}

// Funds reads the deployment's channel.
func (p *Publisher) Funds(ctx context.Context, id string) (*Funds, error) {
	rec, _, err := p.pod(ctx, id)
	if err != nil {
		return nil, err
	}
	return p.funds(ctx, rec)
}

func (p *Publisher) funds(ctx context.Context, rec *Record) (*Funds, error) {
	st, err := p.cfg.Payment.State(ctx, rec.ChannelID)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", rec.ChannelID, err)
	}
	ch := st.Channel
	if ch.Status == chain.StatusNone {
		return nil, fmt.Errorf("deployment %s has no channel on-chain (step %s): %w", rec.ID, rec.Step, ErrNotFound)
	}
	f := &Funds{
		Channel: rec.ChannelID.String(), Status: chain.StatusName(ch.Status), Token: ch.Token.Hex(),
		Balance: TokenAmount(ch.Balance), Deposited: TokenAmount(st.DepositsTotal), Spent: TokenAmount(st.ClaimedTotal),
		UnlockAmount: TokenAmount(ch.UnlockAmount), UnlockAt: ch.UnlockAt, DisputePeriod: ch.DisputePeriod,
		UnlockAll:      amt.IsSentinel(ch.UnlockAmount),
		LastReceiptSeq: st.Last.Seq, LastReceiptTime: st.Last.Time, Usage: st.Last.Usage,
	}
	if f.UnlockAll {
		f.UnlockAmount = ""
	}
	burn := new(big.Int)
	if rec.Step == StepProvisioned && ch.Status != chain.StatusClosed {
		t := manifest.Totals{CPUMilli: rec.Totals.CPUMilli, MemoryMiB: rec.Totals.MemoryMiB, StorageMiB: rec.Totals.StorageMiB, GPUMilli: rec.Totals.GPUMilli}
		perSec, _ := Estimate(t, st.Terms.Prices)
		burn.Add(burn, perSec)
		// Used counters: their average so far.
		if !rec.ProvisionedAt.IsZero() && st.Last.Seq > 0 && st.Last.Time > uint64(rec.ProvisionedAt.Unix()) {
			elapsed := new(big.Int).SetUint64(st.Last.Time - uint64(rec.ProvisionedAt.Unix()))
			used := new(big.Int)
			for _, i := range []int{usage.CPUUsed, usage.MemoryUsed, usage.NetworkEgress} {
				if pr := st.Terms.Prices[i]; pr != nil {
					used.Add(used, new(big.Int).Mul(pr, new(big.Int).SetUint64(st.Last.Usage[i])))
				}
			}
			burn.Add(burn, used.Div(used, elapsed))
		}
	}
	f.BurnPerSecond = burn.String()
	f.RunwaySeconds = -1
	if burn.Sign() > 0 && ch.Balance != nil {
		r := new(big.Int).Div(ch.Balance, burn)
		if r.IsInt64() {
			f.RunwaySeconds = r.Int64()
		}
	}
	return f, nil
}

func (p *Publisher) channelOf(ctx context.Context, id string) (*Record, [32]byte, error) {
	rec, pod, err := p.pod(ctx, id)
	if err != nil {
		return nil, [32]byte{}, err
	}
	if !rec.Reached(StepChannel) && rec.Step != StepCancelled {
		return rec, pod.ChannelID, fmt.Errorf("deployment %s has no channel yet (step %s): %w", rec.ID, rec.Step, ErrInvalid)
	}
	return rec, pod.ChannelID, nil
}

// TxResult is a transaction the publisher sent.
type TxResult struct {
	Action  string `json:"action"`
	ID      string `json:"id"`
	Channel string `json:"channel"`
	Amount  string `json:"amount,omitempty"`
	Tx      string `json:"tx"`
	Block   uint64 `json:"block"`
	// UnlockAt is when an unlock or close becomes withdrawable (chain time).
	UnlockAt uint64 `json:"unlockAt,omitempty"`
}

// TokenOf returns the token deployment id pays in.
func (p *Publisher) TokenOf(ctx context.Context, id string) (common.Address, error) {
	rec, err := p.cfg.State.Load(id)
	if err != nil {
		return common.Address{}, err
	}
	return rec.Token, nil
}

// unlockAt reads when the channel's pending unlock is due.
func (p *Publisher) unlockAt(ctx context.Context, cid [32]byte) uint64 {
	ch, err := p.cfg.Payment.Channel(ctx, cid)
	if err != nil {
		return 0
	}
	return ch.UnlockAt
}

// Deposit adds amount to the channel, approving the token first if needed.
func (p *Publisher) Deposit(ctx context.Context, id string, amount *big.Int) (*TxResult, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, cid, err := p.channelOf(ctx, id)
	if err != nil {
		return nil, err
	}
	token := chain.NewToken(p.cfg.Chain, rec.Token)
	bal, err := token.BalanceOf(ctx, w.Address())
	if err != nil {
		return nil, err
	}
	if bal.Cmp(amount) < 0 {
		tok := p.tokenInfo(ctx, rec.Token)
		return nil, fmt.Errorf("wallet %s holds %s, and the deposit needs %s: %w", w.Address().Hex(), amt.Format(bal, tok), amt.Format(amount, tok), ErrFunds)
	}
	allow, err := token.Allowance(ctx, w.Address(), p.cfg.Payment.Address())
	if err != nil {
		return nil, err
	}
	if allow.Cmp(amount) < 0 {
		if err := p.step(rec.ID, "approve", "approving "+amt.Format(amount, p.tokenInfo(ctx, rec.Token)), func() error {
			_, err := token.Approve(ctx, w, p.cfg.Payment.Address(), amount)
			return err
		}); err != nil {
			return nil, err
		}
	}
	r, err := p.cfg.Payment.Deposit(ctx, w, cid, amount)
	if err != nil {
		return nil, err
	}
	return &TxResult{Action: "deposit", ID: rec.ID, Channel: rec.ChannelID.String(), Amount: amount.String(), Tx: r.TxHash.Hex(), Block: r.BlockNumber.Uint64()}, nil
}

// Unlock requests amount back; the provider may still claim during the
// dispute period, after which Withdraw pays out.
func (p *Publisher) Unlock(ctx context.Context, id string, amt *big.Int) (*TxResult, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, cid, err := p.channelOf(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := p.cfg.Payment.RequestUnlock(ctx, w, cid, amt)
	if err != nil {
		return nil, err
	}
	return &TxResult{Action: "unlock", ID: rec.ID, Channel: rec.ChannelID.String(), Amount: amt.String(), Tx: r.TxHash.Hex(), Block: r.BlockNumber.Uint64(), UnlockAt: p.unlockAt(ctx, cid)}, nil
}

// Withdraw pays out an unlock whose dispute period is over.
func (p *Publisher) Withdraw(ctx context.Context, id string) (*TxResult, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, cid, err := p.channelOf(ctx, id)
	if err != nil {
		return nil, err
	}
	token := chain.NewToken(p.cfg.Chain, rec.Token)
	before, err := token.BalanceOf(ctx, w.Address())
	if err != nil {
		return nil, err
	}
	r, err := p.cfg.Payment.WithdrawUnlocked(ctx, w, cid)
	if err != nil {
		return nil, err
	}
	after, err := token.BalanceOf(ctx, w.Address())
	if err != nil {
		return nil, err
	}
	return &TxResult{Action: "withdraw", ID: rec.ID, Channel: rec.ChannelID.String(), Amount: new(big.Int).Sub(after, before).String(), Tx: r.TxHash.Hex(), Block: r.BlockNumber.Uint64()}, nil
}

// Close unlocks the whole balance (the provider stops the pod when its
// runway ends; use Delete to stop it at once).
func (p *Publisher) Close(ctx context.Context, id string) (*TxResult, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, cid, err := p.channelOf(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := p.cfg.Payment.Close(ctx, w, cid)
	if err != nil {
		return nil, err
	}
	return &TxResult{Action: "close", ID: rec.ID, Channel: rec.ChannelID.String(), Tx: r.TxHash.Hex(), Block: r.BlockNumber.Uint64(), UnlockAt: p.unlockAt(ctx, cid)}, nil
}

// List returns the local deployment records (and files that are not).
func (p *Publisher) List() ([]*Record, map[string]error, error) { return p.cfg.State.List() }
