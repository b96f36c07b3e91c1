package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"time"
)

// EventKind names a scale event.
type EventKind string

// Scale events. The meter counts reserved CPU and memory of a scale-to-zero
// pod from EventWaking until EventIdleStopped or EventStartFailed.
const (
	// EventWaking: a request arrived for a stopped pod; Backend.Start is called.
	EventWaking EventKind = "waking"
	// EventReady: the pod started and is ready; held requests are forwarded.
	EventReady EventKind = "ready"
	// EventStartFailed: Start or readiness failed; held requests got 502 and
	// the gateway called Backend.Stop to clean up.
	EventStartFailed EventKind = "start-failed"
	// EventIdleStopped: the pod was idle for its idle timeout and is stopped.
	EventIdleStopped EventKind = "idle-stopped"
)

// Event reports a scale transition of one pod.
type Event struct {
	PodID string
	Kind  EventKind
	At    time.Time
	// Took is the duration of the wake (EventReady, EventStartFailed) or of
	// the stop (EventIdleStopped).
	Took time.Duration
	// Err is set with EventStartFailed, and with EventIdleStopped if
	// Backend.Stop failed.
	Err error
}

type podState int

const (
	stateRunning podState = iota
	stateStopped
	stateStarting
	stateStopping
)

func (s podState) String() string {
	return [...]string{"running", "stopped", "starting", "stopping"}[s]
}

// transition is one wake or stop in progress; done closes when it ends.
type transition struct {
	done chan struct{}
	err  error
}

// pod is the gateway's state for one route.
type pod struct {
	g  *Gateway
	id string

	proxy     *httputil.ReverseProxy
	transport *h1Transport
	listeners map[int]net.Listener // pod port → gateway listener; under g.mu

	mu       sync.Mutex
	route    Route
	names    []string
	host     string
	state    podState
	inflight int
	waiters  int
	lastDone time.Time
	cur      *transition // current wake or stop
	removed  bool
	failErr  error     // last wake failure, answered at once until
	failedAt time.Time // failedAt + Config.StartFailureBackoff

	hostport string // cached host:HTTPPort of tryAcquire, for hpHost and hpPort
	hpHost   string
	hpPort   int
}

// routed opens the window in which refused connections to the pod are
// retried (h1Transport.dialConn): a start timeout from now, as the provider
// routes a pod when it has started it or replaced its containers.
func (p *pod) routed(r Route) {
	timeout := r.Scale.StartTimeout
	if timeout == 0 {
		timeout = p.g.cfg.DefaultStartTimeout
	}
	p.transport.fresh.Store(time.Now().Add(timeout).UnixNano())
}

func (g *Gateway) newPod(r Route, names []string) *pod {
	p := &pod{g: g, id: r.PodID, route: r, names: names, host: r.Host,
		listeners: map[int]net.Listener{}, lastDone: g.cfg.Now()}
	if r.Scale.ScaleToZero() && r.Stopped {
		p.state = stateStopped
	}
	g.newProxy(p)
	return p
}

func (p *pod) maxQueue() int {
	if p.route.Scale.MaxQueue > 0 {
		return p.route.Scale.MaxQueue
	}
	return p.g.cfg.DefaultMaxQueue
}

// acquire returns host:port of the pod's port (0: its HTTP port), waking the
// pod if it is stopped. A nil error counts one request in flight until
// release. A held request counts against the queue.
func (p *pod) acquire(ctx context.Context, port int) (string, error) {
	p.mu.Lock()
	queued := false
	fail := func(err error) (string, error) { // p.mu held
		if queued {
			p.waiters--
		}
		p.mu.Unlock()
		return "", err
	}
	for {
		if p.removed {
			return fail(fmt.Errorf("pod %s: %w", p.id, ErrNotFound))
		}
		switch p.state {
		case stateRunning:
			p.inflight++
			if port == 0 {
				port = p.route.HTTPPort
			}
			hp := net.JoinHostPort(p.host, strconv.Itoa(port))
			if queued {
				p.waiters--
			}
			p.mu.Unlock()
			return hp, nil
		case stateStopped:
			if err := p.g.base.Err(); err != nil {
				return fail(fmt.Errorf("pod %s: gateway closed: %w", p.id, err))
			}
			if p.failErr != nil && p.g.cfg.Now().Sub(p.failedAt) < p.g.cfg.StartFailureBackoff {
				return fail(p.failErr)
			}
			p.beginWake()
		}
		// Starting or stopping: wait for the transition to end.
		if !queued {
			if p.waiters >= p.maxQueue() {
				return fail(fmt.Errorf("pod %s: %w", p.id, ErrQueueFull))
			}
			p.waiters++
			queued = true
		}
		t := p.cur
		p.mu.Unlock()
		select {
		case <-t.done:
		case <-ctx.Done():
			p.mu.Lock()
			return fail(fmt.Errorf("pod %s: held request: %w", p.id, ctx.Err()))
		}
		p.mu.Lock()
		if t.err != nil { // the wake we waited for failed: answer now, no new start
			return fail(t.err)
		}
	}
}

