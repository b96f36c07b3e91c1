package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
)

// Pod event kinds, kept in the store and shown by `tpod pod events`
// (docs/publisher.md).
const (
	EventRestarted        = "restarted"         // the runtime restarted a container (it exited, failed its liveness probe)
	EventRestartRequested = "restart-requested" // the publisher restarted the pod
	EventStoppedFunds     = "stopped-funds"     // stopped (SIGTERM) because the channel could not pay
	EventKilledFunds      = "killed-funds"      // a container outlived the grace period of that stop: SIGKILL
	EventResumedFunds     = "resumed-funds"     // funded again and started
	EventScaledToZero     = "scaled-to-zero"    // idle: stopped until the next request
	EventWoken            = "woken"             // started from zero by a request
	EventWakeFailed       = "wake-failed"       // a request could not start it
	EventPriceProposed    = "price-proposed"    // the provider proposed new prices
	EventPriceAccepted    = "price-accepted"    // the publisher accepted them; they apply from now
	EventUpdated          = "updated"           // the publisher replaced the bundle
	EventRestored         = "restored"          // the provider restarted and took the pod back
	EventEnded            = "ended"             // its containers exited under a policy that does not restart them, or it was killed over its storage limit: left stopped
)

// sigkillExit is a container's exit code when SIGKILL ended it.
const sigkillExit = 128 + 9

// event records what happened to pd. It must not block the caller's work
// for long, and a store failure only costs the event.
func (p *Provider) event(pd *pod, e store.PodEvent) {
	if e.Time.IsZero() {
		e.Time = p.cfg.Now()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.cfg.Store.AddPodEvent(ctx, pd.channel, e); err != nil {
		p.log.Warn("record pod event", "pod", pd.rtID, "kind", e.Kind, "err", err)
	}
}

// noteRestarts records a restarted event for every restart the runtime
// counted since the last look. The runtime counts per run of the pod (a
// stop and start begins at zero again); after a provider restart the first
// look only takes the counts, since what happened before is not known.
func (p *Provider) noteRestarts(pd *pod, st runtime.PodStatus) {
	var evs []store.PodEvent
	p.mu.Lock()
	silent := pd.restarts == nil && pd.restartsUnknown
	if pd.restarts == nil {
		pd.restarts = map[string]int{}
	}
	pd.restartsUnknown = false
	for _, c := range st.Containers {
		was := pd.restarts[c.Name]
		pd.restarts[c.Name] = c.Restarts
		if silent || c.Restarts <= was {
			continue
		}
		e := store.PodEvent{Kind: EventRestarted, Container: c.Name}
		if c.OOMKilled {
			e.Reason = "OOMKilled"
		}
		if c.State == runtime.ContainerExited || c.OOMKilled {
			e.ExitCode = int32(c.ExitCode)
		}
		// One event per restart; a burst between two looks (a crash loop)
		// is summed up in its last event beyond a few.
		n := c.Restarts - was
		for i := 1; i <= n && i <= 5; i++ {
			e.Message = fmt.Sprintf("restart %d of this run", was+i)
			if i == 5 && n > 5 {
				e.Message = fmt.Sprintf("restarts %d to %d of this run", was+5, c.Restarts)
			}
			evs = append(evs, e)
		}
	}
	p.mu.Unlock()
	for _, e := range evs {
		p.event(pd, e)
	}
}

// Events implements p2p.Service: the pod's recorded events.
func (p *Provider) Events(ctx context.Context, ref p2p.PodRef, limit int) ([]p2p.PodEvent, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	pd := p.pod(ref.ChannelID)
	if pd == nil {
		return nil, fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
	}
	// Restarts since the last cycle show at once.
	if st, err := p.cfg.Runtime.Status(ctx, pd.rtID); err == nil {
		p.noteRestarts(pd, st)
	}
	evs, err := p.cfg.Store.PodEvents(ctx, pd.channel, limit)
	if err != nil {
		return nil, err
	}
	out := make([]p2p.PodEvent, len(evs))
	for i, e := range evs {
		out[i] = p2p.PodEvent{Time: e.Time, Kind: e.Kind, Container: e.Container, ExitCode: e.ExitCode, Reason: e.Reason, Message: e.Message}
	}
	return out, nil
}
