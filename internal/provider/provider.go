// Package provider is the provider daemon: it answers the /tpod protocols,
// validates orders on-chain, deploys decrypted bundles through a runtime,
// has its signing core (internal/core) meter them and sign receipts, claims
// payment and stops pods whose funds run out (DESIGN §7, docs/provider.md).
// It holds no enclave key: the core unwraps each bundle's data key for it.
package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/host"
	"golang.org/x/sync/errgroup"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// PricingTable is one of the provider's price lists, as registered.
type PricingTable struct {
	Token            common.Address
	Prices           [usage.Len]*big.Int
	MinDisputePeriod time.Duration
}

// Config holds a Provider's dependencies and settings.
type Config struct {
	Store *store.Store
	// Core is the signing core: it holds the enclave keys, meters the
	// pods, signs receipts and unwraps bundle keys (internal/core).
	Core     Core
	Runtime  runtime.Runtime
	Bundles  ipfs.Store
	Host     host.Host
	Chain    *chain.Client
	Payment  *chain.Payment
	Registry *chain.Registry // nil: do not register
	// Wallet is the provider's account: channels name it as provider, it
	// pays the gas of claims and receives earnings.
	Wallet *chain.Wallet
	// Gateway configures the HTTP gateway the provider runs (its Backend
	// and OnEvent are the provider's); nil leaves pods reachable only at
	// their pod addresses.
	Gateway *gateway.Config

	Pricing  []PricingTable
	Capacity Reservation
	// MinRunway is how long a new channel's balance must pay for the pod's
	// reserved resources.
	MinRunway time.Duration
	// LowFunds is the runway under which a pod's status carries a warning.
	LowFunds time.Duration
	// BillingCycle is how often receipts are signed and claimed.
	BillingCycle time.Duration
	// MeterInterval is how often pods are sampled (1 s): by the core
	// itself, or by the provider reporting to it (metering "reported").
	MeterInterval time.Duration
	// PricingNotice is how long a publisher has to accept new prices before
	// the pod stops (24 h).
	PricingNotice time.Duration
	// StopGrace is the time between SIGTERM and SIGKILL.
	StopGrace time.Duration
	// RestoreWait is how long a request about pods waits for the restore
	// after a start before it is answered "unavailable, retry" (5 s).
	RestoreWait time.Duration
	// MaxBundleSize caps a bundle fetched from IPFS.
	MaxBundleSize int64
	// FetchStall fails a bundle fetch that gets no data for this long (30 s).
	FetchStall time.Duration
	// WorkDir holds decrypted images while they are imported.
	WorkDir string
	// DataDir is a directory on the data disk, where the disk guard keeps
	// its reserve of DiskReserve bytes (disk.go); "" or a DiskReserve of 0
	// turns the guard off.
	DataDir     string
	DiskReserve int64
	// Region and Addrs are published in the registry.
	Region string
	// ClaimOnStop claims every pod's last receipt when Run stops.
	ClaimOnStop bool
	// OperatorConfigHash is the SHA-256 of the operator's configuration in
	// the guest image (nil elsewhere): see OperatorConfigHash.
	OperatorConfigHash []byte
	Logger             *slog.Logger
	Now                func() time.Time
}

