package containerd

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/errdefs"

	"github.com/trustedpods/tpod/internal/runtime"
)

// Restart back-off: doubled after each restart up to maxBackoff, back to
// minBackoff once a container has run for resetBackoffAfter.
const (
	minBackoff        = time.Second
	maxBackoff        = 5 * time.Minute
	resetBackoffAfter = 10 * time.Minute
	livenessKillGrace = 5 * time.Second
)

// A supervisor runs one pod whose spec needs more than starting its
// containers once (runtime.PodSpec.Supervised): the init sequence, restarts
// by policy and liveness, and the probes behind Ready. It lives in this
// process only; New starts one again for a supervised pod it finds running.
type supervisor struct {
	r      *Runtime
	spec   runtime.PodSpec
	ip     string
	since  time.Time // start of the run it supervises
	cancel context.CancelFunc
	done   chan struct{}
	// outcome receives the start sequence's result once: nil when the
	// containers have started, or the first init failure.
	outcome chan error

	mu       sync.Mutex
	inInit   bool
	reported bool
	isReady  map[string]bool
	restart  map[string]int
}

// supervisor returns the live supervisor of a pod, or nil.
func (r *Runtime) supervisor(id string) *supervisor {
	r.mu.Lock()
	sv := r.sups[id]
	r.mu.Unlock()
	if sv == nil {
		return nil
	}
	select {
	case <-sv.done:
		return nil
	default:
		return sv
	}
}

// stopSupervisor ends a pod's supervisor (its containers keep running) and
// waits for it.
func (r *Runtime) stopSupervisor(id string) {
	r.mu.Lock()
	sv := r.sups[id]
	delete(r.sups, id)
	r.mu.Unlock()
	if sv != nil {
		sv.cancel()
		<-sv.done
	}
}

// startSupervised starts a supervised pod: a new run with its init sequence,
// or, when its containers already run (a new process found them), only the
// supervision. It waits for the sequence's outcome or ctx.
func (r *Runtime) startSupervised(ctx context.Context, st *podState) error {
	if r.supervisor(st.Spec.ID) != nil {
		return nil // running, or starting under its supervisor
	}
	status, err := r.status(ctx, st)
	if err != nil {
		return err
	}
	resume := status.State == runtime.PodRunning || status.State == runtime.PodPartial
	if !resume {
		// Parked tasks are started by the sequence (startContainer).
		st.Since, st.Reason, st.Parked = r.now(), "", false
		if err := r.save(st); err != nil {
			return err
		}
	}
	sv := r.superviseFrom(st, resume)
	select {
	case err := <-sv.outcome:
		return err
	case <-ctx.Done():
		return fmt.Errorf("pod %s: still starting: %w", st.Spec.ID, ctx.Err())
	}
}

// superviseFrom registers and starts a supervisor for st. With resume, the
// run is under way (a new process found it): each container is taken up
// where it stands (see run).
func (r *Runtime) superviseFrom(st *podState, resume bool) *supervisor {
	ctx, cancel := context.WithCancel(r.ctx(context.Background()))
	sv := &supervisor{
		r: r, spec: st.Spec, ip: st.IP, since: st.Since, cancel: cancel,
		done: make(chan struct{}), outcome: make(chan error, 1),
		inInit: true, isReady: map[string]bool{}, restart: map[string]int{},
	}
	r.mu.Lock()
	r.sups[st.Spec.ID] = sv
	r.mu.Unlock()
	go sv.run(ctx, resume)
	return sv
}

// Where a container of a resumed run stands.
const (
	notRun  = iota // not started in this run yet
	running        // its task runs
	exited         // it ran in this run and exited
)

// where tells where a container stands in the current run: an exit older
// than the run's start belongs to an earlier run.
func (sv *supervisor) where(ctx context.Context, c runtime.Container) (int, uint32) {
	cs, err := sv.r.containerStatus(ctx, containerID(sv.spec.ID, c.Name))
	switch {
	case err != nil:
		return notRun, 0
	case cs.State == runtime.ContainerRunning:
		return running, 0
	case cs.State == runtime.ContainerExited && !cs.FinishedAt.Before(sv.since):
		return exited, cs.ExitCode
	}
	return notRun, 0
}

// run runs the start sequence: init containers in order (sidecars started
// and kept, the others run to completion), then the containers, each kept
// by its policy. With resume, the sequence continues from where the run
// stands, as if this process had run it all along: running containers are
// supervised, not started again; an init container that completed in this
// run is not run again, one that failed is retried or fails the start per
// its policy; a container that exited in this run is left to its restart
// policy; the rest are started in order.
func (sv *supervisor) run(ctx context.Context, resume bool) {
	defer close(sv.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	keep := func(c runtime.Container, started chan<- struct{}) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sv.keep(ctx, c, started)
		}()
	}
	stand := func(c runtime.Container) (int, uint32) {
		if !resume {
			return notRun, 0
		}
		return sv.where(ctx, c)
	}
	for _, c := range sv.spec.InitContainers {
		at, code := stand(c)
		switch {
		case c.Sidecar:
			started := make(chan struct{})
			if at != running {
				if err := sv.startTask(ctx, c); err != nil {
					sv.report(err)
					return
				}
			}
			keep(c, started)
			select {
			case <-started:
			case <-ctx.Done():
				return
			}
		case at == exited && code == 0:
			// completed in this run before the restart
		case at == exited && c.Restart == runtime.RestartNever:
			sv.report(fmt.Errorf("pod %s: init container %q exited with code %d: %w", sv.spec.ID, c.Name, code, runtime.ErrFailedPrecondition))
			return
		default:
			if err := sv.runToCompletion(ctx, c); err != nil {
				sv.report(err)
				return
			}
		}
	}
	for _, c := range sv.spec.Containers {
		if at, _ := stand(c); at == notRun {
			if err := sv.startTask(ctx, c); err != nil {
				sv.report(err)
				return
			}
		}
		keep(c, nil)
	}
	sv.mu.Lock()
	sv.inInit = false
	sv.mu.Unlock()
	sv.report(nil)
}

