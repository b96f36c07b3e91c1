package containerd

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	v1 "github.com/containerd/cgroups/v3/cgroup1/stats"
	v2 "github.com/containerd/cgroups/v3/cgroup2/stats"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/errdefs"
	"github.com/containerd/typeurl/v2"

	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/runtime"
)

// Usage implements runtime.Runtime. It also enforces the storage limit: a
// running pod whose writable layers plus volumes exceed the sum of its
// containers' StorageMiB is killed (no grace) and its status Reason becomes
// runtime.ReasonStorageLimit. A caller that samples once a second (the
// meter) thereby enforces the limit within about a second.
func (r *Runtime) Usage(ctx context.Context, id string) (runtime.Usage, error) {
	ctx = r.ctx(ctx)
	st, err := r.load(id)
	if err != nil {
		return runtime.Usage{}, err
	}
	u := runtime.Usage{Time: r.now(), Since: st.Since, Reserved: st.Spec.Resources()}
	sn := r.client.SnapshotService(snapshotter)
	for _, c := range st.Spec.AllContainers() {
		cid := containerID(id, c.Name)
		if su, err := sn.Usage(ctx, cid); err == nil {
			u.WritableBytes += uint64(max(su.Size, 0))
		}
		cont, err := r.client.LoadContainer(ctx, cid)
		if err != nil {
			continue // mid-update
		}
		task, err := cont.Task(ctx, nil)
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return u, wrapErr(err)
		}
		s, err := task.Status(ctx)
		if err != nil {
			continue
		}
		switch s.Status {
		case client.Running, client.Paused, client.Pausing:
			// Frozen (st.Frozen, idle.go) or not, its process exists.
			u.Running = true
		default:
			continue
		}
		m, err := task.Metrics(ctx)
		if err != nil {
			continue // exited between the two calls
		}
		cpu, ws, err := DecodeMetrics(m)
		if err != nil {
			return u, fmt.Errorf("container %s: %w", cid, err)
		}
		u.CPUNanos += cpu
		u.MemoryWorkingSetBytes += ws
	}
	if st.Frozen && u.Running {
		u.Running, u.Frozen = false, true // its counters go on, its memory stays held
	}
	u.VolumeBytes = diskUsage(filepath.Join(r.podDir(id), "volumes"))
	if st.HostVeth != "" {
		u.EgressBytes = cgroupfs.OneShot().Counter(filepath.Join("/sys/class/net", st.HostVeth, "statistics", "rx_bytes"))
	}
	if limit := u.Reserved.StorageMiB << 20; limit > 0 && u.Running && u.WritableBytes+u.VolumeBytes > limit {
		r.log.Info("storage limit exceeded, killing pod", "pod", id, "used", u.WritableBytes+u.VolumeBytes, "limit", limit)
		if err := r.killForStorage(ctx, id); err != nil {
			return u, err
		}
		u.Running = false
	}
	return u, nil
}

func (r *Runtime) killForStorage(ctx context.Context, id string) error {
	defer r.lock(id)()
	st, err := r.load(id)
	if err != nil {
		return err
	}
	if err := r.stop(ctx, st, 0); err != nil {
		return err
	}
	st.Reason = runtime.ReasonStorageLimit
	return r.save(st)
}

// DecodeMetrics returns the CPU time (ns) and memory working set (bytes) of
// a task's metrics, which arrive as io.containerd.cgroups.v1.Metrics on a
// cgroup v1 host and io.containerd.cgroups.v2.Metrics on a cgroup v2 host.
// The working set is usage minus inactive file cache, as the kubelet counts it.
func DecodeMetrics(m *types.Metric) (cpuNanos, workingSet uint64, err error) {
	if m == nil || m.Data == nil {
		return 0, 0, fmt.Errorf("empty metrics: %w", runtime.ErrInvalid)
	}
	v, err := typeurl.UnmarshalAny(m.Data)
	if err != nil {
		return 0, 0, fmt.Errorf("decode metrics %s: %w", m.Data.GetTypeUrl(), err)
	}
	switch s := v.(type) {
	case *v1.Metrics:
		if s.CPU != nil && s.CPU.Usage != nil {
			cpuNanos = s.CPU.Usage.Total
		}
		if s.Memory != nil && s.Memory.Usage != nil {
			workingSet = sat(s.Memory.Usage.Usage, s.Memory.TotalInactiveFile)
		}
	case *v2.Metrics:
		if s.CPU != nil {
			cpuNanos = s.CPU.UsageUsec * 1000
		}
		if s.Memory != nil {
			workingSet = sat(s.Memory.Usage, s.Memory.InactiveFile)
		}
	default:
		return 0, 0, fmt.Errorf("unknown metrics type %T: %w", v, runtime.ErrInvalid)
	}
	return cpuNanos, workingSet, nil
}

func sat(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// diskUsage sums the allocated size of dir and everything under it (as
// containerd's snapshot usage does), counting a hard-linked file once. The
// walk never follows symlinks.
func diskUsage(dir string) uint64 {
	var total uint64
	var linked map[uint64]bool
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		blocks, ino, nlink, ok := statBlocks(info)
		if !ok {
			total += uint64(info.Size())
			return nil
		}
		if nlink > 1 {
			if linked == nil {
				linked = map[uint64]bool{}
			}
			if linked[ino] {
				return nil
			}
			linked[ino] = true
		}
		total += blocks
		return nil
	})
	return total
}
