package p2p

import (
	"context"
	"sync"
	"time"
)

// NonceStore remembers the nonces of accepted requests so that none is
// accepted twice. The server asks it only after a request's signature and
// expiry checked out, so only authorized publishers can add nonces.
//
// The provider daemon backs it with its SQLite store (store.Store.UseNonce),
// so replays stay refused across restarts; MemoryNonces serves tests and
// processes without state.
type NonceStore interface {
	// UseNonce records nonce as used until expiry. It reports false if the
	// nonce was used before and not yet forgotten. A nonce may be forgotten
	// once expiry has passed: the server refuses expired requests first.
	UseNonce(ctx context.Context, nonce [32]byte, expiry time.Time) (bool, error)
}

// MemoryNonces is a NonceStore in memory. Expired nonces are pruned as new
// ones arrive.
type MemoryNonces struct {
	now func() time.Time

	mu        sync.Mutex
	seen      map[[32]byte]time.Time
	nextPrune time.Time
}

// NewMemoryNonces returns an empty MemoryNonces; now is the clock (time.Now
// if nil).
func NewMemoryNonces(now func() time.Time) *MemoryNonces {
	if now == nil {
		now = time.Now
	}
	return &MemoryNonces{now: now, seen: make(map[[32]byte]time.Time)}
}

// UseNonce implements NonceStore.
func (m *MemoryNonces) UseNonce(_ context.Context, nonce [32]byte, expiry time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if !now.Before(m.nextPrune) {
		for n, exp := range m.seen {
			if exp.Before(now) {
				delete(m.seen, n)
			}
		}
		m.nextPrune = now.Add(time.Minute)
	}
	if _, ok := m.seen[nonce]; ok {
		return false, nil
	}
	m.seen[nonce] = expiry
	return true, nil
}

// Len returns how many nonces are remembered.
func (m *MemoryNonces) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen)
}
