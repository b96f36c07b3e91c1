package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ipfs/go-cid"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/fault"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// fetched is a bundle fetched for a channel and checked against its order.
type fetched struct {
	path     string // the bundle, still encrypted, in the work directory
	res      Reservation
	rate     *big.Int // reserved cost per second under the channel's prices
	issuedAt uint64   // the binding's issuedAt
}

// channelOrder is what the chain says about the channel an order names.
type channelOrder struct {
	table     PricingTable
	terms     payment.Terms
	balance   *big.Int
	publisher common.Address
}

// order fetches a bundle for a channel and checks that it is bound to that
// channel and that the channel pays for it: a balance of at least the
// minimum runway, and a maxPerSecond that covers the pod's use at the limits
// the runtime enforces (docs/provider.md, "What happens to an order"). The
// caller removes the file.
func (p *Provider) order(ctx context.Context, channel [32]byte, c cid.Cid, co channelOrder) (*fetched, error) {
	path, hdr, err := p.fetch(ctx, c, p.bindingCheck(channel, co.publisher))
	if err != nil {
		return nil, err
	}
	o := &fetched{path: path, res: headerReservation(hdr), issuedAt: hdr.Core.Binding.IssuedAt}
	o.rate = reservedRate(co.table.Prices, o.res)
	if need := minDeposit(o.rate, p.cfg.MinRunway); co.balance.Cmp(need) < 0 {
		os.Remove(path)
		return nil, fmt.Errorf("channel balance %s pays for less than the minimum runway of %v (%s at %s per second): %w",
			co.balance, p.cfg.MinRunway, need, o.rate, p2p.ErrInsufficientFunds)
	}
	if err := coversUse(co.terms, hdr); err != nil {
		os.Remove(path)
		return nil, err
	}
	return o, nil
}

// coversUse refuses a channel whose maxPerSecond is below what the pod can
// cost per second at its limits: the contract would drop the rest, and the
// provider would serve it unpaid. Egress, which has no limit, is kept under
// the cap at run time (cap.go).
func coversUse(terms payment.Terms, hdr *bundle.Header) error {
	r := headerReservation(hdr)
	peak := payment.PeakRate(terms.Prices, payment.Use{CPUMilli: r.CPUMilli, MemoryMiB: r.MemoryMiB, StorageMiB: r.StorageMiB,
		GPUMilli: r.GPUMilli, Replicas: uint64(max(hdr.Core.Scale.Max, 1))})
	if terms.MaxPerSecond == nil || terms.MaxPerSecond.Cmp(peak.Total()) < 0 {
		return fmt.Errorf("maxPerSecond %s does not cover the pod's use at its limits, %s per second (reserved %s, CPU time and memory at their limits %s); open a channel with a higher cap: %w",
			terms.MaxPerSecond, peak.Total(), peak.Reserved, peak.Used, p2p.ErrTermsMismatch)
	}
	return nil
}

// bindingCheck returns the check that a bundle is bound to channel, whose
// publisher (as the chain names it) signed it. It runs on the header, before
// anything of the bundle is decrypted or even fetched beyond the header.
func (p *Provider) bindingCheck(channel [32]byte, publisher common.Address) func(*bundle.Header) error {
	return func(h *bundle.Header) error {
		if err := h.CheckBinding(p.domain.ChainID.Uint64(), p.domain.Contract, channel, publisher); err != nil {
			return fmt.Errorf("%w: %w", p2p.ErrBundleBinding, err)
		}
		return nil
	}
}

