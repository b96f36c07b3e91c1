package faults

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// traffic sends requests through the gateway to a set of pods, round
// robin, from a few clients, and keeps per pod what came back and the
// longest time without a successful answer.
type traffic struct {
	n       *network
	stop    chan struct{}
	wg      sync.WaitGroup
	started time.Time

	mu    sync.Mutex
	hosts map[string]*hostStats
}

type hostStats struct {
	ok, failed int
	codes      map[int]int
	errs       map[string]int
	lastOK     time.Time
	longestGap time.Duration
	gapEnd     time.Time // when the longest gap ended
	latencies  []time.Duration
}

// startTraffic runs clients goroutines, each sending a request every
// interval to the next pod.
func (n *network) startTraffic(hosts []string, clients int, interval time.Duration) *traffic {
	tr := &traffic{n: n, stop: make(chan struct{}), started: time.Now(), hosts: map[string]*hostStats{}}
	for _, h := range hosts {
		tr.hosts[h] = &hostStats{codes: map[int]int{}, errs: map[string]int{}, lastOK: tr.started}
	}
	tc := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost: clients,
		},
	}
	for c := 0; c < clients; c++ {
		tr.wg.Add(1)
		go func(c int) {
			defer tr.wg.Done()
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for i := c; ; i++ {
				select {
				case <-tr.stop:
					return
				case <-tick.C:
				}
				tr.one(tc, hosts[i%len(hosts)])
			}
		}(c)
	}
	return tr
}

func (tr *traffic) one(c *http.Client, host string) {
	req, _ := http.NewRequest("GET", "http://"+tr.n.prov.gatewayAddr+"/", nil)
	req.Host = host
	t0 := time.Now()
	resp, err := c.Do(req)
	code := 0
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		code = resp.StatusCode
	}
	now := time.Now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	s := tr.hosts[host]
	if err == nil && code == http.StatusOK {
		s.ok++
		s.latencies = append(s.latencies, now.Sub(t0))
		if gap := now.Sub(s.lastOK); gap > s.longestGap {
			s.longestGap, s.gapEnd = gap, now
		}
		s.lastOK = now
		return
	}
	s.failed++
	if err != nil {
		s.errs[errClass(err)]++
	} else {
		s.codes[code]++
	}
}

// errClass names a client error without the addresses in it.
func errClass(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "connection reset"):
		return "connection reset"
	case strings.Contains(err.Error(), "EOF"):
		return "EOF"
	}
	return err.Error()
}

// Stop ends the traffic and returns the per-pod figures.
func (tr *traffic) Stop() map[string]*hostStats {
	close(tr.stop)
	tr.wg.Wait()
	now := time.Now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, s := range tr.hosts {
		if gap := now.Sub(s.lastOK); gap > s.longestGap {
			s.longestGap, s.gapEnd = gap, now
		}
	}
	return tr.hosts
}

// servingGap bounds how long a pod that keeps serving through a fault may
// go without a successful answer through the gateway. Measured gaps are
// under 0.1 s (docs/reliability.md); the bound leaves room for a loaded
// 2-core machine stalling the test's clients. That the pods did not stop
// meanwhile is asserted exactly, by their runs (checkNotRestarted).
const servingGap = 5 * time.Second

// checkServed asserts that every pod answered throughout, with no gap
// without a successful answer longer than maxGap (the fault's stated
// recovery time), and that only codes in allowed came back as failures.
func checkServed(t *testing.T, stats map[string]*hostStats, maxGap time.Duration, allowed ...int) {
	t.Helper()
	for h, s := range stats {
		if s.ok == 0 {
			t.Errorf("pod %s never answered (%d failures: %v %v)", h, s.failed, s.codes, s.errs)
			continue
		}
		if s.longestGap > maxGap {
			t.Errorf("pod %s went %v without a successful answer (ended %s), more than %v (ok %d, failed %d: %v %v)",
				h, s.longestGap.Round(time.Millisecond), s.gapEnd.Format("15:04:05.000"), maxGap, s.ok, s.failed, s.codes, s.errs)
		}
		for code, k := range s.codes {
			ok := false
			for _, a := range allowed {
				ok = ok || a == code
			}
			if !ok {
				t.Errorf("pod %s answered %d %d time(s)", h, code, k)
			}
		}
	}
}

// summary is one line of figures over every pod.
func summary(stats map[string]*hostStats) string {
	var ok, failed int
	var all []time.Duration
	var gap time.Duration
	for _, s := range stats {
		ok += s.ok
		failed += s.failed
		all = append(all, s.latencies...)
		gap = max(gap, s.longestGap)
	}
	return fmt.Sprintf("%d ok, %d failed, latency %s, longest gap %v", ok, failed, percentiles(all), gap.Round(time.Millisecond))
}

// percentiles formats p50/p90/p99/max of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	r := func(d time.Duration) string {
		if d < 10*time.Millisecond {
			return d.Round(10 * time.Microsecond).String()
		}
		return d.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("p50 %s p90 %s p99 %s max %s", r(at(0.5)), r(at(0.9)), r(at(0.99)), r(ds[len(ds)-1]))
}
