package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// soakPod is the hello pod of the soak: always on, or scaled to zero after
// 5 s idle; version makes each update a new bundle.
func soakPod(sleepy bool, version int) string {
	pod := helloPod("soak", 1, "")
	if sleepy {
		pod = helloPod("soak", 0, "5s")
	}
	return strings.Replace(pod, "    ports:\n", fmt.Sprintf("    env:\n    - {name: VERSION, value: %q}\n    ports:\n", fmt.Sprint(version)), 1)
}

// soakFigures is the daemon's own RSS and goroutines (from its /metrics)
// and its open fds (from /proc/PID/fd, described for a diagnosis).
type soakFigures struct {
	rss, fds, goroutines float64
	table                fdTable
}

func (p *providerProc) figures() (soakFigures, error) {
	// Our idle keep-alive connections (the load's, the last /metrics
	// read's) are fds of the daemon too: close them first.
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	table, err := p.fds()
	if err != nil {
		return soakFigures{}, err
	}
	f := soakFigures{fds: float64(table.total()), table: table}
	for name, v := range map[string]*float64{"process_resident_memory_bytes": &f.rss, "go_goroutines": &f.goroutines} {
		x, err := p.metric(name)
		if err != nil {
			return soakFigures{}, err
		}
		*v = x
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	return f, nil
}

func (f soakFigures) String() string {
	return fmt.Sprintf("RSS %.1f MiB, %.0f fds (%s), %.0f goroutines", f.rss/(1<<20), f.fds, f.table.kinds(), f.goroutines)
}

// settle reads the daemon's figures every 2 s until they stop falling —
// no new low of fds or goroutines for 10 s — and ok accepts them, or until
// within has passed. Connections that outlive the load (an idle keep-alive
// of the gateway's, a publisher's libp2p connection being closed, a
// TIME_WAIT) close within that; a leak does not. It returns the lowest of
// each figure over the last 10 s (the table of the lowest fds reading),
// what the daemon holds at rest.
func (p *providerProc) settle(t *testing.T, within time.Duration, ok func(soakFigures) bool) soakFigures {
	t.Helper()
	const every, quiet = 2 * time.Second, 10 * time.Second
	var all []soakFigures
	began := time.Now()
	deadline := began.Add(within)
	for {
		f, err := p.figures()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, f)
		k := int(quiet / every)
		if len(all) > k {
			before, last := all[:len(all)-k], all[len(all)-k:]
			floor := lowest(last)
			stopped := floor.fds >= lowest(before).fds && floor.goroutines >= lowest(before).goroutines
			if stopped && (ok == nil || ok(floor)) || time.Now().After(deadline) {
				t.Logf("settled in %v (stopped falling: %v): first read %s; fds closed since: %s",
					time.Since(began).Round(time.Second), stopped, all[0], all[0].table.shrunk(floor.table))
				return floor
			}
		}
		time.Sleep(every)
	}
}

// lowest is the least of each figure in fs.
func lowest(fs []soakFigures) soakFigures {
	m := fs[0]
	for _, f := range fs[1:] {
		m.rss = min(m.rss, f.rss)
		m.goroutines = min(m.goroutines, f.goroutines)
		if f.fds < m.fds {
			m.fds, m.table = f.fds, f.table
		}
	}
	return m
}

// soak is the state the publishers share.
type soak struct {
	n    *network
	mu   sync.Mutex
	live map[string]*deployment // by host
	busy map[string]bool        // hosts under an operation
	gone []*deployment
	ops  map[string]int
	fail map[string]int
	// traffic: answers other than 200 and errors, by what they say
	ok, errs atomic.Int64
	other    map[string]int
}

// podName is a pod's name in a gateway answer, left out when answers are
// counted by what they say.
var podName = regexp.MustCompile(`pod \S+ `)

// answer counts a non-200 answer or an error by its code and message.
func (s *soak) answer(code int, body string, err error) {
	what := fmt.Sprintf("%d %s", code, body)
	if err != nil {
		s.errs.Add(1)
		what = "error " + err.Error()
	}
	what = podName.ReplaceAllString(strings.TrimSpace(what), "pod <id> ")
	if len(what) > 160 {
		what = what[:160]
	}
	s.mu.Lock()
	s.other[what]++
	s.mu.Unlock()
}

func (s *soak) count(m map[string]int, op string) {
	s.mu.Lock()
	m[op]++
	s.mu.Unlock()
}

