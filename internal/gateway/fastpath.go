package gateway

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The fast path serves plain-HTTP connections itself while their requests
// are bodyless HTTP/1.1 requests for a running pod, and hands a connection
// to net/http (with the bytes it has read) at its first request that is
// anything else. See docs/gateway.md, "Fast path".

const fastBufSize = 8 << 10 // a request head larger than this goes to net/http

var (
	fastReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastBufSize) }}
	fastWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 8<<10) }}
)

// handoffListener feeds connections from the fast path to an http.Server.
type handoffListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newHandoffListener(addr net.Addr) *handoffListener {
	return &handoffListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }

func (l *handoffListener) push(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

// prefixConn reads the bytes the fast path had buffered before the rest.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// fastServer is the accept loop and connection set of the plain listener.
type fastServer struct {
	g       *Gateway
	ln      net.Listener
	handoff *handoffListener
	closing atomic.Bool
	wg      sync.WaitGroup
	off     atomic.Bool // tests: hand every connection off

	served, handedOff atomic.Int64 // requests served here, connections handed off

	// dials ends when a shutdown's grace period does, so that a dial to a
	// pod does not hold the shutdown for up to DialTimeout.
	dials     context.Context
	stopDials context.CancelFunc

	mu    sync.Mutex
	conns map[*fastConn]struct{}
}

const (
	connIdle int32 = iota
	connActive
	connClosed
)

type fastConn struct {
	s       *fastServer
	nc      net.Conn
	state   atomic.Int32
	backend atomic.Pointer[h1Conn] // the pod connection in use, closed on a forced shutdown
	xff     []byte                 // "X-Forwarded-For: ip\r\n" or nil

	// The serving loop's state between calls of step (see serve).
	raw       syscall.RawConn
	fd        int
	br        *bufio.Reader
	bw        *bufio.Writer
	h         reqHead
	inStep    bool      // step runs: c.fd is held
	first     bool      // no request served yet
	headTimer bool      // the read deadline is ReadHeaderTimeout's for this head
	end       connEnd   // set when step returns true
	idleSet   time.Time // when the IdleTimeout read deadline was set (zero: another one is)
	writeSet  time.Time // when the write deadline was set
}

// stale reports whether a deadline d after now should be set, given that
// the same one was set at *set, and if so records now in *set. Setting a
// deadline updates a runtime timer — several per request otherwise — so
// one that would move by less than a sixteenth of its timeout (at most a
// second) is left where it is: it then falls due up to that much early.
func stale(set *time.Time, now time.Time, d time.Duration) bool {
	if !set.IsZero() && now.Sub(*set) < min(d/16, time.Second) {
		return false
	}
	*set = now
	return true
}

func (s *fastServer) serve() error {
	var delay time.Duration
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errTemporary(err)) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		c := &fastConn{s: s, nc: nc}
		if ip, _, err := net.SplitHostPort(nc.RemoteAddr().String()); err == nil {
			c.xff = []byte("X-Forwarded-For: " + ip + "\r\n")
		}
		s.mu.Lock()
		if s.closing.Load() {
			s.mu.Unlock()
			nc.Close()
			return http.ErrServerClosed
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go c.serve()
	}
}

// errTemporary treats accept errors with Temporary() (EMFILE, ECONNABORTED) as
// transient, like net/http.
func errTemporary(err error) error {
	if t, ok := err.(interface{ Temporary() bool }); ok && t.Temporary() {
		return err
	}
	return errNever
}

var errNever = errors.New("never")

// shutdown stops accepting, closes idle connections and waits for active
// ones until ctx ends, then closes them too.
func (s *fastServer) shutdown(done <-chan struct{}) {
	s.closing.Store(true)
	s.ln.Close()
	s.closeIdle(false)
	waited := make(chan struct{})
	go func() { s.wg.Wait(); close(waited) }()
	for {
		select {
		case <-waited:
			return
		case <-done:
			s.stopDials()
			s.closeIdle(true)
			<-waited
			return
		case <-time.After(50 * time.Millisecond):
			s.closeIdle(false) // connections that went idle meanwhile
		}
	}
}

// closeIdle closes idle connections (all: every connection). The closes
// happen outside s.mu: closing a client connection waits until its serving
// loop lets go of the socket (see serve), which may take until the pod
// connection, closed first, fails.
func (s *fastServer) closeIdle(all bool) {
	var closing []*fastConn
	s.mu.Lock()
	for c := range s.conns {
		if c.state.CompareAndSwap(connIdle, connClosed) || all {
			c.state.Store(connClosed)
			closing = append(closing, c)
		}
	}
	s.mu.Unlock()
	for _, c := range closing {
		if b := c.backend.Load(); b != nil {
			b.nc.Close()
		}
		c.nc.Close()
	}
}

