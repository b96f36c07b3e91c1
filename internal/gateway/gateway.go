// Package gateway is the provider's HTTP and TCP entry point to its pods
// (DESIGN §7, docs/gateway.md). It routes HTTP/1.1, HTTP/2 and WebSocket
// requests by Host to a pod, forwards the raw TCP ports a manifest exposes,
// terminates TLS with a key whose hash the provider puts into its attestation
// evidence, and scales pods with `scale.min: 0` to zero: it stops them after
// their idle timeout through a Backend and starts them again on the next
// request, which it holds until the pod is ready.
package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"time"
)

// Backend starts and stops pods; the provider implements it on top of its
// runtime. Both calls must be idempotent: Start on a running pod returns its
// host, Stop on a stopped pod returns nil.
type Backend interface {
	// Start starts the pod's containers and returns the host (IP or name,
	// no port) where its ports are now reachable, or "" to keep Route.Host.
	// The gateway then waits for readiness itself.
	Start(ctx context.Context, podID string) (host string, err error)
	// Stop stops the pod's containers, keeping its data and network so a
	// later Start is fast.
	Stop(ctx context.Context, podID string) error
}

// Config configures a Gateway. Zero values take the defaults named.
type Config struct {
	// Backend starts and stops pods with scale.min 0. Required if any route
	// scales to zero.
	Backend Backend
	// Domain is the gateway's domain; each pod with an HTTP port gets the
	// hostname <podid-short>.<Domain>. Empty: no generated hostnames.
	Domain string
	// ShortIDLen is the number of pod-ID characters in generated hostnames
	// (default 12).
	ShortIDLen int

	// HTTPAddr is the plain-HTTP listen address (devnet), "" for none.
	HTTPAddr string
	// HTTPSAddr is the TLS listen address (HTTP/1.1 and HTTP/2), "" for none.
	HTTPSAddr string
	// TLS is the attestation-bound identity; required with HTTPSAddr.
	TLS *TLSIdentity
	// H2C also accepts HTTP/2 with prior knowledge on HTTPAddr.
	H2C bool
	// TCPBindHost is the host the per-pod TCP listeners bind (default
	// 127.0.0.1; the provider sets its public address or "0.0.0.0").
	TCPBindHost string

	// MaxHeaderBytes caps request headers (default 64 KiB).
	MaxHeaderBytes int
	// ReadHeaderTimeout bounds reading request headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes idle client keep-alive connections (default 120 s).
	IdleTimeout time.Duration
	// MaxConcurrent caps requests plus TCP connections in flight, held ones
	// included; beyond it the gateway answers 503 (default 4096).
	MaxConcurrent int
	// DialTimeout bounds connecting to a pod (default 5 s).
	DialTimeout time.Duration

	// DefaultIdleTimeout applies to routes without Scale.IdleTimeout
	// (default 5 min).
	DefaultIdleTimeout time.Duration
	// DefaultStartTimeout applies to routes without Scale.StartTimeout
	// (default 30 s).
	DefaultStartTimeout time.Duration
	// DefaultMaxQueue applies to routes without Scale.MaxQueue (default 1000).
	DefaultMaxQueue int
	// StartFailureBackoff: after a failed wake, requests within this time get
	// the same 502 at once instead of starting the pod again (default 1 s).
	StartFailureBackoff time.Duration
	// RetryAfter is the Retry-After sent with 503 answers (default 1 s).
	RetryAfter time.Duration
	// SweepInterval is how often idle pods are looked for (default 1 s).
	SweepInterval time.Duration

	// Now is the clock of the idle logic (default time.Now).
	Now func() time.Time
	// OnEvent receives wake and idle-stop events (the provider forwards them
	// to the meter). It is called without locks held and must not block long.
	OnEvent func(Event)
	// Logger receives the gateway's logs (default discard).
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.ShortIDLen <= 0 {
		c.ShortIDLen = 12
	}
	if c.TCPBindHost == "" {
		c.TCPBindHost = "127.0.0.1"
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 64 << 10
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = 4096
	}
	if c.DefaultMaxQueue <= 0 {
		c.DefaultMaxQueue = 1000
	}
	def(&c.ReadHeaderTimeout, 10*time.Second)
	def(&c.IdleTimeout, 120*time.Second)
	def(&c.DialTimeout, 5*time.Second)
	def(&c.DefaultIdleTimeout, 5*time.Minute)
	def(&c.DefaultStartTimeout, 30*time.Second)
	def(&c.RetryAfter, time.Second)
	def(&c.StartFailureBackoff, time.Second)
	def(&c.SweepInterval, time.Second)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Domain = NormalizeHost(c.Domain)
}