// checkChannel validates a channel's on-chain terms against this provider:
// open, its enclave key, prices equal to one of its tables for the token, a
// dispute period no shorter than that table's minimum.
func (p *Provider) checkChannel(ctx context.Context, channelID [32]byte) (channelOrder, error) {
	ch, err := p.cfg.Payment.Channel(ctx, channelID)
	if err != nil {
		return channelOrder{}, unavailable("read channel", err)
	}
	if ch.Status != chain.StatusOpen {
		return channelOrder{}, fmt.Errorf("channel is %s, not open: %w", chain.StatusName(ch.Status), p2p.ErrTermsMismatch)
	}
	terms, err := p.bill.terms(ctx, channelID)
	if err != nil {
		return channelOrder{}, unavailable("read channel terms", err)
	}
	if terms.EnclaveSigner != p.core.Signer {
		return channelOrder{}, fmt.Errorf("channel pins enclave signer %s, this enclave is %s: %w", terms.EnclaveSigner, p.core.Signer, p2p.ErrTermsMismatch)
	}
	table := p.table(ch.Token)
	if table == nil {
		return channelOrder{}, fmt.Errorf("this provider does not accept token %s: %w", ch.Token, p2p.ErrTermsMismatch)
	}
	if i := priceDiff(terms.Prices, table.Prices); i >= 0 {
		return channelOrder{}, fmt.Errorf("channel price of %s is %v, the provider's is %v: %w", usage.Names[i], terms.Prices[i], table.Prices[i], p2p.ErrTermsMismatch)
	}
	if d := secondsDuration(ch.DisputePeriod); d < table.MinDisputePeriod {
		return channelOrder{}, fmt.Errorf("dispute period %v is shorter than the provider's minimum %v: %w", d, table.MinDisputePeriod, p2p.ErrTermsMismatch)
	}
	return channelOrder{table: *table, terms: terms, balance: ch.Balance, publisher: ch.Publisher}, nil
}

// channelPublisher reads who opened a channel with this provider, for a
// bundle deployed again without a publisher's request (a restore).
func (p *Provider) channelPublisher(ctx context.Context, channelID [32]byte) (common.Address, error) {
	ch, err := p.cfg.Payment.Channel(ctx, channelID)
	if err != nil {
		return common.Address{}, unavailable("read channel", err)
	}
	if ch.Status == chain.StatusNone || ch.Provider != p.Address() {
		return common.Address{}, fmt.Errorf("channel %x is not a channel with this provider: %w", channelID[:4], p2p.ErrNotFound)
	}
	return ch.Publisher, nil
}

// Provision implements p2p.Service: validate the channel, fetch and decrypt
// the bundle, deploy it and report the pod.
func (p *Provider) Provision(ctx context.Context, req p2p.ProvisionRequest) (*p2p.PodStatus, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	c, err := cid.Decode(req.BundleCID)
	if err != nil {
		return nil, fmt.Errorf("bundle CID %q: %w", req.BundleCID, p2p.ErrInvalid)
	}
	if err := p.begin(req.Pod.ChannelID); err != nil {
		return nil, err
	}
	defer p.end(req.Pod.ChannelID)

	if existing := p.pod(req.Pod.ChannelID); existing != nil {
		if existing.bundleCID == req.BundleCID {
			return p.status(ctx, existing), nil // a retried request
		}
		return nil, fmt.Errorf("the channel already runs bundle %s; use update: %w", existing.bundleCID, p2p.ErrConflict)
	}
	if err := p.diskRoom(); err != nil {
		return nil, err
	}
	co, err := p.checkChannel(ctx, req.Pod.ChannelID)
	if err != nil {
		return nil, err
	}
	if bk, err := p.bill.book(ctx, req.Pod.ChannelID); err == nil && bk.base.Seq != 0 {
		// The channel already paid for a pod that was deleted: its baseline
		// holds that pod's usage, which a new pod's meter would start below.
		return nil, fmt.Errorf("this channel already paid for a pod (receipt %d); open a new channel: %w", bk.base.Seq, p2p.ErrConflict)
	}
	o, err := p.order(ctx, req.Pod.ChannelID, c, co)
	if err != nil {
		return nil, err
	}
	defer os.Remove(o.path)
	fault.Crash("provision/fetched")
	res, rate := o.res, o.rate
	if err := p.reserve(res); err != nil {
		return nil, err
	}
	pd := &pod{channel: req.Pod.ChannelID, id: req.Pod.PodID, publisher: co.publisher, token: co.table.Token,
		bundleCID: req.BundleCID, rtID: runtimeID(req.Pod.ChannelID), res: res, rate: rate, state: p2p.PodPending}
	if err := p.openChannel(ctx, pd, co.publisher); err != nil {
		p.release(res)
		return nil, unavailable("signing core", err)
	}
	if err := p.deploy(ctx, pd, o.path, false, p.bindingCheck(pd.channel, co.publisher)); err != nil {
		p.release(res)
		return nil, err
	}
	p.metrics.provisions.Inc()
	return p.status(ctx, pd), nil
}

