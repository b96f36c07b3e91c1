package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// Attacks on the signing core (issue 15 point 2), each tried against a real
// provider whose core runs as a process of its own, and refused: nothing
// unmetered is signed, nothing is paid twice, no key is unwrapped for a
// bundle that is not the channel's newest.

// coreState is the path of the core's sealed state file.
func (w *world) coreState(t *testing.T) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(w.coreCfg.Dir, "core-state-*.sealed"))
	if err != nil || len(m) != 1 {
		t.Fatalf("core state files: %v %v", m, err)
	}
	return m[0]
}

// restartAll stops the provider and its core, runs edit on the stopped
// machine, and starts both again.
func (w *world) restartAll(t *testing.T, edit func()) {
	t.Helper()
	w.stop()
	w.stopCore()
	if edit != nil {
		edit()
	}
	w.startCore(t)
	w.restart(t, w.cfg)
}

// paidExactly checks that every accepted receipt of the channel was paid
// in full and once: the channel's earnings are its baseline usage × prices.
func (w *world) paidExactly(t *testing.T, pod p2p.Pod) payment.Baseline {
	t.Helper()
	ctx := context.Background()
	s, err := w.pay.State(ctx, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := w.pay.Channel(ctx, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedEarnings(w.prices, s.Last.Usage); ch.Earned.Cmp(want) != 0 {
		t.Fatalf("earned %s, want %s for the accepted usage %v", ch.Earned, want, s.Last.Usage)
	}
	return s.Last
}

func (w *world) claimedBeyond(t *testing.T, pod p2p.Pod, seq uint64, what string) payment.Baseline {
	t.Helper()
	var last payment.Baseline
	waitFor(t, 10*w.cycle, what, func() bool {
		s, err := w.pay.State(context.Background(), pod.ChannelID)
		last = s.Last
		return err == nil && s.Last.Seq > seq
	})
	return last
}

func TestSigningCoreAttacks(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pid := w.provNode.ID()
	victim := w.channel(t, 50_000_000, 8)
	v1 := w.publish(t, victim)
	if st := w.provision(t, victim, v1); st.State != p2p.PodRunning {
		t.Fatalf("victim's pod: %+v", st)
	}
	w.claimedBeyond(t, victim, 0, "a first claim")
	if w.coreProc.Pid() == os.Getpid() {
		t.Fatal("the signing core runs in the provider's process")
	}

	// 1. Ask the core to sign a receipt it did not meter: usage beyond its
	// integration is refused by the core itself, whatever the daemon asks.
	us, err := w.cfg.Core.Usage(ctx, false, victim.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	inflated := us[0].Usage
	inflated[usage.CPUUsed] += 1_000_000
	r := payment.Receipt{ChannelID: victim.ChannelID, Seq: us[0].LastSigned.Seq + 100, Time: us[0].LastSigned.Time + 100, Usage: inflated}
	sigs, errs, err := w.cfg.Core.SignReceipts(ctx, []payment.Receipt{r})
	if err != nil || !errors.Is(errs[0], core.ErrNotMetered) || sigs[0] != nil {
		t.Fatalf("unmetered receipt: %v %v", errs, err)
	}
	t.Logf("refused: %v", errs[0])
	// The API has no call that signs anything else (a digest, a receipt
	// for a channel it was not told about).
	other := w.channel(t, 50_000_000, 8)
	if _, errs, _ := w.cfg.Core.SignReceipts(ctx, []payment.Receipt{{ChannelID: other.ChannelID, Seq: 1, Time: 1}}); !errors.Is(errs[0], core.ErrUnknownChannel) {
		t.Fatalf("receipt of a channel the core does not know: %v", errs[0])
	}

	// 2. Ask the core for the data key of a bundle bound to another
	// channel, or to a channel it was not told about.
	mal, malPod := w.mallory(t)
	malHeader := w.header(t, w.bundleBytes(t, mal, malPod, w.prov.core.X25519, mallorysManifest))
	if _, err := w.cfg.Core.UnwrapKey(ctx, malPod.ChannelID, malHeader); !errors.Is(err, core.ErrUnknownChannel) {
		t.Fatalf("unwrap under an unknown channel: %v", err)
	}
	if _, err := w.cfg.Core.UnwrapKey(ctx, victim.ChannelID, malHeader); !errors.Is(err, bundle.ErrBinding) {
		t.Fatalf("unwrap of another channel's bundle under the victim's: %v", err)
	}
	t.Logf("refused: unwrap of Mallory's bundle under the victim's channel")

	// 3. Edit the core's state on disk, then restart: the core refuses the
	// file, the provider does not start, nothing is signed or paid.
	state := w.coreState(t)
	good, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	w.stop()
	w.stopCore()
	paid := w.paidExactly(t, victim)
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0x40
	if err := os.WriteFile(state, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	w.startCore(t)
	if _, err := New(ctx, w.cfg); !errors.Is(err, core.ErrStateTampered) {
		t.Fatalf("provider on an edited core state: %v", err)
	} else {
		t.Logf("refused: %v", err)
	}
	time.Sleep(2 * w.cycle)
	if now := w.paidExactly(t, victim); now.Seq != paid.Seq {
		t.Fatalf("a receipt was claimed while the core's state was refused: %d → %d", paid.Seq, now.Seq)
	}
	w.stopCore()
	if err := os.WriteFile(state, good, 0o600); err != nil {
		t.Fatal(err)
	}
	w.startCore(t)
	w.restart(t, w.cfg)
	afterEdit := w.claimedBeyond(t, victim, paid.Seq, "claims after the original state is back")

	// 4. Roll the core's state back to an older copy: the chain's baseline
	// has moved past it, so the core refuses its record of the channel; the
	// provider starts the channel over from the baseline, and nothing is
	// paid twice.
	w.stop()
	us, err = w.cfg.Core.Usage(ctx, false, victim.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	copied := us[0].LastSigned
	w.stopCore()
	older, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	w.startCore(t)
	w.restart(t, w.cfg)
	moved := w.claimedBeyond(t, victim, max(copied.Seq, afterEdit.Seq), "the chain's baseline to move past the copy")
	w.restartAll(t, func() {
		if err := os.WriteFile(state, older, 0o600); err != nil {
			t.Fatal(err)
		}
	})
	waitFor(t, 10*time.Second, "the core to refuse its rolled-back record (the metric of stale states)", func() bool {
		return metric(t, w.prov, "tpod_provider_core_stale_states_total") == "1"
	})
	after := w.claimedBeyond(t, victim, moved.Seq, "claims after the rollback")
	if !after.Usage.GreaterOrEqual(moved.Usage) {
		t.Fatalf("the chain went back from %v to %v", moved.Usage, after.Usage)
	}
	w.paidExactly(t, victim)
	t.Logf("after the rollback: receipt %d accepted, usage %v (baseline before it %d, %v)", after.Seq, after.Usage, moved.Seq, moved.Usage)

	// 5. Roll the pod back to an older bundle of its own channel: update to
	// a newer one, then the host edits bundle_cid back to the older one,
	// wipes the runtime and restarts. The older bundle's binding is valid
	// (same channel, same publisher): only the core's record of the newest
	// bundle refuses it.
	time.Sleep(1100 * time.Millisecond) // a later issuedAt
	v2 := w.publishManifest(t, victim, strings.Replace(helloManifest, "name: hello", "name: hello-v2", 1))
	if _, err := w.client.Update(ctx, pid, w.publisher, victim, v2); err != nil {
		t.Fatal(err)
	}
	w.restartAll(t, func() {
		rec, err := w.store.GetPod(ctx, victim.ChannelID)
		if err != nil {
			t.Fatal(err)
		}
		// The host edits the record's issuedAt too: nothing the daemon
		// stores says the older bundle is older.
		var pr podRecord
		if err := json.Unmarshal(rec.Spec, &pr); err != nil {
			t.Fatal(err)
		}
		pr.IssuedAt = 0
		if rec.Spec, err = json.Marshal(pr); err != nil {
			t.Fatal(err)
		}
		rec.BundleCID = v1
		if err := w.store.PutPod(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if err := w.rt.Delete(ctx, runtimeID(victim.ChannelID), 0); err != nil {
			t.Fatal(err)
		}
	})
	waitFor(t, 20*time.Second, "the restore to refuse the older bundle", func() bool {
		st, err := w.client.Status(ctx, pid, w.publisher, victim)
		return err == nil && st.State == p2p.PodFailed && strings.Contains(st.Message, "issued before")
	})
	st, _ := w.client.Status(ctx, pid, w.publisher, victim)
	t.Logf("victim's pod after the rolled-back bundle: %s: %s", st.State, st.Message)
	time.Sleep(2 * w.cycle)
	if _, err := w.rt.Status(ctx, runtimeID(victim.ChannelID)); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("the runtime serves the older bundle: %v", err)
	}
	w.workDirEmpty(t)
	w.paidExactly(t, victim)
}

// header is a bundle's header bytes.
func (w *world) header(t *testing.T, data []byte) []byte {
	t.Helper()
	h, err := bundle.ReadHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return h.Bytes()
}

// metric returns a metric's value as the provider serves it.
func metric(t *testing.T, p *Provider, name string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	p.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}
