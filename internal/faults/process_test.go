package faults

import (
	"syscall"
	"testing"
	"time"
)

// deployHello deploys k always-on hello pods, one publisher each, with
// funds for a long run, and waits until they serve.
func (n *network) deployHello(t *testing.T, k int) []*deployment {
	t.Helper()
	var deps []*deployment
	for i := 0; i < k; i++ {
		pb := n.newPublisher(t)
		d := pb.deploy(t, n.manifest(t, "hello", helloPod("hello", 1, "")), "1000000000000")
		n.waitServing(t, d, 30*time.Second)
		deps = append(deps, d)
	}
	return deps
}

func hostsOf(deps []*deployment) []string {
	var hs []string
	for _, d := range deps {
		hs = append(hs, d.Host)
	}
	return hs
}

// waitClaims waits until the provider made k more successful claims.
func (n *network) waitClaims(t *testing.T, k int, within time.Duration) {
	t.Helper()
	start, _ := n.prov.metric("tpod_provider_claims_total")
	waitFor(t, within, "claims", func() bool {
		v, err := n.prov.metric("tpod_provider_claims_total")
		return err == nil && v >= start+float64(k)
	})
}

// TestProviderKilled: the provider daemon is killed with SIGKILL under load
// and started again. Pods keep running (the gateway, part of the daemon, is
// down meanwhile), metering resumes from the stored counters, and every
// second is paid exactly once.
func TestProviderKilled(t *testing.T) {
	n := newNet(t, netConfig{name: "kill"})
	deps := n.deployHello(t, 2)
	tr := n.startTraffic(hostsOf(deps), 4, 50*time.Millisecond)
	n.waitClaims(t, 2, time.Minute)
	runs := n.runs(t, deps)

	n.prov.signal(t, syscall.SIGKILL)
	down := time.Now()
	time.Sleep(2 * time.Second)
	n.prov.start(t)
	n.prov.waitReady(t, time.Minute)
	downtime := time.Since(down)
	n.waitClaims(t, 2, time.Minute)
	stats := tr.Stop()
	t.Logf("traffic: %s; provider down %v", summary(stats), downtime.Round(time.Millisecond))
	checkServed(t, stats, downtime+5*time.Second)
	n.checkNotRestarted(t, deps, runs)

	n.finish(t, deps...)
}

// TestContainerdKilled: the provider's containerd is killed with SIGKILL
// under load. The provider restarts it; pods never stop serving (their
// shims outlive containerd), billing goes on, and new deploys and deletes
// work once it is back.
func TestContainerdKilled(t *testing.T) {
	n := newNet(t, netConfig{name: "ctrd"})
	deps := n.deployHello(t, 2)
	tr := n.startTraffic(hostsOf(deps), 4, 50*time.Millisecond)
	n.waitClaims(t, 1, time.Minute)
	runs := n.runs(t, deps)

	for i := 0; i < short(1, 3); i++ {
		pid := n.prov.containerdPID()
		if pid == 0 {
			t.Fatal("the provider's containerd is not running")
		}
		syscall.Kill(pid, syscall.SIGKILL)
		waitFor(t, 30*time.Second, "containerd to be restarted", func() bool {
			p := n.prov.containerdPID()
			return p != 0 && p != pid
		})
		n.waitClaims(t, 1, time.Minute)
	}
	n.checkNotRestarted(t, deps, runs)
	// The runtime works again: a deploy and (in finish) deletes.
	deps = append(deps, n.deployHello(t, 1)...)
	stats := tr.Stop()
	t.Logf("traffic: %s", summary(stats))
	checkServed(t, stats, servingGap)
	if !n.prov.running() {
		t.Fatal("the provider exited")
	}
	n.finish(t, deps...)
}
