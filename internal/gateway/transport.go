package gateway

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// h1Transport is the proxy's client side toward one pod: HTTP/1.1 over
// pooled keep-alive connections, the request written and the response read
// on the calling goroutine. http.Transport runs a reader and a writer
// goroutine per connection and hands every request between them; on the
// proxy's hot path that handoff cost more CPU than the proxying itself.
// Requests it does not handle (upgrades, requests with a body) go to std.
type h1Transport struct {
	dialer net.Dialer
	// fresh is the time (Unix ns) until which a refused connection is
	// retried: the pod was routed or re-routed moments ago and its app may
	// not listen yet (see dialConn).
	fresh          atomic.Int64
	std            *http.Transport
	maxIdle        int
	idleTimeout    time.Duration
	maxHeaderBytes int64

	mu   sync.Mutex
	idle []*h1Conn // most recently used last
}

type h1Conn struct {
	t         *h1Transport
	addr      string
	nc        net.Conn
	lr        *limitReader
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time

	// flushAndWait's state: the socket, and the callback given to its
	// RawConn.Read (a method value made once, so that a request costs no
	// allocation).
	raw      syscall.RawConn
	waitFn   func(uintptr) bool
	flushed  bool
	flushErr error
	fd       int  // the socket, while inWait
	inWait   bool // flushThenWait runs: writes use rawWrite

	// When the fast path set the read and write deadlines (see stale); a
	// pooled connection keeps them, and the slow path clears them.
	readSet, writeSet time.Time
}

// flushAndWait sends the buffered request and waits until the pod's answer
// can be read. A Read on a Go socket first tries the system call and waits
// only if it finds nothing — which, right after a request went out, it
// almost always does: one wasted read(2) per request. Here the wait is
// armed (RawConn.Read resets the socket's readiness) before the request is
// written, so the answer's arrival cannot be missed, and the read that
// follows finds it. A failed wait (the read deadline, a close) is left to
// that read to report.
func (c *h1Conn) flushAndWait() error {
	if c.raw == nil {
		return c.bw.Flush()
	}
	c.flushed, c.flushErr = false, nil
	c.raw.Read(c.waitFn)
	if !c.flushed { // the wait could not be armed: the read will say why
		return c.bw.Flush()
	}
	return c.flushErr
}

// flushThenWait is flushAndWait's callback: its first call writes the
// request and asks to wait; the next (the socket is readable) ends the wait.
func (c *h1Conn) flushThenWait(fd uintptr) bool {
	if c.flushed {
		return true
	}
	c.flushed = true
	c.fd, c.inWait = int(fd), true
	c.flushErr = c.bw.Flush()
	c.inWait = false
	return c.flushErr != nil
}

// podWriter is what h1Conn.bw writes to: in flushThenWait with rawWrite
// (see rawio.go), what the socket does not take at once, and otherwise
// everything, with the connection's Write.
type podWriter struct{ c *h1Conn }

func (w podWriter) Write(p []byte) (int, error) {
	c := w.c
	done := 0
	if c.inWait {
		var err error
		if done, err = writeAll(c.fd, p); err != nil || done == len(p) {
			return done, err
		}
	}
	n, err := c.nc.Write(p[done:])
	return done + n, err
}

var errHeaderTooLarge = errors.New("response header too large")

// limitReader caps the bytes read while armed (n ≥ 0). While client is
// set (the fast path, which has no goroutine watching its client), a read
// that waits clientCheck for the pod looks whether the client is still
// there, and fails with errClientGone if not.
type limitReader struct {
	r      net.Conn
	n      int64
	client net.Conn

	// read's state: r's socket, the callback given to its RawConn.Read
	// (made once), the buffer and the result of a call.
	raw    syscall.RawConn
	readFn func(uintptr) bool
	buf    []byte
	rn     int
	rerr   syscall.Errno
}

// read is r.Read with rawRead (see rawio.go), inside RawConn.Read, which
// waits for readability with r's deadline as Read does.
func (l *limitReader) read(p []byte) (int, error) {
	if l.raw == nil {
		return l.r.Read(p)
	}
	l.buf, l.rn, l.rerr = p, 0, 0
	err := l.raw.Read(l.readFn)
	l.buf = nil
	switch {
	case err != nil: // deadline, close
		return 0, err
	case l.rerr != 0:
		return 0, os.NewSyscallError("read", l.rerr)
	case l.rn == 0 && len(p) > 0:
		return 0, io.EOF
	}
	return l.rn, nil
}

