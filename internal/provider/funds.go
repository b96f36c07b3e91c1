package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
)

// billAll signs and claims a receipt for every pod whose usage grew.
func (p *Provider) billAll(ctx context.Context) {
	p.ensureOpen(ctx)
	pods := p.podList()
	us := p.usages(ctx)
	// Metering lag: how old the stalest pod's last sample is.
	var lag time.Duration
	now := p.cfg.Now()
	var items []billItem
	for _, pd := range pods {
		u, ok := us[pd.channel]
		if !ok {
			continue
		}
		if !u.SampledAt.IsZero() {
			lag = max(lag, now.Sub(u.SampledAt))
		}
		items = append(items, billItem{Channel: pd.channel, Usage: u.Usage, Signed: u.LastSigned})
	}
	p.metrics.meterLag.Set(lag.Seconds())
	if len(items) == 0 {
		return
	}
	results, err := p.bill.bill(ctx, items)
	if err != nil {
		p.metrics.claimFailures.Inc()
		p.log.Warn("claim failed; receipts are kept for the next cycle", "err", err)
	}
	for _, r := range results {
		switch {
		case r.Err != nil:
			p.metrics.claimFailures.Inc()
			p.log.Warn("billing", "channel", fmt.Sprintf("%x", r.Channel[:8]), "err", r.Err)
		case r.Skipped != chain.NotSkipped:
			p.metrics.claimFailures.Inc()
			p.log.Warn("claim skipped by the contract", "channel", fmt.Sprintf("%x", r.Channel[:8]), "reason", r.Skipped.String())
		case r.Paid != nil:
			p.metrics.claims.Inc()
			p.addEarnings(r.Channel, r.Paid)
			p.log.Debug("claimed", "channel", fmt.Sprintf("%x", r.Channel[:8]), "seq", r.Receipt.Seq, "paid", r.Paid)
		}
	}
}

// watchFunds acts on each pod's channel: a warning when its runway is low,
// a graceful stop when it cannot pay for the next cycle or the publisher is
// closing it, a start again after a deposit, removal once it is closed.
func (p *Provider) watchFunds(ctx context.Context) {
	pods := p.podList()
	for _, pd := range pods {
		if p.begin(pd.channel) != nil {
			continue // a publisher's request is changing the pod; next cycle
		}
		p.watchChannel(ctx, pd)
		p.end(pd.channel)
	}
}

// reservedRateOf is what the pod's reservation costs a second now: an
// ended pod pays for its storage only (ended.go).
func (p *Provider) reservedRateOf(ctx context.Context, pd *pod) *big.Int {
	p.mu.Lock()
	rate, ended, storage := pd.rate, pd.ended != "", pd.res.StorageMiB
	p.mu.Unlock()
	if !ended {
		return rate
	}
	terms, err := p.bill.terms(ctx, pd.channel)
	if err != nil {
		return rate
	}
	return reservedRate(terms.Prices, Reservation{StorageMiB: storage})
}

// usedRateOf estimates what the pod's used counters cost per second now:
// their growth since the previous funds check at the channel's prices. A
// pod that works hard runs out sooner than its reservations alone say.
func (p *Provider) usedRateOf(ctx context.Context, pd *pod) *big.Int {
	terms, err := p.bill.terms(ctx, pd.channel)
	if err != nil {
		return new(big.Int)
	}
	v, ok := p.vector(ctx, pd)
	if !ok {
		return new(big.Int)
	}
	now := p.clock.Now()
	p.mu.Lock()
	prevAt, prev := pd.usedAt, pd.usedVec
	pd.usedAt, pd.usedVec = now, v
	p.mu.Unlock()
	if prevAt.IsZero() {
		return new(big.Int)
	}
	return usedRate(terms.Prices, prev, v, now.Sub(prevAt))
}

