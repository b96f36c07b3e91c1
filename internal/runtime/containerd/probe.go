package containerd

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/cio"

	"github.com/trustedpods/tpod/internal/runtime"
)

// fastUntilFirstSuccess: a readiness or startup probe that has not yet
// passed runs at least this often, so a dependent container or the gateway
// is not held a whole period (Compose healthchecks default to 30 s; Docker's
// start_interval serves the same purpose).
const fastUntilFirstSuccess = time.Second

type probeKind string

const (
	probeStartup   probeKind = "startup"
	probeLiveness  probeKind = "liveness"
	probeReadiness probeKind = "readiness"
)

type probeState struct {
	kind         probeKind
	p            runtime.Probe
	next         time.Time
	okRun, badRu int
	passed       bool
}

// probe runs a container's probes until ctx ends. It calls markStarted when
// the startup probe passes (at once without one) and sends on kill when a
// startup or liveness probe fails FailureThreshold times in a row.
func (sv *supervisor) probe(ctx context.Context, c runtime.Container, task client.Task, markStarted func(), kill chan<- string) {
	now := time.Now()
	add := func(kind probeKind, p *runtime.Probe, list []*probeState) []*probeState {
		if p == nil {
			return list
		}
		d := p.WithDefaults()
		return append(list, &probeState{kind: kind, p: d, next: now.Add(d.InitialDelay)})
	}
	var probes []*probeState
	if c.Startup != nil {
		probes = add(probeStartup, c.Startup, probes)
	} else {
		markStarted()
		probes = add(probeLiveness, c.Liveness, add(probeReadiness, c.Readiness, probes))
	}
	for len(probes) > 0 {
		next := probes[0].next
		for _, ps := range probes[1:] {
			if ps.next.Before(next) {
				next = ps.next
			}
		}
		if !sleepCtx(ctx, time.Until(next)) {
			return
		}
		now = time.Now()
		for i := 0; i < len(probes); i++ {
			ps := probes[i]
			if ps.next.After(now) {
				continue
			}
			ok := sv.check(ctx, c, task, ps.p) == nil
			if ctx.Err() != nil {
				return
			}
			if ok {
				ps.okRun, ps.badRu = ps.okRun+1, 0
			} else {
				ps.okRun, ps.badRu = 0, ps.badRu+1
			}
			passed := ps.okRun >= ps.p.SuccessThreshold
			failed := ps.badRu >= ps.p.FailureThreshold
			ps.passed = ps.passed || passed
			switch ps.kind {
			case probeStartup:
				if failed {
					kill <- "startup probe failed"
					return
				}
				if passed {
					markStarted()
					now = time.Now()
					probes = add(probeLiveness, c.Liveness, add(probeReadiness, c.Readiness, nil))
					i = -1 // restart the scan over the new list
					continue
				}
			case probeLiveness:
				if failed {
					kill <- "liveness probe failed"
					return
				}
			case probeReadiness:
				if passed {
					sv.setReady(c.Name, true)
				} else if failed {
					sv.setReady(c.Name, false)
				}
			}
			period := ps.p.Period
			if !ps.passed && ps.kind != probeLiveness {
				period = min(period, fastUntilFirstSuccess)
			}
			ps.next = now.Add(period)
		}
	}
	<-ctx.Done()
}

var probeClient = &http.Client{
	Transport: &http.Transport{DisableKeepAlives: true},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // a redirect is an answer: success
	},
}

var execSeq atomic.Uint64

// check runs one probe once.
func (sv *supervisor) check(ctx context.Context, c runtime.Container, task client.Task, p runtime.Probe) error {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	switch {
	case p.HTTPGet != nil:
		path := p.HTTPGet.Path
		if path == "" {
			path = "/"
		}
		url := "http://" + net.JoinHostPort(sv.ip, strconv.Itoa(int(p.HTTPGet.Port))) + path
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		for k, v := range p.HTTPGet.Headers {
			req.Header.Set(k, v)
		}
		resp, err := probeClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode >= 400 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	case p.TCPPort != 0:
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(sv.ip, strconv.Itoa(int(p.TCPPort))))
		if err != nil {
			return err
		}
		return conn.Close()
	default:
		return sv.execProbe(ctx, c, task, p.Exec)
	}
}

// execProbe runs args in the container with the container's own process
// settings (user, env, cwd); exit 0 is success.
func (sv *supervisor) execProbe(ctx context.Context, c runtime.Container, task client.Task, args []string) error {
	cont, err := sv.r.client.LoadContainer(ctx, containerID(sv.spec.ID, c.Name))
	if err != nil {
		return err
	}
	spec, err := cont.Spec(ctx)
	if err != nil {
		return err
	}
	ps := *spec.Process
	ps.Args = args
	ps.Terminal = false
	id := fmt.Sprintf("probe-%d", execSeq.Add(1))
	proc, err := task.Exec(ctx, id, &ps, cio.NullIO)
	if err != nil {
		return err
	}
	defer proc.Delete(context.WithoutCancel(ctx), client.WithProcessKill)
	exit, err := proc.Wait(ctx)
	if err != nil {
		return err
	}
	if err := proc.Start(ctx); err != nil {
		return err
	}
	select {
	case es := <-exit:
		if es.ExitCode() != 0 {
			return fmt.Errorf("exit code %d", es.ExitCode())
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