func (c *fastConn) remove() {
	c.s.mu.Lock()
	_, ok := c.s.conns[c]
	delete(c.s.conns, c)
	c.s.mu.Unlock()
	if ok {
		c.s.wg.Done()
	}
}

// serve runs the connection's loop (step) inside RawConn.Read on the
// client's socket. A Read on a Go socket tries the system call before it
// waits, and between keep-alive requests that read almost always finds
// nothing: a wasted read(2) per request. Inside RawConn.Read the loop
// reads the socket itself (rawRead, see rawio.go) and, once a response is
// written, asks to wait for readability instead; the wait was armed (the
// socket's readiness reset) once, before the first read, so no byte the
// client sends later can be missed. The loop holds the socket's read lock meanwhile, so
// nothing in it may close the client connection (Close waits for that
// lock): it returns, and serve ends the connection as c.end says.
func (c *fastConn) serve() {
	defer func() {
		// As net/http does, a panic ends the connection, not the process.
		if e := recover(); e != nil {
			c.s.g.log.Error("fast path panic", "err", e, "stack", string(debug.Stack()))
			c.nc.Close()
			if b := c.backend.Load(); b != nil {
				b.nc.Close()
			}
			c.remove()
		}
	}()
	c.br = fastReaders.Get().(*bufio.Reader)
	c.bw = fastWriters.Get().(*bufio.Writer)
	c.br.Reset(clientReader{c})
	c.bw.Reset(deadlineWriter{c})
	defer func() {
		c.br.Reset(nil)
		c.bw.Reset(nil)
		fastReaders.Put(c.br)
		fastWriters.Put(c.bw)
		c.br, c.bw = nil, nil
	}()
	c.first, c.headTimer = true, true
	c.nc.SetReadDeadline(time.Now().Add(c.s.g.cfg.ReadHeaderTimeout))
	if sc, ok := c.nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			c.raw = raw
		}
	}
	if c.raw != nil {
		c.raw.Read(c.step) // an error (deadline, close) leaves c.end at endClose
	} else {
		for !c.step(^uintptr(0)) { // reads block: step never waits for nothing
		}
	}
	switch c.end {
	case endClose:
		c.bw.Flush()
		c.nc.Close()
		c.remove()
	case endGone:
		c.remove()
	case endHandoff:
		// Not ours: net/http serves this request and the rest.
		c.nc.SetDeadline(time.Time{})
		pc := &prefixConn{Conn: c.nc}
		if k := c.br.Buffered(); k > 0 {
			b, _ := c.br.Peek(k)
			pc.prefix = append([]byte(nil), b...)
		}
		c.remove()
		c.s.handedOff.Add(1)
		c.s.handoff.push(pc)
	}
}

// connEnd is how serve ends a connection once step is done with it.
type connEnd int

const (
	endClose   connEnd = iota // flush what is buffered, close
	endGone                   // closed by a shutdown already
	endHandoff                // to net/http, with the bytes read
)

// step serves the requests the client has sent: RawConn.Read's callback on
// the client's socket (fd), called at once and again each time the socket
// is readable. It returns false to wait for more bytes, true when the
// connection is done (c.end says how).
func (c *fastConn) step(fd uintptr) bool {
	c.fd, c.inStep = int(fd), true
	done := c.serveBuffered()
	c.inStep = false
	return done
}

