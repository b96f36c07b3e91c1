package containerd

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/runtime"
)

// The start burst (docs/runtime.md § Idle, "Start burst"). When a pod
// begins a new run — a wake from stopped, or its first start — the CPU
// limits of its containers' cgroups (under gVisor, each sandbox's) are
// lifted until the pod listens on all its declared TCP ports and a short
// tail for the request that woke it (burstTail), or at most
// Config.StartBurst, and then set back to the spec's. A start under a small limit otherwise spends most of its time
// throttled: a gVisor app starting in a parked sandbox at 100m waited about
// a second per wake for its CFS periods (docs/benchmarks.md § Wake from
// zero). The CPU the burst uses is the run's, billed as usage; what is
// reserved does not change.
//
// The restore happens on every path: at once when Start fails; when the
// pod is stopped, idled, updated or deleted during the burst; on Close;
// and, after a crash, by the next Runtime's New (pod.json's Burst flag is
// set before any limit is lifted and cleared once every limit is back).

const (
	// DefaultStartBurst bounds a start burst when Config.StartBurst is 0.
	DefaultStartBurst = 1500 * time.Millisecond
	// burstTail and burstTailCPU bound the burst after the pod listens,
	// for the request that woke it: 100 ms, or 60 ms of CPU used by the
	// pod since, whichever comes first. Under gVisor the work right after
	// the listen is still heavy: held to 100m from the listen on, a wake
	// waited about half a second of throttled periods. The CPU bound keeps
	// a CPU-bound app near its limit from its first answer on (2 spinning
	// threads: 30 ms).
	burstTail    = 100 * time.Millisecond
	burstTailCPU = 60 * time.Millisecond
	// burstPoll is how often the pod's listening sockets are looked at.
	burstPoll = 2 * time.Millisecond
	// cfsPeriod is the CFS period of every container's limit (µs).
	cfsPeriod = 100_000
)

// burst is one pod's start burst in progress.
type burst struct {
	// limited are the pod's containers with a CPU limit: their quota (µs
	// per cfsPeriod), by name.
	limited map[string]int64
	// end is closed (by stop) to end the burst early.
	end  chan struct{}
	once sync.Once
}

func (b *burst) stop() { b.once.Do(func() { close(b.end) }) }

// cfsQuota is a container's CFS quota per cfsPeriod, 0 without a limit.
func cfsQuota(c runtime.Container) int64 { return int64(c.Resources.CPUMillis * cfsPeriod / 1000) }

// beginBurst opens a start burst for st if the runtime bursts and one of
// its containers has a CPU limit, recording it in pod.json first; the
// containers' limits are lifted as their tasks are started
// (liftForBurst). It reports whether a burst began.
func (r *Runtime) beginBurst(st *podState) bool {
	// A pod that declares no TCP port has no listen to end a burst at, and
	// no request waits on its start: it starts under its limit.
	if r.cfg.StartBurst < 0 || len(tcpPorts(st)) == 0 {
		return false
	}
	b := &burst{limited: map[string]int64{}, end: make(chan struct{})}
	for _, c := range st.Spec.AllContainers() {
		if q := cfsQuota(c); q > 0 {
			b.limited[c.Name] = q
		}
	}
	if len(b.limited) == 0 {
		return false
	}
	r.endBurst(st) // a burst of an earlier start still open
	st.Burst = true
	if err := r.save(st); err != nil {
		r.log.Warn("start burst", "pod", st.Spec.ID, "err", err)
		st.Burst = false
		return false
	}
	r.mu.Lock()
	r.bursts[st.Spec.ID] = b
	r.mu.Unlock()
	return true
}

// liftForBurst lifts the CPU limit of a container whose task exists and is
// about to start, if its pod is in a start burst.
func (r *Runtime) liftForBurst(pod, name string) {
	r.mu.Lock()
	b := r.bursts[pod]
	r.mu.Unlock()
	if b == nil || b.limited[name] == 0 {
		return
	}
	cid := containerID(pod, name)
	if err := r.cgroups.SetCPUQuota(r.cfg.Namespace, cid, cgroupfs.NoQuota, cfsPeriod); err != nil {
		r.log.Warn("start burst: lift the CPU limit", "container", cid, "err", err)
	}
}

// watchBurst ends st's burst, once its start returned, when the pod
// listens on all its declared TCP ports (not the first: a pod's containers
// start in parallel) or at the bound, whichever comes first.
func (r *Runtime) watchBurst(st *podState) {
	r.mu.Lock()
	b := r.bursts[st.Spec.ID]
	r.mu.Unlock()
	if b == nil {
		return
	}
	bound := r.cfg.StartBurst
	if bound == 0 {
		bound = DefaultStartBurst
	}
	ports := tcpPorts(st)
	l := &listenWatch{r: r, st: st, ports: ports, seen: map[uint16]bool{}}
	r.burstWG.Add(1)
	go func() {
		defer r.burstWG.Done()
		timeout := time.NewTimer(bound)
		defer timeout.Stop()
		tick := time.NewTicker(burstPoll)
		defer tick.Stop()
		var listened time.Time // then the tail
		var cpu0 uint64
	wait:
		for {
			select {
			case <-b.end:
				break wait
			case <-timeout.C:
				break wait
			case <-tick.C:
				switch {
				case listened.IsZero():
					if l.listening() {
						listened, cpu0 = time.Now(), l.cpu()
					}
				case time.Since(listened) >= burstTail || l.cpu()-cpu0 >= uint64(burstTailCPU):
					break wait
				}
			}
		}
		defer r.lock(st.Spec.ID)()
		r.mu.Lock()
		mine := r.bursts[st.Spec.ID] == b
		if mine {
			delete(r.bursts, st.Spec.ID)
		}
		r.mu.Unlock()
		if !mine {
			return // ended by whoever closed b.end, under the pod's lock
		}
		if cur, err := r.load(st.Spec.ID); err == nil {
			r.restoreLimits(cur)
		}
	}()
}

