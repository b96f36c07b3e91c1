// Package core is the provider's signing core (DESIGN §5,
// docs/attestation.md §10): the small process that holds the enclave keys,
// meters the pods itself, signs only receipts for usage it integrated, and
// unwraps a bundle's data key only for a bundle bound to a channel it was
// told about. The network-facing daemon (libp2p, IPFS, the gateway, the
// runtime and chain clients) talks to it over a unix socket (Server,
// Client) and never holds a private key.
//
// Its state (per channel: the integrated counters, the last receipt it
// signed, the bundle it runs) is AEAD-sealed under a key derived from the
// enclave keys and written atomically; it refuses a state file it did not
// write, and a channel whose record is older than the chain's baseline.
package core

import (
	"bytes"
	"context"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/config"
	"github.com/trustedpods/tpod/internal/enclave"
	"github.com/trustedpods/tpod/internal/fault"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/meter"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// Errors of the core's calls, matched with errors.Is on both sides of the
// socket. A bundle bound elsewhere fails with bundle.ErrBinding.
var (
	ErrInvalid        = errors.New("invalid request")
	ErrUnknownChannel = errors.New("the signing core was not told about this channel")
	ErrOlderBundle    = errors.New("the bundle was issued before the one the channel runs")
	ErrNotMetered     = errors.New("the receipt asks for usage the signing core did not meter")
	ErrNotMonotonic   = errors.New("the receipt does not go beyond the last one the signing core signed for the channel")
	ErrStaleState     = errors.New("the signing core's record of the channel is older than the chain's baseline")
	ErrStateTampered  = errors.New("the signing core's state file fails authentication: it did not write it")
	ErrPinned         = errors.New("differs from what the signing core was told first")
	ErrClosed         = errors.New("the channel's pod was deleted: the signing core never opens it again")
	ErrUnavailable    = errors.New("unavailable")
)

// Metering sources (attest.RuntimeSettings.Metering).
const (
	// MeterCore: the core reads the pods' cgroups and network counters
	// itself (containerd on its own machine).
	MeterCore = "core"
	// MeterReported: the core integrates what the daemon reports from its
	// runtime (Kubernetes: pods on other nodes). Weaker: see
	// docs/attestation.md §10.
	MeterReported = "reported"
)

// Config configures a core. It is what a daemon gives the `tpod enclave`
// process it spawns (JSON on its standard input).
type Config struct {
	// Dir holds the enclave keys, the sealed state and the lock (0700).
	Dir string `json:"dir"`
	// Socket is where the core serves (Dir/core.sock if empty); its
	// directory is made 0700 and the socket 0600.
	Socket string `json:"socket,omitempty"`
	// TEE is the enclave kind (internal/enclave; empty detects).
	TEE attest.Kind `json:"tee,omitempty"`
	// SimulatedLaunch are the simulated TEE's launch inputs.
	SimulatedLaunch *measure.KernelHashes `json:"simulatedLaunch,omitempty"`
	// Configuration is the provider's configuration document, committed
	// in every piece of evidence the core produces.
	Configuration []byte `json:"configuration,omitempty"`
	// Metering says where usage comes from.
	Metering MeterConfig `json:"metering"`

	// Enclave is an open enclave to use instead of opening one from Dir
	// (in-process tests).
	Enclave *enclave.Enclave `json:"-"`
	// Now is the clock (time.Now if nil).
	Now    func() time.Time `json:"-"`
	Logger *slog.Logger     `json:"-"`
}

// MeterConfig says how the core meters.
type MeterConfig struct {
	// Source is MeterCore (default) or MeterReported.
	Source string `json:"source,omitempty"`
	// Namespace is the containerd namespace of the pods: a pod's
	// containers' cgroups are /<namespace>/<pod>.<container>.
	Namespace string `json:"namespace,omitempty"`
	// PodsDir holds the pods' data (<PodsDir>/<pod>): reserved storage
	// advances while a pod's directory exists. Empty: while its channel is
	// open.
	PodsDir string `json:"podsDir,omitempty"`
	// CgroupRoot and ProcRoot are where cgroupfs and procfs are mounted
	// (tests point them at trees of their own).
	CgroupRoot string `json:"cgroupRoot,omitempty"`
	ProcRoot   string `json:"procRoot,omitempty"`
	// Interval between metering rounds (1 s) and MaxGap, the most one
	// round accounts for (10 s; meter.Config).
	Interval config.Duration `json:"interval,omitempty"`
	MaxGap   config.Duration `json:"maxGap,omitempty"`
}

// RuntimeID is the runtime's name of the pod of a channel: the naming
// convention the core derives cgroup paths from, so that the daemon cannot
// point one channel's meter at another pod.
func RuntimeID(channel [32]byte) string { return "tp-" + hex.EncodeToString(channel[:16]) }

// Identity is what the core tells a daemon about itself.
type Identity struct {
	Kind     attest.Kind
	Signer   common.Address
	X25519   []byte
	Sealing  string
	Metering string
}

// Hello is what a daemon pins to the core: the chain and its peer ID for
// the core's life, the extra evidence data until the next hello.
type Hello struct {
	Domain payment.Domain
	Peer   peer.ID
	Extra  []byte
}

// ChannelUsage is the core's view of a channel.
type ChannelUsage struct {
	Channel    [32]byte
	Usage      usage.Vector
	Running    bool
	SampledAt  time.Time // zero before the first sample
	LastSigned payment.Baseline
	IssuedAt   uint64
}

// Sample is one pod's reading as the daemon's runtime reports it
// (MeterReported).
type Sample struct {
	Channel    [32]byte
	Running    bool
	Since      time.Time
	CPUNanos   uint64
	WorkingSet uint64
	Egress     uint64
	Replicas   uint32
}

// Core is an open signing core. Its methods are safe for concurrent use.
type Core struct {
	cfg   Config
	enc   *enclave.Enclave
	aead  cipher.AEAD
	log   *slog.Logger
	now   func() time.Time
	lock  *os.File
	hier  cgroupfs.Hierarchy
	files *cgroupfs.Files
	// netPID remembers, per pod, a process in its network namespace.
	netPID map[string]int

	mu      sync.Mutex
	hello   *Hello
	st      *state
	path    string    // the state file
	savedAt time.Time // the state's last save (saveRound)
	started chan struct{}
}

// Open opens the enclave keys, takes the core's lock on cfg.Dir (one core
// per directory) and returns a core waiting for its first Hello.
func Open(ctx context.Context, cfg Config) (*Core, error) {
	if cfg.Dir == "" {
		return nil, fmt.Errorf("%w: signing core: a directory is required", ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &cfg.Metering
	switch m.Source {
	case "":
		m.Source = MeterCore
	case MeterCore, MeterReported:
	default:
		return nil, fmt.Errorf("%w: metering source %q is not %q or %q", ErrInvalid, m.Source, MeterCore, MeterReported)
	}
	if m.Namespace == "" {
		m.Namespace = "tpod"
	}
	if m.CgroupRoot == "" {
		m.CgroupRoot = "/sys/fs/cgroup"
	}
	if m.ProcRoot == "" {
		m.ProcRoot = "/proc"
	}
	if m.Interval <= 0 {
		m.Interval = config.Duration(time.Second)
	}
	if m.MaxGap <= 0 {
		m.MaxGap = config.Duration(10 * time.Second)
	}
	if len(cfg.Configuration) > attest.MaxConfigSize {
		return nil, fmt.Errorf("%w: configuration document of %d bytes", ErrInvalid, len(cfg.Configuration))
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("signing core: %w", err)
	}
	log := cfg.Logger.With("component", "core")
	lock, err := lockDir(ctx, cfg.Dir)
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		// The machine's clock (skewed by TPOD_FAULT_CLOCK in the fault
		// suite), anchored once per boot (clock.go).
		if cfg.Now, err = steadyClock(cfg.Dir, fault.Clock()); err != nil {
			log.Warn("no boot clock: metering follows the wall clock, steps included", "err", err)
		}
		if f := fault.Describe(); f != "" {
			log.Warn("FAULT INJECTION ON: for the fault suite only", "faults", f, "now", cfg.Now())
		}
	}
	enc := cfg.Enclave
	if enc == nil {
		enc, err = enclave.Open(ctx, enclave.Config{DataDir: cfg.Dir, Kind: cfg.TEE, SimulatedLaunch: cfg.SimulatedLaunch, Logger: cfg.Logger})
		if err != nil {
			lock.Close()
			return nil, fmt.Errorf("signing core: %w", err)
		}
	}
	a, err := enc.DeriveAEAD(enclave.PurposeCoreState)
	if err != nil {
		lock.Close()
		return nil, err
	}
	c := &Core{cfg: cfg, enc: enc, aead: a, log: log, now: cfg.Now, lock: lock, started: make(chan struct{}), netPID: map[string]int{}}
	if m.Source == MeterCore {
		c.hier = cgroupfs.Detect(m.CgroupRoot)
		c.files = cgroupfs.OneShot()
		if cgroupfs.Kernel(m.CgroupRoot) && cgroupfs.Kernel(m.ProcRoot) {
			c.files = cgroupfs.NewFiles()
		}
	}
	log.Info("signing core open", "tee", enc.Kind(), "signer", enc.Address().Hex(), "metering", m.Source)
	return c, nil
}

// lockDir takes an exclusive lock on dir/core.lock, waiting a little for a
// core that is stopping: two cores must never write one state.
func lockDir(ctx context.Context, dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "core.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("signing core: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) || ctx.Err() != nil {
			f.Close()
			return nil, fmt.Errorf("signing core: another core holds %s: %w", dir, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Close saves the state and releases the lock.
func (c *Core) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files != nil {
		c.files.Close()
	}
	var err error
	if c.st != nil {
		err = c.save()
	}
	return errors.Join(err, c.lock.Close())
}

// Identity is the core's public identity.
func (c *Core) Identity() Identity {
	return Identity{Kind: c.enc.Kind(), Signer: c.enc.Address(), X25519: c.enc.X25519Public().Bytes(),
		Sealing: c.enc.Sealing(), Metering: c.cfg.Metering.Source}
}

// Hello pins the daemon's chain and peer ID (the first hello loads the
// state of that chain's Payment contract) and replaces the extra evidence
// data.
func (c *Core) Hello(h Hello) (Identity, error) {
	if h.Domain.ChainID == nil || h.Domain.ChainID.Sign() <= 0 || h.Domain.Contract == (common.Address{}) || h.Peer == "" {
		return Identity{}, fmt.Errorf("%w: hello needs a chain ID, a Payment contract and a peer ID", ErrInvalid)
	}
	if len(h.Extra) > attest.MaxExtraSize {
		return Identity{}, fmt.Errorf("%w: extra data of %d bytes", ErrInvalid, len(h.Extra))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.hello; p != nil {
		switch {
		case p.Domain.ChainID.Cmp(h.Domain.ChainID) != 0 || p.Domain.Contract != h.Domain.Contract:
			return Identity{}, fmt.Errorf("chain %s, Payment %s %w (chain %s, Payment %s)", h.Domain.ChainID, h.Domain.Contract.Hex(), ErrPinned, p.Domain.ChainID, p.Domain.Contract.Hex())
		case p.Peer != h.Peer:
			return Identity{}, fmt.Errorf("peer %s %w (%s)", h.Peer, ErrPinned, p.Peer)
		}
		p.Extra = bytes.Clone(h.Extra)
		return c.Identity(), nil
	}
	c.path = filepath.Join(c.cfg.Dir, fmt.Sprintf("core-state-%s-%s.sealed", h.Domain.ChainID, hex.EncodeToString(h.Domain.Contract[:])))
	c.hello = &Hello{Domain: payment.Domain{ChainID: h.Domain.ChainID, Contract: h.Domain.Contract}, Peer: h.Peer, Extra: bytes.Clone(h.Extra)}
	st, err := c.load()
	if err != nil {
		c.hello = nil
		return Identity{}, err
	}
	// A meter's last round later than now (the clock of a new boot is
	// behind the last one's) would count nothing until the clock caught
	// up: it is taken as a round now, the gap uncharged.
	now := c.now()
	for _, ch := range st.Channels {
		if ch.Meter.Last.After(now) {
			ch.Meter.Last = now
		}
	}
	c.st = st
	close(c.started)
	c.log.Info("daemon connected", "chain", h.Domain.ChainID, "payment", h.Domain.Contract.Hex(), "peer", h.Peer, "channels", len(st.Channels))
	return c.Identity(), nil
}

// ready returns the state once a hello pinned the chain; the caller holds mu.
func (c *Core) ready() error {
	if c.st == nil {
		return fmt.Errorf("%w: no hello yet", ErrUnknownChannel)
	}
	return nil
}

// Evidence produces attestation evidence for nonce that commits to the
// provider's configuration document, the pinned peer ID and the extra data.
func (c *Core) Evidence(ctx context.Context, nonce []byte) ([]byte, error) {
	if len(nonce) < attest.MinNonceSize || len(nonce) > 64 {
		return nil, fmt.Errorf("%w: nonce of %d bytes, want %d to 64", ErrInvalid, len(nonce), attest.MinNonceSize)
	}
	c.mu.Lock()
	if err := c.ready(); err != nil {
		c.mu.Unlock()
		return nil, err
	}
	opts := []enclave.EvidenceOption{enclave.WithPeer(c.hello.Peer)}
	if len(c.cfg.Configuration) > 0 {
		opts = append(opts, enclave.WithConfig(c.cfg.Configuration))
	}
	if len(c.hello.Extra) > 0 {
		opts = append(opts, enclave.WithExtra(c.hello.Extra))
	}
	c.mu.Unlock()
	ev, err := c.enc.Evidence(ctx, nonce, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return ev.Marshal()
}

// OpenChannel tells the core about a channel: its publisher and the
// chain's baseline (the last receipt the contract accepted), both as the
// daemon read them from the chain.
//
// A channel the core has no record of starts at the baseline. With a zero
// baseline the channel is new: its pod's counters count from zero. With a
// non-zero one the core lost its record (adopted is true): pods found
// running are not billed for what they used before. A record that is older
// than the baseline (its last signed receipt or its counters behind it: a
// state rolled back to an older copy) is refused with ErrStaleState;
// calling again with reset starts the channel over from the baseline. A
// lower baseline than the chain's can only hurt the provider: receipts
// below the chain's are refused by the contract.
func (c *Core) OpenChannel(id [32]byte, publisher common.Address, base payment.Baseline, reset bool) (adopted bool, err error) {
	if publisher == (common.Address{}) {
		return false, fmt.Errorf("%w: no publisher", ErrInvalid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return false, err
	}
	key := chanKey(id)
	if _, ok := c.st.Closed[key]; ok {
		return false, fmt.Errorf("channel %x: %w", id[:4], ErrClosed)
	}
	old := c.st.Channels[key]
	if old != nil {
		if old.Publisher != publisher {
			return false, fmt.Errorf("%w: channel %x was opened with publisher %s, not %s", ErrInvalid, id[:4], old.Publisher.Hex(), publisher.Hex())
		}
		stale := base.Seq > old.LastSigned.Seq || !old.Meter.Vector.GreaterOrEqual(base.Usage)
		switch {
		case stale && !reset:
			return false, fmt.Errorf("channel %x: last signed receipt %d, counters %v; the chain's baseline is receipt %d, %v: %w",
				id[:4], old.LastSigned.Seq, old.Meter.Vector, base.Seq, base.Usage, ErrStaleState)
		case !stale && reset:
			return false, fmt.Errorf("%w: channel %x: its record is not older than the baseline; nothing to reset", ErrInvalid, id[:4])
		case !stale:
			return false, nil
		}
		c.log.Warn("channel record older than the chain's baseline: starting it over from the baseline", "channel", hex.EncodeToString(id[:8]),
			"signed", old.LastSigned.Seq, "baseline", base.Seq)
	}
	fresh := base.Seq == 0 && base.Usage == (usage.Vector{})
	ch := &chanState{Publisher: publisher, LastSigned: base, Meter: meter.State{Vector: base.Usage}, Adopt: !fresh}
	if old != nil {
		ch.IssuedAt, ch.Reserved = old.IssuedAt, old.Reserved // a rolled-back record's bundle is still the newest it knows
	}
	if c.cfg.Metering.Source == MeterCore {
		ch.Meter.Last = c.now() // storage counts from here
	} else {
		ch.Meter.FromZero = fresh
	}
	c.st.Channels[key] = ch
	if err := c.save(); err != nil {
		if old != nil {
			c.st.Channels[key] = old
		} else {
			delete(c.st.Channels, key)
		}
		return false, err
	}
	return !fresh, nil
}

// Unwrap returns the data key of a bundle bound to channel id, from its
// header: the binding must name this chain, Payment contract, channel and
// the publisher the channel was opened with, and the bundle must not be
// older than the one the channel runs (bundle.Header.CheckBinding).
func (c *Core) Unwrap(id [32]byte, header []byte) ([]byte, error) {
	h, err := bundle.ReadHeader(bytes.NewReader(header))
	if err != nil {
		return nil, fmt.Errorf("%w: bundle header: %w", ErrInvalid, err)
	}
	if h.Size() != int64(len(header)) {
		return nil, fmt.Errorf("%w: %d bytes after the bundle header", ErrInvalid, int64(len(header))-h.Size())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, err := c.channel(id)
	if err != nil {
		return nil, err
	}
	if err := h.CheckBinding(c.hello.Domain.ChainID.Uint64(), c.hello.Domain.Contract, id, ch.Publisher); err != nil {
		return nil, err
	}
	issued := h.Core.Binding.IssuedAt
	if issued < ch.IssuedAt {
		return nil, fmt.Errorf("bundle issued at %s, the channel runs one issued at %s: %w", fmtUnix(issued), fmtUnix(ch.IssuedAt), ErrOlderBundle)
	}
	dk, err := h.UnwrapKey(c.enc.X25519())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	r := h.Core.Resources
	res := reservation{CPUMilli: r.CPUMilli, MemoryMiB: r.MemoryMiB, StorageMiB: r.StorageMiB, GPUMilli: r.GPUMilli, ScaleMax: max(h.Core.Scale.Max, 1)}
	if ch.Pending == nil {
		ch.Pending = map[uint64]reservation{}
	}
	ch.Pending[issued] = res
	for len(ch.Pending) > maxPending {
		delete(ch.Pending, minKey(ch.Pending))
	}
	if ch.IssuedAt == 0 && ch.Reserved == (reservation{}) {
		// Nothing committed yet: meter what is being deployed.
		ch.Reserved = res
	}
	return dk, nil
}

// maxPending bounds the bundles unwrapped and not committed per channel.
const maxPending = 4

// Commit says the bundle issued at issuedAt (unwrapped before) now runs on
// the channel: its reservation is metered, and older bundles are refused.
func (c *Core) Commit(id [32]byte, issuedAt uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, err := c.channel(id)
	if err != nil {
		return err
	}
	if issuedAt < ch.IssuedAt {
		return fmt.Errorf("commit of a bundle issued at %s, the channel runs one issued at %s: %w", fmtUnix(issuedAt), fmtUnix(ch.IssuedAt), ErrOlderBundle)
	}
	res, ok := ch.Pending[issuedAt]
	if !ok {
		if issuedAt == ch.IssuedAt {
			return nil
		}
		return fmt.Errorf("%w: no bundle issued at %s was unwrapped for channel %x", ErrInvalid, fmtUnix(issuedAt), id[:4])
	}
	prev := *ch
	ch.IssuedAt, ch.Reserved = issuedAt, res
	for k := range ch.Pending {
		if k <= issuedAt {
			delete(ch.Pending, k)
		}
	}
	if err := c.save(); err != nil {
		*ch = prev
		return err
	}
	return nil
}

// Sign signs receipts, each only if its usage is at most what the core
// integrated for the channel and it goes beyond the last receipt the core
// signed for it (seq, time and every counter; equal counters allowed). The
// record of what was signed is saved before any signature is returned.
// errs holds each receipt's refusal; err is for the batch (nothing signed).
func (c *Core) Sign(rs []payment.Receipt) (sigs [][]byte, errs []error, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return nil, nil, err
	}
	sigs, errs = make([][]byte, len(rs)), make([]error, len(rs))
	prev := map[string]payment.Baseline{}
	ok := 0
	for i, r := range rs {
		ch, err := c.channel(r.ChannelID)
		if err != nil {
			errs[i] = err
			continue
		}
		if err := check(ch, r); err != nil {
			errs[i] = fmt.Errorf("receipt %d of channel %x: %w", r.Seq, r.ChannelID[:4], err)
			continue
		}
		key := chanKey(r.ChannelID)
		if _, seen := prev[key]; !seen {
			prev[key] = ch.LastSigned
		}
		ch.LastSigned = r.Baseline()
		ok++
	}
	if ok == 0 {
		return sigs, errs, nil
	}
	if err := c.save(); err != nil {
		for k, b := range prev {
			c.st.Channels[k].LastSigned = b
		}
		return nil, nil, err
	}
	for i, r := range rs {
		if errs[i] != nil {
			continue
		}
		sig, err := c.enc.SignDigest(c.hello.Domain.ReceiptDigest(r))
		if err != nil {
			return nil, nil, err // cannot happen with a valid key
		}
		sigs[i] = sig
	}
	return sigs, errs, nil
}

// check is Sign's rule for one receipt.
func check(ch *chanState, r payment.Receipt) error {
	for i, v := range r.Usage {
		if v > ch.Meter.Vector[i] {
			return fmt.Errorf("%w: %s %d, metered %d", ErrNotMetered, usage.Names[i], v, ch.Meter.Vector[i])
		}
	}
	last := ch.LastSigned
	switch {
	case r.Seq <= last.Seq:
		return fmt.Errorf("%w: seq %d, last signed %d", ErrNotMonotonic, r.Seq, last.Seq)
	case r.Time <= last.Time:
		return fmt.Errorf("%w: time %d, last signed %d", ErrNotMonotonic, r.Time, last.Time)
	case !r.Usage.GreaterOrEqual(last.Usage):
		return fmt.Errorf("%w: usage %v, last signed %v", ErrNotMonotonic, r.Usage, last.Usage)
	}
	return nil
}

// Usage reports channels (every open one if ids is empty), after a
// metering round when sampleNow is set (MeterCore).
func (c *Core) Usage(ids [][32]byte, sampleNow bool) ([]ChannelUsage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return nil, err
	}
	if sampleNow && c.cfg.Metering.Source == MeterCore {
		c.round()
	}
	if len(ids) == 0 {
		for k := range c.st.Channels {
			id, _ := parseKey(k)
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) < 0 })
	}
	out := make([]ChannelUsage, 0, len(ids))
	for _, id := range ids {
		ch, ok := c.st.Channels[chanKey(id)]
		if !ok {
			continue
		}
		out = append(out, ChannelUsage{Channel: id, Usage: ch.Meter.Vector, Running: ch.Running, SampledAt: ch.SampledAt,
			LastSigned: ch.LastSigned, IssuedAt: ch.IssuedAt})
	}
	return out, nil
}

// Report integrates one round of samples from the daemon's runtime
// (MeterReported). Samples of channels the core was not told about are
// ignored.
func (c *Core) Report(samples []Sample) error {
	if c.cfg.Metering.Source != MeterReported {
		return fmt.Errorf("%w: this core meters the pods itself; it takes no reports", ErrInvalid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return err
	}
	now := c.now()
	for _, s := range samples {
		ch, ok := c.st.Channels[chanKey(s.Channel)]
		if !ok {
			continue
		}
		n := uint64(min(max(int(s.Replicas), 0), ch.Reserved.ScaleMax))
		res := ch.Reserved.resources()
		res = runtime.Resources{CPUMillis: res.CPUMillis * n, MemoryMiB: res.MemoryMiB * n, StorageMiB: res.StorageMiB, GPUs: res.GPUs * n}
		ch.Meter = meter.Integrate(ch.Meter, runtime.Usage{Running: s.Running, Since: s.Since, CPUNanos: s.CPUNanos,
			MemoryWorkingSetBytes: s.WorkingSet, EgressBytes: s.Egress, Reserved: res}, now, time.Duration(c.cfg.Metering.MaxGap))
		ch.Running, ch.SampledAt = s.Running, now
	}
	return c.saveRound(now)
}

// CloseChannel forgets a channel whose pod is deleted (after its final
// receipt): it is not metered, signed for or opened again.
func (c *Core) CloseChannel(id [32]byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ready(); err != nil {
		return err
	}
	key := chanKey(id)
	old, ok := c.st.Channels[key]
	if _, closed := c.st.Closed[key]; closed {
		return nil
	}
	delete(c.st.Channels, key)
	c.st.Closed[key] = c.now().Unix()
	if err := c.save(); err != nil {
		delete(c.st.Closed, key)
		if ok {
			c.st.Channels[key] = old
		}
		return err
	}
	return nil
}

// channel returns an open channel's record; the caller holds mu.
func (c *Core) channel(id [32]byte) (*chanState, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	key := chanKey(id)
	if _, ok := c.st.Closed[key]; ok {
		return nil, fmt.Errorf("channel %x: %w", id[:4], ErrClosed)
	}
	ch, ok := c.st.Channels[key]
	if !ok {
		return nil, fmt.Errorf("channel %x: %w", id[:4], ErrUnknownChannel)
	}
	return ch, nil
}

// Run meters every Interval until ctx is done (MeterCore; with
// MeterReported the daemon's reports drive the meter and Run only waits).
func (c *Core) Run(ctx context.Context) error {
	select {
	case <-c.started:
	case <-ctx.Done():
		return ctx.Err()
	}
	if c.cfg.Metering.Source != MeterCore {
		<-ctx.Done()
		return ctx.Err()
	}
	t := time.NewTicker(time.Duration(c.cfg.Metering.Interval))
	defer t.Stop()
	for {
		c.mu.Lock()
		c.round()
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func chanKey(id [32]byte) string { return hex.EncodeToString(id[:]) }

func parseKey(k string) ([32]byte, error) {
	var id [32]byte
	b, err := hex.DecodeString(k)
	if err != nil || len(b) != 32 {
		return id, fmt.Errorf("%w: channel key %q", ErrStateTampered, k)
	}
	copy(id[:], b)
	return id, nil
}

func fmtUnix(s uint64) string { return time.Unix(int64(s), 0).UTC().Format(time.RFC3339) }

func minKey(m map[uint64]reservation) uint64 {
	first := true
	var k uint64
	for x := range m {
		if first || x < k {
			k, first = x, false
		}
	}
	return k
}
