package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// Core is what the provider asks of its signing core (internal/core:
// *core.Client over the core's socket). The provider itself never holds
// an enclave key: it gets evidence, data keys of bundles bound to its
// channels, and signatures of receipts for usage the core metered.
type Core interface {
	Hello(ctx context.Context, h core.Hello) (core.Identity, error)
	Evidence(ctx context.Context, nonce []byte) (*attest.Evidence, error)
	OpenChannel(ctx context.Context, id [32]byte, publisher common.Address, base payment.Baseline, reset bool) (adopted bool, err error)
	UnwrapKey(ctx context.Context, id [32]byte, header []byte) ([]byte, error)
	Commit(ctx context.Context, id [32]byte, issuedAt uint64) error
	SignReceipts(ctx context.Context, rs []payment.Receipt) ([][]byte, []error, error)
	Usage(ctx context.Context, sampleNow bool, ids ...[32]byte) ([]core.ChannelUsage, error)
	Report(ctx context.Context, samples []core.Sample) error
	CloseChannel(ctx context.Context, id [32]byte) error
}

var _ Core = (*core.Client)(nil)

// upkeepInterval is how often the provider asks the runtime for every
// pod's usage when the core meters by itself: the runtime enforces storage
// limits there (it re-measures disks every 10 s anyway).
const upkeepInterval = 10 * time.Second

// meter runs until ctx is done. With metering "reported" it samples every
// pod each interval and reports the round to the core, which integrates
// it; otherwise the core reads the pods' counters itself and the provider
// only asks the runtime for usage every upkeepInterval, for its storage
// limits.
func (p *Provider) meter(ctx context.Context) error {
	if p.core.Metering != core.MeterReported {
		return every(ctx, upkeepInterval, func(ctx context.Context) {
			if _, err := p.runtimeUsage(ctx); err != nil {
				p.log.Warn("runtime usage", "err", err)
			}
		})
	}
	t := time.NewTicker(p.cfg.MeterInterval)
	defer t.Stop()
	for {
		if err := p.report(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("metering round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// runtimeUsage is every pod's usage as the runtime reports it.
func (p *Provider) runtimeUsage(ctx context.Context) (map[string]runtime.Usage, error) {
	if ul, ok := p.cfg.Runtime.(runtime.UsageLister); ok {
		return ul.UsageAll(ctx)
	}
	pods, err := p.cfg.Runtime.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]runtime.Usage, len(pods))
	for _, in := range pods {
		u, err := p.cfg.Runtime.Usage(ctx, in.Spec.ID)
		if errors.Is(err, runtime.ErrNotFound) {
			continue
		}
		if err != nil {
			p.log.Warn("usage", "pod", in.Spec.ID, "err", err)
			continue
		}
		out[in.Spec.ID] = u
	}
	return out, nil
}

// report sends the core one round of the runtime's readings of the pods
// (metering "reported").
func (p *Provider) report(ctx context.Context) error {
	us, err := p.runtimeUsage(ctx)
	if err != nil {
		return err
	}
	var samples []core.Sample
	for _, pd := range p.podList() {
		u, ok := us[pd.rtID]
		if !ok {
			continue
		}
		samples = append(samples, core.Sample{Channel: pd.channel, Running: u.Running, Since: u.Since, CPUNanos: u.CPUNanos,
			WorkingSet: u.MemoryWorkingSetBytes, Egress: u.EgressBytes, Replicas: replicasOf(u.Reserved, pd.res)})
	}
	if len(samples) == 0 {
		return nil
	}
	return p.cfg.Core.Report(ctx, samples)
}

// replicasOf is how many replicas the runtime reserves for: its
// reservation as a multiple of one replica's (the core caps it at the
// bundle's scale.max).
func replicasOf(r runtime.Resources, one Reservation) uint32 {
	switch {
	case one.CPUMilli > 0:
		return uint32(r.CPUMillis / one.CPUMilli)
	case one.MemoryMiB > 0:
		return uint32(r.MemoryMiB / one.MemoryMiB)
	}
	return 1
}

// sample takes a metering round now, so that a final receipt covers usage
// up to this moment.
func (p *Provider) sample(ctx context.Context) {
	if p.core.Metering == core.MeterReported {
		if err := p.report(ctx); err != nil {
			p.log.Warn("metering", "err", err)
		}
		return
	}
	if _, err := p.cfg.Core.Usage(ctx, true); err != nil {
		p.log.Warn("metering", "err", err)
	}
}

// usages is the core's view of every channel it meters.
func (p *Provider) usages(ctx context.Context) map[[32]byte]core.ChannelUsage {
	us, err := p.cfg.Core.Usage(ctx, false)
	if err != nil {
		p.log.Warn("signing core usage", "err", err)
		return nil
	}
	out := make(map[[32]byte]core.ChannelUsage, len(us))
	for _, u := range us {
		out[u.Channel] = u
	}
	return out
}

// usageOf is the core's view of one channel; ok is false when it has none.
func (p *Provider) usageOf(ctx context.Context, pd *pod) (core.ChannelUsage, bool) {
	us, err := p.cfg.Core.Usage(ctx, false, pd.channel)
	if err != nil || len(us) != 1 {
		return core.ChannelUsage{}, false
	}
	return us[0], true
}

// openChannel tells the core about a pod's channel with the chain's
// baseline. The core refuses a record of the channel older than the
// baseline (its state was rolled back): the channel is then started over
// from the baseline, and what the core had metered since the last claim is
// lost (docs/attestation.md §10).
func (p *Provider) openChannel(ctx context.Context, pd *pod, publisher common.Address) error {
	bk, err := p.bill.sync(ctx, pd.channel)
	if err != nil {
		return err
	}
	adopted, err := p.cfg.Core.OpenChannel(ctx, pd.channel, publisher, bk.base, false)
	if errors.Is(err, core.ErrStaleState) {
		p.log.Error("the signing core's record of the channel is older than the chain: starting it over from the chain's baseline",
			"pod", pd.rtID, "err", err)
		p.metrics.staleStates.Inc()
		adopted, err = p.cfg.Core.OpenChannel(ctx, pd.channel, publisher, bk.base, true)
	}
	if err != nil {
		return fmt.Errorf("signing core: open channel: %w", err)
	}
	if adopted {
		p.log.Warn("the signing core had no record of the channel; it meters from the chain's baseline", "pod", pd.rtID, "baseline", bk.base.Seq)
	}
	p.mu.Lock()
	pd.opened = true
	p.mu.Unlock()
	return nil
}

// ensureOpen tells the core about the channels of pods restored without it
// (the chain could not be read then).
func (p *Provider) ensureOpen(ctx context.Context) {
	for _, pd := range p.podList() {
		p.mu.Lock()
		opened, publisher := pd.opened, pd.publisher
		p.mu.Unlock()
		if opened {
			continue
		}
		if publisher == (common.Address{}) {
			var err error
			if publisher, err = p.channelPublisher(ctx, pd.channel); err != nil {
				p.log.Warn("open channel in the signing core", "pod", pd.rtID, "err", err)
				continue
			}
		}
		if err := p.openChannel(ctx, pd, publisher); err != nil {
			p.log.Warn("open channel in the signing core", "pod", pd.rtID, "err", err)
		}
	}
}

// vector is the usage the core integrated for a pod.
func (p *Provider) vector(ctx context.Context, pd *pod) (usage.Vector, bool) {
	u, ok := p.usageOf(ctx, pd)
	return u.Usage, ok
}
