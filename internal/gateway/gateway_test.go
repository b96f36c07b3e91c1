package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const domain = "pods.test"

type events struct {
	mu sync.Mutex
	ev []Event
}

func (e *events) add(ev Event) { e.mu.Lock(); e.ev = append(e.ev, ev); e.mu.Unlock() }

func (e *events) kinds(pod string) []EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []EventKind
	for _, ev := range e.ev {
		if ev.PodID == pod {
			out = append(out, ev.Kind)
		}
	}
	return out
}

type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// startGateway runs a gateway on 127.0.0.1 until the test ends.
func startGateway(t testing.TB, cfg Config) (*Gateway, *events) {
	t.Helper()
	ev := &events{}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "127.0.0.1:0"
	}
	if cfg.Domain == "" {
		cfg.Domain = domain
	}
	if cfg.OnEvent == nil {
		cfg.OnEvent = ev.add
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = 20 * time.Millisecond
	}
	if cfg.Logger == nil {
		if _, isB := t.(*testing.B); !isB {
			cfg.Logger = slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
		}
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	t.Cleanup(func() {
		// Spare client connections that never carried a request would hold
		// up the graceful shutdown.
		client.Transport.(*http.Transport).CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return g, ev
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200, DisableCompression: true}, Timeout: 20 * time.Second}

// get sends GET path with the given Host to the gateway.
func get(t testing.TB, g *Gateway, host, path string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+g.HTTPAddr().String()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func genHost(t testing.TB, podID string) string {
	h, err := GeneratedHostname(podID, domain, 12)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func state(t testing.TB, g *Gateway, pod string) string {
	s, _, err := g.PodState(pod)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// staticPod is an always-running pod served by an in-process HTTP server.
func staticPod(t *testing.T, name string) (host string, port int) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s host=%s xff=%s proto=%s", name, r.Host, r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Proto"))
	}))
	t.Cleanup(srv.Close)
	a := srv.Listener.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

