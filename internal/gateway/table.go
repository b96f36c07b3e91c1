package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"
)

// AddRoute routes a new pod. It fails with ErrConflict if the pod is already
// routed or one of its hostnames or TCP listen ports belongs to another pod,
// and with ErrInvalid for a malformed route.
func (g *Gateway) AddRoute(r Route) error {
	names, err := g.check(r)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.base.Err() != nil {
		return fmt.Errorf("add route %s: gateway closed", r.PodID)
	}
	if g.pods[r.PodID] != nil {
		return fmt.Errorf("add route %s: already routed (use UpdateRoute): %w", r.PodID, ErrConflict)
	}
	if err := g.hostsFree(names, nil); err != nil {
		return fmt.Errorf("add route %s: %w", r.PodID, err)
	}
	p := g.newPod(r, names)
	opened, err := g.openTCP(p, r.TCP)
	if err != nil {
		return fmt.Errorf("add route %s: %w", r.PodID, err)
	}
	for port, ln := range opened {
		p.listeners[port] = ln
		g.serveTCP(p, port, ln)
	}
	g.pods[r.PodID] = p
	for _, n := range names {
		g.hosts[n] = p
	}
	g.log.Info("route added", "pod", r.PodID, "hostnames", names, "tcp", len(r.TCP), "scale_min", r.Scale.Min)
	return nil
}

// UpdateRoute replaces a routed pod's hostnames, host, ports and scale
// policy. Requests in flight are not affected. A pod whose Scale.Min becomes
// 1 while stopped is woken.
func (g *Gateway) UpdateRoute(r Route) error {
	names, err := g.check(r)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pods[r.PodID]
	if p == nil {
		return fmt.Errorf("update route %s: %w", r.PodID, ErrNotFound)
	}
	if err := g.hostsFree(names, p); err != nil {
		return fmt.Errorf("update route %s: %w", r.PodID, err)
	}
	// Keep listeners whose pod port stays with a compatible listen port.
	var keep = map[int]bool{}
	var open []TCPPort
	for _, tp := range r.TCP {
		if ln, ok := p.listeners[tp.Port]; ok && (tp.Listen == 0 || tp.Listen == ln.Addr().(*net.TCPAddr).Port) {
			keep[tp.Port] = true
			continue
		}
		open = append(open, tp)
	}
	// Free the ports we drop first, so a listener can move between pod ports.
	var dropped []TCPPort
	for port, ln := range p.listeners {
		if !keep[port] {
			lport := ln.Addr().(*net.TCPAddr).Port
			dropped = append(dropped, TCPPort{Port: port, Listen: lport})
			delete(g.tcp, lport)
			ln.Close()
			delete(p.listeners, port)
		}
	}
	opened, err := g.openTCP(p, open)
	if err != nil {
		// Put the dropped listeners back (best effort): the old route stays.
		back, rerr := g.openTCP(p, dropped)
		if rerr != nil {
			g.log.Warn("restore tcp listeners", "pod", r.PodID, "err", rerr)
		}
		for port, ln := range back {
			p.listeners[port] = ln
			g.serveTCP(p, port, ln)
		}
		return fmt.Errorf("update route %s: %w", r.PodID, err)
	}
	for port, ln := range opened {
		p.listeners[port] = ln
		g.serveTCP(p, port, ln)
	}
	for _, n := range p.names {
		delete(g.hosts, n)
	}
	for _, n := range names {
		g.hosts[n] = p
	}
	p.routed(r)
	p.mu.Lock()
	p.route = r
	p.names = names
	if r.Host != "" {
		p.host = r.Host
	}
	if !r.Scale.ScaleToZero() && p.state == stateStopped && g.cfg.Backend != nil {
		p.beginWake()
	}
	p.mu.Unlock()
	g.log.Info("route updated", "pod", r.PodID, "hostnames", names, "tcp", len(r.TCP), "scale_min", r.Scale.Min)
	return nil
}

// RemoveRoute stops routing to a pod: its hostnames answer 404 and its TCP
// listeners close. Requests and connections in flight finish. The gateway
// does not stop the pod; the provider does.
func (g *Gateway) RemoveRoute(podID string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pods[podID]
	if p == nil {
		return fmt.Errorf("remove route %s: %w", podID, ErrNotFound)
	}
	delete(g.pods, podID)
	for _, n := range p.names {
		delete(g.hosts, n)
	}
	for _, ln := range p.listeners {
		delete(g.tcp, ln.Addr().(*net.TCPAddr).Port)
	}
	p.closeListeners()
	p.mu.Lock()
	p.removed = true
	p.mu.Unlock()
	p.transport.CloseIdleConnections()
	g.log.Info("route removed", "pod", podID)
	return nil
}

