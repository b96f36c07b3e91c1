package ipfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ipfs/go-cid"
)

// StalledError is a fetch that got nothing for its whole idle timeout:
// no peer tried had the CID (or stopped sending it).
type StalledError struct {
	CID   cid.Cid
	Peers []string // the peers connected while waiting
	After time.Duration
	// Started is set when part of the file had arrived.
	Started bool
}

// Error says what stalled and for how long.
func (e *StalledError) Error() string {
	peers := "no peer was connected (give one that has it: --ipfs-peer /ip4/.../tcp/.../p2p/ID)"
	if len(e.Peers) > 0 {
		peers = "peers tried: " + strings.Join(e.Peers, ", ")
	}
	what := "no peer sent any of it"
	if e.Started {
		what = "the transfer stalled"
	}
	return fmt.Sprintf("fetch %s: %s within %s; %s", e.CID, what, e.After, peers)
}

// Peerer lists the peers a store is connected to (the embedded node does).
type Peerer interface{ Peers() []string }

// Peers lists the node's connected peers as /p2p multiaddrs.
func (n *Node) Peers() []string {
	var out []string
	h := n.Host()
	for _, p := range h.Network().Peers() {
		addrs := h.Peerstore().Addrs(p)
		if len(addrs) > 0 {
			out = append(out, addrs[0].String()+"/p2p/"+p.String())
		} else {
			out = append(out, "/p2p/"+p.String())
		}
	}
	return out
}

// GetWithin is s.Get that gives up when no data arrives for idle (at the
// start or in the middle), with a StalledError naming the CID and the
// peers tried, instead of waiting forever for a CID no peer has.
func GetWithin(ctx context.Context, s Store, c cid.Cid, opts GetOptions, idle time.Duration) (io.ReadCloser, int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	w := &watchdog{cancel: cancel, idle: idle}
	w.timer = time.AfterFunc(idle, w.fire)
	stalled := func(started bool) error {
		e := &StalledError{CID: c, After: idle, Started: started}
		if p, ok := s.(Peerer); ok {
			e.Peers = p.Peers()
		}
		return e
	}
	rc, size, err := s.Get(ctx, c, opts)
	if err != nil {
		w.timer.Stop()
		cancel()
		if w.fired() {
			return nil, 0, stalled(false)
		}
		return nil, 0, err
	}
	w.timer.Reset(idle)
	return &watchedReader{rc: rc, w: w, stalled: stalled}, size, nil
}

type watchdog struct {
	mu     sync.Mutex
	timer  *time.Timer
	cancel context.CancelFunc
	idle   time.Duration
	done   bool
}

func (w *watchdog) fire() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
	w.cancel()
}

func (w *watchdog) fired() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done
}

type watchedReader struct {
	rc      io.ReadCloser
	w       *watchdog
	stalled func(started bool) error
	read    int64
}

func (r *watchedReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if n > 0 {
		r.read += int64(n)
		r.w.timer.Reset(r.w.idle)
	}
	if err != nil && !errors.Is(err, io.EOF) && r.w.fired() {
		return n, r.stalled(r.read > 0)
	}
	return n, err
}

func (r *watchedReader) Close() error {
	r.w.timer.Stop()
	r.w.cancel()
	return r.rc.Close()
}
