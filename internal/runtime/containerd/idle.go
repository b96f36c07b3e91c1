package containerd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/cio"
	"github.com/containerd/errdefs"

	"github.com/trustedpods/tpod/internal/runtime"
)

var _ runtime.Idler = (*Runtime)(nil)

// Idle implements runtime.Idler: a pod whose spec says IdleFreeze is
// frozen, any other is stopped as by Stop and parked.
//
// Parking creates each container's next task right after the stop —
// containerd starts its shim, runc sets the container up (or runsc boots
// the gVisor sandbox) and waits to exec the app — and freezes it, so that
// a wake only thaws and starts it: the create was about 50–150 ms of a
// runc wake and most of a gVisor one. A parked task is not a run: the pod
// reports stopped, with its last run's exit, and is metered as stopped;
// the CPU its create used is the next run's.
//
// Freezing writes the cgroup freezer of each container (of the sandbox,
// under gVisor) directly, as runc's own pause does: its processes, and
// gVisor's Sentry with them, keep their memory and get no CPU until
// thawed. It goes around containerd (which still reports the tasks
// running; Status and the meter read the pod's Frozen flag), because a
// task Pause/Resume through the shim execs runc or runsc on the wake path:
// measured 40 ms for a gVisor thaw against about 1 ms for the write, and
// runsc's own pause leaves the Sentry's timers running.
func (r *Runtime) Idle(ctx context.Context, id string, grace time.Duration) error {
	ctx = r.ctx(ctx)
	defer r.lock(id)()
	st, err := r.load(id)
	if err != nil {
		return err
	}
	if st.Spec.Idle != runtime.IdleFreeze {
		if st.Parked {
			return nil
		}
		if err := r.stop(ctx, st, grace); err != nil {
			return err
		}
		r.park(ctx, st)
		return nil
	}
	return r.freeze(ctx, st)
}

// park creates and freezes the next task of each container of a stopped
// pod. It is only a head start: on a failure the tasks made so far are
// removed, and the next start creates them as usual.
func (r *Runtime) park(ctx context.Context, st *podState) {
	var made []client.Task
	undo := func(err error) {
		r.log.Warn("park pod's next tasks", "pod", st.Spec.ID, "err", err)
		for _, t := range made {
			r.cgroups.SetFrozen(r.cfg.Namespace, t.ID(), false)
			if _, err := t.Delete(ctx, client.WithProcessKill); err != nil && r.cfg.Sandbox == SandboxGVisor {
				r.forceDeleteRunsc(t.ID())
				t.Delete(ctx, client.WithProcessKill)
			}
		}
		r.clearParkingMarker(st)
	}
	// The signing core reads the marker: a task it sees before the freeze
	// below is not a run.
	if err := os.WriteFile(r.parkingMarker(st), nil, 0o600); err != nil {
		r.log.Warn("park pod's next tasks", "pod", st.Spec.ID, "err", err)
		return
	}
	for _, c := range st.Spec.AllContainers() {
		cid := containerID(st.Spec.ID, c.Name)
		cont, err := r.client.LoadContainer(ctx, cid)
		if err != nil {
			undo(wrapErr(err))
			return
		}
		t, err := cont.NewTask(ctx, cio.LogFile(r.logPath(st.Spec.ID, c.Name)))
		if err != nil {
			undo(fmt.Errorf("create task %s: %w", cid, wrapErr(err)))
			return
		}
		made = append(made, t)
		if err := r.cgroups.SetFrozen(r.cfg.Namespace, cid, true); err != nil {
			undo(fmt.Errorf("freeze %s: %w", cid, err))
			return
		}
	}
	st.Parked = true
	if err := r.save(st); err != nil {
		undo(err)
		st.Parked = false
	}
}

// unpark removes the tasks parked for the next start, without a grace
// period (no app runs in them) and without recording an exit: the
// containers' labels keep describing the last run.
func (r *Runtime) unpark(ctx context.Context, st *podState) error {
	if !st.Parked {
		return nil
	}
	tasks, err := r.podTasks(ctx, st)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		s, err := t.Status(ctx)
		if err != nil {
			return wrapErr(err)
		}
		if s.Status != client.Created {
			continue // started meanwhile by another path: a real run, stop it
		}
		r.cgroups.SetFrozen(r.cfg.Namespace, t.ID(), false)
		if _, err := t.Delete(ctx, client.WithProcessKill); err != nil && !errdefs.IsNotFound(err) {
			if r.cfg.Sandbox == SandboxGVisor {
				r.forceDeleteRunsc(t.ID())
				_, err = t.Delete(ctx, client.WithProcessKill)
			}
			if err != nil && !errdefs.IsNotFound(err) {
				return fmt.Errorf("remove parked task %s: %w", t.ID(), wrapErr(err))
			}
		}
	}
	st.Parked = false
	r.clearParkingMarker(st)
	return r.save(st)
}

