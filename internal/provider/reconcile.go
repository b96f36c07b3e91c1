package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
)

// reconcile brings the runtime in line with what the provider promised:
// a paid pod the runtime lost is deployed again from its bundle, a paid pod
// that is stopped (and may not scale to zero) is started, unless it ended by
// itself (ended.go): then it is left stopped. Failures, like an IPFS or
// runtime outage, are retried next cycle; nothing is torn down.
func (p *Provider) reconcile(ctx context.Context) {
	for _, pd := range p.podList() {
		// A running pod needs nothing. It is looked at before the channel is
		// marked busy: a Status on a cluster takes a while, and orders on the
		// pod (a restart) must not be refused meanwhile.
		st, err := p.cfg.Runtime.Status(ctx, pd.rtID)
		if err == nil {
			p.noteRestarts(pd, st)
		}
		if err == nil && st.State == runtime.PodRunning && !p.failed(pd) {
			continue
		}
		if p.isEnded(pd) {
			continue // it ended by itself: left stopped (ended.go)
		}
		if p.begin(pd.channel) != nil {
			continue
		}
		if p.pod(pd.channel) != pd { // deleted or replaced since the list was taken
			p.end(pd.channel)
			continue
		}
		p.reconcilePod(ctx, pd)
		p.end(pd.channel)
	}
}

func (p *Provider) reconcilePod(ctx context.Context, pd *pod) {
	p.mu.Lock()
	refused := pd.refused != ""
	p.mu.Unlock()
	if p.held(pd) || refused || p.isEnded(pd) {
		return
	}
	st, err := p.cfg.Runtime.Status(ctx, pd.rtID)
	if errors.Is(err, runtime.ErrNotFound) && p.listed(ctx, pd.rtID) {
		return // a container is being replaced (a wake, an update): not lost
	}
	switch {
	case errors.Is(err, runtime.ErrNotFound):
		p.log.Warn("reconcile: pod missing from the runtime, redeploying", "pod", pd.rtID)
		if err := p.redeploy(ctx, pd, false); err != nil {
			p.setState(pd, p2p.PodFailed, "redeploy failed (retrying): "+err.Error())
			p.log.Warn("reconcile: redeploy", "pod", pd.rtID, "err", err)
		}
		return
	case err != nil:
		return // the runtime is unavailable: look again next cycle
	}
	if p.checkEnded(ctx, pd, st) {
		return
	}
	if st.State == runtime.PodRunning {
		p.mu.Lock()
		failed := pd.state == p2p.PodFailed
		p.mu.Unlock()
		if failed {
			p.setState(pd, p2p.PodRunning, "")
			p.persistState(ctx, pd)
		}
		return
	}
	if st.State == runtime.PodPartial {
		// Some containers run: those that exited are started again only
		// if their policy says so (a one-shot container stays exited).
		if spec, ok := p.runtimeSpec(ctx, pd.rtID); !ok || !restartDue(spec, st) {
			return
		}
	}
	if pd.scale.toZero {
		p.mu.Lock()
		if pd.state == p2p.PodFailed {
			pd.state, pd.message = p2p.PodScaledToZero, ""
		}
		p.mu.Unlock()
		return // the gateway starts it on the next request
	}
	if err := p.cfg.Runtime.Start(ctx, pd.rtID); err != nil {
		p.setState(pd, p2p.PodFailed, "start failed (retrying): "+err.Error())
		p.log.Warn("reconcile: start", "pod", pd.rtID, "err", err)
		return
	}
	p.setState(pd, p2p.PodRunning, "")
	p.persistState(ctx, pd)
	p.route(ctx, pd)
	p.log.Info("reconcile: started pod", "pod", pd.rtID, "was", st.State)
}

// listed reports whether the runtime's list of pods holds id, or whether
// the list could not be read (then nothing may be concluded).
func (p *Provider) listed(ctx context.Context, id string) bool {
	infos, err := p.cfg.Runtime.List(ctx)
	if err != nil {
		return true
	}
	for _, in := range infos {
		if in.Spec.ID == id {
			return true
		}
	}
	return false
}

// billOrphans claims receipts stored for channels that no longer have a pod:
// a final claim that failed when the pod was deleted. A receipt the chain
// has moved past, or whose channel is gone, is marked settled so that it is
// not tried again.
func (p *Provider) billOrphans(ctx context.Context) {
	recs, err := p.cfg.Store.UnclaimedLast(ctx)
	if err != nil {
		p.log.Warn("orphan receipts", "err", err)
		return
	}
	var items []billItem
	seqs := map[[32]byte]uint64{}
	for _, r := range recs {
		if p.pod(r.ChannelID) != nil {
			continue
		}
		items = append(items, billItem{Channel: r.ChannelID, Usage: r.Usage})
		seqs[r.ChannelID] = r.Seq
	}
	if len(items) == 0 {
		return
	}
	results, err := p.bill.bill(ctx, items)
	if err != nil {
		p.log.Warn("claim orphan receipts; retrying next cycle", "err", err)
		return
	}
	for _, res := range results {
		var settled string
		switch {
		case res.Paid != nil:
			p.log.Info("claimed the final receipt of a deleted pod", "channel", fmt.Sprintf("%x", res.Channel[:8]), "paid", res.Paid)
		case res.Skipped == chain.SkipChannelAlreadyClosed || res.Skipped == chain.SkipUnknownChannel:
			settled = "abandoned: " + res.Skipped.String()
		case res.Err != nil:
			settled = "abandoned: " + res.Err.Error()
		case res.Receipt == nil && res.Skipped == chain.NotSkipped:
			settled = "superseded" // the chain's baseline already covers it
		}
		if settled != "" {
			if err := p.cfg.Store.MarkClaimed(ctx, res.Channel, seqs[res.Channel], settled); err != nil {
				p.log.Warn("mark orphan receipt", "err", err)
			}
		}
	}
}

func (p *Provider) failed(pd *pod) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return pd.state == p2p.PodFailed
}
