// Package publisher is the publisher's client library of Trusted Pods: it finds
// and ranks providers in the Registry, deploys a pod (attest, quote, encrypt,
// upload, pay, provision), manages its life cycle and its channel's funds, and
// keeps a local record of every deployment so an interrupted deploy can be
// resumed or cancelled without losing funds (docs/publisher.md).
package publisher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
)

// Sentinel errors.
var (
	// ErrNotFound: no such provider or deployment.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: bad input.
	ErrInvalid = errors.New("invalid")
	// ErrOffline: the provider cannot be reached.
	ErrOffline = errors.New("provider offline")
	// ErrFunds: the wallet's balance or allowance is short.
	ErrFunds = errors.New("insufficient funds")
)

// Config holds a Publisher's dependencies.
type Config struct {
	// Chain is a connected chain client; Payment and Registry are bound to it.
	Chain    *chain.Client
	Payment  *chain.Payment
	Registry *chain.Registry
	// Wallet signs transactions and pod requests (the publisher's account).
	// Read-only operations (listing providers) work without it.
	Wallet *chain.Wallet
	// State keeps the deployment records.
	State *State
	// Progress, if set, is told about every long step.
	Progress func(Event)
	// PeerHints are extra libp2p addresses of providers known out of band
	// (a devnet file's extra.provider), tried beside the Registry's.
	PeerHints map[common.Address][]string
	// Policy is the attestation policy used when a deployment names no
	// policy file: the release policy of this tpod (PolicyName says so).
	// Nil in a development build: DefaultPolicy, simulated evidence only.
	Policy     *attest.Policy
	PolicyName string
	// ConnectTimeout bounds reaching a provider's peer (default 15 s).
	ConnectTimeout time.Duration
	// WaitTimeout bounds how long a deployment waits for a chain that does
	// not answer before it stops, resumable (default 2 minutes).
	WaitTimeout time.Duration
	// TokenInfo reads a token's symbol and decimals (for amounts given as
	// "5TPT"); nil: only base units are accepted.
	TokenInfo func(ctx context.Context, token common.Address) amount.Token
	Logger    *slog.Logger
	Now       func() time.Time
}

// Event is a progress report.
type Event struct {
	Deployment string
	Step       string
	Message    string
	// Done is set when the step finished; Elapsed is then its duration.
	Done    bool
	Elapsed time.Duration
	// Bytes and Total report progress within a step that moves data
	// (Done is false, Message says how far).
	Bytes, Total int64
	// Waiting is set, every few seconds, while a step waits for something
	// that does not answer (Message says what): how long it has waited.
	Waiting time.Duration
}

// Publisher acts for one publisher wallet on one network.
type Publisher struct {
	cfg Config
	log *slog.Logger
	net networkCache
}

// New returns a Publisher.
func New(cfg Config) (*Publisher, error) {
	if cfg.Chain == nil || cfg.Payment == nil {
		return nil, fmt.Errorf("publisher: chain and payment contract are required: %w", ErrInvalid)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 15 * time.Second
	}
	if cfg.WaitTimeout == 0 {
		cfg.WaitTimeout = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Publisher{cfg: cfg, log: cfg.Logger.With("component", "publisher")}, nil
}

func (p *Publisher) wallet() (*chain.Wallet, error) {
	if p.cfg.Wallet == nil {
		return nil, fmt.Errorf("no publisher wallet: %w", ErrInvalid)
	}
	return p.cfg.Wallet, nil
}

// waitingEvery is how often a step that takes long says it is still at it.
const waitingEvery = 5 * time.Second

// step runs fn as a named step with progress events; while it runs longer
// than waitingEvery, a Waiting event says so every waitingEvery.
func (p *Publisher) step(id, name, msg string, fn func() error) error {
	start := time.Now()
	if p.cfg.Progress != nil {
		p.cfg.Progress(Event{Deployment: id, Step: name, Message: msg})
		done := make(chan struct{})
		defer close(done)
		go func() {
			t := time.NewTicker(waitingEvery)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					select {
					case <-done:
						return
					default:
					}
					p.cfg.Progress(Event{Deployment: id, Step: name, Message: msg, Waiting: time.Since(start)})
				}
			}
		}()
	}
	err := fn()
	if err == nil && p.cfg.Progress != nil {
		p.cfg.Progress(Event{Deployment: id, Step: name, Message: msg, Done: true, Elapsed: time.Since(start)})
	}
	return err
}

func (p *Publisher) domain() p2p.Domain {
	return p2p.Domain{ChainID: p.cfg.Chain.ChainID().Uint64(), PaymentContract: p.cfg.Payment.Address()}
}

