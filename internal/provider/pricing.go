package provider

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// A pricing change needs both sides (DESIGN §3): when the provider's table
// for a channel's token no longer matches the channel's prices, the provider
// proposes the table's prices on-chain; the publisher accepts within the
// notice period, and the provider then settles the last receipt at the old
// prices and starts the new ones from the next. A proposal not accepted by
// the end of the notice stops the pod: the provider no longer serves at the
// old prices.

// repricing is the state of a pod's pending pricing change.
type repricing struct {
	proposedAt time.Time
	warning    string // for the pod's status
	stop       string // why the pod must stop, once the notice ran out
}

// repriceAll advances every pod's pricing change. It runs right after the
// cycle's claims (see applyPricing).
func (p *Provider) repriceAll(ctx context.Context) {
	for _, pd := range p.podList() {
		ch, err := p.cfg.Payment.Channel(ctx, pd.channel)
		if err != nil {
			p.log.Warn("pricing: read channel", "pod", pd.rtID, "err", err)
			continue
		}
		warning, stop := p.reprice(ctx, pd, ch)
		p.mu.Lock()
		if pd.repricing != nil {
			pd.repricing.warning, pd.repricing.stop = warning, stop
		}
		p.mu.Unlock()
	}
}

// reprice advances the pricing change of one pod, if it needs one. It
// returns a warning for the pod's status and, once the notice ran out
// without acceptance, why the pod must stop.
func (p *Provider) reprice(ctx context.Context, pd *pod, ch chain.Channel) (warning, stop string) {
	table := p.table(pd.token)
	if table == nil {
		return "", ""
	}
	terms, err := p.bill.terms(ctx, pd.channel)
	if err != nil {
		p.log.Warn("pricing: read terms", "pod", pd.rtID, "err", err)
		return "", ""
	}
	if samePrices(terms.Prices, table.Prices) {
		if pd.repricing != nil {
			p.mu.Lock()
			pd.repricing = nil
			p.mu.Unlock()
		}
		return "", ""
	}
	want := payment.PricesHash(table.Prices)
	now := p.clock.Now()
	if ch.PendingPricesHash != want {
		if _, err := p.cfg.Payment.ProposePricing(ctx, p.cfg.Wallet, pd.channel, table.Prices); err != nil {
			p.log.Warn("pricing: propose", "pod", pd.rtID, "err", err)
			return "", ""
		}
		p.mu.Lock()
		pd.repricing = &repricing{proposedAt: now}
		p.mu.Unlock()
		p.log.Info("pricing change proposed", "pod", pd.rtID, "notice", p.cfg.PricingNotice)
		p.event(pd, store.PodEvent{Time: now, Kind: EventPriceProposed, Message: fmt.Sprintf("new prices (hash %x); accept before %s or the pod stops",
			want[:8], now.Add(p.cfg.PricingNotice).UTC().Format(time.RFC3339))})
		// The channel read above predates the proposal (which clears any
		// earlier acceptance): look again next cycle.
		return fmt.Sprintf("price change proposed (hash %x): accept it before %s or the pod stops", want[:8], now.Add(p.cfg.PricingNotice).UTC().Format(time.RFC3339)), ""
	}
	p.mu.Lock()
	if pd.repricing == nil {
		// Proposed before a restart: the notice runs from now.
		pd.repricing = &repricing{proposedAt: now}
	}
	deadline := pd.repricing.proposedAt.Add(p.cfg.PricingNotice)
	p.mu.Unlock()
	if ch.PricingAccepted {
		if err := p.applyPricing(ctx, pd, terms, table.Prices); err != nil {
			p.log.Warn("pricing: apply", "pod", pd.rtID, "err", err)
			return "new prices accepted; switching over", ""
		}
		p.mu.Lock()
		pd.repricing = nil
		pd.rate = reservedRate(table.Prices, pd.res)
		p.mu.Unlock()
		p.persist(ctx, pd)
		p.event(pd, store.PodEvent{Kind: EventPriceAccepted, Message: fmt.Sprintf("new prices (hash %x) apply from now", want[:8])})
		return "", ""
	}
	if now.After(deadline) {
		return "", "the publisher did not accept the provider's new prices within the notice period"
	}
	return fmt.Sprintf("price change proposed (hash %x): accept it before %s or the pod stops", want[:8], deadline.UTC().Format(time.RFC3339)), ""
}

