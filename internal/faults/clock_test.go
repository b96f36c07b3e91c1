package faults

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/fault"
)

// TestClockJump steps the provider's clock (the daemon's and its signing
// core's, through TPOD_FAULT_CLOCK) an hour forward, then an hour back,
// while pods serve under load, and restarts the provider under the stepped
// clock. Receipts are dated by the chain's time, so claims go on at once
// after each step and every accepted receipt is dated within the chain's
// recent past; the publisher's requests are answered (their expiry is
// checked against the chain's time too); the pods are never restarted;
// and at the end every second is paid once, at the channel's prices, no
// pod is charged for longer than it existed, and nothing is left behind.
func TestClockJump(t *testing.T) {
	offset := filepath.Join(t.TempDir(), "clock-offset")
	setClock := func(d string) {
		t.Helper()
		if err := os.WriteFile(offset, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond) // read again every 100 ms
	}
	setClock("0s")
	n := newNet(t, netConfig{name: "clock", providerEnv: []string{fault.EnvClock + "=" + offset}})
	deps := n.deployHello(t, 2)
	tr := n.startTraffic(hostsOf(deps), 2, 100*time.Millisecond)
	n.waitClaims(t, 2, time.Minute)
	runs := n.runs(t, deps)

	receiptsDatedByChain := func(when string) {
		t.Helper()
		now := time.Now() // the devnet's blocks are dated by this process's clock
		for _, d := range deps {
			st, err := n.pay.State(context.Background(), d.Channel)
			if err != nil {
				t.Fatal(err)
			}
			at := time.Unix(int64(st.Last.Time), 0)
			if at.After(now.Add(2*time.Second)) || at.Before(now.Add(-30*time.Second)) {
				t.Errorf("%s: pod %s's last accepted receipt is dated %s, %v off the chain's time", when, d.Host,
					at.Format(time.TimeOnly), at.Sub(now).Round(time.Second))
			}
		}
	}
	for _, step := range []string{"1h", "-1h"} {
		setClock(step)
		t.Logf("the provider's clock is %s off", step)
		// Claims go on at once (a billing cycle is 2 s).
		n.waitClaims(t, 2*len(deps), 30*time.Second)
		receiptsDatedByChain("clock " + step)
		// The publisher's requests are not refused as expired (+1 h) or
		// as too far ahead (-1 h).
		if st := deps[0].pb.status(t, deps[0].ID); st.State != "running" {
			t.Errorf("clock %s: pod status %q %q", step, st.State, st.Message)
		}
	}

	// A restart under the stepped clock: the pods are taken back, metering
	// and claims resume.
	n.prov.signal(t, syscall.SIGKILL)
	down := time.Now()
	n.prov.start(t)
	n.prov.waitReady(t, time.Minute)
	downtime := time.Since(down)
	n.waitClaims(t, 2*len(deps), time.Minute)
	receiptsDatedByChain("after a restart at -1h")

	setClock("0s")
	n.waitClaims(t, 2*len(deps), 30*time.Second)
	receiptsDatedByChain("clock set right")
	stats := tr.Stop()
	t.Logf("traffic: %s; provider down %v", summary(stats), downtime.Round(time.Millisecond))
	checkServed(t, stats, downtime+5*time.Second)
	n.checkNotRestarted(t, deps, runs)
	n.finish(t, deps...)
}
