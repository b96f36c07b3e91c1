package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// biller turns metered usage into enclave-signed receipts and claims them,
// batched, with claimMany. Receipts are stored before they are submitted, so
// a crash between signing and claiming loses nothing: the next cycle signs a
// later receipt (usage is cumulative) and claims that one.
type biller struct {
	store  *store.Store
	signer payment.Signer // the enclave's receipt key
	domain payment.Domain
	pay    *chain.Payment
	wallet *chain.Wallet // pays the gas; earnings go to the channel's provider
	now    func() time.Time
	log    *slog.Logger

	mu    sync.Mutex
	books map[[32]byte]*book
	// billing serialises bill: a final claim on delete and the cycle's claim
	// must not sign receipts for one channel at the same time.
	billing sync.Mutex
}

// book is what the provider tracks of a channel's settlement: the terms the
// publisher pinned and the last receipt the contract accepted. The contract
// keeps only their hash, so a claim must repeat them exactly.
type book struct {
	terms payment.Terms
	base  payment.Baseline
}

// billItem asks to bill a channel up to the given cumulative usage.
type billItem struct {
	Channel [32]byte
	Usage   usage.Vector
	// Final marks the last receipt of a pod that is gone: it is dated when
	// the channel's cap has paid for all of it, instead of holding part of
	// the usage back for a later receipt (there is none).
	Final bool
}

// billResult is what became of a billItem.
type billResult struct {
	Channel [32]byte
	Receipt *store.Receipt // nil when there was nothing new to bill
	Paid    *big.Int       // nil unless the claim was accepted
	Skipped string         // the contract's error name when the claim was skipped
	Err     error          // signing or storing failed
}

func newBiller(st *store.Store, signer payment.Signer, domain payment.Domain, pay *chain.Payment, wallet *chain.Wallet, now func() time.Time, log *slog.Logger) *biller {
	return &biller{store: st, signer: signer, domain: domain, pay: pay, wallet: wallet, now: now, log: log, books: map[[32]byte]*book{}}
}

// sync reads a channel's terms and baseline from the chain.
func (b *biller) sync(ctx context.Context, id [32]byte) (*book, error) {
	st, err := b.pay.State(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read channel %x: %w", id[:4], err)
	}
	bk := &book{terms: st.Terms, base: st.Last}
	b.mu.Lock()
	b.books[id] = bk
	b.mu.Unlock()
	return bk, nil
}

func (b *biller) book(ctx context.Context, id [32]byte) (*book, error) {
	b.mu.Lock()
	bk := b.books[id]
	b.mu.Unlock()
	if bk != nil {
		return bk, nil
	}
	return b.sync(ctx, id)
}

// forget drops the cached book of a channel; the next use reads the chain.
func (b *biller) forget(id [32]byte) {
	b.mu.Lock()
	delete(b.books, id)
	b.mu.Unlock()
}

// terms returns the channel's pinned terms.
func (b *biller) terms(ctx context.Context, id [32]byte) (payment.Terms, error) {
	bk, err := b.book(ctx, id)
	if err != nil {
		return payment.Terms{}, err
	}
	return bk.terms, nil
}