// fetch downloads a bundle to the work directory. It reads the header
// first and stops there when check refuses it: a bundle bound to another
// order is never fetched in full, let alone decrypted. A fetch that gets no
// data for FetchStall (its source went silent) fails as unavailable.
func (p *Provider) fetch(ctx context.Context, c cid.Cid, check func(*bundle.Header) error) (string, *bundle.Header, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stalled := fmt.Errorf("no data for %v", p.cfg.FetchStall)
	watchdog := time.AfterFunc(p.cfg.FetchStall, func() { cancel(stalled) })
	defer watchdog.Stop()
	rc, _, err := p.cfg.Bundles.Get(ctx, c, ipfs.GetOptions{MaxSize: p.cfg.MaxBundleSize})
	if err != nil {
		if errors.Is(err, ipfs.ErrTooLarge) {
			return "", nil, fmt.Errorf("bundle %s: %w: %w", c, p2p.ErrInvalid, err)
		}
		if context.Cause(ctx) == stalled {
			err = stalled
		}
		return "", nil, unavailable("fetch bundle "+c.String(), err)
	}
	defer rc.Close()
	rc = progressReader{rc, func() { watchdog.Reset(p.cfg.FetchStall) }}
	f, err := os.CreateTemp(p.cfg.WorkDir, "bundle-*")
	if err != nil {
		return "", nil, err
	}
	fail := func(err error) (string, *bundle.Header, error) {
		f.Close()
		os.Remove(f.Name())
		return "", nil, err
	}
	src := &readErr{r: rc}
	hdr, err := bundle.ReadHeader(io.TeeReader(src, f))
	switch {
	case src.err != nil:
		return fail(unavailable("fetch bundle "+c.String(), src.err))
	case errors.Is(err, bundle.ErrUnbound):
		return fail(fmt.Errorf("bundle %s: %w: %w", c, p2p.ErrBundleBinding, err))
	case err != nil:
		return fail(fmt.Errorf("bundle %s: %w: %w", c, p2p.ErrInvalid, err))
	}
	if err := check(hdr); err != nil {
		return fail(fmt.Errorf("bundle %s: %w", c, err))
	}
	if _, err := io.Copy(f, rc); err != nil {
		if context.Cause(ctx) == stalled {
			err = stalled
		}
		return fail(unavailable("fetch bundle "+c.String(), err))
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", nil, err
	}
	return f.Name(), hdr, nil
}

// progressReader calls progress after every read that returned data.
type progressReader struct {
	io.ReadCloser
	progress func()
}

func (r progressReader) Read(b []byte) (int, error) {
	n, err := r.ReadCloser.Read(b)
	if n > 0 {
		r.progress()
	}
	return n, err
}

// readErr remembers the error of the reader it wraps, so that a network
// failure is told apart from a malformed header.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(b []byte) (int, error) {
	n, err := e.r.Read(b)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// deploy decrypts the bundle at path inside the enclave and creates (or, with