// tcpPorts are the TCP ports st's containers declare.
func tcpPorts(st *podState) map[uint16]bool {
	ports := map[uint16]bool{}
	for _, c := range st.Spec.AllContainers() {
		for _, p := range c.Ports {
			if p.Protocol == "" || p.Protocol == "tcp" {
				ports[p.ContainerPort] = true
			}
		}
	}
	return ports
}

// endBurst ends st's burst now, if one is open or recorded: the caller
// holds the pod's lock (a stop, an update, a failed start, a delete).
func (r *Runtime) endBurst(st *podState) {
	r.dropBurst(st.Spec.ID)
	if st.Burst {
		r.restoreLimits(st)
	}
}

// dropBurst ends the watcher of the pod's burst, if one is open, without
// restoring anything.
func (r *Runtime) dropBurst(id string) {
	r.mu.Lock()
	b := r.bursts[id]
	delete(r.bursts, id)
	r.mu.Unlock()
	if b != nil {
		b.stop()
	}
}

// restoreLimits sets every limited container's CPU limit back to its spec
// (a container without a task has no cgroup to restore: its next task is
// created with the spec's limit) and clears the pod's Burst flag once all
// are back; a failure leaves it for the next Runtime to retry.
func (r *Runtime) restoreLimits(st *podState) {
	ok := true
	for _, c := range st.Spec.AllContainers() {
		cid := containerID(st.Spec.ID, c.Name)
		q := cfsQuota(c)
		if q == 0 {
			continue
		}
		if err := r.cgroups.SetCPUQuota(r.cfg.Namespace, cid, q, cfsPeriod); err != nil && !errors.Is(err, os.ErrNotExist) {
			r.log.Error("start burst: restore the CPU limit", "container", cid, "err", err)
			ok = false
		}
	}
	if !ok || !st.Burst {
		return
	}
	st.Burst = false
	if err := r.save(st); err != nil {
		r.log.Warn("start burst: record the end", "pod", st.Spec.ID, "err", err)
	}
}

// repairBursts restores the limits of pods whose burst an earlier process
// left open (it stopped or crashed during a start).
func (r *Runtime) repairBursts(states []*podState) {
	for _, st := range states {
		if st.Burst {
			r.log.Info("start burst left open by an earlier process: CPU limits restored", "pod", st.Spec.ID)
			r.restoreLimits(st)
		}
	}
}

// closeBursts ends every open burst, restoring the limits (Close).
func (r *Runtime) closeBursts() {
	r.mu.Lock()
	for _, b := range r.bursts {
		b.stop()
	}
	r.mu.Unlock()
	r.burstWG.Wait()
}

// listenWatch tells whether a pod's app listens, from the TCP tables of
// the pod's network namespace, read through a process that runs in it
// (under gVisor the sandbox, whose host-network sockets are the app's;
// not its gofer, which has a namespace of its own). Nothing connects to
// the app.
type listenWatch struct {
	r     *Runtime
	st    *podState
	ports map[uint16]bool
	seen  map[uint16]bool // ports seen listening (a process may close one)
	pid   int
	netns uint64
}

func (l *listenWatch) listening() bool {
	if l.netns == 0 {
		var s syscall.Stat_t
		if err := syscall.Stat(l.st.NetNS, &s); err != nil {
			return false
		}
		l.netns = s.Ino
	}
	if l.pid == 0 || !l.inNetNS(l.pid) {
		l.pid = l.findPID()
		if l.pid == 0 {
			return false
		}
	}
	dir := filepath.Join("/proc", strconv.Itoa(l.pid), "net")
	for _, f := range []string{"tcp", "tcp6"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			cgroupfs.Listening(b, l.ports, l.seen)
		}
	}
	return len(l.seen) == len(l.ports)
}

// cpu is the CPU time the pod's containers used so far, in ns.
func (l *listenWatch) cpu() uint64 {
	f := cgroupfs.OneShot()
	var n uint64
	for _, c := range l.st.Spec.AllContainers() {
		if cg, ok := l.r.cgroups.Read(f, l.r.cfg.Namespace, containerID(l.st.Spec.ID, c.Name)); ok {
			n += cg.CPUNanos
		}
	}
	return n
}

func (l *listenWatch) findPID() int {
	f := cgroupfs.OneShot()
	for _, c := range l.st.Spec.AllContainers() {
		cg, ok := l.r.cgroups.Read(f, l.r.cfg.Namespace, containerID(l.st.Spec.ID, c.Name))
		if !ok {
			continue
		}
		for _, pid := range cg.PIDs {
			if l.inNetNS(pid) {
				return pid
			}
		}
	}
	return 0
}

func (l *listenWatch) inNetNS(pid int) bool {
	var s syscall.Stat_t
	return syscall.Stat(filepath.Join("/proc", strconv.Itoa(pid), "ns", "net"), &s) == nil && s.Ino == l.netns
}