// serveBuffered is step's loop.
func (c *fastConn) serveBuffered() bool {
	c.end = endClose
	g := c.s.g
	br, bw := c.br, c.bw
	for {
		n, ok := readHead(br, g.cfg.MaxHeaderBytes)
		if n == headWait {
			// ReadHeaderTimeout runs from a head's first byte.
			if br.Buffered() > 0 && !c.headTimer {
				c.nc.SetReadDeadline(time.Now().Add(g.cfg.ReadHeaderTimeout))
				c.headTimer, c.idleSet = true, time.Time{}
			}
			return false
		}
		if n < 0 { // read error or timeout within a head
			return true
		}
		if !c.state.CompareAndSwap(connIdle, connActive) {
			c.end = endGone
			return true
		}
		head, _ := br.Peek(n)
		var p *pod
		var hostport string
		if ok && !c.s.off.Load() && parseRequestHead(head, &c.h) {
			p, hostport = g.fastRoute(c.h.host)
		}
		if p == nil {
			if bw.Flush() == nil {
				c.end = endHandoff
			}
			return true
		}
		c.s.served.Add(1)
		keep := c.forward(p, hostport, head, &c.h, bw)
		br.Discard(n)
		if !keep || c.h.close || c.s.closing.Load() {
			return true
		}
		c.state.Store(connIdle)
		if c.s.closing.Load() && c.state.CompareAndSwap(connIdle, connClosed) {
			return true
		}
		c.first, c.headTimer = false, false
		if br.Buffered() == 0 {
			// Wait for the next request without reading first (see serve).
			if bw.Flush() != nil {
				return true
			}
			if now := time.Now(); stale(&c.idleSet, now, g.cfg.IdleTimeout) {
				c.nc.SetReadDeadline(now.Add(g.cfg.IdleTimeout))
			}
			return false
		}
	}
}

// errWait is clientReader's "nothing to read yet".
var errWait = errors.New("would block")

// clientReader reads the client's socket inside step: with the system call
// itself, since step holds the socket's read lock; a read that finds
// nothing returns errWait. Without a RawConn it is the connection's Read.
type clientReader struct{ c *fastConn }