func (c *Config) setDefaults() error {
	switch {
	case c.Store == nil, c.Core == nil, c.Runtime == nil, c.Bundles == nil, c.Host == nil,
		c.Chain == nil, c.Payment == nil, c.Wallet == nil:
		return errors.New("provider: store, signing core, runtime, bundles, host, chain, payment and wallet are required")
	case len(c.Pricing) == 0:
		return errors.New("provider: at least one pricing table is required")
	case c.WorkDir == "":
		return errors.New("provider: a work directory is required")
	}
	if c.BillingCycle <= 0 {
		c.BillingCycle = time.Minute
	}
	if c.MeterInterval <= 0 {
		c.MeterInterval = time.Second
	}
	if c.MinRunway <= 0 {
		c.MinRunway = 10 * time.Minute
	}
	if c.LowFunds <= 0 {
		c.LowFunds = 2 * c.MinRunway
	}
	if c.PricingNotice <= 0 {
		c.PricingNotice = 24 * time.Hour
	}
	if c.StopGrace <= 0 {
		c.StopGrace = 10 * time.Second
	}
	if c.RestoreWait <= 0 {
		c.RestoreWait = 5 * time.Second
	}
	if c.MaxBundleSize <= 0 {
		c.MaxBundleSize = 4 << 30
	}
	if c.FetchStall <= 0 {
		c.FetchStall = 30 * time.Second
	}
	for _, t := range c.Pricing {
		// The final claim after an unlock request must fit in the dispute
		// period with a cycle to spare.
		if t.MinDisputePeriod < 2*c.BillingCycle {
			return fmt.Errorf("provider: pricing table for %s: minimum dispute period %v is shorter than two billing cycles (%v)", t.Token, t.MinDisputePeriod, 2*c.BillingCycle)
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// Provider is a running provider daemon.
type Provider struct {
	cfg    Config
	log    *slog.Logger
	domain payment.Domain
	core   core.Identity
	bill   *biller
	disk   *diskGuard
	// clock is the chain's time (chainclock.go): receipts, caps, notices
	// and request expiry go by it.
	clock  *chainClock
	server *p2p.Server
	gw     *gateway.Gateway // nil without a gateway

	mu   sync.Mutex
	pods map[[32]byte]*pod // by channel ID
	used Reservation
	// deploying serialises provision and update per channel.
	deploying map[[32]byte]bool

	metrics     *metrics
	metricsOnce sync.Once

	// restored is closed once Run has matched the stored pods with the
	// runtime (at once by New when the store holds none). Requests about
	// pods wait for it: before, a stored pod would look unknown.
	restored    chan struct{}
	restoreOnce sync.Once
}

// pod is what the provider holds in memory about a pod it runs.
type pod struct {
	channel   [32]byte
	id        [32]byte
	publisher common.Address
	token     common.Address
	bundleCID string
	rtID      string
	res       Reservation
	rate      *big.Int // reserved cost per second under the channel's prices
	scale     scalePolicy
	expose    exposure
	state     p2p.PodState
	message   string
	warnings  []string
	// unfunded marks a pod stopped because its channel ran dry; a deposit
	// starts it again.
	unfunded bool
	// ended says why the pod ended by itself ("" while it did not): it
	// stays stopped until its publisher restarts or updates it (ended.go).
	ended string
	// exitSeen is the stopped state (and when its containers last exited)
	// checkEnded first saw: it judges on its second look at the same.
	exitSeen string
	// capped marks a pod paused because it used more than its channel's
	// maxPerSecond pays for; it starts again once the cap has paid (cap.go).
	capped bool
	// issuedAt is the binding's issuedAt of the running bundle: an update
	// never goes back to an older one.
	issuedAt uint64
	// routeErr is why the gateway does not route the pod, if it does not.
	routeErr string
	// refused is set when the stored bundle is not bound to the pod's
	// channel: it is not fetched again until the publisher updates it.
	refused string
	// updating is the bundle of an update in progress (podRecord.Updating).
	updating string
	// repricing is a pending pricing change, nil if none.
	repricing *repricing
	// usedAt and usedVec are the meter reading of the last funds check,
	// from which the cost of the used counters per second is estimated.
	usedAt  time.Time
	usedVec usage.Vector
	// opened is set once the signing core was told about the channel in
	// this run (with the chain's baseline).
	opened bool
	// restarts is each container's restart count at the last look
	// (events.go); restartsUnknown: the pod was restored, so the counts
	// before the first look are not news.
	restarts        map[string]int
	restartsUnknown bool
}

type scalePolicy struct {
	toZero bool
	idle   time.Duration
}

// New creates a provider. Run starts it.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	// Nothing deploys yet: whatever is in the work directory is left from a
	// crash mid-deploy (decrypted images among it) and goes.
	if err := os.RemoveAll(cfg.WorkDir); err != nil {
		return nil, fmt.Errorf("provider: clean work directory: %w", err)
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	p := &Provider{
		cfg:       cfg,
		log:       cfg.Logger.With("component", "provider"),
		domain:    payment.Domain{ChainID: cfg.Chain.ChainID(), Contract: cfg.Payment.Address()},
		pods:      map[[32]byte]*pod{},
		deploying: map[[32]byte]bool{},
		metrics:   newMetrics(),
		restored:  make(chan struct{}),
		disk:      &diskGuard{dir: cfg.DataDir},
	}
	if cfg.DataDir != "" {
		p.disk.reserve = cfg.DiskReserve
	}
	if err := p.disk.start(); err != nil {
		p.log.Warn("data disk reserve", "err", err)
	}
	if recs, err := cfg.Store.ListPods(ctx); err == nil && len(recs) == 0 {
		p.markRestored()
	}
	if cfg.Gateway != nil {
		gc := *cfg.Gateway
		gc.Backend = gatewayBackend{p}
		gc.OnEvent = p.gatewayEvent
		if gc.Logger == nil {
			gc.Logger = cfg.Logger.With("component", "gateway")
		}
		g, err := gateway.New(gc)
		if err != nil {
			return nil, fmt.Errorf("provider: gateway: %w", err)
		}
		p.gw = g
	}
	hello := core.Hello{Domain: p.domain, Peer: cfg.Host.ID()}
	if cfg.Gateway != nil && cfg.Gateway.TLS != nil {
		hello.Extra = cfg.Gateway.TLS.Binding().ExtraData()
	}
	id, err := cfg.Core.Hello(ctx, hello)
	if err != nil {
		return nil, fmt.Errorf("provider: signing core: %w", err)
	}
	p.core = id
	p.log.Info("signing core connected", "tee", id.Kind, "signer", id.Signer.Hex(), "metering", id.Metering)
	p.clock = &chainClock{wall: cfg.Now, mono: time.Now, head: func(ctx context.Context) (uint64, error) {
		h, err := cfg.Chain.HeaderByNumber(ctx, nil)
		if err != nil {
			return 0, err
		}
		return h.Time, nil
	}}
	if err := p.clock.refresh(ctx); err != nil {
		p.log.Warn("chain time unknown until the chain answers: the machine's clock stands in", "err", err)
	}
	p.bill = newBiller(cfg.Store, cfg.Core, p.domain, cfg.Payment, cfg.Wallet, p.clock.Now, p.log)
	srv, err := p2p.NewServer(cfg.Host, p2p.Config{
		Service:  p,
		Channels: p,
		Nonces:   cfg.Store,
		Domain:   p2p.Domain{ChainID: p.domain.ChainID.Uint64(), PaymentContract: p.domain.Contract},
		Logger:   cfg.Logger.With("component", "p2p"),
		Now:      p.clock.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	p.server = srv
	return p, nil
}

// Close stops answering requests. Pods keep running: a provider that stops
// does not take its publishers' pods down with it.
func (p *Provider) Close() error {
	if p.gw != nil {
		p.gw.Close()
	}
	return p.server.Close()
}

func (p *Provider) markRestored() { p.restoreOnce.Do(func() { close(p.restored) }) }

// waitRestored holds a request about pods until the restore after a start
// is done, and answers "unavailable" after Config.RestoreWait or when ctx
// ends first.
func (p *Provider) waitRestored(ctx context.Context) error {
	select {
	case <-p.restored:
		return nil
	default:
	}
	t := time.NewTimer(p.cfg.RestoreWait)
	defer t.Stop()
	select {
	case <-p.restored:
		return nil
	case <-t.C:
	case <-ctx.Done():
	}
	return fmt.Errorf("the provider is restoring its pods after a restart; retry shortly: %w", p2p.ErrUnavailable)
}

// Gateway returns the provider's gateway, nil if it has none.
func (p *Provider) Gateway() *gateway.Gateway { return p.gw }

// Address is the provider's account.
func (p *Provider) Address() common.Address { return p.cfg.Wallet.Address() }

// workDir is where a channel's decrypted images are written before import.
func (p *Provider) workDir(channel [32]byte) string {
	return filepath.Join(p.cfg.WorkDir, runtimeID(channel))
}

// ChannelPublisher implements p2p.Channels from the Payment contract: a pod
// request is authorised only by the publisher of an open channel with this
// provider whose ID matches (publisher, provider, podId).
func (p *Provider) ChannelPublisher(ctx context.Context, channelID, podID [32]byte) (common.Address, error) {
	ch, err := p.cfg.Payment.Channel(ctx, channelID)
	if err != nil {
		if errors.Is(err, chain.ErrUnavailable) {
			return common.Address{}, fmt.Errorf("read channel: %w", p2p.ErrUnavailable)
		}
		return common.Address{}, fmt.Errorf("read channel: %w", err)
	}
	if ch.Status == chain.StatusNone {
		return common.Address{}, fmt.Errorf("channel %x: %w", channelID[:4], p2p.ErrNotFound)
	}
	if ch.Provider != p.Address() {
		return common.Address{}, fmt.Errorf("channel %x is with provider %s, not this one: %w", channelID[:4], ch.Provider, p2p.ErrNotFound)
	}
	if payment.ChannelID(ch.Publisher, ch.Provider, podID) != channelID {
		return common.Address{}, fmt.Errorf("channel %x is not the channel of pod %x: %w", channelID[:4], podID[:4], p2p.ErrNotFound)
	}
	return ch.Publisher, nil
}

// Run restores pods from the store, then meters, bills and watches channels
// until ctx is done.
func (p *Provider) Run(ctx context.Context) error {
	err := p.restore(ctx)
	p.markRestored()
	if err != nil {
		return err
	}
	if p.cfg.Registry != nil {
		if err := p.register(ctx); err != nil {
			// The provider still serves its pods; registration is retried
			// at the next billing cycle.
			p.log.Warn("registry update failed", "err", err)
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return p.meter(ctx) })
	g.Go(func() error { return every(ctx, p.cfg.BillingCycle, p.cycle) })
	g.Go(func() error { return every(ctx, p.cfg.MeterInterval, p.guardCaps) })
	g.Go(func() error { return every(ctx, p.cfg.MeterInterval, p.watchDisk) })
	g.Go(func() error {
		return every(ctx, chainClockRefresh, func(ctx context.Context) {
			if err := p.clock.refresh(ctx); err != nil {
				p.log.Debug("read the chain's time", "err", err)
			}
		})
	})
	if p.gw != nil {
		g.Go(func() error { return p.gw.Run(ctx) })
	}
	err = g.Wait()
	if p.cfg.ClaimOnStop {
		// A planned stop: sign and claim what the pods used up to now, so
		// that nothing is lost if the keys do not survive (TDX).
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		p.sample(cctx)
		p.billAll(cctx)
		cancel()
		p.log.Info("claimed the last receipts before stopping")
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// OperatorConfigHash is the SHA-256 of the canonical operator configuration
// the guest image booted with (docs/image.md), nil outside the image. The
// attestation statement commits to it, so a publisher sees the exact
// configuration (chain, prices, listen addresses, payout account) it runs
// under.
func (p *Provider) OperatorConfigHash() []byte { return bytes.Clone(p.cfg.OperatorConfigHash) }

// every runs f every d until ctx is done, and returns ctx's error.
func every(ctx context.Context, d time.Duration, f func(context.Context)) error {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		f(ctx)
	}
}

// cycle bills every pod and acts on its channel's funds.
func (p *Provider) cycle(ctx context.Context) {
	p.reconcile(ctx)
	p.billAll(ctx)
	p.billOrphans(ctx)
	p.repriceAll(ctx)
	p.watchFunds(ctx)
	p.sweepHostnames(ctx)
	if p.cfg.Registry != nil {
		if err := p.register(ctx); err != nil {
			p.log.Warn("registry update failed", "err", err)
		}
	}
	// Nonces are kept a day past their expiry: a clock that steps back by
	// less than that cannot make a used request acceptable again.
	if _, err := p.cfg.Store.PruneNonces(ctx, p.clock.Now().Add(-nonceRetention)); err != nil {
		p.log.Warn("prune nonces", "err", err)
	}
}

// podList returns the pods, unordered.
func (p *Provider) podList() []*pod {
	p.mu.Lock()
	defer p.mu.Unlock()
	pods := make([]*pod, 0, len(p.pods))
	for _, pd := range p.pods {
		pods = append(pods, pd)
	}
	return pods
}

// PeerID is the libp2p identity publishers reach the provider at.
func (p *Provider) PeerID() string { return p.cfg.Host.ID().String() }