func TestRouting(t *testing.T) {
	g, _ := startGateway(t, Config{})
	ha, pa := staticPod(t, "A")
	hb, pb := staticPod(t, "B")
	if err := g.AddRoute(Route{PodID: "AAAAbbbb1111cccc", Host: ha, HTTPPort: pa, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := g.AddRoute(Route{PodID: "pod-b", Hostnames: []string{"App.Example.com", "www.example.com"}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	if got, want := g.Hostnames("AAAAbbbb1111cccc"), []string{"aaaabbbb1111." + domain}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("hostnames A = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		host, want string
		code       int
	}{
		{"aaaabbbb1111." + domain, "A host=aaaabbbb1111." + domain, 200},
		{"AAAABBBB1111." + domain + ":8080", "A ", 200},
		{"podb." + domain, "B host=podb.", 200},
		{"podz." + domain, "unknown host", 404},
		{"app.example.com", "B host=app.example.com", 200},
		{"www.example.com.", "B ", 200},
		{"unknown.example.com", "unknown host", 404},
		{"", "unknown host", 404},
		{"127.0.0.1", "unknown host", 404},
	} {
		code, _, body := get(t, g, tc.host, "/")
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("Host %q: %d %q, want %d containing %q", tc.host, code, body, tc.code, tc.want)
		}
	}

	// X-Forwarded-* are set by the gateway; a client's own are dropped.
	req, _ := http.NewRequest("GET", "http://"+g.HTTPAddr().String()+"/", nil)
	req.Host = "app.example.com"
	req.Header.Set("X-Forwarded-For", "6.6.6.6")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "xff=127.0.0.1 proto=http") {
		t.Errorf("forwarded headers: %q", body)
	}

	// Collisions and invalid hostnames are refused at registration.
	for _, tc := range []struct {
		r    Route
		want error
	}{
		{Route{PodID: "pod-c", Hostnames: []string{"www.example.com"}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrConflict},
		{Route{PodID: "pod-b", Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrConflict},
		{Route{PodID: "aaaabbbb1111-other", Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrConflict},
		{Route{PodID: "pod-d", Hostnames: []string{"x." + domain}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrInvalid},
		{Route{PodID: "pod-d", Hostnames: []string{"*.example.org"}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrInvalid},
		{Route{PodID: "pod-d", Hostnames: []string{"a.example.org:80"}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrInvalid},
		{Route{PodID: "pod-d", Hostnames: []string{"localhost"}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}, ErrInvalid},
		{Route{PodID: "pod-d", Host: hb, HTTPPort: pb, Scale: Scale{Min: 0}}, ErrInvalid}, // no backend
		{Route{PodID: "pod-d", Host: hb, HTTPPort: 70000, Scale: Scale{Min: 1}}, ErrInvalid},
		{Route{PodID: "", Host: hb, HTTPPort: pb}, ErrInvalid},
	} {
		if err := g.AddRoute(tc.r); !errors.Is(err, tc.want) {
			t.Errorf("AddRoute(%s %v): %v, want %v", tc.r.PodID, tc.r.Hostnames, err, tc.want)
		}
	}

	// Update moves a hostname; remove makes the names unknown.
	if err := g.UpdateRoute(Route{PodID: "pod-b", Hostnames: []string{"new.example.com"}, Host: hb, HTTPPort: pb, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := get(t, g, "app.example.com", "/"); code != 404 {
		t.Errorf("old hostname after update: %d", code)
	}
	if code, _, body := get(t, g, "new.example.com", "/"); code != 200 || !strings.HasPrefix(body, "B") {
		t.Errorf("new hostname after update: %d %q", code, body)
	}
	if err := g.AddRoute(Route{PodID: "pod-c", Hostnames: []string{"app.example.com"}, Host: ha, HTTPPort: pa, Scale: Scale{Min: 1}}); err != nil {
		t.Errorf("freed hostname: %v", err)
	}
	if err := g.RemoveRoute("pod-b"); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := get(t, g, "new.example.com", "/"); code != 404 {
		t.Errorf("removed pod: %d", code)
	}
	if err := g.RemoveRoute("pod-b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("remove twice: %v", err)
	}
}

// TestNoOpenProxy: CONNECT and absolute-form requests for foreign hosts are
// not forwarded anywhere.
func TestNoOpenProxy(t *testing.T) {
	g, _ := startGateway(t, Config{})
	h, p := staticPod(t, "A")
	if err := g.AddRoute(Route{PodID: "a", Hostnames: []string{"a.example.com"}, Host: h, HTTPPort: p, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{
		"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
		"CONNECT a.example.com:80 HTTP/1.1\r\nHost: a.example.com\r\n\r\n",
		"GET http://127.0.0.1:" + strconv.Itoa(p) + "/ HTTP/1.1\r\nHost: a.example.com\r\n\r\n",
		"GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n",
	} {
		c, err := net.Dial("tcp", g.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if resp.StatusCode != 404 && resp.StatusCode != 405 && resp.StatusCode != 400 {
			t.Errorf("%q: status %d", strings.SplitN(raw, "\r\n", 2)[0], resp.StatusCode)
		}
	}
}

func TestLimits(t *testing.T) {
	b := newProcBackend(t)
	g, _ := startGateway(t, Config{Backend: b, MaxHeaderBytes: 4 << 10, MaxConcurrent: 1})
	port := b.port("p")
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: port, Scale: Scale{Min: 0}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	host := genHost(t, "p")
	// A header beyond the cap gets 431.
	req, _ := http.NewRequest("GET", "http://"+g.HTTPAddr().String()+"/", nil)
	req.Host = host
	req.Header.Set("X-Big", strings.Repeat("x", 8<<10))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("big header: %d", resp.StatusCode)
	}
	// With one request in flight, a second gets 503 with Retry-After.
	slow := make(chan int)
	go func() { code, _, _ := get(t, g, host, "/slow?d=2s"); slow <- code }()
	waitFor(t, "slow request in flight", 10*time.Second, func() bool { _, n, _ := g.PodState("p"); return n == 1 })
	code, hdr, _ := get(t, g, host, "/")
	if code != 503 || hdr.Get("Retry-After") == "" {
		t.Errorf("over MaxConcurrent: %d Retry-After=%q", code, hdr.Get("Retry-After"))
	}
	if code := <-slow; code != 200 {
		t.Errorf("slow request: %d", code)
	}
}

func TestWakeOnRequest(t *testing.T) {
	b := newProcBackend(t)
	b.delay = 50 * time.Millisecond
	g, ev := startGateway(t, Config{Backend: b})
	if err := g.AddRoute(Route{PodID: "p1", Host: "127.0.0.1", HTTPPort: b.port("p1"), Scale: Scale{Min: 0, IdleTimeout: time.Hour}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	if s := state(t, g, "p1"); s != "stopped" || b.running("p1") {
		t.Fatalf("before: state %s, process running %v", s, b.running("p1"))
	}
	start := time.Now()
	code, _, body := get(t, g, genHost(t, "p1"), "/x")
	if code != 200 || !strings.Contains(body, "path=/x") {
		t.Fatalf("wake request: %d %q", code, body)
	}
	t.Logf("wake took %v", time.Since(start))
	if n := b.starts.Load(); n != 1 {
		t.Errorf("starts = %d", n)
	}
	if s := state(t, g, "p1"); s != "running" {
		t.Errorf("after: %s", s)
	}
	// The next request goes straight through.
	if code, _, _ := get(t, g, genHost(t, "p1"), "/"); code != 200 || b.starts.Load() != 1 {
		t.Errorf("second request: %d, starts %d", code, b.starts.Load())
	}
	if got := fmt.Sprint(ev.kinds("p1")); got != "[waking ready]" {
		t.Errorf("events %s", got)
	}
}

func TestConcurrentWake(t *testing.T) {
	b := newProcBackend(t)
	b.delay = 300 * time.Millisecond
	g, _ := startGateway(t, Config{Backend: b})
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: time.Hour}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	host := genHost(t, "p")
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			code, _, body := get(t, g, host, "/r"+strconv.Itoa(i))
			if code != 200 || !strings.Contains(body, "path=/r"+strconv.Itoa(i)) {
				errs <- fmt.Sprintf("request %d: %d %q", i, code, body)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if s := b.starts.Load(); s != 1 {
		t.Errorf("starts = %d, want 1", s)
	}
}

func TestIdleStop(t *testing.T) {
	b := newProcBackend(t)
	g, ev := startGateway(t, Config{Backend: b})
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: 300 * time.Millisecond}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	host := genHost(t, "p")
	last := time.Now() // the request ends after this
	if code, _, _ := get(t, g, host, "/"); code != 200 {
		t.Fatal(code)
	}
	waitFor(t, "idle stop", 5*time.Second, func() bool { return state(t, g, "p") == "stopped" })
	if idle := time.Since(last); idle < 300*time.Millisecond {
		t.Errorf("stopped after %v idle", idle)
	}
	if b.running("p") || b.stops.Load() != 1 {
		t.Errorf("process running %v, stops %d", b.running("p"), b.stops.Load())
	}
	// Woken again by the next request.
	if code, _, _ := get(t, g, host, "/"); code != 200 || b.starts.Load() != 2 {
		t.Errorf("re-wake: %d, starts %d", code, b.starts.Load())
	}
	if got := fmt.Sprint(ev.kinds("p")); got != "[waking ready idle-stopped waking ready]" {
		t.Errorf("events %s", got)
	}
}

// fakeClock is the injected clock of the idle logic.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestIdleClock(t *testing.T) {
	b := newProcBackend(t)
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	g, ev := startGateway(t, Config{Backend: b, Now: clk.Now, SweepInterval: time.Hour})
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: time.Minute}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	if err := g.AddRoute(Route{PodID: "always", Host: "127.0.0.1", HTTPPort: b.port("p"), Hostnames: []string{"always.example.com"}, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	host := genHost(t, "p")
	slow := make(chan int)
	go func() { code, _, _ := get(t, g, host, "/slow?d=2s"); slow <- code }()
	waitFor(t, "request in flight", 10*time.Second, func() bool { _, n, _ := g.PodState("p"); return n == 1 })
	clk.Add(time.Hour)
	if s := g.SweepIdle(); len(s) != 0 {
		t.Errorf("stopped with a request in flight: %v", s)
	}
	if code := <-slow; code != 200 {
		t.Fatal(code)
	}
	clk.Add(59 * time.Second)
	if s := g.SweepIdle(); len(s) != 0 {
		t.Errorf("stopped before the idle timeout: %v", s)
	}
	clk.Add(time.Second)
	if s := g.SweepIdle(); fmt.Sprint(s) != "[p]" {
		t.Errorf("sweep = %v, want [p] (never the min-1 pod)", s)
	}
	waitFor(t, "idle-stopped event", 5*time.Second, func() bool {
		return slices.Contains(ev.kinds("p"), EventIdleStopped)
	})

	// The meter counts reserved resources from waking to idle-stopped, by
	// the same clock; nothing happens while the pod stays stopped.
	clk.Add(10 * time.Hour)
	if s := g.SweepIdle(); len(s) != 0 {
		t.Errorf("stopped pod swept again: %v", s)
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var kinds []EventKind
	var waking, stopped time.Time
	for _, e := range ev.ev {
		if e.PodID != "p" {
			continue
		}
		kinds = append(kinds, e.Kind)
		switch e.Kind {
		case EventWaking:
			waking = e.At
		case EventIdleStopped:
			stopped = e.At
		}
	}
	if fmt.Sprint(kinds) != "[waking ready idle-stopped]" {
		t.Errorf("events %v", kinds)
	}
	if got := stopped.Sub(waking); got != time.Hour+time.Minute {
		t.Errorf("reserved interval %v, want 1h1m", got)
	}
}

func TestLongRequestNotCut(t *testing.T) {
	b := newProcBackend(t)
	g, _ := startGateway(t, Config{Backend: b})
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: 100 * time.Millisecond}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	code, _, body := get(t, g, genHost(t, "p"), "/slow?d=1s")
	if code != 200 || body != "slow done" {
		t.Errorf("long request: %d %q", code, body)
	}
	if n := b.stops.Load(); n != 0 {
		t.Errorf("stopped %d times during the request", n)
	}
	waitFor(t, "idle stop after the request", 5*time.Second, func() bool { return state(t, g, "p") == "stopped" })
}

func TestWebSocketNotCut(t *testing.T) {
	b := newProcBackend(t)
	g, _ := startGateway(t, Config{Backend: b})
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: 100 * time.Millisecond}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	d := websocket.Dialer{
		NetDial:          func(network, addr string) (net.Conn, error) { return net.Dial("tcp", g.HTTPAddr().String()) },
		HandshakeTimeout: 10 * time.Second,
	}
	c, resp, err := d.Dial("ws://"+genHost(t, "p")+"/ws", nil)
	if err != nil {
		t.Fatalf("dial websocket through the gateway (wakes the pod): %v", err)
	}
	resp.Body.Close()
	for i := range 4 {
		time.Sleep(250 * time.Millisecond) // longer than the idle timeout
		msg := "m" + strconv.Itoa(i)
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, got, err := c.ReadMessage()
		if err != nil || string(got) != "echo "+msg {
			t.Fatalf("message %d: %q %v", i, got, err)
		}
	}
	if n := b.stops.Load(); n != 0 {
		t.Errorf("stopped %d times with a websocket open", n)
	}
	c.Close()
	waitFor(t, "idle stop after the websocket closed", 5*time.Second, func() bool { return state(t, g, "p") == "stopped" })
}

func TestStartFailure(t *testing.T) {
	t.Run("start error", func(t *testing.T) {
		b := newProcBackend(t)
		b.startErr = errors.New("image not found")
		g, ev := startGateway(t, Config{Backend: b, StartFailureBackoff: time.Minute})
		if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0}, Stopped: true}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				code, _, body := get(t, g, genHost(t, "p"), "/")
				if code != 502 || !strings.Contains(body, "failed to start") || !strings.Contains(body, "image not found") {
					t.Errorf("got %d %q", code, body)
				}
			})
		}
		wg.Wait()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("502 took %v", d)
		}
		if n := b.starts.Load(); n != 1 {
			t.Errorf("starts = %d within the failure backoff, want 1", n)
		}
		waitFor(t, "start-failed event", 5*time.Second, func() bool {
			return strings.Contains(fmt.Sprint(ev.kinds("p")), "start-failed")
		})
	})
	t.Run("process crashes", func(t *testing.T) {
		b := newProcBackend(t)
		b.crash = true
		clk := &fakeClock{t: time.Now()}
		g, _ := startGateway(t, Config{Backend: b, StartFailureBackoff: time.Minute, Now: clk.Now})
		if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, StartTimeout: 500 * time.Millisecond}, Stopped: true}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		code, _, body := get(t, g, genHost(t, "p"), "/")
		if code != 502 || !strings.Contains(body, "not ready") {
			t.Errorf("got %d %q", code, body)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("502 took %v", d)
		}
		// The failed pod was cleaned up, and a new request tries again.
		waitFor(t, "cleanup stop", 5*time.Second, func() bool { return state(t, g, "p") == "stopped" })
		b.crash = false
		if code, _, _ := get(t, g, genHost(t, "p"), "/"); code != 502 {
			t.Errorf("within the failure backoff: %d, want 502", code)
		}
		clk.Add(time.Minute)
		// A generous start timeout now: a loaded machine may start the process slowly.
		if err := g.UpdateRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, StartTimeout: 20 * time.Second}}); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := get(t, g, genHost(t, "p"), "/"); code != 200 {
			t.Errorf("after fixing the pod: %d", code)
		}
	})
}

func TestQueueOverflow(t *testing.T) {
	b := newProcBackend(t)
	b.delay = 2 * time.Second
	g, _ := startGateway(t, Config{Backend: b, RetryAfter: 2 * time.Second})
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, MaxQueue: 5, IdleTimeout: time.Hour}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	host := genHost(t, "p")
	codes := make(chan int, 5)
	for range 5 {
		go func() { code, _, _ := get(t, g, host, "/"); codes <- code }()
	}
	g.mu.RLock()
	p := g.pods["p"]
	g.mu.RUnlock()
	waitFor(t, "5 held requests", 5*time.Second, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.waiters == 5 })
	start := time.Now()
	code, hdr, body := get(t, g, host, "/")
	if code != 503 || hdr.Get("Retry-After") != "2" || !strings.Contains(body, "queue is full") {
		t.Errorf("overflow: %d Retry-After=%q %q", code, hdr.Get("Retry-After"), body)
	}
	if d := time.Since(start); d > time.Second { // not held for the 2 s wake
		t.Errorf("overflow answer took %v", d)
	}
	for range 5 {
		if c := <-codes; c != 200 {
			t.Errorf("held request: %d", c)
		}
	}
}