// receipt returns a signed, stored receipt for the channel at usage v, or
// nil if v holds nothing the contract has not already paid for. An unclaimed
// receipt with the same usage is reused rather than signing another.
//
// The contract pays a receipt at most maxPerSecond × (time − lastTime) and
// drops the rest, so a receipt never carries more than that: what does not
// fit (egress first) is held back and billed by a later receipt, once the
// cap has paid for it (payment.FitCap). A final receipt is dated instead at
// the time the cap covers all of it; it is claimed once the chain's clock
// has passed that time.
func (b *biller) receipt(ctx context.Context, id [32]byte, bk *book, v usage.Vector, final bool) (*store.Receipt, error) {
	if v == bk.base.Usage {
		return nil, nil
	}
	if !v.GreaterOrEqual(bk.base.Usage) {
		// The meter lost counts (a restored store older than the chain):
		// never sign a decreasing receipt; wait until usage catches up.
		return nil, fmt.Errorf("metered usage %v is behind the last claimed receipt %v", v, bk.base.Usage)
	}
	last, err := b.store.LastReceipt(ctx, id)
	reusable := func(u usage.Vector) bool {
		return err == nil && last.ClaimTx == "" && last.Usage == u && last.Seq > bk.base.Seq
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	case reusable(v):
		return &last, nil
	}
	r := payment.Receipt{ChannelID: id, Seq: bk.base.Seq + 1, Time: uint64(b.now().Unix()), Usage: v}
	if err == nil {
		r.Seq = max(r.Seq, last.Seq+1)
		r.Time = max(r.Time, last.Time+1)
	}
	r.Time = max(r.Time, bk.base.Time+1)
	if final {
		r.Time = max(r.Time, payment.CoveredAt(bk.terms, bk.base, v))
	} else {
		r.Usage = payment.FitCap(bk.terms, bk.base, r.Time, v)
		if err == nil {
			// Receipts the enclave signs never go back, claimed or not.
			for i := range r.Usage {
				r.Usage[i] = max(r.Usage[i], min(last.Usage[i], v[i]))
			}
		}
		if r.Usage == bk.base.Usage {
			return nil, nil // nothing the cap can pay for yet
		}
		if reusable(r.Usage) {
			return &last, nil
		}
	}
	sig, err := b.signStore(ctx, r)
	if err != nil {
		return nil, err
	}
	return &store.Receipt{ChannelID: id, Seq: r.Seq, Time: r.Time, Usage: r.Usage, Signature: sig}, nil
}

// signStore has the enclave sign r and records it before anyone sees it.
func (b *biller) signStore(ctx context.Context, r payment.Receipt) ([]byte, error) {
	sig, err := payment.SignReceipt(b.signer, b.domain, r)
	if err != nil {
		return nil, fmt.Errorf("sign receipt: %w", err)
	}
	if err := b.store.AddReceipt(ctx, store.Receipt{ChannelID: r.ChannelID, Seq: r.Seq, Time: r.Time, Usage: r.Usage, Signature: sig}); err != nil {
		return nil, err
	}
	return sig, nil
}

// bill signs a receipt for every item and claims them in one transaction.
// Per-item failures are in the results; the error is for the batch (the
// chain could not be reached): receipts stay stored and the next cycle
// claims a later one.
func (b *biller) bill(ctx context.Context, items []billItem) ([]billResult, error) {
	b.billing.Lock()
	defer b.billing.Unlock()
	results := make([]billResult, len(items))
	var claims []contracts.PaymentClaim
	index := map[[32]byte]int{}
	for i, it := range items {
		results[i].Channel = it.Channel
		bk, err := b.book(ctx, it.Channel)
		if err != nil {
			results[i].Err = err
			continue
		}
		rec, err := b.receipt(ctx, it.Channel, bk, it.Usage, it.Final)
		if err != nil {
			results[i].Err = err
			continue
		}
		if rec == nil {
			continue
		}
		results[i].Receipt = rec
		r := payment.Receipt{ChannelID: rec.ChannelID, Seq: rec.Seq, Time: rec.Time, Usage: rec.Usage}
		claims = append(claims, payment.NewClaim(bk.terms, bk.base, r, rec.Signature))
		index[it.Channel] = i
	}
	if len(claims) == 0 {
		return results, nil
	}
	outcomes, _, err := b.pay.ClaimMany(ctx, b.wallet, claims)
	if err != nil {
		return results, fmt.Errorf("claim %d receipts: %w", len(claims), err)
	}
	for _, o := range outcomes {
		i, ok := index[o.ChannelID]
		if !ok {
			continue
		}
		res := &results[i]
		if o.Paid == nil {
			res.Skipped = o.Skipped
			if o.Skipped == "StateMismatch" {
				// Someone else moved the baseline (a claim by another
				// submitter, a pricing change): read it again.
				b.forget(o.ChannelID)
			}
			continue
		}
		res.Paid = o.Paid
		rec := res.Receipt
		if err := b.store.MarkClaimed(ctx, rec.ChannelID, rec.Seq, o.TxHash.Hex()); err != nil {
			res.Err = err
		}
		b.mu.Lock()
		if bk := b.books[o.ChannelID]; bk != nil {
			bk.base = payment.Baseline{Seq: rec.Seq, Time: rec.Time, Usage: rec.Usage}
		}
		b.mu.Unlock()
	}
	return results, nil
}

