package faults

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// proxy is a TCP proxy on 127.0.0.1 in front of one address: the path a
// process takes to a service (the provider to the chain's RPC, a publisher
// to the provider's libp2p port). Cutting it is the service becoming
// unreachable from that process only.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]bool
	// bytes counts what went from client to target so far, for a test
	// that cuts the path once some traffic flowed.
	bytes atomic.Int64
}

// newProxy listens on a free port of 127.0.0.1 and forwards to target.
func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.setDown(true) })
	return p
}

// Addr is host:port of the proxy.
func (p *proxy) Addr() string { return p.ln.Addr().String() }

// Port is the proxy's port.
func (p *proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Cut makes the target unreachable: open connections are reset and new ones
// are closed at once (connection refused, as far as the client can tell).
func (p *proxy) Cut() { p.setDown(true) }

// Heal lets connections through again.
func (p *proxy) Heal() { p.setDown(false) }

func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST, not a polite FIN
			}
			c.Close()
		}
	}
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			continue
		}
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	u, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		u.Close()
		return
	}
	p.conns[c], p.conns[u] = true, true
	p.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		io.Copy(u, counting{c, &p.bytes})
		u.(*net.TCPConn).CloseWrite()
	}()
	go func() {
		defer wg.Done()
		io.Copy(c, u)
		c.(*net.TCPConn).CloseWrite()
	}()
	wg.Wait()
	c.Close()
	u.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, u)
	p.mu.Unlock()
}

// counting counts what is read through it.
type counting struct {
	r io.Reader
	n *atomic.Int64
}

func (c counting) Read(b []byte) (int, error) {
	k, err := c.r.Read(b)
	c.n.Add(int64(k))
	return k, err
}