// report delivers the start sequence's first outcome.
func (sv *supervisor) report(err error) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.reported {
		return
	}
	sv.reported = true
	sv.outcome <- err
}

func (sv *supervisor) initializing() bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.inInit
}

func (sv *supervisor) ready(name string) bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.isReady[name]
}

func (sv *supervisor) restarts(name string) int {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.restart[name]
}

func (sv *supervisor) setReady(name string, ok bool) {
	sv.mu.Lock()
	sv.isReady[name] = ok
	sv.mu.Unlock()
}

func (sv *supervisor) startTask(ctx context.Context, c runtime.Container) error {
	_, err := sv.r.startContainer(ctx, sv.spec.ID, c.Name)
	return err
}

// runToCompletion runs an init container until it exits 0, restarting it
// after a failure when its policy allows (the first failure is reported,
// so Start returns it while the retries go on).
func (sv *supervisor) runToCompletion(ctx context.Context, c runtime.Container) error {
	backoff := minBackoff
	for {
		if err := sv.startTask(ctx, c); err != nil {
			return err
		}
		code, err := sv.waitExit(ctx, c, func() {})
		if err != nil {
			return err
		}
		if code == 0 {
			return nil
		}
		failed := fmt.Errorf("pod %s: init container %q exited with code %d: %w", sv.spec.ID, c.Name, code, runtime.ErrFailedPrecondition)
		if c.Restart == runtime.RestartNever {
			return failed
		}
		sv.report(failed)
		sv.mu.Lock()
		sv.restart[c.Name]++
		sv.mu.Unlock()
		if !sleepCtx(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// keep watches a long-running container: probes it while it runs and
// restarts it after it exits when its policy says so (a sidecar always).
// started is closed once the container runs and its startup probe passed.
func (sv *supervisor) keep(ctx context.Context, c runtime.Container, started chan<- struct{}) {
	var once sync.Once
	markStarted := func() {
		if started != nil {
			once.Do(func() { close(started) })
		}
	}
	backoff := minBackoff
	for {
		t0 := time.Now()
		code, err := sv.waitExit(ctx, c, markStarted)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			sv.r.log.Warn("supervise container", "pod", sv.spec.ID, "container", c.Name, "err", err)
		}
		sv.setReady(c.Name, false)
		restart := c.Sidecar || c.Restart == runtime.RestartAlways || (c.Restart == runtime.RestartOnFailure && code != 0)
		if !restart {
			return
		}
		if time.Since(t0) > resetBackoffAfter {
			backoff = minBackoff
		}
		if !sleepCtx(ctx, backoff) {
			return
		}
		backoff = min(2*backoff, maxBackoff)
		sv.mu.Lock()
		sv.restart[c.Name]++
		sv.mu.Unlock()
		if err := sv.startTask(ctx, c); err != nil && ctx.Err() == nil {
			sv.r.log.Warn("restart container", "pod", sv.spec.ID, "container", c.Name, "err", err)
		}
	}
}

// waitExit waits for the container's current task to exit while running its
// probes, and returns the exit code. A liveness (or startup) failure kills
// the task. markStarted is called when the startup probe passes (at once
// without one).
func (sv *supervisor) waitExit(ctx context.Context, c runtime.Container, markStarted func()) (uint32, error) {
	cont, err := sv.r.client.LoadContainer(ctx, containerID(sv.spec.ID, c.Name))
	if err != nil {
		return 0, wrapErr(err)
	}
	task, err := cont.Task(ctx, nil)
	if errdefs.IsNotFound(err) {
		return 255, nil // gone already: treat as a failure
	}
	if err != nil {
		return 0, wrapErr(err)
	}
	exit, err := task.Wait(ctx)
	if err != nil {
		return 0, wrapErr(err)
	}
	pctx, stopProbes := context.WithCancel(ctx)
	defer stopProbes()
	kill := make(chan string, 1)
	go sv.probe(pctx, c, task, markStarted, kill)
	for {
		select {
		case es := <-exit:
			return es.ExitCode(), nil
		case <-ctx.Done():
			return 0, ctx.Err()
		case why := <-kill:
			sv.r.log.Info("restarting container", "pod", sv.spec.ID, "container", c.Name, "why", why)
			task.Kill(ctx, syscall.SIGTERM, client.WithKillAll)
			go func() {
				if sleepCtx(pctx, livenessKillGrace) {
					task.Kill(ctx, syscall.SIGKILL, client.WithKillAll)
				}
			}()
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// resumeSupervision supervises again the supervised pods whose run is
// under way — any of their containers, init containers included, runs (a
// new process after a provider restart): restarts and probes go on, and an
// init sequence the restart interrupted continues where it stood (run).
func (r *Runtime) resumeSupervision(ctx context.Context, states []*podState) {
	for _, st := range states {
		if !st.Spec.Supervised() {
			continue
		}
		under := false
		for _, c := range st.Spec.AllContainers() {
			cs, err := r.containerStatus(ctx, containerID(st.Spec.ID, c.Name))
			if err != nil {
				r.log.Warn("resume supervision", "pod", st.Spec.ID, "err", err)
				break
			}
			under = under || cs.State == runtime.ContainerRunning
		}
		if under {
			r.superviseFrom(st, true)
		}
	}
}

// Supports implements runtime.FeatureReporter: every optional feature.
func (r *Runtime) Supports(runtime.Feature) bool { return true }