// Hostnames returns the hostnames routed to a pod, the generated one first.
func (g *Gateway) Hostnames(podID string) []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if p := g.pods[podID]; p != nil {
		return slices.Clone(p.names)
	}
	return nil
}

// TCPAddr returns the gateway address that forwards to a pod's TCP port.
func (g *Gateway) TCPAddr(podID string, podPort int) (net.Addr, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	p := g.pods[podID]
	if p == nil {
		return nil, false
	}
	ln, ok := p.listeners[podPort]
	if !ok {
		return nil, false
	}
	return ln.Addr(), true
}

func (g *Gateway) check(r Route) ([]string, error) {
	if err := validateRoute(r); err != nil {
		return nil, err
	}
	if r.Scale.ScaleToZero() && g.cfg.Backend == nil {
		return nil, fmt.Errorf("pod %s: scale.min 0 needs a backend: %w", r.PodID, ErrInvalid)
	}
	return g.cfg.hostnames(r)
}

// hostsFree checks that no pod other than self holds one of names; g.mu held.
func (g *Gateway) hostsFree(names []string, self *pod) error {
	for _, n := range names {
		if q := g.hosts[n]; q != nil && q != self {
			return fmt.Errorf("hostname %s belongs to pod %s: %w", n, q.id, ErrConflict)
		}
	}
	return nil
}

// openTCP opens listeners for ports; on error it closes what it opened.
// g.mu held.
func (g *Gateway) openTCP(p *pod, ports []TCPPort) (map[int]net.Listener, error) {
	opened := map[int]net.Listener{}
	for _, tp := range ports {
		if tp.Listen != 0 {
			if q := g.tcp[tp.Listen]; q != nil {
				for _, ln := range opened {
					delete(g.tcp, ln.Addr().(*net.TCPAddr).Port)
					ln.Close()
				}
				return nil, fmt.Errorf("tcp port %d belongs to pod %s: %w", tp.Listen, q.id, ErrConflict)
			}
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(g.cfg.TCPBindHost, strconv.Itoa(tp.Listen)))
		if err != nil {
			for _, ln := range opened {
				delete(g.tcp, ln.Addr().(*net.TCPAddr).Port)
				ln.Close()
			}
			return nil, fmt.Errorf("tcp port %d: %w: %w", tp.Listen, ErrConflict, err)
		}
		opened[tp.Port] = ln
		g.tcp[ln.Addr().(*net.TCPAddr).Port] = p
	}
	return opened, nil
}

func (p *pod) closeListeners() {
	for _, ln := range p.listeners {
		ln.Close()
	}
}

// serveTCP accepts on ln and forwards each connection to the pod's podPort.
func (g *Gateway) serveTCP(p *pod, podPort int, ln net.Listener) {
	g.bg.Go(func() {
		delay := 5 * time.Millisecond
		for {
			c, err := ln.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) || g.base.Err() != nil {
					return
				}
				g.log.Warn("tcp accept", "pod", p.id, "err", err)
				time.Sleep(delay) // e.g. out of file descriptors
				delay = min(2*delay, time.Second)
				continue
			}
			delay = 5 * time.Millisecond
			g.bg.Go(func() { g.forwardTCP(p, podPort, c) })
		}
	})
}

func (g *Gateway) forwardTCP(p *pod, podPort int, c net.Conn) {
	defer c.Close()
	select {
	case g.sem <- struct{}{}:
		defer func() { <-g.sem }()
	default:
		return
	}
	ctx, cancel := context.WithCancel(g.base)
	defer cancel()
	hostport, err := p.acquire(ctx, podPort)
	if err != nil {
		g.log.Debug("tcp", "pod", p.id, "err", err)
		return
	}
	defer p.release()
	bc, err := p.transport.dialConn(ctx, "tcp", hostport)
	if err != nil {
		g.log.Debug("tcp dial", "pod", p.id, "err", err)
		return
	}
	defer bc.Close()
	stop := context.AfterFunc(ctx, func() { c.Close(); bc.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		if _, err := copyBuffer(dst, src); err != nil {
			c.Close() // a reset or error on either side ends both directions
			bc.Close()
		}
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		} else {
			dst.Close()
		}
		done <- struct{}{}
	}
	go pipe(bc, c)
	go pipe(c, bc)
	<-done
	<-done
}
