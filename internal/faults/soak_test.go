package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
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

// soakFigures is what the provider's /metrics says of the daemon itself.
type soakFigures struct{ rss, fds, goroutines float64 }

func (p *providerProc) figures(t *testing.T) soakFigures {
	t.Helper()
	var f soakFigures
	for name, v := range map[string]*float64{"process_resident_memory_bytes": &f.rss, "process_open_fds": &f.fds, "go_goroutines": &f.goroutines} {
		x, err := p.metric(name)
		if err != nil {
			t.Fatal(err)
		}
		*v = x
	}
	return f
}

func (f soakFigures) String() string {
	return fmt.Sprintf("RSS %.1f MiB, %.0f fds, %.0f goroutines", f.rss/(1<<20), f.fds, f.goroutines)
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
	// traffic
	ok, errs atomic.Int64
	codes    sync.Map // status code → *atomic.Int64
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
				code, _, err := s.n.get(hosts[rng.IntN(len(hosts))], 15*time.Second)
				switch {
				case err == nil && code == http.StatusOK:
					s.ok.Add(1)
				case err == nil:
					v, _ := s.codes.LoadOrStore(code, new(atomic.Int64))
					v.(*atomic.Int64).Add(1)
				default:
					s.errs.Add(1)
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
// the daemon's RSS, open fds and goroutines are read with no pod; the rest
// of the run goes on the same way and ends the same way. At the end: for
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
	s := &soak{n: n, live: map[string]*deployment{}, busy: map[string]bool{}, ops: map[string]int{}, fail: map[string]int{}}
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
	warm := n.prov.figures(t)
	t.Logf("after warm-up (%v), no pod: %s", time.Since(start).Round(time.Second), warm)
	phase(dur-dur/5, 100)
	time.Sleep(5 * time.Second)
	end := n.prov.figures(t)
	t.Logf("at the end (%v), no pod: %s", time.Since(start).Round(time.Second), end)
	var codes []string
	s.codes.Range(func(k, v any) bool {
		codes = append(codes, fmt.Sprintf("%v×%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(codes)
	t.Logf("operations %v, failed %v; pods %d; requests: %d ok, other answers %v, %d errors",
		s.ops, s.fail, len(s.gone), s.ok.Load(), codes, s.errs.Load())
	for _, d := range s.gone {
		d.MaxRun = d.EndedAt.Sub(d.Began) // charged no longer than it existed
	}
	n.finish(t, nil...)
	for _, d := range s.gone {
		u := n.checkPaid(t, d.Channel)
		n.checkRanAtMost(t, d, u)
	}
	// 10 %, and for the small counts a few more (an idle keep-alive
	// connection is an fd and two goroutines).
	for _, g := range []struct {
		what             string
		warm, last, more float64
	}{{"RSS", warm.rss, end.rss, 0}, {"open fds", warm.fds, end.fds, 4}, {"goroutines", warm.goroutines, end.goroutines, 8}} {
		if g.last > 1.1*g.warm+g.more {
			t.Errorf("the provider's %s grew from %.0f to %.0f after warm-up (more than 10 %%)", g.what, g.warm, g.last)
		}
	}
}