// peerInfo builds a provider's address info from its peer ID and addresses
// (multiaddrs with or without a /p2p suffix).
func peerInfo(peerID string, addrs []string) (peer.AddrInfo, error) {
	var info peer.AddrInfo
	if peerID != "" {
		id, err := peer.Decode(peerID)
		if err != nil {
			return info, fmt.Errorf("provider peer ID %q: %w", peerID, ErrInvalid)
		}
		info.ID = id
	}
	for _, s := range addrs {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return info, fmt.Errorf("provider address %q: %w: %w", s, err, ErrInvalid)
		}
		tr, id := peer.SplitAddr(a)
		if id != "" {
			if info.ID != "" && id != info.ID {
				return info, fmt.Errorf("provider address %q names peer %s, not %s: %w", s, id, info.ID, ErrInvalid)
			}
			info.ID = id
		}
		if tr != nil {
			info.Addrs = append(info.Addrs, tr)
		}
	}
	if info.ID == "" {
		return info, fmt.Errorf("no provider peer ID: %w", ErrInvalid)
	}
	if len(info.Addrs) == 0 {
		return info, fmt.Errorf("provider %s has no addresses: %w", info.ID, ErrInvalid)
	}
	return info, nil
}

// connect reaches the provider's peer from h.
func (p *Publisher) connect(ctx context.Context, h host.Host, info peer.AddrInfo) error {
	cctx, cancel := context.WithTimeout(ctx, p.cfg.ConnectTimeout)
	defer cancel()
	if err := h.Connect(cctx, info); err != nil {
		return fmt.Errorf("connect to provider peer %s: %w: %w", info.ID, err, ErrOffline)
	}
	return nil
}

// session is a short-lived libp2p host connected to a deployment's provider.
type session struct {
	h      host.Host
	client *p2p.Client
	peer   peer.ID
}

func (s *session) Close() { s.h.Close() }

func (p *Publisher) dialRecord(ctx context.Context, rec *Record) (*session, error) {
	info, err := peerInfo(rec.Provider.PeerID, p.currentAddrs(ctx, rec))
	if err != nil {
		return nil, err
	}
	h, err := libp2p.New(libp2p.NoListenAddrs)
	if err != nil {
		return nil, fmt.Errorf("libp2p host: %w", err)
	}
	if err := p.connect(ctx, h, info); err != nil {
		h.Close()
		return nil, err
	}
	return &session{h: h, client: p2p.NewClient(h, p2p.WithDomain(p.domain())), peer: info.ID}, nil
}

// TokenAmount formats base units.
func TokenAmount(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// tokenInfo returns the symbol and decimals of token (zero when unknown).
func (p *Publisher) tokenInfo(ctx context.Context, token common.Address) amount.Token {
	if p.cfg.TokenInfo == nil {
		return amount.Token{}
	}
	return p.cfg.TokenInfo(ctx, token)
}

// patiently runs a chain read again while the chain does not answer, for
// up to WaitTimeout, saying what it waits for at the first failure and
// every few seconds after (a read that hangs until its own timeout may
// use up WaitTimeout before a first "every few seconds" came).
func (p *Publisher) patiently(ctx context.Context, id, what string, fn func() error) error {
	start := time.Now()
	var last time.Time
	for {
		err := fn()
		if err == nil || !errors.Is(err, chain.ErrUnavailable) || ctx.Err() != nil {
			return err
		}
		if time.Since(start) >= p.cfg.WaitTimeout {
			return fmt.Errorf("%s: gave up after %s: %w", what, p.cfg.WaitTimeout, err)
		}
		if time.Since(last) >= waitingEvery && p.cfg.Progress != nil {
			last = time.Now()
			p.cfg.Progress(Event{Deployment: id, Step: "chain", Message: fmt.Sprintf("%s: the chain does not answer (%v); retrying until %s have passed", what, lastErr(err), p.cfg.WaitTimeout), Waiting: time.Since(start)})
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
}

func addrHex(a common.Address) string { return a.Hex() }

// parseBig parses a decimal string of base units.
func parseBig(s string) (*big.Int, bool) {
	return new(big.Int).SetString(s, 10)
}

// Chain is the chain client the Publisher uses.
func (p *Publisher) Chain() *chain.Client { return p.cfg.Chain }

// currentAddrs are the addresses to reach a record's provider at: those
// recorded, and those its Registry entry has now (a provider that
// restarted may listen elsewhere), for the same peer.
func (p *Publisher) currentAddrs(ctx context.Context, rec *Record) []string {
	addrs := append([]string(nil), rec.Provider.Addrs...)
	if p.cfg.Registry == nil || rec.Provider.Pinned {
		return addrs
	}
	rp, err := p.cfg.Registry.Provider(ctx, rec.Provider.Address)
	if err != nil || rp.Info.PeerId != rec.Provider.PeerID {
		return addrs
	}
	for _, a := range p.withHints(rp.Owner, rp.Info.Addrs) {
		if !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	return addrs
}

// lastErr is the last part of a wrapped error's text (its cause).
func lastErr(err error) string {
	m := err.Error()
	if i := strings.LastIndex(m, ": "); i >= 0 {
		return m[i+2:]
	}
	return m
}