// update, replaces) and starts the runtime pod. check is the binding check,
// applied again to the file before its data key is unwrapped.
//
// A crash must leave nothing half done: before the runtime changes, a
// provision stores its record as pending and an update its bundle as the
// record's Updating; the commit (the record of the running pod) clears
// them. A restart that finds either undoes what reached the runtime
// (restore.go), so the pod is the committed one, or none, and never a
// duplicate or an orphan (docs/reliability.md). The crash points name the
// steps the fault suite kills the provider at.
func (p *Provider) deploy(ctx context.Context, pd *pod, path string, update bool, check func(*bundle.Header) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dir := p.workDir(pd.channel)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(dir)           // images are imported; secrets stay in memory
	fresh := p.pod(pd.channel) == nil // a provision, not an update or a redeploy
	step := "redeploy"
	switch {
	case fresh:
		step = "provision"
	case update:
		step = "update"
	}
	// The signing core returns the data key of this bundle only: it checks
	// the binding against the channel itself, and refuses a bundle older
	// than the one the channel runs.
	unwrap := func(h *bundle.Header) ([]byte, error) { return p.cfg.Core.UnwrapKey(ctx, pd.channel, h.Bytes()) }
	contents, err := bundle.Extract(f, nil, dir, bundle.OpenOptions{MaxSize: p.cfg.MaxBundleSize, Check: check, Unwrap: unwrap})
	switch {
	case errors.Is(err, p2p.ErrBundleBinding):
		return fmt.Errorf("open bundle %s: %w", pd.bundleCID, err)
	case errors.Is(err, bundle.ErrBinding):
		return fmt.Errorf("open bundle %s: %w: %w", pd.bundleCID, p2p.ErrBundleBinding, err)
	case errors.Is(err, core.ErrOlderBundle):
		return fmt.Errorf("open bundle %s: %w: %w", pd.bundleCID, p2p.ErrConflict, err)
	case errors.Is(err, core.ErrUnavailable):
		return fmt.Errorf("open bundle %s: %w: %w", pd.bundleCID, p2p.ErrUnavailable, err)
	}
	if err != nil {
		return fmt.Errorf("open bundle %s: %w: %w", pd.bundleCID, p2p.ErrInvalid, err)
	}
	fault.Crash(step + "/decrypted")
	spec, err := podSpec(pd.channel, pd.id, pd.bundleCID, contents)
	if err != nil {
		return fmt.Errorf("bundle %s: %w: %w", pd.bundleCID, p2p.ErrInvalid, err)
	}
	// Custom hostnames are the channel's until it is settled: claim the new
	// ones (keeping the old during an update) before anything changes.
	old := pd.expose.Hostnames
	pd.expose = exposed(contents.Pod)
	if err := p.reserveHostnames(ctx, pd, union(old, pd.expose.Hostnames)); err != nil {
		return err
	}
	defer func() {
		keep := pd.expose.Hostnames
		if err != nil {
			keep = old
		}
		if err != nil && fresh {
			p.releaseHostnames(context.WithoutCancel(ctx), pd.channel)
		} else if rerr := p.reserveHostnames(context.WithoutCancel(ctx), pd, keep); rerr != nil {
			p.log.Warn("hostname reservations", "pod", pd.rtID, "err", rerr)
		}
	}()
	pd.issuedAt = contents.Header.Core.Binding.IssuedAt
	pd.scale = scalePolicy{toZero: contents.Pod.Scale.Min == 0, idle: time.Duration(contents.Pod.Scale.IdleTimeout)}
	if err = runtime.CheckSupported(p.cfg.Runtime, spec); err != nil {
		return runtimeErr("deploy pod", err)
	}
	rec := store.Pod{ChannelID: pd.channel, PodID: pd.id, Publisher: pd.publisher.Hex(), BundleCID: pd.bundleCID,
		ManifestHash: contents.Pod.Hash()}
	if err := p.intend(ctx, pd, rec, fresh, update); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			p.abandon(context.WithoutCancel(ctx), pd, fresh, update)
		}
	}()
	if update {
		err = p.cfg.Runtime.Update(ctx, spec, p.cfg.StopGrace)
	} else {
		err = p.cfg.Runtime.Create(ctx, spec)
	}
	if err != nil {
		return runtimeErr("deploy pod", err)
	}
	fault.Crash(step + "/created")
	pd.state = p2p.PodRunning
	if pd.unfunded || pd.capped || pd.ended != "" {
		// Redeployed while its channel cannot pay (or has not paid yet for
		// what the pod used), or after it ended by itself: the pod exists
		// again but stays stopped.
		pd.state = p2p.PodStopped
	} else if err := p.cfg.Runtime.Start(ctx, pd.rtID); err != nil {
		if !update {
			p.cfg.Runtime.Delete(context.WithoutCancel(ctx), pd.rtID, 0)
			return runtimeErr("start pod", err)
		}
		// The runtime holds the new spec: record it, failed, and let the
		// next cycle's reconcile start it.
		pd.state, pd.message = p2p.PodFailed, "start after update failed: "+err.Error()
	}
	fault.Crash(step + "/committing")
	p.mu.Lock()
	pd.updating = ""
	rec.State, rec.Spec = pd.state.String(), encodeRecord(pd)
	p.mu.Unlock()
	if err := p.cfg.Store.PutPod(ctx, rec); err != nil {
		if !update {
			p.cfg.Runtime.Delete(context.WithoutCancel(ctx), pd.rtID, 0)
		}
		return err
	}
	// The core meters this bundle's reservation from now on, and refuses
	// older bundles of the channel.
	if err := p.cfg.Core.Commit(ctx, pd.channel, pd.issuedAt); err != nil {
		p.log.Error("signing core: commit of the running bundle", "pod", pd.rtID, "err", err)
	}
	p.mu.Lock()
	p.pods[pd.channel] = pd
	p.mu.Unlock()
	p.route(ctx, pd)
	p.log.Info("pod deployed", "pod", pd.rtID, "bundle", pd.bundleCID, "update", update)
	return nil
}