func (r clientReader) Read(p []byte) (int, error) {
	if r.c.raw == nil {
		return r.c.nc.Read(p)
	}
	n, e := rawRead(r.c.fd, p)
	switch {
	case e == syscall.EAGAIN:
		return 0, errWait
	case e != 0:
		return 0, e
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	return n, nil
}

// headWait is readHead's "the head is not complete and the socket has
// nothing more yet".
const headWait = -2

// readHead waits until br holds a whole request head and returns its
// length; ok is false if the head is not for the fast path (too large,
// bare LF). n < 0: the connection failed, or (headWait) br's reader has
// nothing more yet.
func readHead(br *bufio.Reader, limit int) (n int, ok bool) {
	limit = min(limit, br.Size())
	scanned := 0 // a head trickling in is scanned once, not once per read
	for {
		b, _ := br.Peek(br.Buffered())
		e := headEndFrom(b, scanned)
		scanned = len(b)
		switch {
		case e > limit:
			return len(b), false // net/http answers 431 or serves it
		case e > 0:
			return e, true
		case e < 0:
			return len(b), false
		}
		if len(b) >= limit {
			return len(b), false
		}
		if _, err := br.Peek(len(b) + 1); err != nil {
			if b, _ := br.Peek(br.Buffered()); len(b) > 0 && headEnd(b) != 0 {
				continue
			}
			if err == errWait {
				return headWait, false
			}
			return -1, false
		}
	}
}

// fastRoute takes a concurrency slot and a running pod's in-flight count,
// or returns nil (the slow path then answers or wakes the pod).
func (g *Gateway) fastRoute(host []byte) (*pod, string) {
	select {
	case g.sem <- struct{}{}:
	default:
		return nil, ""
	}
	g.mu.RLock()
	var p *pod
	if h, ok := simpleHost(host); ok {
		p = g.hosts[string(h)] // no allocation for a map index
	} else {
		p = g.hosts[NormalizeHost(string(host))]
	}
	g.mu.RUnlock()
	if p != nil {
		if hp, ok := p.tryAcquire(); ok {
			return p, hp
		}
	}
	<-g.sem
	return nil, ""
}

// simpleHost is NormalizeHost for a lower-case host without brackets: the
// port and a trailing dot removed. ok is false for other hosts.
func simpleHost(b []byte) ([]byte, bool) {
	colon := -1
	for i, c := range b {
		switch {
		case c == '[' || ('A' <= c && c <= 'Z'):
			return nil, false
		case c == ':':
			if colon >= 0 {
				return nil, false
			}
			colon = i
		}
	}
	if colon >= 0 {
		b = b[:colon]
	}
	if len(b) > 0 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	return b, true
}

// deadlineWriter gives every write to the client a deadline.
type deadlineWriter struct{ c *fastConn }

// Inside step it writes with rawWrite first; only what the socket does not
// take at once goes through the connection's Write, with the deadline.
func (w deadlineWriter) Write(p []byte) (int, error) {
	c := w.c
	done := 0
	if c.inStep && c.raw != nil {
		var err error
		if done, err = writeAll(c.fd, p); err != nil || done == len(p) {
			return done, err
		}
	}
	if now, d := time.Now(), c.s.g.cfg.IdleTimeout; stale(&c.writeSet, now, d) {
		c.nc.SetWriteDeadline(now.Add(d))
	}
	n, err := c.nc.Write(p[done:])
	return done + n, err
}

var errBadResponse = errors.New("malformed response from pod")

// forward proxies one request; the pod's in-flight count and the
// concurrency slot taken by fastRoute are given back on every exit, a panic
// included.
func (c *fastConn) forward(p *pod, hostport string, head []byte, h *reqHead, bw *bufio.Writer) bool {
	defer func() {
		p.release()
		<-c.s.g.sem
	}()
	return c.proxy(p, hostport, head, h, bw)
}

// proxy forwards one request and its response; it reports whether the
// client connection can carry another request.
func (c *fastConn) proxy(p *pod, hostport string, head []byte, h *reqHead, bw *bufio.Writer) bool {
	t := p.transport
	for attempt := 0; ; attempt++ {
		bc := t.get(hostport)
		reused := bc != nil
		if bc == nil {
			var err error
			if bc, err = t.dial(c.s.dials, hostport); err != nil {
				return c.badGateway(p, err, bw)
			}
		}
		c.backend.Store(bc)
		if c.state.Load() == connClosed { // a forced shutdown that did not see bc
			bc.nc.Close()
		}
		keep, sent, err := c.roundTrip(bc, head, h, bw)
		c.backend.Store(nil)
		if err == nil {
			return keep
		}
		bc.nc.Close()
		if sent || errors.Is(err, errClientGone) {
			c.s.g.log.Debug("proxy", "pod", p.id, "err", err)
			// Part of the response went out: reset the connection so that
			// the client cannot take what it got for the whole response
			// (a body delimited by the close would look complete).
			if tc, ok := c.nc.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			return false
		}
		if !reused || attempt > 0 || !h.replayable || errors.Is(err, errBadResponse) || c.s.closing.Load() {
			return c.badGateway(p, err, bw)
		}
	}
}

func (c *fastConn) badGateway(p *pod, err error, bw *bufio.Writer) bool {
	g := c.s.g
	g.log.Debug("proxy", "pod", p.id, "err", err)
	msg := "tpod gateway: pod " + p.id + " unreachable\n"
	bw.WriteString("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: ")
	bw.WriteString(time.Now().UTC().Format(http.TimeFormat))
	bw.WriteString("\r\nContent-Length: ")
	bw.WriteString(strconv.Itoa(len(msg)))
	bw.WriteString("\r\nConnection: close\r\n\r\n")
	bw.WriteString(msg)
	return false
}

const (
	maxRespHead   = 1 << 20
	maxChunkLine  = 4 << 10
	maxTrailers   = 64 << 10
	max1xxReplies = 16
)

// roundTrip writes the request to the pod and copies the response to cw.
// sent reports whether any of the response went to the client (then an
// error can only close the connection).
func (c *fastConn) roundTrip(bc *h1Conn, head []byte, h *reqHead, cw *bufio.Writer) (keep, sent bool, err error) {
	if err := c.sendRequest(bc, head, h, cw); err != nil {
		return false, false, err
	}
	var r respHead
	n, hdrs, err := readResponseHead(bc, &r, h, cw)
	if err != nil {
		return false, false, err
	}
	noBody := bodyless(h, &r)
	writeResponseHead(cw, &r, hdrs, noBody, h.close)
	bc.br.Discard(n)
	bc.lr.n = -1
	// From here on, part of the response went to the client.
	untilClose, err := copyBody(cw, bc.br, &r, noBody)
	if err != nil {
		return false, true, err
	}
	if untilClose {
		bc.nc.Close()
		return false, true, nil
	}
	// A pod that announces a body for a bodyless response may send it
	// anyway, after the gateway looked: such a connection is not reused.
	if r.close || noBody && (r.chunked || r.contentLength > 0) {
		bc.nc.Close()
	} else {
		bc.lr.client = nil
		bc.t.put(bc) // with its deadlines: see h1Transport.RoundTrip
	}
	return true, true, nil
}

// sendRequest writes the request to the pod — its line and header lines as
// the client sent them, less the ones parseRequestHead dropped, plus the
// X-Forwarded-* lines — and waits until the pod's answer can be read.
func (c *fastConn) sendRequest(bc *h1Conn, head []byte, h *reqHead, cw *bufio.Writer) error {
	w := bc.bw
	eol := indexCRLF(head)
	w.Write(head[:eol+2]) // request line
	for _, r := range h.hdr[:h.nhdr] {
		w.Write(head[r[0]:r[1]])
	}
	if c.xff != nil {
		w.Write(c.xff)
	}
	w.WriteString("X-Forwarded-Host: ")
	w.Write(h.host)
	w.WriteString("\r\nX-Forwarded-Proto: http\r\n\r\n")
	// No timeout for the pod's answer (long polls), but while the gateway
	// waits, the reader checks every clientCheck that the client is still
	// there; a pooled connection keeps its deadlines until the slow path
	// takes it.
	now := time.Now()
	if d := c.s.g.cfg.IdleTimeout; stale(&bc.writeSet, now, d) {
		bc.nc.SetWriteDeadline(now.Add(d))
	}
	if stale(&bc.readSet, now, clientCheck) {
		bc.nc.SetReadDeadline(now.Add(clientCheck))
	}
	bc.lr.client = c.nc
	if cw.Buffered() > 0 { // a pipelined request's response: not held back while the pod works
		if cw.Flush() != nil {
			return errClientGone
		}
	}
	return bc.flushAndWait()
}

// readResponseHead reads the pod's final response head into r, dropping
// 1xx interim responses, and checks all of it before any goes to the
// client, so that a malformed one still yields a 502. It returns the
// head's length and its header lines (through the blank line), valid until
// bc.br is read again.
func readResponseHead(bc *h1Conn, r *respHead, h *reqHead, cw *bufio.Writer) (n int, hdrs []byte, err error) {
	br := bc.br
	bc.lr.n = maxRespHead
	for replies := 0; ; replies++ {
		for {
			all, _ := br.Peek(br.Buffered())
			if n = indexHeadEnd(all); n >= 0 {
				break
			}
			if len(all) == br.Size() {
				return 0, nil, errBadResponse // head larger than the buffer
			}
			if cw.Buffered() > 0 { // a pipelined request's response
				if cw.Flush() != nil {
					return 0, nil, errClientGone
				}
			}
			if _, err := br.Peek(len(all) + 1); err != nil {
				if replies == 0 && err == io.EOF && len(all) == 0 {
					return 0, nil, io.EOF // a reused connection the pod closed
				}
				return 0, nil, badResponse(err)
			}
		}
		head, _ := br.Peek(n)
		eol := indexCRLF(head)
		status, minor, ok := parseStatusLine(head[:eol])
		if !ok || status == http.StatusSwitchingProtocols || replies >= max1xxReplies {
			return 0, nil, errBadResponse
		}
		if status < 200 {
			// 1xx interim responses are dropped, as on the slow path.
			br.Discard(n)
			continue
		}
		*r = respHead{status: status, contentLength: -1, close: minor == 0}
		hdrs = head[eol+2:]
		for off := 0; off < len(hdrs)-2; {
			e := indexCRLF(hdrs[off:])
			if _, ok := respHeader(hdrs[off:off+e], r); !ok {
				return 0, nil, errBadResponse
			}
			off += e + 2
		}
		if badFraming(r, minor, bodyless(h, r)) {
			return 0, nil, errBadResponse
		}
		// The client always gets HTTP/1.1 from the gateway.
		cw.WriteString("HTTP/1.1")
		cw.Write(head[8:eol])
		cw.WriteString("\r\n")
		return n, hdrs, nil
	}
}

// writeResponseHead writes the header lines of a checked response head to
// the client, less the hop-by-hop ones, and the blank line.
func writeResponseHead(cw *bufio.Writer, r *respHead, hdrs []byte, bodyless, clientClose bool) {
	for off := 0; off < len(hdrs)-2; {
		e := indexCRLF(hdrs[off:])
		line := hdrs[off : off+e]
		off += e + 2
		if keepHdr, _ := respHeader(line, &respHead{contentLength: -1}); !keepHdr {
			continue
		}
		if r.nconn > 0 && r.connListed(headerName(line)) {
			continue
		}
		if bodyless && eqFold(headerName(line), "transfer-encoding") {
			continue
		}
		cw.Write(line)
		cw.WriteString("\r\n")
	}
	if closeDelimited(r, bodyless) || clientClose {
		cw.WriteString("Connection: close\r\n")
	}
	cw.WriteString("\r\n")
}

// bodyless reports a response that has no body whatever its head says.
func bodyless(h *reqHead, r *respHead) bool {
	return string(h.method) == "HEAD" || r.status == 204 || r.status == 304
}

// closeDelimited reports a response whose body ends with the pod's close.
func closeDelimited(r *respHead, bodyless bool) bool {
	return !bodyless && !r.chunked && r.contentLength < 0
}

// copyBody copies the response body by its framing; before a read that may
// block, what the client has been given is flushed so that streams are not
// held back. closed reports a body delimited by the pod's close.
func copyBody(cw *bufio.Writer, br *bufio.Reader, r *respHead, bodyless bool) (closed bool, err error) {
	switch {
	case bodyless:
		return false, nil
	case r.chunked:
		return false, copyChunked(cw, br)
	case r.contentLength >= 0:
		return false, copyN(cw, br, r.contentLength)
	default:
		return true, copyN(cw, br, -1)
	}
}

// badFraming reports a response head whose body framing the fast path
// refuses: chunked with a Content-Length, or chunked in HTTP/1.0 (RFC 9112
// §6.1: faulty framing; net/http reads such a body until the close).
func badFraming(r *respHead, minor int, bodyless bool) bool {
	return r.chunked && (minor == 0 || r.contentLength >= 0 && !bodyless)
}

func badResponse(err error) error {
	if err == bufio.ErrBufferFull || err == errHeaderTooLarge {
		return errBadResponse
	}
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trimCRLF(line []byte) ([]byte, bool) {
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, false
	}
	return line[:len(line)-2], true
}

func indexCRLF(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			return i
		}
	}
	return -1
}

