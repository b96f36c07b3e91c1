package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
)

// route tells the gateway where a pod's exposed ports are.
func (p *Provider) route(ctx context.Context, pd *pod) {
	if p.gw == nil {
		return
	}
	if pd.expose.HTTPPort == 0 && len(pd.expose.TCP) == 0 {
		p.gw.RemoveRoute(pd.rtID) // an update may have dropped every exposed port
		return
	}
	st, err := p.cfg.Runtime.Status(ctx, pd.rtID)
	if err != nil {
		p.log.Warn("route pod", "pod", pd.rtID, "err", err)
		return
	}
	r := gateway.Route{
		PodID:     pd.rtID,
		Hostnames: pd.expose.Hostnames,
		Host:      st.IP,
		HTTPPort:  pd.expose.HTTPPort,
		Scale:     gateway.Scale{Min: 1, IdleTimeout: pd.scale.idle},
		Stopped:   st.State == runtime.PodStopped || st.State == runtime.PodFrozen,
	}
	if pd.scale.toZero {
		r.Scale.Min = 0
	}
	for _, port := range pd.expose.TCP {
		r.TCP = append(r.TCP, gateway.TCPPort{Port: port})
	}
	err = p.gw.UpdateRoute(r)
	if errors.Is(err, gateway.ErrNotFound) {
		err = p.gw.AddRoute(r)
	}
	p.mu.Lock()
	pd.routeErr = ""
	if err != nil {
		// The publisher sees it in the pod's status, not only the log.
		pd.routeErr = "not reachable through the gateway: " + err.Error()
	}
	p.mu.Unlock()
	if err != nil {
		p.log.Warn("route pod", "pod", pd.rtID, "err", err)
	}
}

// reserveHostnames makes names the custom hostnames reserved for the pod's
// channel. A name reserved for another channel stays that channel's until
// the channel is closed and settled, whether or not its pod is routed now
// (a pod stopped for lack of funds keeps its names); the one exception is a
// channel of the same publisher whose pod was deleted: the publisher may
// move its names to a new pod.
func (p *Provider) reserveHostnames(ctx context.Context, pd *pod, names []string) error {
	var norm []string
	for _, n := range names {
		if n = gateway.NormalizeHost(n); !slices.Contains(norm, n) {
			norm = append(norm, n)
		}
	}
	err := p.cfg.Store.SetHostnames(ctx, pd.channel, pd.publisher.Hex(), norm, func(h store.Hostname) bool {
		return strings.EqualFold(h.Publisher, pd.publisher.Hex()) && p.pod(h.ChannelID) == nil
	})
	var taken *store.HostnameTakenError
	if errors.As(err, &taken) {
		return fmt.Errorf("hostname %s is reserved for another pod's channel (%x) until that channel is closed and settled: %w",
			taken.Holder.Name, taken.Holder.ChannelID[:8], p2p.ErrConflict)
	}
	return err
}

func (p *Provider) releaseHostnames(ctx context.Context, channel [32]byte) {
	if err := p.cfg.Store.ReleaseHostnames(ctx, channel); err != nil {
		p.log.Warn("release hostnames", "channel", fmt.Sprintf("%x", channel[:8]), "err", err)
	}
}

// sweepHostnames releases the names of channels that have no pod here any
// more once the chain says they are closed (settled) or do not exist.
func (p *Provider) sweepHostnames(ctx context.Context) {
	all, err := p.cfg.Store.Hostnames(ctx)
	if err != nil {
		p.log.Warn("hostname reservations", "err", err)
		return
	}
	seen := map[[32]byte]bool{}
	for _, h := range all {
		if seen[h.ChannelID] || p.pod(h.ChannelID) != nil {
			continue
		}
		seen[h.ChannelID] = true
		ch, err := p.cfg.Payment.Channel(ctx, h.ChannelID)
		if err != nil {
			continue // the chain is unreachable: keep them
		}
		if ch.Status == chain.StatusClosed || ch.Status == chain.StatusNone {
			p.releaseHostnames(ctx, h.ChannelID)
			p.log.Info("hostnames released: channel settled", "channel", fmt.Sprintf("%x", h.ChannelID[:8]))
		}
	}
}