// reservedRate is what a pod's reservations cost per second under prices:
// the part of a bill that accrues whatever the pod does.
func reservedRate(prices [usage.Len]*big.Int, r Reservation) *big.Int {
	rate := new(big.Int)
	add := func(i int, n uint64) {
		if prices[i] != nil && n > 0 {
			rate.Add(rate, new(big.Int).Mul(prices[i], new(big.Int).SetUint64(n)))
		}
	}
	add(usage.CPUReserved, r.CPUMilli)
	add(usage.MemoryReserved, r.MemoryMiB)
	add(usage.StorageReserved, r.StorageMiB)
	add(usage.GPUReserved, r.GPUMilli)
	return rate
}

// usedRate is what a pod's used counters (CPU time, memory used, egress)
// cost per second under prices, from their growth between two meter
// readings dt apart; zero when dt is under a second or a counter went back
// (a meter restored from an older store).
func usedRate(prices [usage.Len]*big.Int, prev, cur usage.Vector, dt time.Duration) *big.Int {
	rate := new(big.Int)
	if dt < time.Second {
		return rate
	}
	for _, i := range []int{usage.CPUUsed, usage.MemoryUsed, usage.NetworkEgress} {
		if prices[i] == nil || cur[i] <= prev[i] {
			continue
		}
		rate.Add(rate, new(big.Int).Mul(prices[i], new(big.Int).SetUint64(cur[i]-prev[i])))
	}
	// × 1000 ÷ dt in ms: whole seconds would round a 1.9 s interval to 1.
	rate.Mul(rate, big.NewInt(1000))
	return rate.Quo(rate, big.NewInt(dt.Milliseconds()))
}

// Reservation is what a pod reserves: the rates at which its reserved
// counters advance while it runs.
type Reservation struct {
	CPUMilli   uint64 `json:"cpuMilli"`
	MemoryMiB  uint64 `json:"memoryMiB"`
	StorageMiB uint64 `json:"storageMiB"`
	GPUMilli   uint64 `json:"gpuMilli"`
}

// Fits reports whether r fits into free.
func (r Reservation) Fits(free Reservation) bool {
	return r.CPUMilli <= free.CPUMilli && r.MemoryMiB <= free.MemoryMiB && r.StorageMiB <= free.StorageMiB && r.GPUMilli <= free.GPUMilli
}

// Add returns r + o.
func (r Reservation) Add(o Reservation) Reservation {
	return Reservation{r.CPUMilli + o.CPUMilli, r.MemoryMiB + o.MemoryMiB, r.StorageMiB + o.StorageMiB, r.GPUMilli + o.GPUMilli}
}

// Sub returns r − o, floored at zero.
func (r Reservation) Sub(o Reservation) Reservation {
	sub := func(a, b uint64) uint64 {
		if b > a {
			return 0
		}
		return a - b
	}
	return Reservation{sub(r.CPUMilli, o.CPUMilli), sub(r.MemoryMiB, o.MemoryMiB), sub(r.StorageMiB, o.StorageMiB), sub(r.GPUMilli, o.GPUMilli)}
}

// runway is how long balance lasts at rate per second; a zero rate lasts
// forever (the maximum duration).
func runway(balance, rate *big.Int) time.Duration {
	if rate.Sign() == 0 {
		return time.Duration(1<<63 - 1)
	}
	secs := new(big.Int).Quo(balance, rate)
	if !secs.IsInt64() || secs.Int64() > int64(time.Duration(1<<63-1)/time.Second) {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(secs.Int64()) * time.Second
}
