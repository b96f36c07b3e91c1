package publisher

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
)

// Entry is a record with what is true of it now, on the chain and at the
// provider (tpod pod list).
type Entry struct {
	*Record
	// State is the truth, in a word: running, scaled-to-zero, stopped,
	// failed, pending, unknown (provider unreachable), gone (the
	// provider has no such pod), deploying (unfinished, no channel),
	// closing, closed, deleted, cancelled, stale (another network or an
	// earlier run of this chain).
	State string `json:"state"`
	// Detail says more: why it is stale, what the provider said.
	Detail string `json:"detail,omitempty"`
	// Balance is the channel's balance (base units), when it exists.
	Balance string `json:"balance,omitempty"`
	// ChannelStatus is the channel's status on this chain: none, open,
	// closing, closed.
	ChannelStatus string `json:"channelStatus,omitempty"`
}

// reconcileTimeout bounds asking one provider about one pod.
const reconcileTimeout = 5 * time.Second

// Reconcile checks each record against the chain and, for pods that should
// run, against their provider (only with a wallet: the provider answers
// the channel's publisher only), eight at a time.
func (p *Publisher) Reconcile(ctx context.Context, recs []*Record) []Entry {
	out := make([]Entry, len(recs))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, r := range recs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = p.reconcile(ctx, r)
		}()
	}
	wg.Wait()
	return out
}

func (p *Publisher) reconcile(ctx context.Context, r *Record) Entry {
	e := Entry{Record: r, State: r.Step}
	if st := p.Stale(ctx, r); st != nil {
		e.State, e.Detail = "stale", st.Reason
		return e
	}
	ch, err := p.cfg.Payment.Channel(ctx, r.ChannelID)
	if err != nil {
		e.State, e.Detail = "unknown", "chain: "+err.Error()
		return e
	}
	e.ChannelStatus = chain.StatusName(ch.Status)
	if ch.Status != chain.StatusNone {
		e.Balance = TokenAmount(ch.Balance)
	}
	switch {
	case r.Step == StepDeleted || r.Step == StepCancelled:
		if ch.Status == chain.StatusClosing {
			e.Detail = "the rest unlocks at " + time.Unix(int64(ch.UnlockAt), 0).UTC().Format(time.RFC3339)
		}
		return e
	case ch.Status == chain.StatusNone && r.Reached(StepChannel):
		e.State, e.Detail = "stale", "its channel is not on this chain"
		return e
	case ch.Status == chain.StatusNone:
		e.State, e.Detail = "deploying", "unfinished at step "+r.Step+", no channel: resume or cancel it"
		return e
	case ch.Status == chain.StatusClosed:
		e.State = "closed"
		return e
	case r.Step != StepProvisioned:
		e.State, e.Detail = "deploying", "unfinished at step "+r.Step+" with a funded channel: resume or cancel it"
		return e
	}
	if ch.Status == chain.StatusClosing {
		e.Detail = "the channel is closing"
	}
	w := p.cfg.Wallet
	if w == nil {
		e.State = "unchecked"
		e.Detail = join(e.Detail, "the provider was not asked: it answers the publisher only (give --account, or a context with a wallet)")
		return e
	}
	cctx, cancel := context.WithTimeout(ctx, reconcileTimeout)
	defer cancel()
	s, err := p.dialRecord(cctx, r)
	if err != nil {
		e.State, e.Detail = "unknown", join(e.Detail, "provider unreachable: "+err.Error())
		return e
	}
	defer s.Close()
	pod := p2p.Pod{ChannelID: r.ChannelID, PodID: r.PodID}
	st, err := s.client.Status(cctx, s.peer, w, pod)
	switch {
	case errors.Is(err, p2p.ErrNotFound):
		e.State, e.Detail = "gone", join(e.Detail, "the provider has no such pod (deleted, or stopped for lack of funds and removed)")
	case err != nil:
		e.State, e.Detail = "unknown", join(e.Detail, "provider: "+err.Error())
	default:
		e.State = st.State.String()
		if st.Message != "" {
			e.Detail = join(e.Detail, st.Message)
		}
	}
	return e
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Pruned is one record prune removed or kept, and why.
type Pruned struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// PruneResult lists what Prune removed and what it kept.
type PruneResult struct {
	Removed []Pruned `json:"removed"`
	Kept    []Pruned `json:"kept"`
}

// Prune removes records that hold nothing any more: deleted or cancelled
// deployments whose channel is settled (or never existed), and records of
// an earlier run of this chain (a restarted devnet). Named records (ids)
// are removed unless their channel still holds funds on this chain;
// force removes them anyway, and records of another network, which are
// otherwise kept (their network may still hold their funds).
// With dryRun it removes nothing and says what it would do.
func (p *Publisher) Prune(ctx context.Context, ids []string, force, dryRun bool) (*PruneResult, error) {
	var recs []*Record
	named := len(ids) > 0
	if named {
		for _, id := range ids {
			r, err := p.cfg.State.Load(id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
	} else {
		all, _, err := p.cfg.State.List()
		if err != nil {
			return nil, err
		}
		recs = all
	}
	res := &PruneResult{Removed: []Pruned{}, Kept: []Pruned{}}
	for _, r := range recs {
		remove, why := p.prunable(ctx, r, named)
		if !remove && force {
			remove, why = true, "forced: "+why
		}
		e := Pruned{ID: r.ID, Name: r.Name, Reason: why}
		if !remove {
			res.Kept = append(res.Kept, e)
			continue
		}
		if !dryRun {
			if err := p.cfg.State.Remove(r.ID); err != nil {
				return res, err
			}
		}
		res.Removed = append(res.Removed, e)
	}
	return res, nil
}

// prunable says whether a record can go, and why (or why not).
func (p *Publisher) prunable(ctx context.Context, r *Record, named bool) (bool, string) {
	if st := p.Stale(ctx, r); st != nil {
		if st.Restarted {
			return true, "made on an earlier run of this chain, which is gone"
		}
		return false, st.Reason + ": its funds may be there; prune it with --force, or cancel it on that network"
	}
	ch, err := p.cfg.Payment.Channel(ctx, r.ChannelID)
	if err != nil {
		return false, "cannot read its channel: " + err.Error()
	}
	switch ch.Status {
	case chain.StatusNone:
		if r.Reached(StepChannel) {
			return true, "its channel is not on this chain"
		}
		if r.Step == StepDeleted || r.Step == StepCancelled || named {
			return true, "no channel was created: nothing was paid"
		}
		return false, "an unfinished deploy (step " + r.Step + "): resume it, cancel it, or name it to prune"
	case chain.StatusClosed:
		return true, "its channel is settled"
	}
	if ch.Balance != nil && ch.Balance.Sign() > 0 {
		if ch.Status == chain.StatusClosing {
			return false, fmt.Sprintf("its channel still holds %s base units, withdrawable from %s: withdraw them first (tpod funds withdraw %s)",
				ch.Balance, time.Unix(int64(ch.UnlockAt), 0).UTC().Format(time.RFC3339), r.ID)
		}
		return false, fmt.Sprintf("its channel is open and holds %s base units: delete or cancel it first", ch.Balance)
	}
	return true, "its channel holds nothing"
}