// intend records, before the runtime changes, what deploy is about to do: a
// provision as a pending record, an update as the live pod's Updating.
func (p *Provider) intend(ctx context.Context, pd *pod, rec store.Pod, fresh, update bool) error {
	switch {
	case fresh:
		rec.State, rec.Spec = p2p.PodPending.String(), encodeRecord(pd)
		return p.cfg.Store.PutPod(ctx, rec)
	case update:
		live := p.pod(pd.channel)
		if live == nil {
			return fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
		}
		p.mu.Lock()
		live.updating = pd.bundleCID
		p.mu.Unlock()
		return p.persistRecord(ctx, live)
	}
	return nil
}

// abandon clears the intent of a deploy that failed (the runtime undid
// its own part): a provision's pending record goes, an update's Updating is
// cleared.
func (p *Provider) abandon(ctx context.Context, pd *pod, fresh, update bool) {
	switch {
	case fresh:
		if err := p.cfg.Store.DeletePod(ctx, pd.channel); err != nil && !errors.Is(err, store.ErrNotFound) {
			p.log.Warn("remove the record of a failed provision", "pod", pd.rtID, "err", err)
		}
	case update:
		if live := p.pod(pd.channel); live != nil {
			p.mu.Lock()
			live.updating = ""
			p.mu.Unlock()
			p.persist(ctx, live)
		}
	}
}

// Update implements p2p.Service: replace the pod's bundle, same channel.
func (p *Provider) Update(ctx context.Context, ref p2p.PodRef, bundleCID string) (*p2p.PodStatus, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	c, err := cid.Decode(bundleCID)
	if err != nil {
		return nil, fmt.Errorf("bundle CID %q: %w", bundleCID, p2p.ErrInvalid)
	}
	if err := p.begin(ref.ChannelID); err != nil {
		return nil, err
	}
	defer p.end(ref.ChannelID)
	pd := p.pod(ref.ChannelID)
	if pd == nil {
		return nil, fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
	}
	if p.unfunded(pd) {
		return nil, fmt.Errorf("the pod is stopped: %s; deposit first: %w", p.message(pd), p2p.ErrInsufficientFunds)
	}
	if err := p.diskRoom(); err != nil {
		return nil, err
	}
	co, err := p.checkChannel(ctx, ref.ChannelID)
	if err != nil {
		return nil, err
	}
	o, err := p.order(ctx, ref.ChannelID, c, co)
	if err != nil {
		return nil, err
	}
	defer os.Remove(o.path)
	fault.Crash("update/fetched")
	if o.issuedAt < pd.issuedAt {
		return nil, fmt.Errorf("bundle %s was issued at %s, before the running bundle (%s): an update never goes back to an older bundle; build a new one: %w",
			bundleCID, unixTime(o.issuedAt), unixTime(pd.issuedAt), p2p.ErrConflict)
	}
	res, rate := o.res, o.rate
	// Capacity: the new reservation replaces the old one.
	p.mu.Lock()
	free := p.cfg.Capacity.Sub(p.used.Sub(pd.res))
	if !res.Fits(free) {
		p.mu.Unlock()
		return nil, fmt.Errorf("the updated pod needs %+v, %+v is free: %w", res, free, p2p.ErrNoCapacity)
	}
	p.used = p.used.Sub(pd.res).Add(res)
	p.mu.Unlock()

	p.mu.Lock()
	next := *pd
	p.mu.Unlock()
	if next.ended != "" {
		next.message = "" // a new bundle runs afresh
	}
	next.bundleCID, next.res, next.rate, next.refused, next.ended = bundleCID, res, rate, "", ""
	if err := p.deploy(ctx, &next, o.path, true, p.bindingCheck(ref.ChannelID, co.publisher)); err != nil {
		p.mu.Lock()
		p.used = p.used.Sub(res).Add(pd.res)
		p.mu.Unlock()
		return nil, err
	}
	p.event(&next, store.PodEvent{Kind: EventUpdated, Message: "bundle " + bundleCID})
	return p.status(ctx, &next), nil
}