func (l *limitReader) readOnce(fd uintptr) bool {
	n, e := rawRead(int(fd), l.buf)
	if e == syscall.EAGAIN {
		return false
	}
	l.rn, l.rerr = n, e
	return true
}

// clientCheck is how often the fast path, waiting for a pod, checks its
// client.
const clientCheck = time.Second

var errClientGone = errors.New("client went away")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n == 0 {
		return 0, errHeaderTooLarge
	}
	if l.n > 0 && int64(len(p)) > l.n {
		p = p[:l.n]
	}
	for {
		n, err := l.read(p)
		if n == 0 && l.client != nil && errors.Is(err, os.ErrDeadlineExceeded) {
			if clientGone(l.client) {
				return 0, errClientGone
			}
			l.r.SetReadDeadline(time.Now().Add(clientCheck))
			continue
		}
		if l.n > 0 {
			l.n -= int64(n)
		}
		return n, err
	}
}

// clientGone reports whether the client closed or reset its connection.
// Bytes the client sent ahead mean it is still there.
func clientGone(nc net.Conn) bool { return peek(nc) == peekClosed }

func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" || req.Header.Get("Upgrade") != "" || req.Method == http.MethodConnect ||
		(req.Body != nil && req.Body != http.NoBody) {
		// Upgrades, and requests with a body: a pod may answer before it
		// has read the body, which needs the writer and reader apart.
		return t.std.RoundTrip(req)
	}
	for attempt := 0; ; attempt++ {
		c := t.get(req.URL.Host)
		reused := c != nil
		if reused && (!c.readSet.IsZero() || !c.writeSet.IsZero()) {
			c.nc.SetDeadline(time.Time{}) // the fast path's, kept in the pool
			c.readSet, c.writeSet = time.Time{}, time.Time{}
		}
		if c == nil {
			var err error
			if c, err = t.dial(req.Context(), req.URL.Host); err != nil {
				return nil, err
			}
		}
		resp, err := c.roundTrip(req)
		if err == nil {
			return resp, nil
		}
		c.nc.Close()
		// A kept connection the pod closed meanwhile: try once more on a
		// new one if the request can be replayed.
		if !reused || attempt > 0 || req.Context().Err() != nil || !replayable(req) {
			return nil, err
		}
	}
}

func replayable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != ""
}

// dialConn connects to a pod's port. A pod routed less than a start
// timeout ago may not listen yet — its process is starting, a few hundred
// milliseconds under gVisor — so a refused connection is then retried, with
// a short back-off, until the dial timeout; later it fails at once (a 502).
func (t *h1Transport) dialConn(ctx context.Context, network, addr string) (net.Conn, error) {
	nc, err := t.dialer.DialContext(ctx, network, addr)
	if err == nil || !errors.Is(err, syscall.ECONNREFUSED) || time.Now().UnixNano() > t.fresh.Load() {
		return nc, err
	}
	if t.dialer.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.dialer.Timeout)
		defer cancel()
	}
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(delay):
		}
		nc, err = t.dialer.DialContext(ctx, network, addr)
		if err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
			return nc, err
		}
	}
}

func (t *h1Transport) dial(ctx context.Context, addr string) (*h1Conn, error) {
	nc, err := t.dialConn(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	lr := &limitReader{r: nc, n: -1}
	c := &h1Conn{t: t, addr: addr, nc: nc, lr: lr, br: bufio.NewReaderSize(lr, 16<<10)}
	c.bw = bufio.NewWriterSize(podWriter{c}, 8<<10)
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			c.raw = raw
			c.waitFn = c.flushThenWait
			lr.raw = raw
			lr.readFn = lr.readOnce
		}
	}
	return c, nil
}

