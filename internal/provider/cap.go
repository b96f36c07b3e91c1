package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// The contract pays a channel at most maxPerSecond per second of receipt
// time. An order whose cap is below the pod's cost at the limits the runtime
// enforces is refused (coversUse), and receipts never ask for more than the
// cap pays (payment.FitCap): what does not fit waits for a later receipt.
// Egress has no runtime limit, so a pod could still use more than its cap
// pays for, forever deferred. capGuard stops that: once a pod's unpaid use
// runs ahead of what the cap has paid by more than capSlack seconds of the
// cap, the pod is paused (stopped, data kept) until the cap has caught up,
// and then started again. Nothing is served that is not eventually paid.

// capSlack is how far, in seconds of maxPerSecond, a pod's cost may run
// ahead of what its receipts' interval pays before it is paused. Receipt
// times are whole seconds and metering samples are not aligned to them, so
// a pod at its limits is up to about a second ahead at any moment.
const capSlack = 2

// guardCaps pauses the pods that ran ahead of their cap and starts the
// paused ones the cap has caught up with. It runs every meter interval.
func (p *Provider) guardCaps(ctx context.Context) {
	now := uint64(p.clock.Latest().Unix()) // a receipt signed now is dated at most this
	us := p.usages(ctx)
	for _, pd := range p.podList() {
		u, found := us[pd.channel]
		if !found {
			continue
		}
		over, capRate, ok := p.overCap(ctx, pd, now, u.Usage)
		if !ok {
			continue
		}
		p.mu.Lock()
		capped := pd.capped
		p.mu.Unlock()
		slack := new(big.Int).Mul(capRate, big.NewInt(capSlack))
		switch {
		case !capped && over.Cmp(slack) > 0:
			if p.begin(pd.channel) == nil {
				// Stopping waits up to the grace period: not in the loop.
				go func() {
					defer p.end(pd.channel)
					p.pauseOverCap(context.WithoutCancel(ctx), pd, over, capRate)
				}()
			}
		case capped && over.Sign() <= 0:
			if p.begin(pd.channel) == nil {
				p.resumeUnderCap(ctx, pd)
				p.end(pd.channel)
			}
		}
	}
}

// overCap is how much the pod's metered use v costs beyond what a receipt
// signed now could be paid: cost since the channel's baseline minus
// maxPerSecond × the seconds since it. ok is false when either is unknown.
func (p *Provider) overCap(ctx context.Context, pd *pod, now uint64, v usage.Vector) (over, capRate *big.Int, ok bool) {
	bk, err := p.bill.book(ctx, pd.channel)
	if err != nil {
		return nil, nil, false
	}
	delta, err := v.Sub(bk.base.Usage)
	if err != nil {
		return nil, nil, false // the core is behind the chain: billing reports it
	}
	over = payment.Cost(bk.terms.Prices, delta)
	over.Sub(over, payment.Allowance(bk.terms, bk.base, now))
	return over, bk.terms.MaxPerSecond, bk.terms.MaxPerSecond != nil
}

// pauseOverCap stops a pod that used more than its cap has paid for so far.
func (p *Provider) pauseOverCap(ctx context.Context, pd *pod, over, capRate *big.Int) {
	msg := fmt.Sprintf("paused: the pod used %s more than the channel's maxPerSecond of %s has paid for so far (egress has no limit); it starts again once the cap has paid for it. Deploy with a higher --max-per-second to avoid pauses", over, capRate)
	p.mu.Lock()
	pd.capped = true
	if !pd.unfunded {
		pd.state, pd.message = p2p.PodStopped, msg
	}
	p.mu.Unlock()
	p.log.Warn("pausing pod over its cap", "pod", pd.rtID, "over", over, "maxPerSecond", capRate)
	p.metrics.capPauses.Inc()
	p.persistState(ctx, pd)
	if err := p.cfg.Runtime.Stop(ctx, pd.rtID, p.cfg.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		p.log.Warn("stop pod", "pod", pd.rtID, "err", err)
	}
}

// resumeUnderCap starts a paused pod again once its cap has paid for what
// it used (unless its funds ran out meanwhile).
func (p *Provider) resumeUnderCap(ctx context.Context, pd *pod) {
	p.mu.Lock()
	pd.capped = false
	start := !pd.unfunded && pd.ended == ""
	if start {
		pd.state, pd.message = p2p.PodRunning, ""
	}
	p.mu.Unlock()
	if start && !pd.scale.toZero {
		if err := p.cfg.Runtime.Start(ctx, pd.rtID); err != nil {
			p.setState(pd, p2p.PodFailed, "start after a pause failed (retrying): "+err.Error())
			p.log.Warn("start pod after its pause", "pod", pd.rtID, "err", err)
		}
	}
	p.persistState(ctx, pd)
	p.log.Info("pod resumed: its cap has paid for its use", "pod", pd.rtID)
}