// gatewayBackend starts and stops scaled-to-zero pods for the gateway.
type gatewayBackend struct{ p *Provider }

func (b gatewayBackend) Start(ctx context.Context, id string) (string, error) {
	pd := b.p.podByRuntimeID(id)
	if pd == nil {
		return "", fmt.Errorf("pod %s: %w", id, runtime.ErrNotFound)
	}
	if b.p.held(pd) || b.p.isEnded(pd) {
		return "", fmt.Errorf("pod %s is stopped: %s", id, b.p.message(pd))
	}
	if err := b.p.cfg.Runtime.Start(ctx, id); err != nil {
		return "", err
	}
	if b.p.held(pd) {
		// Its funds ran out while it was starting.
		b.p.cfg.Runtime.Stop(ctx, id, b.p.cfg.StopGrace)
		return "", fmt.Errorf("pod %s is stopped: %s", id, b.p.message(pd))
	}
	// Readiness probes gate the route: wait until the runtime says ready
	// (at once for a pod without readiness probes).
	for {
		st, err := b.p.cfg.Runtime.Status(ctx, id)
		if err != nil {
			return "", err
		}
		waiting := st.State == runtime.PodStarting || (st.State == runtime.PodRunning && !st.Ready)
		if !waiting {
			return st.IP, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("pod %s: not ready: %w", id, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Stop rests an idle pod as its manifest's scale.idle says (stopped or
// frozen) where the runtime can; a runtime without runtime.Idler stops it
// (and refused a freeze at deploy).
func (b gatewayBackend) Stop(ctx context.Context, id string) error {
	if idler, ok := b.p.cfg.Runtime.(runtime.Idler); ok {
		return idler.Idle(ctx, id, b.p.cfg.StopGrace)
	}
	return b.p.cfg.Runtime.Stop(ctx, id, b.p.cfg.StopGrace)
}

// gatewayEvent keeps the meter and the pod's state in step with the
// gateway's scale transitions: reserved CPU and memory stop counting while a
// pod is scaled to zero.
func (p *Provider) gatewayEvent(ev gateway.Event) {
	pd := p.podByRuntimeID(ev.PodID)
	if pd == nil {
		return
	}
	switch ev.Kind {
	case gateway.EventReady:
		p.setState(pd, p2p.PodRunning, "")
		p.metrics.wakes.Inc()
		p.event(pd, store.PodEvent{Time: ev.At, Kind: EventWoken, Message: fmt.Sprintf("started by a request in %v", ev.Took.Round(time.Millisecond))})
	case gateway.EventIdleStopped:
		p.setState(pd, p2p.PodScaledToZero, "")
		msg := fmt.Sprintf("idle for %v", pd.scale.idle)
		if ev.Err != nil {
			msg += fmt.Sprintf("; stop: %v", ev.Err)
		}
		p.event(pd, store.PodEvent{Time: ev.At, Kind: EventScaledToZero, Message: msg})
	case gateway.EventStartFailed:
		p.setState(pd, p2p.PodFailed, fmt.Sprintf("start on request failed: %v", ev.Err))
		p.event(pd, store.PodEvent{Time: ev.At, Kind: EventWakeFailed, Message: fmt.Sprint(ev.Err)})
	}
}

func (p *Provider) setState(pd *pod, st p2p.PodState, msg string) {
	p.mu.Lock()
	pd.state, pd.message = st, msg
	p.mu.Unlock()
}

func (p *Provider) podByRuntimeID(id string) *pod {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pd := range p.pods {
		if pd.rtID == id {
			return pd
		}
	}
	return nil
}