// Delete implements p2p.Service: stop the pod, bill it a last time, remove
// it. The publisher then unlocks or closes the channel.
func (p *Provider) Delete(ctx context.Context, ref p2p.PodRef) (*p2p.PodStatus, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	if err := p.begin(ref.ChannelID); err != nil {
		return nil, err
	}
	defer p.end(ref.ChannelID)
	pd := p.pod(ref.ChannelID)
	if pd == nil {
		return nil, fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
	}
	if err := p.remove(ctx, pd); err != nil {
		return nil, err
	}
	return &p2p.PodStatus{PodID: pd.id, State: p2p.PodDeleted, BundleCID: pd.bundleCID, UpdatedAt: p.cfg.Now()}, nil
}

// remove stops a pod, claims its final usage and deletes it everywhere.
func (p *Provider) remove(ctx context.Context, pd *pod) error {
	if p.gw != nil {
		p.gw.RemoveRoute(pd.rtID)
	}
	if err := p.cfg.Runtime.Stop(ctx, pd.rtID, p.cfg.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		return runtimeErr("stop pod", err)
	}
	// Final sample and claim: what ran until the stop is paid for. The
	// claim must not die with the publisher's request; if it fails anyway,
	// the stored receipt is claimed by a later cycle (billOrphans).
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	p.sample(fctx)
	if u, ok := p.usageOf(fctx, pd); ok {
		if _, err := p.bill.bill(fctx, []billItem{{Channel: pd.channel, Usage: u.Usage, Signed: u.LastSigned, Final: true}}); err != nil {
			p.log.Warn("final claim failed; a later cycle claims the stored receipt", "pod", pd.rtID, "err", err)
		}
	}
	if err := p.cfg.Runtime.Delete(ctx, pd.rtID, p.cfg.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		return runtimeErr("delete pod", err)
	}
	// The final receipt is signed and stored: the core stops metering the
	// channel and never opens it again.
	if err := p.cfg.Core.CloseChannel(fctx, pd.channel); err != nil {
		p.log.Warn("signing core: close channel", "pod", pd.rtID, "err", err)
	}
	if err := p.cfg.Store.DeletePod(ctx, pd.channel); err != nil {
		return err
	}
	p.mu.Lock()
	if p.pods[pd.channel] == pd {
		delete(p.pods, pd.channel)
		p.used = p.used.Sub(pd.res)
	}
	p.mu.Unlock()
	p.bill.forget(pd.channel)
	p.metrics.forget(pd.rtID)
	p.log.Info("pod deleted", "pod", pd.rtID)
	return nil
}

// Restart implements p2p.Service. The runtime restarts whole pods, so a
// container name only has to exist.
func (p *Provider) Restart(ctx context.Context, ref p2p.PodRef, container string) (*p2p.PodStatus, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	if err := p.begin(ref.ChannelID); err != nil {
		return nil, err
	}
	defer p.end(ref.ChannelID)
	pd := p.pod(ref.ChannelID)
	if pd == nil {
		return nil, fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
	}
	if p.unfunded(pd) {
		return nil, fmt.Errorf("the pod is stopped: %s; deposit first: %w", p.message(pd), p2p.ErrInsufficientFunds)
	}
	if p.held(pd) {
		return nil, fmt.Errorf("the pod is paused: %s: %w", p.message(pd), p2p.ErrConflict)
	}
	if container != "" {
		st, err := p.cfg.Runtime.Status(ctx, pd.rtID)
		if err != nil {
			return nil, runtimeErr("pod status", err)
		}
		found := false
		for _, c := range st.Containers {
			found = found || c.Name == container
		}
		if !found {
			return nil, fmt.Errorf("pod has no container %q: %w", container, p2p.ErrNotFound)
		}
	}
	if err := p.cfg.Runtime.Stop(ctx, pd.rtID, p.cfg.StopGrace); err != nil {
		return nil, runtimeErr("stop pod", err)
	}
	if err := p.cfg.Runtime.Start(ctx, pd.rtID); err != nil {
		return nil, runtimeErr("start pod", err)
	}
	msg := ""
	if p.clearEnded(pd) {
		// Its publisher starts the pod that ended: it runs, and is judged
		// again when it stops.
		msg = "it had ended; started again"
		p.persistState(ctx, pd)
		p.route(ctx, pd)
	}
	p.event(pd, store.PodEvent{Kind: EventRestartRequested, Container: container, Message: msg})
	return p.status(ctx, pd), nil
}

