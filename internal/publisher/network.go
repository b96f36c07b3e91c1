package publisher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
)

// ErrStale: a record belongs to another network, or to a chain that was
// restarted since (a devnet): its channel is not on this chain.
var ErrStale = errors.New("record of another network")

// Network identifies where records live: the chain, its first block (a
// restarted devnet keeps chain ID and contract addresses but not its
// genesis) and the Payment contract.
type Network struct {
	ChainID uint64 `json:"chainId"`
	Genesis string `json:"genesis,omitempty"`
	Payment string `json:"payment"`
}

// networkCache holds the genesis hash, read once per Publisher.
type networkCache struct {
	once    sync.Once
	genesis string
}

// Network returns the network this Publisher works on.
func (p *Publisher) Network(ctx context.Context) Network {
	p.net.once.Do(func() {
		if h, err := p.cfg.Chain.HeaderByNumber(ctx, big.NewInt(0)); err == nil {
			p.net.genesis = h.Hash().Hex()
		}
	})
	return Network{ChainID: p.cfg.Chain.ChainID().Uint64(), Genesis: p.net.genesis, Payment: p.cfg.Payment.Address().Hex()}
}

// StaleError says why a record is not of this network.
type StaleError struct {
	ID     string
	Reason string
	// Restarted is set when the record's chain was restarted (same chain
	// ID and contracts, another genesis): its channels are gone for good.
	Restarted bool
}

// Error names the deployment and why it is another network's.
func (e *StaleError) Error() string {
	return fmt.Sprintf("deployment %s %s", e.ID, e.Reason)
}

// Unwrap makes errors.Is(err, ErrStale) true.
func (e *StaleError) Unwrap() error { return ErrStale }

// Code names the error for scripts (explain.Hinter).
func (e *StaleError) Code() string { return "stale-record" }

// Hint says what to do with the record (explain.Hinter).
func (e *StaleError) Hint() string {
	if e.Restarted {
		return "its chain is gone: `tpod pod cancel " + e.ID + "` marks it cancelled, `tpod pod prune` removes it, and `tpod deploy --resume " + e.ID + "` redeploys an unfinished one on this chain"
	}
	return "use the network it was made on (--network, --rpc, or its context), or remove the record with `tpod pod prune " + e.ID + " --force`"
}

// Stale reports whether rec belongs to another network than this one, and
// why; nil when it is this network's.
func (p *Publisher) Stale(ctx context.Context, rec *Record) *StaleError {
	n := p.Network(ctx)
	switch {
	case rec.ChainID != n.ChainID:
		return &StaleError{ID: rec.ID, Reason: fmt.Sprintf("was made on chain %d, and this is chain %d", rec.ChainID, n.ChainID)}
	case !strings.EqualFold(rec.Payment.Hex(), n.Payment):
		return &StaleError{ID: rec.ID, Reason: fmt.Sprintf("was made with the Payment contract %s, and this network's is %s", rec.Payment.Hex(), n.Payment)}
	case rec.Genesis != "" && n.Genesis != "" && !strings.EqualFold(rec.Genesis, n.Genesis):
		return &StaleError{ID: rec.ID, Restarted: true, Reason: "was made on an earlier run of this chain (another genesis block: a devnet restarted without --datadir), where its channel stays"}
	}
	return nil
}

// checkRecord refuses a record of another network or wallet.
func (p *Publisher) checkRecord(ctx context.Context, rec *Record) error {
	if st := p.Stale(ctx, rec); st != nil {
		return st
	}
	if p.cfg.Wallet != nil && rec.Publisher != p.cfg.Wallet.Address() {
		return fmt.Errorf("deployment %s belongs to %s, not the signing wallet %s: %w", rec.ID, rec.Publisher.Hex(), p.cfg.Wallet.Address().Hex(), ErrInvalid)
	}
	return nil
}