// watchChannel acts on one pod's channel; the caller holds its begin guard.
func (p *Provider) watchChannel(ctx context.Context, pd *pod) {
	ch, err := p.cfg.Payment.Channel(ctx, pd.channel)
	if err != nil {
		// Never act on a pod because the chain could not be read.
		p.log.Warn("read channel", "pod", pd.rtID, "err", err)
		return
	}
	if ch.Status == chain.StatusClosed {
		if err := p.remove(ctx, pd); err != nil {
			p.log.Warn("remove pod of closed channel", "pod", pd.rtID, "err", err)
			return
		}
		p.releaseHostnames(ctx, pd.channel) // the channel is settled
		return
	}
	// Funds the publisher asked back are not there to pay with.
	avail := new(big.Int).Set(ch.Balance)
	if ch.UnlockAt != 0 && ch.UnlockAmount != nil {
		avail.Sub(avail, minBig(ch.UnlockAmount, avail))
	}
	rate := new(big.Int).Add(p.reservedRateOf(ctx, pd), p.usedRateOf(ctx, pd))
	rw := runway(avail, rate)
	var warnings []string
	var repriceStop string
	p.mu.Lock()
	if r := pd.repricing; r != nil {
		repriceStop = r.stop
		if r.warning != "" {
			warnings = append(warnings, r.warning)
		}
	}
	p.mu.Unlock()
	switch {
	case ch.Status == chain.StatusClosing:
		p.stopForFunds(ctx, pd, "the publisher closed the channel")
	case rw < p.cfg.BillingCycle:
		p.stopForFunds(ctx, pd, fmt.Sprintf("funds exhausted: balance %s, %s per second", avail, rate))
	case repriceStop != "":
		p.stopForFunds(ctx, pd, repriceStop)
	default:
		if p.unfunded(pd) {
			p.resume(ctx, pd)
		}
		if rw < p.cfg.LowFunds {
			warnings = append(warnings, fmt.Sprintf("low funds: %v of runway left (balance %s, %s per second); deposit to keep the pod running", rw.Truncate(time.Second), avail, rate))
		}
	}
	if ch.UnlockAt != 0 {
		warnings = append(warnings, fmt.Sprintf("unlock of %s requested, due at %s", ch.UnlockAmount, time.Unix(int64(ch.UnlockAt), 0).UTC().Format(time.RFC3339)))
	}
	p.mu.Lock()
	if len(warnings) > 0 && !slices.Equal(warnings, pd.warnings) {
		p.log.Warn("pod warning", "pod", pd.rtID, "warnings", warnings)
	}
	pd.warnings = warnings
	p.mu.Unlock()
	p.metrics.setRunway(pd.rtID, rw)
}

// stopForFunds stops a pod gracefully (SIGTERM, then SIGKILL after the
// grace period) and keeps its data: a deposit starts it again, and it is
// removed only when the channel closes.
func (p *Provider) stopForFunds(ctx context.Context, pd *pod, why string) {
	p.mu.Lock()
	already := pd.unfunded
	pd.unfunded = true
	pd.state = p2p.PodStopped
	pd.message = why
	p.mu.Unlock()
	if already {
		// Keep it stopped whatever started it (it is a no-op when stopped).
		if err := p.cfg.Runtime.Stop(ctx, pd.rtID, p.cfg.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			p.log.Warn("stop pod", "pod", pd.rtID, "err", err)
		}
		return
	}
	p.log.Warn("stopping pod", "pod", pd.rtID, "reason", why)
	if p.gw != nil {
		p.gw.RemoveRoute(pd.rtID)
	}
	// Recorded first: a provider that dies during the stop must not start
	// the pod again when it restores it.
	p.persistState(ctx, pd)
	p.event(pd, store.PodEvent{Kind: EventStoppedFunds, Message: why})
	if err := p.cfg.Runtime.Stop(ctx, pd.rtID, p.cfg.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		p.log.Warn("stop pod", "pod", pd.rtID, "err", err)
	}
	p.noteKilled(ctx, pd)
	p.metrics.fundStops.Inc()
	// Bill what ran until the stop.
	p.sample(ctx)
	if u, ok := p.usageOf(ctx, pd); ok {
		if _, err := p.bill.bill(ctx, []billItem{{Channel: pd.channel, Usage: u.Usage, Signed: u.LastSigned}}); err != nil {
			p.log.Warn("claim after stop", "pod", pd.rtID, "err", err)
		}
	}
}

// resume starts a pod stopped for lack of funds once its channel can pay
// (unless it is also paused over its cap: then only its route comes back).
func (p *Provider) resume(ctx context.Context, pd *pod) {
	p.mu.Lock()
	capped, ended := pd.capped, pd.ended
	p.mu.Unlock()
	if !pd.scale.toZero && !capped && ended == "" {
		if err := p.cfg.Runtime.Start(ctx, pd.rtID); err != nil {
			p.log.Warn("start funded pod", "pod", pd.rtID, "err", err)
			return
		}
	}
	p.mu.Lock()
	pd.unfunded = false
	switch {
	case ended != "":
		pd.message = endedMessage(ended) // funded, and still ended
	case !capped:
		pd.state = p2p.PodRunning
		pd.message = ""
	}
	p.mu.Unlock()
	p.persistState(ctx, pd)
	if ended == "" {
		p.route(ctx, pd)
	}
	p.event(pd, store.PodEvent{Kind: EventResumedFunds})
	p.log.Info("pod funded again and started", "pod", pd.rtID)
}

func minBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) < 0 {
		return a
	}
	return b
}

// noteKilled records which containers of a pod just stopped for funds
// ignored SIGTERM for the grace period and were killed.
func (p *Provider) noteKilled(ctx context.Context, pd *pod) {
	st, err := p.cfg.Runtime.Status(ctx, pd.rtID)
	if err != nil {
		return
	}
	for _, c := range st.Containers {
		if c.State == runtime.ContainerExited && c.ExitCode == sigkillExit && !c.OOMKilled {
			p.event(pd, store.PodEvent{Kind: EventKilledFunds, Container: c.Name, ExitCode: sigkillExit,
				Message: fmt.Sprintf("still running %v after SIGTERM: killed", p.cfg.StopGrace)})
		}
	}
}