// Gateway routes requests and connections to pods. Create it with New, serve
// with Run, and keep its route table current with AddRoute, UpdateRoute and
// RemoveRoute.
type Gateway struct {
	cfg  Config
	log  *slog.Logger
	sem  chan struct{}
	base context.Context
	stop context.CancelFunc

	mu    sync.RWMutex
	pods  map[string]*pod
	hosts map[string]*pod
	tcp   map[int]*pod // gateway TCP port → pod

	httpLn, httpsLn   net.Listener
	httpSrv, httpsSrv *http.Server
	fast              *fastServer // serves httpLn, hands off to httpSrv
	bg                sync.WaitGroup
	closeOnce         sync.Once
}

// New validates cfg and opens the HTTP and HTTPS listeners.
func New(cfg Config) (*Gateway, error) {
	cfg.setDefaults()
	if cfg.Domain != "" {
		if err := ValidHostname(cfg.Domain); err != nil {
			return nil, fmt.Errorf("gateway domain: %w", err)
		}
	}
	if cfg.HTTPSAddr != "" && cfg.TLS == nil {
		return nil, fmt.Errorf("gateway: https address without a tls identity: %w", ErrInvalid)
	}
	base, stop := context.WithCancel(context.Background())
	g := &Gateway{
		cfg:   cfg,
		log:   cfg.Logger.With("component", "gateway"),
		sem:   make(chan struct{}, cfg.MaxConcurrent),
		base:  base,
		stop:  stop,
		pods:  map[string]*pod{},
		hosts: map[string]*pod{},
		tcp:   map[int]*pod{},
	}
	errLog := slog.NewLogLogger(g.log.Handler(), slog.LevelDebug)
	newServer := func() *http.Server {
		return &http.Server{
			Handler:           g,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			ErrorLog:          errLog,
			HTTP2: &http.HTTP2Config{
				MaxConcurrentStreams: 250,
				MaxReadFrameSize:     1 << 20,
			},
			BaseContext: func(net.Listener) context.Context { return base },
		}
	}
	if cfg.HTTPAddr != "" {
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			stop()
			return nil, fmt.Errorf("gateway http listen: %w", err)
		}
		g.httpLn = ln
		g.httpSrv = newServer()
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(cfg.H2C)
		g.httpSrv.Protocols = &p
		g.fast = &fastServer{g: g, ln: ln, handoff: newHandoffListener(ln.Addr()), conns: map[*fastConn]struct{}{}}
		g.fast.dials, g.fast.stopDials = context.WithCancel(base)
	}
	if cfg.HTTPSAddr != "" {
		ln, err := net.Listen("tcp", cfg.HTTPSAddr)
		if err != nil {
			if g.httpLn != nil {
				g.httpLn.Close()
			}
			stop()
			return nil, fmt.Errorf("gateway https listen: %w", err)
		}
		g.httpsSrv = newServer()
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetHTTP2(true)
		g.httpsSrv.Protocols = &p
		g.httpsSrv.TLSConfig = &tls.Config{
			MinVersion:     tls.VersionTLS12,
			NextProtos:     []string{"h2", "http/1.1"},
			GetCertificate: g.getCertificate,
		}
		g.httpsLn = tls.NewListener(ln, g.httpsSrv.TLSConfig)
	}
	return g, nil
}

// HTTPAddr is the plain-HTTP listen address, nil if none.
func (g *Gateway) HTTPAddr() net.Addr {
	if g.httpLn == nil {
		return nil
	}
	return g.httpLn.Addr()
}

// HTTPSAddr is the TLS listen address, nil if none.
func (g *Gateway) HTTPSAddr() net.Addr {
	if g.httpsLn == nil {
		return nil
	}
	return g.httpsLn.Addr()
}