// applyPricing switches a channel to new prices. It runs right after a
// billing cycle claimed the channel's last receipt: that receipt, the
// channel's baseline, is the last one at the old prices (nothing is left to
// settle), and a receipt one second later with the same usage starts the new
// prices. Nothing is lost and nothing is paid twice.
func (p *Provider) applyPricing(ctx context.Context, pd *pod, terms payment.Terms, prices [usage.Len]*big.Int) error {
	// No receipt of the channel may be signed or claimed meanwhile.
	p.bill.billing.Lock()
	defer p.bill.billing.Unlock()
	bk, err := p.bill.sync(ctx, pd.channel)
	if err != nil {
		return err
	}
	last, err := p.cfg.Store.LastReceipt(ctx, pd.channel)
	if err != nil {
		return fmt.Errorf("no receipt to switch prices at yet: %w", err)
	}
	if last.Seq != bk.base.Seq || last.ClaimTx == "" {
		return fmt.Errorf("receipt %d is not claimed yet (baseline %d); retrying next cycle", last.Seq, bk.base.Seq)
	}
	newR := payment.Receipt{ChannelID: pd.channel, Seq: last.Seq + 1, Time: last.Time + 1, Usage: last.Usage}
	signed := newStoreReceipt(newR)
	errs, err := p.bill.signStore(ctx, []*store.Receipt{signed})
	if err == nil {
		err = errs[0]
	}
	if err != nil {
		return err
	}
	lastOld := chain.Claim{Terms: terms, Last: bk.base, Receipt: last.SignedReceipt}
	rcpt, err := p.cfg.Payment.ApplyPricing(ctx, p.cfg.Wallet, lastOld, signed.SignedReceipt, prices)
	if err != nil {
		return err
	}
	if err := p.cfg.Store.MarkClaimed(ctx, pd.channel, newR.Seq, rcpt.TxHash.Hex()); err != nil {
		return err
	}
	p.bill.forget(pd.channel)
	p.log.Info("pricing change applied", "pod", pd.rtID, "from receipt", newR.Seq)
	return nil
}

func (p *Provider) table(token [20]byte) *PricingTable {
	for i := range p.cfg.Pricing {
		if p.cfg.Pricing[i].Token == token {
			return &p.cfg.Pricing[i]
		}
	}
	return nil
}

func samePrices(a, b [usage.Len]*big.Int) bool { return priceDiff(a, b) < 0 }

// priceDiff returns the first counter whose prices differ (nil counts as
// 0), or -1 if none does.
func priceDiff(a, b [usage.Len]*big.Int) int {
	for i := range a {
		x, y := a[i], b[i]
		if x == nil {
			x = new(big.Int)
		}
		if y == nil {
			y = new(big.Int)
		}
		if x.Cmp(y) != 0 {
			return i
		}
	}
	return -1
}

// persistState stores a pod's state, reason and record (its unfunded flag
// decides whether a restart starts it).
func (p *Provider) persistState(ctx context.Context, pd *pod) {
	p.mu.Lock()
	st, msg := pd.state, pd.message
	p.mu.Unlock()
	if err := p.cfg.Store.SetPodState(ctx, pd.channel, st.String(), msg); err != nil {
		p.log.Warn("store pod state", "pod", pd.rtID, "err", err)
	}
	p.persist(ctx, pd)
}

// persist rewrites a pod's stored record.
func (p *Provider) persist(ctx context.Context, pd *pod) {
	if err := p.persistRecord(ctx, pd); err != nil {
		p.log.Warn("persist pod", "pod", pd.rtID, "err", err)
	}
}

func (p *Provider) persistRecord(ctx context.Context, pd *pod) error {
	rec, err := p.cfg.Store.GetPod(ctx, pd.channel)
	if err != nil {
		return err
	}
	p.mu.Lock()
	rec.Spec = encodeRecord(pd)
	p.mu.Unlock()
	return p.cfg.Store.PutPod(ctx, rec)
}
