package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Cursor is the last block whose logs were fully handled.
type Cursor struct {
	Block uint64      `json:"block"`
	Hash  common.Hash `json:"hash"`
}

// CursorStore persists a watcher's cursor. Load returns ok=false when nothing
// was stored yet.
type CursorStore interface {
	Load(ctx context.Context) (c Cursor, ok bool, err error)
	Save(ctx context.Context, c Cursor) error
}

// MemoryCursor is a CursorStore in memory.
type MemoryCursor struct {
	mu  sync.Mutex
	c   Cursor
	set bool
}

// Load implements CursorStore.
func (m *MemoryCursor) Load(context.Context) (Cursor, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c, m.set, nil
}

// Save implements CursorStore.
func (m *MemoryCursor) Save(_ context.Context, c Cursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.c, m.set = c, true
	return nil
}

// FileCursor is a CursorStore in a small JSON file, replaced atomically.
type FileCursor string

// Load implements CursorStore.
func (f FileCursor) Load(context.Context) (Cursor, bool, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return Cursor{}, false, nil
	}
	if err != nil {
		return Cursor{}, false, err
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return Cursor{}, false, fmt.Errorf("cursor file %s: %w", string(f), err)
	}
	return c, true, nil
}

// Save implements CursorStore.
func (f FileCursor) Save(_ context.Context, c Cursor) error {
	b, _ := json.Marshal(c)
	tmp, err := os.CreateTemp(filepath.Dir(string(f)), ".cursor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), string(f))
}

// Watcher delivers the logs matching Query, block range by block range, once
// their blocks have the client's confirmation depth, and saves the cursor
// after each range is handled: delivery is at least once, resumes where it
// stopped, and never includes a block that a reorg shallower than the
// confirmation depth could remove. A deeper reorg stops Run with
// ErrReorgTooDeep.
type Watcher struct {
	Client *Client
	// Query selects addresses and topics; its block range fields are ignored.
	Query ethereum.FilterQuery
	// Cursor stores progress (default: in memory).
	Cursor CursorStore
	// From is the first block to scan when the store is empty.
	From uint64
	// MaxRange caps the blocks per eth_getLogs (default 2000).
	MaxRange uint64
	// Poll is the interval between head checks (default: the client's PollInterval, at least 100 ms).
	Poll time.Duration
	// Handle receives the logs of blocks (from, to], in order; an error stops Run.
	Handle func(ctx context.Context, logs []types.Log) error
}

// Run watches until ctx ends or Handle fails.
func (w *Watcher) Run(ctx context.Context) error {
	if w.Cursor == nil {
		w.Cursor = &MemoryCursor{}
	}
	poll := w.Poll
	if poll <= 0 {
		poll = max(w.Client.conf.PollInterval, 100*time.Millisecond)
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		if err := w.Step(ctx); err != nil && !errors.Is(err, ErrUnavailable) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Step scans once up to the confirmed head and returns.
func (w *Watcher) Step(ctx context.Context) error {
	if w.Cursor == nil {
		w.Cursor = &MemoryCursor{}
	}
	maxRange := w.MaxRange
	if maxRange == 0 {
		maxRange = 2000
	}
	cur, ok, err := w.Cursor.Load(ctx)
	if err != nil {
		return fmt.Errorf("load cursor: %w", err)
	}
	if ok {
		// The cursor's block must still be canonical.
		h, err := w.Client.HeaderByNumber(ctx, new(big.Int).SetUint64(cur.Block))
		if err != nil {
			return err
		}
		if h.Hash() != cur.Hash {
			return fmt.Errorf("block %d changed from %s to %s: %w", cur.Block, cur.Hash.Hex(), h.Hash().Hex(), ErrReorgTooDeep)
		}
	}
	head, err := w.Client.BlockNumber(ctx)
	if err != nil {
		return err
	}
	conf := w.Client.conf.Confirmations
	if head+1 < conf {
		return nil
	}
	safe := head + 1 - conf
	next := w.From
	if ok {
		next = cur.Block + 1
	}
	for next <= safe {
		to := min(safe, next+maxRange-1)
		q := w.Query
		q.BlockHash = nil
		q.FromBlock, q.ToBlock = new(big.Int).SetUint64(next), new(big.Int).SetUint64(to)
		logs, err := w.Client.FilterLogs(ctx, q)
		if err != nil {
			return err
		}
		end, err := w.Client.HeaderByNumber(ctx, q.ToBlock)
		if err != nil {
			return err
		}
		kept := logs[:0]
		for _, l := range logs {
			if !l.Removed {
				kept = append(kept, l)
			}
		}
		if len(kept) > 0 && w.Handle != nil {
			if err := w.Handle(ctx, kept); err != nil {
				return err
			}
		}
		if err := w.Cursor.Save(ctx, Cursor{Block: to, Hash: end.Hash()}); err != nil {
			return fmt.Errorf("save cursor: %w", err)
		}
		next = to + 1
	}
	return nil
}