// Run serves until ctx ends, then shuts down: listeners close, requests in
// flight get up to 5 s to finish.
func (g *Gateway) Run(ctx context.Context) error {
	errc := make(chan error, 3)
	serve := func(srv *http.Server, ln net.Listener) {
		if srv == nil {
			return
		}
		g.bg.Go(func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		})
	}
	if g.fast != nil {
		serve(g.httpSrv, g.fast.handoff)
		g.bg.Go(func() {
			if err := g.fast.serve(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		})
	}
	serve(g.httpsSrv, g.httpsLn)
	g.bg.Go(func() { g.sweepLoop(ctx) })
	var err error
	select {
	case <-ctx.Done():
	case <-g.base.Done():
	case err = <-errc:
		err = fmt.Errorf("gateway serve: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g.shutdown(sctx)
	return err
}

// Close stops serving at once.
func (g *Gateway) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g.shutdown(ctx)
	return nil
}

func (g *Gateway) shutdown(ctx context.Context) {
	g.closeOnce.Do(func() {
		var fastDone chan struct{}
		if g.fast != nil {
			// Before the listener closes below: its accept loop then
			// returns ErrServerClosed, not the close's error.
			g.fast.closing.Store(true)
			fastDone = make(chan struct{})
			go func() { g.fast.shutdown(ctx.Done()); close(fastDone) }()
		}
		for _, srv := range []*http.Server{g.httpSrv, g.httpsSrv} {
			if srv != nil {
				if srv.Shutdown(ctx) != nil {
					srv.Close()
				}
			}
		}
		for _, ln := range []net.Listener{g.httpLn, g.httpsLn} {
			if ln != nil {
				ln.Close()
			}
		}
		if fastDone != nil {
			<-fastDone
		}
		g.stop()
		g.mu.Lock()
		for _, p := range g.pods {
			p.closeListeners()
			p.transport.CloseIdleConnections() // kept connections to the pod
		}
		g.mu.Unlock()
	})
	g.bg.Wait()
}

type ctxKey struct{}

// ServeHTTP routes one request by its Host.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		// Never an open proxy: no tunnels to arbitrary destinations.
		http.Error(w, "tpod gateway: CONNECT not allowed", http.StatusMethodNotAllowed)
		return
	}
	select {
	case g.sem <- struct{}{}:
		defer func() { <-g.sem }()
	default:
		g.unavailable(w, "tpod gateway: too many requests in flight")
		return
	}
	host := NormalizeHost(r.Host)
	g.mu.RLock()
	p := g.hosts[host]
	g.mu.RUnlock()
	if p == nil {
		http.Error(w, "tpod gateway: unknown host", http.StatusNotFound)
		return
	}
	hostport, err := p.acquire(r.Context(), 0)
	if err != nil {
		g.writeAcquireError(w, p, err)
		return
	}
	defer p.release()
	if r.ProtoMajor == 1 && r.Body != nil && r.Body != http.NoBody {
		// Keep reading an upload while the pod's response streams back
		// (echo, gRPC-web, ...); net/http's HTTP/1 server would stop.
		http.NewResponseController(w).EnableFullDuplex()
	}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, hostport))
	p.proxy.ServeHTTP(w, r)
}

func (g *Gateway) writeAcquireError(w http.ResponseWriter, p *pod, err error) {
	switch {
	case errors.Is(err, ErrQueueFull):
		g.unavailable(w, "tpod gateway: pod "+p.id+" is starting and its queue is full")
	case errors.Is(err, ErrStartFailed):
		http.Error(w, "tpod gateway: "+err.Error(), http.StatusBadGateway)
	case errors.Is(err, ErrNotFound):
		http.Error(w, "tpod gateway: unknown host", http.StatusNotFound)
	default: // client gone or gateway closing
		g.unavailable(w, "tpod gateway: "+err.Error())
	}
}

func (g *Gateway) unavailable(w http.ResponseWriter, msg string) {
	secs := int((g.cfg.RetryAfter + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	http.Error(w, msg, http.StatusServiceUnavailable)
}

func (g *Gateway) newProxy(p *pod) {
	t := &h1Transport{
		dialer:         net.Dialer{Timeout: g.cfg.DialTimeout, KeepAlive: 30 * time.Second},
		maxIdle:        1024,
		idleTimeout:    90 * time.Second,
		maxHeaderBytes: 1 << 20,
	}
	t.std = &http.Transport{ // upgrades and requests with a body
		DialContext:            t.dialConn,
		MaxIdleConnsPerHost:    256,
		IdleConnTimeout:        90 * time.Second,
		ExpectContinueTimeout:  time.Second,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 1 << 20,
	}
	p.transport = t
	p.routed(p.route)
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = pr.In.Context().Value(ctxKey{}).(string)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport:  p.transport,
		BufferPool: bufPool{},
		ErrorLog:   slog.NewLogLogger(g.log.Handler(), slog.LevelDebug),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // client went away
			}
			g.log.Debug("proxy", "pod", p.id, "err", err)
			http.Error(w, "tpod gateway: pod "+p.id+" unreachable", http.StatusBadGateway)
		},
	}
}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

type bufPool struct{}

func (bufPool) Get() []byte  { return *(buffers.Get().(*[]byte)) }
func (bufPool) Put(b []byte) { buffers.Put(&b) }

// copyBuffer copies with a pooled buffer.
func copyBuffer(dst io.Writer, src io.Reader) (int64, error) {
	bp := buffers.Get().(*[]byte)
	defer buffers.Put(bp)
	return io.CopyBuffer(dst, src, *bp)
}

func (g *Gateway) emit(e Event) {
	if g.cfg.OnEvent != nil {
		g.cfg.OnEvent(e)
	}
}