// pick returns one of pb's live pods and marks it busy (nil if none).
func (s *soak) pick(pb *publisher, rng *rand.Rand) *deployment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*deployment
	for h, d := range s.live {
		if d.pb == pb && !s.busy[h] {
			mine = append(mine, d)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Host < mine[j].Host })
	d := mine[rng.IntN(len(mine))]
	s.busy[d.Host] = true
	return d
}

func (s *soak) done(d *deployment) {
	s.mu.Lock()
	delete(s.busy, d.Host)
	s.mu.Unlock()
}

// mine counts pb's live pods.
func (s *soak) mine(pb *publisher) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := 0
	for _, d := range s.live {
		if d.pb == pb {
			k++
		}
	}
	return k
}

// publish runs random operations as pb until ctx ends: deploy (up to
// perPub pods), update, delete, deposit and unlock.
func (s *soak) publish(ctx context.Context, t *testing.T, pb *publisher, perPub int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 18))
	version := 0
	for ctx.Err() == nil {
		time.Sleep(time.Duration(500+rng.IntN(2500)) * time.Millisecond)
		op := []string{"deploy", "deploy", "update", "delete", "deposit", "unlock"}[rng.IntN(6)]
		var d *deployment
		switch {
		case op == "deploy" && s.mine(pb) >= perPub:
			op = "delete"
		case op == "deploy":
		default:
			if d = s.pick(pb, rng); d == nil {
				op = "deploy"
			}
		}
		if op == "delete" && d == nil {
			if d = s.pick(pb, rng); d == nil {
				continue
			}
		}
		cctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		var r result
		switch op {
		case "deploy":
			version++
			began := time.Now()
			manifest := s.n.manifest(t, fmt.Sprintf("soak-%s-%d", pb.account, version), soakPod(rng.IntN(3) == 0, version))
			r = pb.run(cctx, pb.deployArgs(manifest, "1000000000000")...)
			if r.err == nil {
				d := pb.newest(t)
				if d == nil {
					t.Errorf("soak: deploy left no new provisioned record in %s", pb.stateDir)
					break
				}
				d.Began = began
				s.mu.Lock()
				s.live[d.Host] = d
				s.mu.Unlock()
			}
		case "update":
			version++
			manifest := s.n.manifest(t, fmt.Sprintf("soak-%s-%d", pb.account, version), soakPod(rng.IntN(3) == 0, version))
			r = pb.run(cctx, "pod", "update", d.ID, "-f", manifest)
			s.done(d)
		case "delete":
			r = pb.run(cctx, "pod", "delete", d.ID)
			if r.err == nil {
				d.EndedAt = time.Now()
				s.mu.Lock()
				delete(s.live, d.Host)
				s.gone = append(s.gone, d)
				s.mu.Unlock()
			}
			s.done(d)
		case "deposit":
			r = pb.run(cctx, "funds", "deposit", d.ID, "1000000")
			s.done(d)
		case "unlock":
			r = pb.run(cctx, "funds", "unlock", d.ID, "1000")
			s.done(d)
		}
		cancel()
		s.count(s.ops, op)
		if r.err != nil {
			s.count(s.fail, op)
			t.Errorf("soak: %s", r)
		}
	}
}