// headerReservation is what a bundle's header says the pod reserves. GPUs
// are handed out whole, so a fraction of one is reserved, quoted and metered
// as a whole GPU.
func headerReservation(h *bundle.Header) Reservation {
	return h.Core.Resources.Reserved().WholeGPUMilli()
}

func (p *Provider) unfunded(pd *pod) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return pd.unfunded
}

// held reports whether the pod must stay stopped: its channel cannot pay,
// or has not yet paid for what the pod used beyond its cap.
func (p *Provider) held(pd *pod) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return pd.unfunded || pd.capped
}

func (p *Provider) message(pd *pod) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return pd.message
}

// begin marks a channel as being changed; a concurrent change is refused.
func (p *Provider) begin(channel [32]byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.deploying[channel] {
		return fmt.Errorf("another operation on this pod is in progress: %w", p2p.ErrBusy)
	}
	p.deploying[channel] = true
	return nil
}

func (p *Provider) end(channel [32]byte) {
	p.mu.Lock()
	delete(p.deploying, channel)
	p.mu.Unlock()
}

func (p *Provider) pod(channel [32]byte) *pod {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pods[channel]
}

// reserve takes res from free capacity or fails with ErrNoCapacity.
func (p *Provider) reserve(res Reservation) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	free := p.cfg.Capacity.Sub(p.used)
	if !res.Fits(free) {
		return fmt.Errorf("the pod needs %+v, %+v is free: %w", res, free, p2p.ErrNoCapacity)
	}
	p.used = p.used.Add(res)
	return nil
}

func (p *Provider) release(res Reservation) {
	p.mu.Lock()
	p.used = p.used.Sub(res)
	p.mu.Unlock()
}

// unavailable wraps a failure of a dependency that may pass (chain, IPFS).
func unavailable(what string, err error) error {
	return fmt.Errorf("%s: %w: %w", what, p2p.ErrUnavailable, err)
}

// runtimeErr maps runtime errors onto protocol codes.
func runtimeErr(what string, err error) error {
	switch {
	case errors.Is(err, runtime.ErrInvalid):
		return fmt.Errorf("%s: %w: %w", what, p2p.ErrInvalid, err)
	case errors.Is(err, runtime.ErrNotFound):
		return fmt.Errorf("%s: %w: %w", what, p2p.ErrNotFound, err)
	case errors.Is(err, runtime.ErrUnavailable):
		return fmt.Errorf("%s: %w: %w", what, p2p.ErrUnavailable, err)
	case errors.Is(err, runtime.ErrExists):
		return fmt.Errorf("%s: %w: %w", what, p2p.ErrConflict, err)
	case errors.Is(err, runtime.ErrFailedPrecondition):
		return fmt.Errorf("%s: %w: %w", what, p2p.ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// DeleteAll removes every pod the provider runs, each with its final claim.
// A development network calls it on shutdown; a real provider never does.
func (p *Provider) DeleteAll(ctx context.Context) {
	for _, pd := range p.podList() {
		if err := p.remove(ctx, pd); err != nil {
			p.log.Warn("delete pod", "pod", pd.rtID, "err", err)
		}
	}
}

func unixTime(s uint64) string { return time.Unix(int64(s), 0).UTC().Format(time.RFC3339) }

// union is a's names followed by those of b not in a.
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, n := range b {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