// get returns a pooled connection to addr, or nil.
func (t *h1Transport) get(addr string) *h1Conn {
	now := time.Now()
	for {
		t.mu.Lock()
		var c *h1Conn
		for i := len(t.idle) - 1; i >= 0; i-- {
			if t.idle[i].addr == addr {
				c = t.idle[i]
				t.idle = append(t.idle[:i], t.idle[i+1:]...)
				break
			}
		}
		t.mu.Unlock()
		if c == nil {
			return nil
		}
		idle := now.Sub(c.idleSince)
		// Under load connections come back within microseconds; one that
		// rested is checked for a close by the pod first.
		if idle > t.idleTimeout || (idle > 100*time.Millisecond && !alive(c.nc)) {
			c.nc.Close()
			continue
		}
		return c
	}
}

func (t *h1Transport) put(c *h1Conn) {
	if c.br.Buffered() > 0 { // bytes beyond the response: out of sync
		c.nc.Close()
		return
	}
	c.idleSince = time.Now()
	t.mu.Lock()
	if len(t.idle) >= t.maxIdle {
		t.mu.Unlock()
		c.nc.Close()
		return
	}
	t.idle = append(t.idle, c)
	t.mu.Unlock()
}

// CloseIdleConnections closes the pooled connections.
func (t *h1Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	t.mu.Unlock()
	for _, c := range idle {
		c.nc.Close()
	}
	t.std.CloseIdleConnections()
}

// alive reports whether a resting connection can carry another request:
// EOF or unexpected bytes mean it cannot.
func alive(nc net.Conn) bool {
	switch peek(nc) {
	case peekEmpty, peekUnknown:
		return true
	}
	return false
}

type peekResult int

const (
	peekEmpty   peekResult = iota // open, nothing to read
	peekData                      // bytes waiting
	peekClosed                    // EOF, reset or unusable
	peekUnknown                   // not a socket
)

// peek looks at nc's socket without blocking and without its deadlines.
func peek(nc net.Conn) peekResult {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return peekUnknown
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return peekClosed
	}
	res := peekClosed
	err = raw.Control(func(fd uintptr) {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case n > 0:
			res = peekData
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
			res = peekEmpty
		}
	})
	if err != nil {
		return peekClosed
	}
	return res
}

var aLongTimeAgo = time.Unix(1, 0)

func (c *h1Conn) roundTrip(req *http.Request) (*http.Response, error) {
	// Cancelling the request (client gone) unblocks reads and writes.
	stop := context.AfterFunc(req.Context(), func() { c.nc.SetDeadline(aLongTimeAgo) })
	fail := func(err error) (*http.Response, error) {
		stop()
		return nil, err
	}
	if err := req.Write(c.bw); err != nil {
		return fail(err)
	}
	if err := c.bw.Flush(); err != nil {
		return fail(err)
	}
	c.lr.n = c.t.maxHeaderBytes
	var resp *http.Response
	for {
		var err error
		resp, err = http.ReadResponse(c.br, req)
		if err != nil {
			return fail(err)
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		resp.Body.Close() // 1xx informational: the final response follows
	}
	c.lr.n = -1
	if resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body.Close()
		return fail(errors.New("pod switched protocols without an upgrade request"))
	}
	// A HEAD response that announces a body: a pod may send the body anyway,
	// after the connection went back to the pool, so it is not reused.
	reusable := !resp.Close && !req.Close && resp.ProtoAtLeast(1, 1) &&
		(req.Method != http.MethodHead || resp.ContentLength == 0)
	resp.Body = &h1Body{rc: resp.Body, c: c, stop: stop, reusable: reusable}
	return resp, nil
}

// h1Body returns the connection to the pool when the body was read to its
// end, and closes it otherwise.
type h1Body struct {
	rc       io.ReadCloser
	c        *h1Conn
	stop     func() bool
	reusable bool
	done     bool
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	if err != nil {
		b.finish(err == io.EOF)
	}
	return n, err
}

func (b *h1Body) Close() error {
	if !b.done {
		b.finish(false)
	}
	return nil
}

func (b *h1Body) finish(eof bool) {
	b.done = true
	b.rc.Close()
	notCancelled := b.stop()
	if eof && b.reusable && notCancelled {
		b.c.t.put(b.c)
	} else {
		b.c.nc.Close()
	}
}