// parkingMarker is the path of the pod's runtime.ParkingMarker.
func (r *Runtime) parkingMarker(st *podState) string {
	return filepath.Join(r.podDir(st.Spec.ID), runtime.ParkingMarker)
}

// clearParkingMarker removes the pod's runtime.ParkingMarker, if any.
func (r *Runtime) clearParkingMarker(st *podState) {
	if err := os.Remove(r.parkingMarker(st)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.log.Warn("remove parking marker", "pod", st.Spec.ID, "err", err)
	}
}

// podTasks returns the tasks of the pod's containers that exist.
func (r *Runtime) podTasks(ctx context.Context, st *podState) ([]client.Task, error) {
	var out []client.Task
	for _, c := range st.Spec.AllContainers() {
		cont, err := r.client.LoadContainer(ctx, containerID(st.Spec.ID, c.Name))
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, wrapErr(err)
		}
		task, err := cont.Task(ctx, nil)
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, wrapErr(err)
		}
		out = append(out, task)
	}
	return out, nil
}

// freezeWait bounds how long a cgroup may take to reach FROZEN.
const freezeWait = 5 * time.Second

// freeze freezes every container of the pod that has processes and
// records the pod frozen. The supervisor (probes, restarts) ends first: a
// frozen container would fail its probes; start resumes it.
func (r *Runtime) freeze(ctx context.Context, st *podState) error {
	if st.Frozen {
		return nil
	}
	r.stopSupervisor(st.Spec.ID)
	var frozen []string
	fail := func(err error) error {
		for _, cid := range frozen { // all or nothing
			r.cgroups.SetFrozen(r.cfg.Namespace, cid, false)
		}
		if st.Spec.Supervised() {
			r.superviseFrom(st, true) // as it was
		}
		return err
	}
	for _, c := range st.Spec.AllContainers() {
		cid := containerID(st.Spec.ID, c.Name)
		if !r.cgroups.HasProcesses(r.cfg.Namespace, cid) {
			continue // no task, or it exited: nothing to freeze
		}
		if err := r.cgroups.SetFrozen(r.cfg.Namespace, cid, true); err != nil {
			return fail(fmt.Errorf("freeze %s: %w", cid, err))
		}
		frozen = append(frozen, cid)
	}
	for _, cid := range frozen {
		if err := r.cgroups.WaitFrozen(ctx, r.cfg.Namespace, cid, freezeWait); err != nil {
			return fail(fmt.Errorf("freeze %s: %w", cid, err))
		}
	}
	st.Frozen = true
	if err := r.save(st); err != nil {
		return fail(err)
	}
	return nil
}

// thaw thaws a frozen pod. The flag is cleared only once every container
// is thawed, so the meter never takes a frozen pod for a running one.
// Supervision is the caller's: start resumes it, stop does not want it.
func (r *Runtime) thaw(st *podState) error {
	if !st.Frozen {
		return nil
	}
	for _, c := range st.Spec.AllContainers() {
		cid := containerID(st.Spec.ID, c.Name)
		if err := r.cgroups.SetFrozen(r.cfg.Namespace, cid, false); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("thaw %s: %w", cid, err)
		}
	}
	st.Frozen = false
	return r.save(st)
}

// repairFrozen clears the flag of pods recorded frozen none of whose
// containers is (a process that ended between thawing a pod and saving
// it), so that a running pod is metered as running.
func (r *Runtime) repairFrozen(states []*podState) {
	for _, st := range states {
		if !st.Frozen {
			continue
		}
		frozen := false
		for _, c := range st.Spec.AllContainers() {
			frozen = frozen || r.cgroups.Frozen(r.cfg.Namespace, containerID(st.Spec.ID, c.Name))
		}
		if !frozen {
			st.Frozen = false
			if err := r.save(st); err != nil {
				r.log.Warn("repair frozen pod", "pod", st.Spec.ID, "err", err)
			}
		}
	}
}

// allRunning reports whether every container of the pod has processes
// (read from cgroupfs, without asking containerd).
func (r *Runtime) allRunning(st *podState) bool {
	for _, c := range st.Spec.AllContainers() {
		if !r.cgroups.HasProcesses(r.cfg.Namespace, containerID(st.Spec.ID, c.Name)) {
			return false
		}
	}
	return true
}

// anyProcesses reports whether a container of the pod has processes.
func (r *Runtime) anyProcesses(st *podState) bool {
	for _, c := range st.Spec.AllContainers() {
		if r.cgroups.HasProcesses(r.cfg.Namespace, containerID(st.Spec.ID, c.Name)) {
			return true
		}
	}
	return false
}
