package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// biller turns the usage the signing core metered into receipts the core
// signs, and claims them, batched, with claimMany. Receipts are stored
// before they are submitted, so a crash between signing and claiming loses
// nothing: the next cycle signs a later receipt (usage is cumulative) and
// claims that one.
type biller struct {
	store  *store.Store
	signer receiptSigner // the signing core
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

// receiptSigner signs receipts: the signing core, which checks each
// against the usage it metered and the receipts it signed before.
type receiptSigner interface {
	SignReceipts(ctx context.Context, rs []payment.Receipt) ([][]byte, []error, error)
}

// billItem asks to bill a channel up to the given cumulative usage.
type billItem struct {
	Channel [32]byte
	Usage   usage.Vector
	// Signed is the last receipt the core signed for the channel (zero if
	// unknown): a new receipt goes beyond it whether the store has it or
	// not.
	Signed payment.Baseline
	// Final marks the last receipt of a pod that is gone: it is dated when
	// the channel's cap has paid for all of it, instead of holding part of
	// the usage back for a later receipt (there is none).
	Final bool
}

// billResult is what became of a billItem.
type billResult struct {
	Channel [32]byte
	Receipt *store.Receipt   // nil when there was nothing new to bill
	Paid    *big.Int         // nil unless the claim was accepted
	Skipped chain.SkipReason // why the contract skipped the claim, if it did
	Err     error            // signing or storing failed
}

func newBiller(st *store.Store, signer receiptSigner, domain payment.Domain, pay *chain.Payment, wallet *chain.Wallet, now func() time.Time, log *slog.Logger) *biller {
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

// receipt returns the receipt to claim for the channel at usage v: a
// stored, unclaimed one with the same usage (reused rather than signing
// another), or a new one to sign (Signature nil); nil if v holds nothing
// the contract has not already paid for.
//
// The contract pays a receipt at most maxPerSecond × (time − lastTime) and
// drops the rest, so a receipt never carries more than that: what does not
// fit (egress first) is held back and billed by a later receipt, once the
// cap has paid for it (payment.FitCap). A final receipt is dated instead at
// the time the cap covers all of it; it is claimed once the chain's clock
// has passed that time.
func (b *biller) receipt(ctx context.Context, id [32]byte, bk *book, it billItem) (*store.Receipt, error) {
	v := it.Usage
	if v == bk.base.Usage {
		return nil, nil
	}
	if !v.GreaterOrEqual(bk.base.Usage) {
		// The core lost counts (its state started over below the chain):
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
	// Beyond the chain's baseline, the store's last receipt and the core's.
	prev := it.Signed
	if err == nil && last.Seq > prev.Seq {
		prev = last.Baseline()
	}
	r := payment.Receipt{ChannelID: id, Seq: max(bk.base.Seq, prev.Seq) + 1, Time: uint64(b.now().Unix()), Usage: v}
	r.Time = max(r.Time, bk.base.Time+1, prev.Time+1)
	if it.Final {
		r.Time = max(r.Time, payment.CoveredAt(bk.terms, bk.base, v))
	} else {
		r.Usage = payment.FitCap(bk.terms, bk.base, r.Time, v)
		if prev.Seq > bk.base.Seq {
			// Receipts the enclave signs never go back, claimed or not.
			for i := range r.Usage {
				r.Usage[i] = max(r.Usage[i], min(prev.Usage[i], v[i]))
			}
		}
		if r.Usage == bk.base.Usage {
			return nil, nil // nothing the cap can pay for yet
		}
		if reusable(r.Usage) {
			return &last, nil
		}
	}
	return newStoreReceipt(r), nil
}

// newStoreReceipt is r as the store keeps it, still to be signed.
func newStoreReceipt(r payment.Receipt) *store.Receipt {
	return &store.Receipt{SignedReceipt: payment.SignedReceipt{Receipt: r}}
}

// signStore has the signing core sign the receipts and records each signed
// one before anyone sees it. errs holds each receipt's failure.
func (b *biller) signStore(ctx context.Context, recs []*store.Receipt) (errs []error, err error) {
	rs := make([]payment.Receipt, len(recs))
	for i, r := range recs {
		rs[i] = r.Receipt
	}
	sigs, errs, err := b.signer.SignReceipts(ctx, rs)
	if err != nil {
		return nil, fmt.Errorf("sign receipts: %w", err)
	}
	for i, r := range recs {
		if errs[i] != nil {
			errs[i] = fmt.Errorf("sign receipt: %w", errs[i])
			continue
		}
		r.Signature = sigs[i]
		if err := b.store.AddReceipt(ctx, *r); err != nil {
			errs[i] = err
		}
	}
	return errs, nil
}

// bill signs a receipt for every item and claims them in one transaction.
// Per-item failures are in the results; the error is for the batch (the
// chain or the core could not be reached): receipts stay stored and the
// next cycle claims a later one.
func (b *biller) bill(ctx context.Context, items []billItem) ([]billResult, error) {
	b.billing.Lock()
	defer b.billing.Unlock()
	results := make([]billResult, len(items))
	books := make([]*book, len(items))
	var unsigned []*store.Receipt
	var unsignedAt []int
	for i, it := range items {
		results[i].Channel = it.Channel
		bk, err := b.book(ctx, it.Channel)
		if err != nil {
			results[i].Err = err
			continue
		}
		books[i] = bk
		rec, err := b.receipt(ctx, it.Channel, bk, it)
		if err != nil {
			results[i].Err = err
			continue
		}
		results[i].Receipt = rec
		if rec != nil && rec.Signature == nil {
			unsigned, unsignedAt = append(unsigned, rec), append(unsignedAt, i)
		}
	}
	if len(unsigned) > 0 {
		errs, err := b.signStore(ctx, unsigned)
		if err != nil {
			for _, i := range unsignedAt {
				results[i].Receipt, results[i].Err = nil, err
			}
		}
		for k, e := range errs {
			if e != nil {
				i := unsignedAt[k]
				results[i].Receipt, results[i].Err = nil, e
			}
		}
	}
	var claims []chain.Claim
	index := map[[32]byte]int{}
	for i, res := range results {
		rec := res.Receipt
		if rec == nil || res.Err != nil {
			continue
		}
		claims = append(claims, chain.Claim{Terms: books[i].terms, Last: books[i].base, Receipt: rec.SignedReceipt})
		index[rec.ChannelID] = i
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
			if o.Skipped == chain.SkipStateMismatch {
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
			bk.base = rec.Baseline()
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
type Reservation = usage.Resources

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
