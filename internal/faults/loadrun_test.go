package faults

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// loadResult collects answers and latencies.
type loadResult struct {
	mu    sync.Mutex
	lat   []time.Duration
	codes map[int]int
	errs  map[string]int
}

func (r *loadResult) add(code int, err error, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil:
		r.errs[errClass(err)]++
	case code == http.StatusOK:
		r.lat = append(r.lat, d)
	default:
		r.codes[code]++
	}
}

func newLoadResult() *loadResult {
	return &loadResult{codes: map[int]int{}, errs: map[string]int{}}
}

// TestLoad (make test-faults only): 200 concurrent clients send requests
// back to back through the gateway over 50 pods for 30 s; 10 of the pods
// are scaled to zero and woken all at once in the middle. No answer may be
// an error but the gateway's documented bounded-queue 503; the latency
// percentiles of the steady requests and of the wakes are logged.
func TestLoad(t *testing.T) {
	if !full {
		t.Skip("50 pods and 200 clients: make test-faults only")
	}
	n := newNet(t, netConfig{name: "load"})
	const pubs, perPub, sleepyPerPub = 5, 10, 2
	var mu sync.Mutex
	var always, sleepy []*deployment
	var wg sync.WaitGroup
	for i := 0; i < pubs; i++ {
		pb := n.newPublisher(t)
		wg.Go(func() {
			for k := 0; k < perPub; k++ {
				isSleepy := k < sleepyPerPub
				pod := helloPod("load", 1, "")
				if isSleepy {
					pod = helloPod("load", 0, "5s")
				}
				manifest := n.manifest(t, fmt.Sprintf("load-%s-%d", pb.account, k), pod)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				began := time.Now()
				r := pb.run(ctx, pb.deployArgs(manifest, "1000000000000")...)
				cancel()
				if r.err != nil {
					t.Errorf("deploy: %s", r)
					return
				}
				d := pb.newest(t)
				if d == nil {
					t.Errorf("deploy left no new record in %s", pb.stateDir)
					return
				}
				d.Began = began
				mu.Lock()
				if isSleepy {
					d.SkipMetered = true
					sleepy = append(sleepy, d)
				} else {
					always = append(always, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, d := range always {
		n.waitServing(t, d, time.Minute)
	}
	// The sleepy pods answer once (a wake), then go idle.
	for _, d := range sleepy {
		n.waitServing(t, d, time.Minute)
	}
	waitFor(t, 2*time.Minute, "the scaled-to-zero pods to stop", func() bool {
		for _, d := range sleepy {
			if st := d.pb.status(t, d.ID); st.State == "running" {
				return false
			}
		}
		return true
	})

	const clients, length = 200, 30 * time.Second
	steady, wakes := newLoadResult(), newLoadResult()
	tc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: clients + 20,
	}}
	get := func(host string, res *loadResult) {
		req, _ := http.NewRequest("GET", "http://"+n.prov.gatewayAddr+"/", nil)
		req.Host = host
		t0 := time.Now()
		resp, err := tc.Do(req)
		code := 0
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			code = resp.StatusCode
		}
		res.add(code, err, time.Since(t0))
	}
	ctx, cancel := context.WithTimeout(context.Background(), length)
	defer cancel()
	var lw sync.WaitGroup
	for c := 0; c < clients; c++ {
		lw.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 4))
			for ctx.Err() == nil {
				get(always[rng.IntN(len(always))].Host, steady)
			}
		})
	}
	time.Sleep(length / 2)
	wakeStart := make(chan struct{})
	var ww sync.WaitGroup
	for _, d := range sleepy {
		ww.Go(func() { <-wakeStart; get(d.Host, wakes) })
	}
	close(wakeStart)
	ww.Wait()
	lw.Wait()

	for name, r := range map[string]*loadResult{"steady": steady, "wakes": wakes} {
		sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
		t.Logf("%s: %d × 200, latency %s; other answers %v, errors %v", name, len(r.lat), percentiles(r.lat), r.codes, r.errs)
		for code, k := range r.codes {
			if code != http.StatusServiceUnavailable {
				t.Errorf("%s: %d answers %d", name, k, code)
			}
		}
		if len(r.errs) > 0 {
			t.Errorf("%s: client errors %v", name, r.errs)
		}
	}
	if len(wakes.lat) != len(sleepy) {
		t.Errorf("%d of %d woken pods answered 200", len(wakes.lat), len(sleepy))
	}
	n.finish(t, append(always, sleepy...)...)
}