// tryAcquire is acquire for a running pod only, without waking or waiting:
// the fast path leaves every other case to the slow path.
func (p *pod) tryAcquire() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.removed || p.state != stateRunning {
		return "", false
	}
	if p.hostport == "" || p.hpHost != p.host || p.hpPort != p.route.HTTPPort {
		p.hpHost, p.hpPort = p.host, p.route.HTTPPort
		p.hostport = net.JoinHostPort(p.host, strconv.Itoa(p.route.HTTPPort))
	}
	p.inflight++
	return p.hostport, true
}

// release ends one request in flight.
func (p *pod) release() {
	p.mu.Lock()
	p.inflight--
	p.lastDone = p.g.cfg.Now()
	p.mu.Unlock()
}

// beginWake starts a wake; p.mu is held.
func (p *pod) beginWake() {
	t := &transition{done: make(chan struct{})}
	p.state = stateStarting
	p.cur = t
	route := p.route
	p.g.bg.Go(func() { p.wake(t, route) })
}

func (p *pod) wake(t *transition, route Route) {
	g := p.g
	start := time.Now()
	g.emit(Event{PodID: p.id, Kind: EventWaking, At: g.cfg.Now()})
	timeout := route.Scale.StartTimeout
	if timeout <= 0 {
		timeout = g.cfg.DefaultStartTimeout
	}
	ctx, cancel := context.WithTimeout(g.base, timeout)
	host, err := g.cfg.Backend.Start(ctx, p.id)
	if err == nil {
		if host == "" {
			host = route.Host
		}
		if host == "" {
			err = errors.New("backend returned no host and the route has none")
		} else {
			err = waitReady(ctx, host, route)
		}
	}
	cancel()
	took := time.Since(start)
	if err != nil {
		err = fmt.Errorf("pod %s: %w: %w", p.id, ErrStartFailed, err)
		g.log.Warn("wake failed", "pod", p.id, "took", took, "err", err)
		// Answer the held requests now; clean up in the stopping state so
		// a new request waits for the cleanup and then wakes afresh.
		stop := &transition{done: make(chan struct{})}
		p.mu.Lock()
		t.err = err
		p.failErr, p.failedAt = err, g.cfg.Now()
		p.state = stateStopping
		p.cur = stop
		close(t.done)
		p.mu.Unlock()
		g.emit(Event{PodID: p.id, Kind: EventStartFailed, At: g.cfg.Now(), Took: took, Err: err})
		p.stopBackend(stop, nil)
		return
	}
	// The event goes out before the pod counts as running, so the meter
	// sees ready before any later idle-stopped.
	g.log.Debug("woke", "pod", p.id, "took", took)
	g.emit(Event{PodID: p.id, Kind: EventReady, At: g.cfg.Now(), Took: took})
	p.mu.Lock()
	p.host = host
	p.failErr = nil
	p.state = stateRunning
	p.lastDone = g.cfg.Now()
	close(t.done)
	p.mu.Unlock()
}

// stopBackend calls Backend.Stop, then done (if not nil), then ends the
// stopping transition t, so that a wake held by t comes after done's event.
func (p *pod) stopBackend(t *transition, done func(error)) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.g.base), p.g.cfg.DefaultStartTimeout)
	err := p.g.cfg.Backend.Stop(ctx, p.id)
	cancel()
	p.transport.CloseIdleConnections()
	if err != nil {
		p.g.log.Warn("stop failed", "pod", p.id, "err", err)
	}
	if done != nil {
		done(err)
	}
	p.mu.Lock()
	p.state = stateStopped
	close(t.done)
	p.mu.Unlock()
	return err
}