func TestTCPForward(t *testing.T) {
	b := newProcBackend(t)
	b.echo = true
	b.delay = 50 * time.Millisecond
	g, _ := startGateway(t, Config{Backend: b})
	echo := b.echoPort("p")
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), TCP: []TCPPort{{Port: echo}}, Scale: Scale{Min: 0, IdleTimeout: 200 * time.Millisecond}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	addr, ok := g.TCPAddr("p", echo)
	if !ok {
		t.Fatal("no tcp listener")
	}
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for i := range 3 {
		line := "line " + strconv.Itoa(i) + "\n"
		io.WriteString(c, line)
		got, err := r.ReadString('\n')
		if err != nil || got != line {
			t.Fatalf("echo %d: %q %v", i, got, err)
		}
		time.Sleep(250 * time.Millisecond) // an open connection is in flight: no idle stop
	}
	c.(*net.TCPConn).CloseWrite()
	if rest, _ := io.ReadAll(r); len(rest) != 0 {
		t.Errorf("after half-close: %q", rest)
	}
	c.Close()
	if b.starts.Load() != 1 || b.stops.Load() != 0 {
		t.Errorf("starts %d stops %d", b.starts.Load(), b.stops.Load())
	}
	waitFor(t, "idle stop", 5*time.Second, func() bool { return state(t, g, "p") == "stopped" })

	// A fixed listen port another pod holds is refused; update moves it.
	fixed := freePort(t)
	if err := g.UpdateRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), TCP: []TCPPort{{Port: echo, Listen: fixed}}, Scale: Scale{Min: 0}}); err != nil {
		t.Fatal(err)
	}
	if a, _ := g.TCPAddr("p", echo); a.(*net.TCPAddr).Port != fixed {
		t.Errorf("listen port %v, want %d", a, fixed)
	}
	if err := g.AddRoute(Route{PodID: "q", Host: "127.0.0.1", HTTPPort: 1, TCP: []TCPPort{{Port: 5, Listen: fixed}}, Scale: Scale{Min: 1}}); !errors.Is(err, ErrConflict) {
		t.Errorf("tcp port collision: %v", err)
	}
	if _, err := net.Dial("tcp", addr.String()); err == nil {
		t.Errorf("old listener still open")
	}
	c2, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(fixed)))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c2, "again\n")
	if got, err := bufio.NewReader(c2).ReadString('\n'); err != nil || got != "again\n" {
		t.Errorf("after update: %q %v", got, err)
	}

	// An update asking for a port another pod holds fails and keeps the old listener.
	held := freePort(t)
	if err := g.AddRoute(Route{PodID: "r", Host: "127.0.0.1", TCP: []TCPPort{{Port: 5, Listen: held}}, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := g.UpdateRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), TCP: []TCPPort{{Port: echo, Listen: held}}, Scale: Scale{Min: 0}}); !errors.Is(err, ErrConflict) {
		t.Errorf("update onto a held port: %v", err)
	}
	if a, ok := g.TCPAddr("p", echo); !ok || a.(*net.TCPAddr).Port != fixed {
		t.Errorf("listener after a failed update: %v %v", a, ok)
	}
}

