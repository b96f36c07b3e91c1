package chain

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/trustedpods/tpod/internal/payment"
)

// ChannelRef is a channel as its ChannelCreated event names it.
type ChannelRef struct {
	ID        [32]byte
	PodID     [32]byte
	Publisher common.Address
	Provider  common.Address
	Token     common.Address
	Block     uint64
}

// ChannelsOf lists the channels created since FromBlock by publisher and
// to provider (a nil one matches any), oldest first, from their
// ChannelCreated events.
func (p *Payment) ChannelsOf(ctx context.Context, publisher, provider *common.Address) ([]ChannelRef, error) {
	topic := func(a *common.Address) []common.Hash {
		if a == nil {
			return nil
		}
		return []common.Hash{common.BytesToHash(a.Bytes())}
	}
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(p.FromBlock),
		Addresses: []common.Address{p.addr},
		Topics:    [][]common.Hash{{p.abi.Events["ChannelCreated"].ID}, nil, topic(publisher), topic(provider)},
	}
	logs, err := p.c.FilterLogs(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []ChannelRef
	for i := range logs {
		e, err := p.b.UnpackChannelCreatedEvent(&logs[i])
		if err != nil {
			return nil, fmt.Errorf("decode ChannelCreated: %w", err)
		}
		out = append(out, ChannelRef{ID: e.ChannelId, PodID: e.PodId, Publisher: e.Publisher, Provider: e.Provider, Token: e.Token, Block: logs[i].BlockNumber})
	}
	return out, nil
}

// MaxCollectPerTx bounds the channels of one withdrawEarnings transaction
// (about 12,000 gas each, far below MaxTxGas).
const MaxCollectPerTx = 500

// Earning is what one channel owes its provider.
type Earning struct {
	Channel [32]byte
	Token   common.Address
	Amount  *big.Int
}

// Earnings reads what each channel has earned and not yet paid out to its
// provider; channels with nothing are left out.
func (p *Payment) Earnings(ctx context.Context, ids [][32]byte) ([]Earning, error) {
	var out []Earning
	for _, id := range ids {
		ch, err := p.Channel(ctx, id)
		if err != nil {
			return nil, err
		}
		if ch.Earned != nil && ch.Earned.Sign() > 0 {
			out = append(out, Earning{Channel: id, Token: ch.Token, Amount: new(big.Int).Set(ch.Earned)})
		}
	}
	return out, nil
}

// Collected is one withdrawEarnings transaction: what it paid, per token.
type Collected struct {
	Tx       common.Hash
	Block    uint64
	GasUsed  uint64
	Channels int
	Paid     map[common.Address]*big.Int
}

