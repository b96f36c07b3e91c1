package gateway

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Sentinel error categories, checked with errors.Is.
var (
	// ErrInvalid marks a route or hostname that is malformed.
	ErrInvalid = errors.New("invalid")
	// ErrConflict marks a hostname or TCP port that another pod already holds.
	ErrConflict = errors.New("conflict")
	// ErrNotFound marks an unknown pod.
	ErrNotFound = errors.New("not found")
	// ErrQueueFull is returned to a request that arrives while the held-request
	// queue of a waking pod is full (answered with 503 and Retry-After).
	ErrQueueFull = errors.New("wake queue full")
	// ErrStartFailed is returned to requests held for a wake that failed
	// (answered with 502).
	ErrStartFailed = errors.New("pod failed to start")
)

// Route is what the gateway knows about one pod. The provider adds a route
// when it deploys a pod, updates it when the manifest or the pod's address
// changes, and removes it when the pod ends.
type Route struct {
	// PodID identifies the pod; it is passed back to Backend.Start/Stop.
	PodID string
	// Hostnames the manifest asks for (exact names, no wildcards). The
	// generated hostname <podid-short>.<Config.Domain> is added by the gateway.
	Hostnames []string
	// Host is where the pod's ports are reachable (an IP or name, no port),
	// e.g. the address of the pod's network namespace. Backend.Start may
	// return a new one.
	Host string
	// HTTPPort is the pod port that `expose: http` names; 0 if none.
	HTTPPort int
	// TCP lists the ports the manifest exposes as raw TCP.
	TCP []TCPPort
	// Scale is the scale policy from the manifest.
	Scale Scale
	// Stopped tells that the pod is currently stopped (scale to zero after a
	// provider restart, for example). Only meaningful with Scale.Min == 0.
	Stopped bool
}

// TCPPort is one raw TCP port exposed by a pod.
type TCPPort struct {
	// Port is the pod's port.
	Port int
	// Listen is the gateway port that forwards to it; 0 picks a free port
	// (see Gateway.TCPAddr).
	Listen int
}

// Scale is a pod's scale policy.
type Scale struct {
	// Min is 0 (scale to zero) or 1 (always running).
	Min int
	// IdleTimeout is how long a pod with Min 0 stays up with no request in
	// flight and none started; 0 means Config.DefaultIdleTimeout.
	IdleTimeout time.Duration
	// StartTimeout bounds Backend.Start plus readiness; 0 means
	// Config.DefaultStartTimeout.
	StartTimeout time.Duration
	// ProbePath, if set, is an HTTP path on HTTPPort that must answer with a
	// status below 500 before the pod counts as ready; otherwise readiness is
	// the first exposed port accepting a TCP connection.
	ProbePath string
	// MaxQueue bounds the requests (and TCP connections) held during a wake;
	// 0 means Config.DefaultMaxQueue.
	MaxQueue int
}

// ScaleToZero tells whether the gateway stops and starts this pod.
func (s Scale) ScaleToZero() bool { return s.Min == 0 }

// GeneratedHostname returns the hostname the gateway gives a pod:
// the first shortLen lowercase letters and digits of podID, a dot, and domain.
func GeneratedHostname(podID, domain string, shortLen int) (string, error) {
	var b strings.Builder
	for _, c := range strings.ToLower(podID) {
		if b.Len() == shortLen {
			break
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("pod id %q has no letters or digits: %w", podID, ErrInvalid)
	}
	return b.String() + "." + domain, nil
}

// NormalizeHost lowercases a Host header or SNI value and strips a port and
// a trailing dot.
func NormalizeHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	return h
}

// ValidHostname checks an exact DNS hostname: at most 253 characters,
// labels of 1–63 letters, digits or inner hyphens, at least two labels.
func ValidHostname(h string) error {
	if len(h) == 0 || len(h) > 253 {
		return fmt.Errorf("hostname %q: length: %w", h, ErrInvalid)
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return fmt.Errorf("hostname %q: needs a dot: %w", h, ErrInvalid)
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("hostname %q: bad label %q: %w", h, l, ErrInvalid)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("hostname %q: bad character %q: %w", h, c, ErrInvalid)
			}
		}
	}
	return nil
}

// hostnames returns the full list of hostnames of r (generated one first),
// validated against the gateway's domain.
func (c *Config) hostnames(r Route) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	if c.Domain != "" && r.HTTPPort > 0 {
		h, err := GeneratedHostname(r.PodID, c.Domain, c.ShortIDLen)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
		seen[h] = true
	}
	for _, h := range r.Hostnames {
		n := NormalizeHost(h)
		if n != h && n != strings.ToLower(h) {
			return nil, fmt.Errorf("hostname %q: must not carry a port: %w", h, ErrInvalid)
		}
		if err := ValidHostname(n); err != nil {
			return nil, err
		}
		if c.Domain != "" && (n == c.Domain || strings.HasSuffix(n, "."+c.Domain)) {
			return nil, fmt.Errorf("hostname %q: names under the gateway domain %s are generated, not requested: %w", h, c.Domain, ErrInvalid)
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	if len(out) > 0 && r.HTTPPort <= 0 {
		return nil, fmt.Errorf("pod %s: hostnames without an http port: %w", r.PodID, ErrInvalid)
	}
	return out, nil
}

func validateRoute(r Route) error {
	if r.PodID == "" {
		return fmt.Errorf("route: empty pod id: %w", ErrInvalid)
	}
	if r.HTTPPort < 0 || r.HTTPPort > 65535 {
		return fmt.Errorf("pod %s: http port %d: %w", r.PodID, r.HTTPPort, ErrInvalid)
	}
	if r.Host == "" && (r.HTTPPort > 0 || len(r.TCP) > 0) && !(r.Scale.ScaleToZero() && r.Stopped) {
		return fmt.Errorf("pod %s: no host: %w", r.PodID, ErrInvalid)
	}
	if r.Scale.Min != 0 && r.Scale.Min != 1 {
		return fmt.Errorf("pod %s: scale.min %d (want 0 or 1): %w", r.PodID, r.Scale.Min, ErrInvalid)
	}
	if r.Scale.IdleTimeout < 0 || r.Scale.StartTimeout < 0 || r.Scale.MaxQueue < 0 {
		return fmt.Errorf("pod %s: negative scale setting: %w", r.PodID, ErrInvalid)
	}
	if r.Scale.ProbePath != "" && (r.HTTPPort == 0 || !strings.HasPrefix(r.Scale.ProbePath, "/")) {
		return fmt.Errorf("pod %s: probe path %q needs an http port and a leading slash: %w", r.PodID, r.Scale.ProbePath, ErrInvalid)
	}
	seen := map[int]bool{}
	for _, p := range r.TCP {
		if p.Port <= 0 || p.Port > 65535 || p.Listen < 0 || p.Listen > 65535 {
			return fmt.Errorf("pod %s: tcp port %d→%d: %w", r.PodID, p.Listen, p.Port, ErrInvalid)
		}
		if seen[p.Port] {
			return fmt.Errorf("pod %s: tcp port %d twice: %w", r.PodID, p.Port, ErrInvalid)
		}
		seen[p.Port] = true
	}
	return nil
}
