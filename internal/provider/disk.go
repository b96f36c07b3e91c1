package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/trustedpods/tpod/internal/p2p"
)

// The data disk holds the provider's state (SQLite: meters, receipts), the
// runtime's images and writable layers and the pods' volumes. When it
// fills up, whatever filled it (a pod's volume, a log, an operator's file),
// the provider must still meter and bill the pods it runs, and must not take
// on new ones (docs/reliability.md, "Data disk full").
//
// It keeps a reserve file of DiskReserve bytes on the disk. When the free
// space falls under half the reserve, the disk is full: the reserve is
// released, so that the provider's own writes (a meter round every second,
// a receipt per pod every cycle) have room, new orders are refused with
// ErrNoCapacity, and an alert is raised (the tpod_provider_disk_full metric,
// an error in the log). Once twice the reserve is free again, the reserve
// is taken back and orders are accepted.

// reserveName is the reserve file in the data directory.
const reserveName = "disk-reserve"

// diskGuard watches the data disk's free space.
type diskGuard struct {
	dir     string // a directory on the data disk
	reserve int64  // bytes kept in the reserve file; 0 turns the guard off

	mu   sync.Mutex
	full bool
	free int64 // bytes free at the last look
}

func (g *diskGuard) path() string { return filepath.Join(g.dir, reserveName) }

// freeBytes is what unprivileged writers may still use of the disk.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * st.Bsize, nil
}

// check looks at the free space and moves between normal and full,
// releasing or taking back the reserve. It reports a change of state.
func (g *diskGuard) check() (changed bool, full bool, free int64, err error) {
	if g.reserve <= 0 {
		return false, false, 0, nil
	}
	free, err = freeBytes(g.dir)
	if err != nil {
		return false, false, 0, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.free = free
	switch {
	case !g.full && free < g.reserve/2:
		g.full, changed = true, true
		if err := os.Remove(g.path()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return changed, true, free, fmt.Errorf("release the disk reserve: %w", err)
		}
	case g.full && free >= 2*g.reserve:
		if err := g.fillReserve(); err != nil {
			return false, true, free, err
		}
		g.full, changed = false, true
	}
	return changed, g.full, g.free, nil
}

// fillReserve writes the reserve file (zeros, synced: a sparse or unwritten
// file would not hold the space).
func (g *diskGuard) fillReserve() error {
	if fi, err := os.Stat(g.path()); err == nil && fi.Size() == g.reserve {
		return nil
	}
	tmp := g.path() + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("disk reserve: %w", err)
	}
	_, err = io.CopyN(f, zeros{}, g.reserve)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, g.path())
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("disk reserve: %w", err)
	}
	return nil
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// isFull reports whether the disk is full, and how many bytes were free at
// the last look.
func (g *diskGuard) isFull() (bool, int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.full, g.free
}

// start takes the reserve at start-up (if the disk has room for it; else
// the first check finds it full).
func (g *diskGuard) start() error {
	if g.reserve <= 0 {
		return nil
	}
	free, err := freeBytes(g.dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(g.path()); err == nil || free >= 2*g.reserve {
		return g.fillReserve()
	}
	g.mu.Lock()
	g.full, g.free = true, free
	g.mu.Unlock()
	return nil
}

// watchDisk is run every meter interval: it acts on the data disk's state
// and raises or clears the alert.
func (p *Provider) watchDisk(context.Context) {
	changed, full, free, err := p.disk.check()
	if err != nil {
		p.log.Warn("data disk", "err", err)
	}
	p.metrics.diskFree.Set(float64(free))
	if full {
		p.metrics.diskFull.Set(1)
	} else {
		p.metrics.diskFull.Set(0)
	}
	switch {
	case changed && full:
		p.log.Error("ALERT: the data disk is full: new orders are refused; running pods are metered and billed from the released reserve; free space on it",
			"dir", p.disk.dir, "freeMiB", free>>20, "reserveMiB", p.disk.reserve>>20)
	case changed:
		p.log.Info("the data disk has room again: orders are accepted", "freeMiB", free>>20)
	}
}

// diskRoom refuses an order while the data disk is full.
func (p *Provider) diskRoom() error {
	if full, free := p.disk.isFull(); full {
		return fmt.Errorf("the provider's data disk is full (%d MiB free): it takes no new pods until space is freed; try another provider: %w",
			free>>20, p2p.ErrNoCapacity)
	}
	return nil
}