// load sends requests to random live pods that no operation is changing,
// through the gateway, until ctx ends.
func (s *soak) load(ctx context.Context, clients int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for ctx.Err() == nil {
				s.mu.Lock()
				var hosts []string
				for h := range s.live {
					if !s.busy[h] {
						hosts = append(hosts, h)
					}
				}
				s.mu.Unlock()
				if len(hosts) == 0 {
					time.Sleep(200 * time.Millisecond)
					continue
				}
				sort.Strings(hosts)
				code, body, err := s.n.get(hosts[rng.IntN(len(hosts))], 15*time.Second)
				if err == nil && code == http.StatusOK {
					s.ok.Add(1)
				} else {
					s.answer(code, body, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	return &wg
}

// drain deletes every live pod.
func (s *soak) drain(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	var all []*deployment
	for _, d := range s.live {
		all = append(all, d)
	}
	s.live = map[string]*deployment{}
	s.mu.Unlock()
	for _, d := range all {
		d.pb.must(t, "pod", "delete", d.ID)
		d.EndedAt = time.Now()
		s.gone = append(s.gone, d)
	}
}

// newest is the publisher's provisioned deployment not handed out yet
// (nil if none).
func (pb *publisher) newest(t *testing.T) *deployment {
	for _, r := range pb.records(t) {
		if r.Step == "provisioned" && !pb.known(r.ID) {
			return pb.deployment(t, r)
		}
	}
	return nil
}

// TestSoak (TPOD_SOAK=30m, scripts/soak.sh): 5 publishers deploy, update,
// delete, deposit and unlock at random against one provider, up to 50 pods
// (a third of them scaled to zero after 5 s idle, woken by the load) under
// gateway load. A fifth of the run warms up; then every pod is deleted and
// the daemon's RSS, open fds and goroutines are read with no pod, once
// settled; the rest of the run goes on the same way and ends the same way.
// At the end: for
// every channel paid == last receipt × prices to the unit, no pod was
// charged for longer than it existed, nothing is left in the runtime or on
// the host, and RSS, fds and goroutines grew less than 10 %.
func TestSoak(t *testing.T) {
	if os.Getenv("TPOD_SOAK") == "" {
		t.Skip("the soak runs with TPOD_SOAK=<duration> (scripts/soak.sh)")
	}
	dur, err := time.ParseDuration(os.Getenv("TPOD_SOAK"))
	if err != nil {
		t.Fatalf("TPOD_SOAK: %v", err)
	}
	n := newNet(t, netConfig{name: "soak"})
	s := &soak{n: n, live: map[string]*deployment{}, busy: map[string]bool{}, ops: map[string]int{}, fail: map[string]int{}, other: map[string]int{}}
	var pubs []*publisher
	for i := 0; i < 5; i++ {
		pubs = append(pubs, n.newPublisher(t))
	}
	phase := func(d time.Duration, seed uint64) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		load := s.load(ctx, 8)
		var wg sync.WaitGroup
		for i, pb := range pubs {
			wg.Go(func() { s.publish(ctx, t, pb, 10, seed+uint64(i)) })
		}
		wg.Wait()
		load.Wait()
		s.drain(t)
	}
	start := time.Now()
	phase(dur/5, 1)
	time.Sleep(5 * time.Second) // deleted pods' last rounds
	warm := n.prov.settle(t, time.Minute, nil)
	t.Logf("after warm-up (%v), no pod, settled: %s", time.Since(start).Round(time.Second), warm)
	phase(dur-dur/5, 100)
	time.Sleep(5 * time.Second)
	// 10 %, and for the small counts a few more (an idle keep-alive
	// connection is an fd and two goroutines).
	bounds := []struct {
		what string
		of   func(soakFigures) float64
		more float64
	}{
		{"RSS", func(f soakFigures) float64 { return f.rss }, 0},
		{"open fds", func(f soakFigures) float64 { return f.fds }, 4},
		{"goroutines", func(f soakFigures) float64 { return f.goroutines }, 8},
	}
	within := func(f soakFigures) bool {
		for _, b := range bounds {
			if b.of(f) > 1.1*b.of(warm)+b.more {
				return false
			}
		}
		return true
	}
	// Longer than the 90 s idle timeout of Go's HTTP transports.
	end := n.prov.settle(t, 150*time.Second, within)
	t.Logf("at the end (%v), no pod, settled: %s; fds more than at warm-up: %s", time.Since(start).Round(time.Second), end, warm.table.grown(end.table))
	s.mu.Lock()
	other := countList(s.other)
	s.mu.Unlock()
	t.Logf("operations %v, failed %v; pods %d; requests: %d ok, %d errors; other answers: %s",
		s.ops, s.fail, len(s.gone), s.ok.Load(), s.errs.Load(), other)
	for _, d := range s.gone {
		d.MaxRun = d.EndedAt.Sub(d.Began) // charged no longer than it existed
	}
	n.finish(t, nil...)
	for _, d := range s.gone {
		u := n.checkPaid(t, d.Channel)
		n.checkRanAtMost(t, d, u)
	}
	for _, b := range bounds {
		if b.of(end) > 1.1*b.of(warm)+b.more {
			t.Errorf("the provider's %s grew from %.0f to %.0f after warm-up (more than 10 %%)", b.what, b.of(warm), b.of(end))
		}
	}
	if !within(end) {
		t.Errorf("fds at warm-up: %s\nfds at the end: %s\ngrown: %s", warm.table.kinds(), end.table.kinds(), warm.table.grown(end.table))
	}
}