// indexHeadEnd returns the length of the header block b starts with
// (through the blank line), -1 if incomplete. A bare CR or LF, or a line
// starting with whitespace (obs-fold), makes the block malformed, which the
// header check then reports.
func indexHeadEnd(b []byte) int {
	if len(b) >= 2 && b[0] == '\r' && b[1] == '\n' {
		return 2
	}
	for i := 0; i+3 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' && b[i+2] == '\r' && b[i+3] == '\n' {
			return i + 4
		}
	}
	return -1
}

// fill makes br hold at least one byte, flushing w before it may block.
func fill(w *bufio.Writer, br *bufio.Reader) error {
	if br.Buffered() > 0 {
		return nil
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := br.Peek(1)
	return err
}

// copyN copies n bytes (n < 0: until EOF) from br to w.
func copyN(w *bufio.Writer, br *bufio.Reader, n int64) error {
	for n != 0 {
		if err := fill(w, br); err != nil {
			if n < 0 && err == io.EOF {
				return nil
			}
			return badResponse(err)
		}
		k := br.Buffered()
		if n >= 0 && int64(k) > n {
			k = int(n)
		}
		b, _ := br.Peek(k)
		if _, err := w.Write(b); err != nil {
			return err
		}
		br.Discard(k)
		if n > 0 {
			n -= int64(k)
		}
	}
	return nil
}

// readLine reads one CRLF-terminated line of at most max bytes; it returns
// the line with its CRLF (to copy once the caller has checked it) and
// without, both valid until the next read.
func readLine(w *bufio.Writer, br *bufio.Reader, max int) (raw, line []byte, err error) {
	if err := fill(w, br); err != nil {
		return nil, nil, badResponse(err)
	}
	raw, err = br.ReadSlice('\n')
	if err != nil {
		return nil, nil, badResponse(err)
	}
	if len(raw) > max {
		return nil, nil, errBadResponse
	}
	l, ok := trimCRLF(raw)
	if !ok || bytes.IndexByte(l, '\r') >= 0 {
		return nil, nil, errBadResponse
	}
	return raw, l, nil
}

// copyChunked copies a chunked body raw, checking its framing; only lines
// that passed the check are copied.
func copyChunked(w *bufio.Writer, br *bufio.Reader) error {
	for {
		raw, line, err := readLine(w, br, maxChunkLine)
		if err != nil {
			return err
		}
		size, ok := parseChunkSize(line)
		if !ok {
			return errBadResponse
		}
		if _, err := w.Write(raw); err != nil {
			return err
		}
		if size == 0 {
			break
		}
		if err := copyN(w, br, size); err != nil {
			return err
		}
		if raw, line, err = readLine(w, br, 2); err != nil {
			return err
		}
		if len(line) != 0 {
			return errBadResponse
		}
		if _, err := w.Write(raw); err != nil {
			return err
		}
	}
	total := 0
	for {
		raw, line, err := readLine(w, br, maxChunkLine)
		if err != nil {
			return err
		}
		total += len(line)
		var r respHead
		if len(line) > 0 {
			if _, ok := respHeader(line, &r); !ok || total > maxTrailers {
				return errBadResponse
			}
		}
		if _, err := w.Write(raw); err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
	}
}
