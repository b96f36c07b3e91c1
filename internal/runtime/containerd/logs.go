package containerd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
)

// Logs implements runtime.Runtime. The shim appends a container's stdout
// and stderr to DataDir/pods/<pod>/logs/<container>.log; Logs copies that
// file and, with Follow, polls it every 50 ms until the container stops
// running (then drains it) or ctx is done.
func (r *Runtime) Logs(ctx context.Context, id, container string, opts runtime.LogOptions, w io.Writer) error {
	st, err := r.load(id)
	if err != nil {
		return err
	}
	found := false
	for _, c := range st.Spec.AllContainers() {
		found = found || c.Name == container
	}
	if !found {
		return fmt.Errorf("pod %s has no container %q: %w", id, container, runtime.ErrNotFound)
	}
	f, err := os.Open(r.logPath(id, container))
	if errors.Is(err, os.ErrNotExist) && !opts.Follow {
		return nil
	}
	for errors.Is(err, os.ErrNotExist) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		f, err = os.Open(r.logPath(id, container))
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if opts.Timestamps {
		sw := &stampWriter{w: w, marks: &r.logMarks, path: r.logPath(id, container), now: r.now}
		defer sw.flush()
		w = sw
	}
	cid := containerID(id, container)
	for {
		if _, err := io.Copy(w, f); err != nil {
			return err
		}
		if !opts.Follow {
			return nil
		}
		if sw, ok := w.(*stampWriter); ok {
			sw.live = true // what comes next is read as it is written
		}
		cs, err := r.containerStatus(r.ctx(ctx), cid)
		if err != nil {
			return err
		}
		if cs.State != runtime.ContainerRunning && cs.State != runtime.ContainerCreated && cs.State != runtime.ContainerFrozen {
			_, err := io.Copy(w, f)
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// maxLogBytes caps a container's log file; see capLog.
const maxLogBytes = 16 << 20

// capLog keeps a log file under max bytes: once larger, it is cut to its
// last max/2 bytes. The shim appends with O_APPEND, so its writes continue
// at the new end; lines written during the cut may be lost.
func capLog(path string, max int64) {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() <= max {
		return
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	tail := make([]byte, max/2)
	n, _ := f.ReadAt(tail, fi.Size()-int64(len(tail)))
	if err := f.Truncate(0); err != nil {
		return
	}
	f.WriteAt(tail[:n], 0)
}