// CollectEarnings pays the provider w the earnings of the given channels
// (those with none are skipped) in as few transactions as possible: one,
// up to MaxCollectPerTx channels, ordered by token so that each token is
// transferred once per transaction.
func (p *Payment) CollectEarnings(ctx context.Context, w *Wallet, earnings []Earning) ([]Collected, error) {
	es := append([]Earning(nil), earnings...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Token.Cmp(es[j].Token) < 0 })
	var out []Collected
	for len(es) > 0 {
		chunk := es[:min(len(es), MaxCollectPerTx)]
		es = es[len(chunk):]
		ids := make([][32]byte, len(chunk))
		for i, e := range chunk {
			ids[i] = e.Channel
		}
		data, err := p.b.TryPackWithdrawEarnings(ids)
		rcpt, err := p.c.transact(ctx, w, p.addr, data, err)
		if err != nil {
			return out, err
		}
		c := Collected{Tx: rcpt.TxHash, Block: rcpt.BlockNumber.Uint64(), GasUsed: rcpt.GasUsed, Channels: len(chunk), Paid: map[common.Address]*big.Int{}}
		tokenOf := map[[32]byte]common.Address{}
		for _, e := range chunk {
			tokenOf[e.Channel] = e.Token
		}
		for _, l := range rcpt.Logs {
			if ev, err := p.b.UnpackEarningsWithdrawnEvent(l); err == nil && l.Address == p.addr {
				t := tokenOf[ev.ChannelId]
				if c.Paid[t] == nil {
					c.Paid[t] = new(big.Int)
				}
				c.Paid[t].Add(c.Paid[t], ev.Amount)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// ClaimReceipts claims signed receipts: one with claim, several with
// claimMany (split per MaxClaimsPerTx). Each receipt's claim is built on
// the channel's state after the previous receipt of the same channel in the
// batch when the contract will accept that one, so consecutive receipts of
// a channel settle in one batch; a receipt the contract refuses is skipped
// and named in its result.
func (p *Payment) ClaimReceipts(ctx context.Context, w *Wallet, rs []payment.SignedReceipt) ([]ClaimResult, *types.Receipt, error) {
	if len(rs) == 1 {
		paid, rcpt, err := p.ClaimReceipt(ctx, w, rs[0].Receipt, rs[0].Signature)
		if err != nil {
			return nil, rcpt, err
		}
		return []ClaimResult{{ChannelID: rs[0].Receipt.ChannelID, Paid: paid, TxHash: rcpt.TxHash}}, rcpt, nil
	}
	dom := payment.Domain{ChainID: p.c.ChainID(), Contract: p.addr}
	states := map[[32]byte]*ChannelState{}
	var claims []Claim
	for _, sr := range rs {
		r := sr.Receipt
		st, ok := states[r.ChannelID]
		if !ok {
			var err error
			if st, err = p.State(ctx, r.ChannelID); err != nil {
				return nil, nil, err
			}
			states[r.ChannelID] = st
		}
		claims = append(claims, st.Claim(r, sr.Signature))
		signer, serr := payment.RecoverReceiptSigner(dom, r, sr.Signature)
		if _, err := payment.Settle(st.Terms, st.Last, r, st.Channel.Balance); err == nil && serr == nil && signer == st.Terms.EnclaveSigner {
			next := *st
			next.Last = r.Baseline()
			states[r.ChannelID] = &next
		}
	}
	return p.ClaimMany(ctx, w, claims)
}

// ChannelEvent is one event of a channel, decoded by the ABI.
type ChannelEvent struct {
	Name  string
	Block uint64
	Time  uint64 // the block's timestamp
	Tx    common.Hash
	// Fields are the event's arguments by name (the channel ID left out):
	// *big.Int, uint64, common.Address, [32]byte, [4]byte, arrays.
	Fields map[string]any
}

// ChannelEvents returns every event of channel id since FromBlock, in
// chain order, with its block's time.
func (p *Payment) ChannelEvents(ctx context.Context, id [32]byte) ([]ChannelEvent, error) {
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(p.FromBlock),
		Addresses: []common.Address{p.addr},
		Topics:    [][]common.Hash{nil, {common.Hash(id)}},
	}
	logs, err := p.c.FilterLogs(ctx, q)
	if err != nil {
		return nil, err
	}
	times := map[uint64]uint64{}
	var out []ChannelEvent
	for _, l := range logs {
		if len(l.Topics) == 0 {
			continue
		}
		ev, err := p.abi.EventByID(l.Topics[0])
		if err != nil {
			continue
		}
		fields := map[string]any{}
		if err := ev.Inputs.UnpackIntoMap(fields, l.Data); err != nil {
			return nil, fmt.Errorf("decode %s: %w", ev.Name, err)
		}
		ti := 1
		for _, in := range ev.Inputs {
			if !in.Indexed {
				continue
			}
			if ti < len(l.Topics) && in.Name != "channelId" {
				switch in.Type.String() {
				case "address":
					fields[in.Name] = common.BytesToAddress(l.Topics[ti].Bytes())
				default:
					fields[in.Name] = [32]byte(l.Topics[ti])
				}
			}
			ti++
		}
		t, ok := times[l.BlockNumber]
		if !ok {
			if h, err := p.c.HeaderByNumber(ctx, new(big.Int).SetUint64(l.BlockNumber)); err == nil {
				t = h.Time
				times[l.BlockNumber] = t
			}
		}
		out = append(out, ChannelEvent{Name: ev.Name, Block: l.BlockNumber, Time: t, Tx: l.TxHash, Fields: fields})
	}
	return out, nil
}

// TokenEarnings sums a provider's channels in one token.
type TokenEarnings struct {
	Token common.Address
	// Owed is earned and not yet paid out (collect pays it).
	Owed *big.Int
	// Collected is what was paid out so far.
	Collected *big.Int
	// Held is what publishers still have in the open channels.
	Held     *big.Int
	Channels int
}

// ProviderEarnings sums, per token, what provider's channels owe it, what
// it collected and what they still hold.
func (p *Payment) ProviderEarnings(ctx context.Context, provider common.Address) ([]TokenEarnings, error) {
	refs, err := p.ChannelsOf(ctx, nil, &provider)
	if err != nil {
		return nil, err
	}
	byToken := map[common.Address]*TokenEarnings{}
	tokenOf := map[[32]byte]common.Address{}
	get := func(t common.Address) *TokenEarnings {
		e := byToken[t]
		if e == nil {
			e = &TokenEarnings{Token: t, Owed: new(big.Int), Collected: new(big.Int), Held: new(big.Int)}
			byToken[t] = e
		}
		return e
	}
	for _, r := range refs {
		tokenOf[r.ID] = r.Token
		ch, err := p.Channel(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		e := get(r.Token)
		e.Channels++
		if ch.Earned != nil {
			e.Owed.Add(e.Owed, ch.Earned)
		}
		if ch.Balance != nil && ch.Status != StatusClosed {
			e.Held.Add(e.Held, ch.Balance)
		}
	}
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(p.FromBlock),
		Addresses: []common.Address{p.addr},
		Topics:    [][]common.Hash{{p.abi.Events["EarningsWithdrawn"].ID}, nil, {common.BytesToHash(provider.Bytes())}},
	}
	logs, err := p.c.FilterLogs(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range logs {
		ev, err := p.b.UnpackEarningsWithdrawnEvent(&logs[i])
		if err != nil {
			continue
		}
		e := get(tokenOf[ev.ChannelId])
		e.Collected.Add(e.Collected, ev.Amount)
	}
	out := make([]TokenEarnings, 0, len(byToken))
	for _, e := range byToken {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Token.Cmp(out[j].Token) < 0 })
	return out, nil
}