// TestStartingPodRetried: a pod routed the moment it started may not listen
// yet (a few hundred milliseconds under gVisor); a request then waits for
// it instead of getting a 502. Once the route is older than its start
// timeout, a refused connection is a 502 at once.
func TestStartingPodRetried(t *testing.T) {
	g, _ := startGateway(t, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close() // the pod's port refuses until its app listens
	start := 300 * time.Millisecond
	if err := g.AddRoute(Route{PodID: "starting", Host: addr.IP.String(), HTTPPort: addr.Port,
		Scale: Scale{Min: 1, StartTimeout: 2 * time.Second}}); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(start)
		ln, err := net.Listen("tcp", addr.String())
		if err != nil {
			t.Error(err)
			return
		}
		t.Cleanup(func() { ln.Close() })
		http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "up") }))
	}()
	t0 := time.Now()
	if code, _, body := get(t, g, genHost(t, "starting"), "/"); code != 200 || body != "up" {
		t.Fatalf("request to a starting pod: %d %q, want 200 once it listens", code, body)
	}
	if d := time.Since(t0); d < start/2 {
		t.Errorf("answered after %v, before the pod listened", d)
	}

	// A route older than its start timeout: refused means 502, at once.
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	addr2 := ln2.Addr().(*net.TCPAddr)
	ln2.Close()
	if err := g.AddRoute(Route{PodID: "gone", Host: addr2.IP.String(), HTTPPort: addr2.Port,
		Scale: Scale{Min: 1, StartTimeout: 50 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	t0 = time.Now()
	if code, _, _ := get(t, g, genHost(t, "gone"), "/"); code != http.StatusBadGateway {
		t.Errorf("pod not listening after its start timeout: %d, want 502", code)
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("502 took %v", d)
	}
}