// waitReady polls until the pod's first port accepts connections, or its
// probe path answers below 500.
func waitReady(ctx context.Context, host string, r Route) error {
	port := r.HTTPPort
	if port == 0 && len(r.TCP) > 0 {
		port = r.TCP[0].Port
	}
	if port == 0 {
		return nil
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	var client *http.Client
	if r.Scale.ProbePath != "" {
		client = &http.Client{
			Transport: &http.Transport{DisableKeepAlives: true},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
		defer client.CloseIdleConnections()
	}
	start := time.Now()
	var d net.Dialer
	for {
		var err error
		if client != nil {
			err = probeHTTP(ctx, client, "http://"+addr+r.Scale.ProbePath)
		} else {
			var c net.Conn
			if c, err = d.DialContext(ctx, "tcp", addr); err == nil {
				c.Close()
			}
		}
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready at %s: %w (last: %w)", addr, ctx.Err(), err)
		case <-time.After(readyPollDelay(time.Since(start))):
		}
	}
}

// readyPollDelay is the wait before the next readiness check after waiting
// for waited: a twentieth of it, between 1 and 20 ms. A wake is then late
// by at most 5 % (or 1 ms) past the app's listen, and a slow start costs
// at most 50 refused connects a second. Doubling from 1 ms instead (1, 2,
// 4 … 32 ms) was up to 32 ms late on an app ready after 64 ms.
func readyPollDelay(waited time.Duration) time.Duration {
	return min(max(waited/20, time.Millisecond), 20*time.Millisecond)
}

func probeHTTP(ctx context.Context, c *http.Client, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("probe status %d", resp.StatusCode)
	}
	return nil
}

// sweepLoop stops idle pods every SweepInterval until ctx or the gateway ends.
func (g *Gateway) sweepLoop(ctx context.Context) {
	t := time.NewTicker(g.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.base.Done():
			return
		case <-t.C:
			g.SweepIdle()
		}
	}
}

// SweepIdle begins stopping every scale-to-zero pod that is running, has no
// request in flight or held, and finished its last request at least its idle
// timeout ago by Config.Now. Run calls it every SweepInterval; tests with an
// injected clock call it directly. It returns the IDs of the pods it stops;
// the stops complete in the background.
func (g *Gateway) SweepIdle() []string {
	now := g.cfg.Now()
	g.mu.RLock()
	pods := make([]*pod, 0, len(g.pods))
	for _, p := range g.pods {
		pods = append(pods, p)
	}
	g.mu.RUnlock()
	var stopped []string
	for _, p := range pods {
		p.mu.Lock()
		idle := p.route.Scale.IdleTimeout
		if idle <= 0 {
			idle = g.cfg.DefaultIdleTimeout
		}
		if p.removed || !p.route.Scale.ScaleToZero() || p.state != stateRunning ||
			p.inflight > 0 || p.waiters > 0 || now.Sub(p.lastDone) < idle {
			p.mu.Unlock()
			continue
		}
		t := &transition{done: make(chan struct{})}
		p.state = stateStopping
		p.cur = t
		p.mu.Unlock()
		stopped = append(stopped, p.id)
		g.bg.Go(func() {
			start := time.Now()
			p.stopBackend(t, func(err error) {
				g.log.Debug("idle stop", "pod", p.id, "took", time.Since(start), "err", err)
				g.emit(Event{PodID: p.id, Kind: EventIdleStopped, At: g.cfg.Now(), Took: time.Since(start), Err: err})
			})
		})
	}
	return stopped
}

// PodState reports a pod's scale state ("running", "stopped", "starting",
// "stopping") and its requests in flight.
func (g *Gateway) PodState(podID string) (state string, inflight int, err error) {
	g.mu.RLock()
	p := g.pods[podID]
	g.mu.RUnlock()
	if p == nil {
		return "", 0, fmt.Errorf("pod %s: %w", podID, ErrNotFound)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state.String(), p.inflight, nil
}
