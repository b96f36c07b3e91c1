package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// Attacks on the binding of bundles to their orders (issue 15), each tried
// against a real provider and refused before anything is decrypted.

// mallorysManifest is the hello pod under another name.
var mallorysManifest = strings.Replace(helloManifest, "name: hello", "name: mallory", 1)

// mallory is a second publisher with a channel of her own to the provider.
func (w *world) mallory(t *testing.T) (*chain.Wallet, p2p.Pod) {
	t.Helper()
	m, err := w.net.Wallet(devnet.LabelEnclave) // a funded dev account that is no party here
	if err != nil {
		t.Fatal(err)
	}
	return m, w.openChannelFrom(t, m, w.prov.core.Signer, 50_000_000, 8, big.NewInt(1_000_000))
}

// nothingFor checks that the provider holds, runs and decrypted nothing for
// a channel.
func (w *world) nothingFor(t *testing.T, pod p2p.Pod, who string) {
	t.Helper()
	if w.prov.pod(pod.ChannelID) != nil {
		t.Fatalf("the provider holds a pod for %s's channel", who)
	}
	if _, err := w.rt.Status(context.Background(), runtimeID(pod.ChannelID)); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("the runtime has a pod for %s's channel: %v", who, err)
	}
	if err := w.client.Logs(context.Background(), w.provNode.ID(), w.publisher, pod, p2p.LogOptions{}, func(p2p.LogEntry) error { return nil }); err == nil {
		t.Fatalf("logs of %s's channel were served", who)
	}
	w.workDirEmpty(t)
}

// workDirEmpty checks that no bundle or decrypted image is left behind.
func (w *world) workDirEmpty(t *testing.T) {
	t.Helper()
	ents, err := os.ReadDir(w.cfg.WorkDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Fatalf("work directory holds %d entries after a refused bundle", len(ents))
	}
}

func TestBindingAttacks(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pid := w.provNode.ID()
	victim := w.channel(t, 50_000_000, 8)
	victimCID := w.publish(t, victim)
	if st := w.provision(t, victim, victimCID); st.State != p2p.PodRunning {
		t.Fatalf("victim's pod: %+v", st)
	}
	mal, malPod := w.mallory(t)

	// 1. Mallory provisions the victim's CID under her own channel.
	_, err := w.client.Provision(ctx, pid, mal, malPod, victimCID)
	if !errors.Is(err, p2p.ErrBundleBinding) || !strings.Contains(err.Error(), "bound to channel") {
		t.Fatalf("victim's bundle under another channel: %v", err)
	}
	t.Logf("refused: %v", err)
	if err := w.client.Logs(ctx, pid, mal, malPod, p2p.LogOptions{}, func(p2p.LogEntry) error { return nil }); !errors.Is(err, p2p.ErrNotFound) {
		t.Fatalf("logs for Mallory's channel: %v", err)
	}
	w.nothingFor(t, malPod, "Mallory")

	// 2. A binding signed by someone other than the channel's publisher: the
	// publisher's own bundle with Mallory's signature over the same header.
	forged := w.bundleBytes(t, w.publisher, victim, w.prov.core.X25519, helloManifest)
	h, err := bundle.ReadHeader(bytes.NewReader(forged))
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := mal.SignDigest(h.Core.Binding.Digest(h.HeaderHash))
	copy(forged[len(h.Raw)-65:], sig)
	second := w.channel(t, 50_000_000, 8)
	_, err = w.client.Provision(ctx, pid, w.publisher, second, w.add(t, forged))
	if !errors.Is(err, p2p.ErrBundleBinding) {
		t.Fatalf("forged signature: %v", err)
	}
	// (It is bound to the victim's channel, not this one; sign it for this
	// one to see the signature refused as such.)
	forged = w.bundleBytes(t, w.publisher, second, w.prov.core.X25519, helloManifest)
	h, _ = bundle.ReadHeader(bytes.NewReader(forged))
	sig, _ = mal.SignDigest(h.Core.Binding.Digest(h.HeaderHash))
	copy(forged[len(h.Raw)-65:], sig)
	_, err = w.client.Provision(ctx, pid, w.publisher, second, w.add(t, forged))
	if !errors.Is(err, p2p.ErrBundleBinding) || !strings.Contains(err.Error(), "not signed by the channel's publisher") {
		t.Fatalf("binding signed by another key: %v", err)
	}

	// 3. A binding field edited in the header (issuedAt, one digit).
	edited := w.bundleBytes(t, w.publisher, second, w.prov.core.X25519, helloManifest)
	h, _ = bundle.ReadHeader(bytes.NewReader(edited))
	field := fmt.Sprintf(`"issuedAt":%d`, h.Core.Binding.IssuedAt)
	i := bytes.Index(edited, []byte(field))
	edited[i+len(field)-1] ^= 1
	_, err = w.client.Provision(ctx, pid, w.publisher, second, w.add(t, edited))
	if !errors.Is(err, p2p.ErrBundleBinding) || !strings.Contains(err.Error(), "not signed by the channel's publisher") {
		t.Fatalf("edited binding: %v", err)
	}
	// An unbound bundle (tpod bundle build without a binding) is refused too.
	unbound := w.add(t, w.bundleBytes(t, nil, p2p.Pod{}, w.prov.core.X25519, helloManifest))
	if _, err := w.client.Provision(ctx, pid, w.publisher, second, unbound); !errors.Is(err, p2p.ErrBundleBinding) || !strings.Contains(err.Error(), "not bound to any channel") {
		t.Fatalf("unbound bundle: %v", err)
	}
	w.nothingFor(t, second, "the second")

	// 4. An update of the victim's pod to a bundle bound to another channel
	// (Mallory's own bundle, bound to her channel).
	malCID := w.publishAs(t, mal, malPod, w.prov.core.X25519, mallorysManifest)
	_, err = w.client.Update(ctx, pid, w.publisher, victim, malCID)
	if !errors.Is(err, p2p.ErrBundleBinding) {
		t.Fatalf("update to another channel's bundle: %v", err)
	}
	if st, err := w.client.Status(ctx, pid, w.publisher, victim); err != nil || st.BundleCID != victimCID || st.State != p2p.PodRunning {
		t.Fatalf("victim's pod after the refused update: %+v %v", st, err)
	}
	// An update to an older bundle of the same channel is refused as well.
	time.Sleep(1100 * time.Millisecond) // a later issuedAt
	newer := w.publishManifest(t, victim, strings.Replace(helloManifest, "name: hello", "name: hello-v2", 1))
	if _, err := w.client.Update(ctx, pid, w.publisher, victim, newer); err != nil {
		t.Fatalf("update to a newer bundle: %v", err)
	}
	if _, err := w.client.Update(ctx, pid, w.publisher, victim, victimCID); !errors.Is(err, p2p.ErrConflict) || !strings.Contains(err.Error(), "older") {
		t.Fatalf("update back to an older bundle: %v", err)
	}
	w.workDirEmpty(t)

	// 5. The host edits bundle_cid in provider.db to Mallory's bundle, wipes
	// the runtime and restarts the provider: the restore refuses to deploy
	// another channel's bundle on the victim's channel.
	w.stop()
	rec, err := w.store.GetPod(ctx, victim.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	rec.BundleCID = malCID
	if err := w.store.PutPod(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := w.rt.Delete(ctx, runtimeID(victim.ChannelID), 0); err != nil {
		t.Fatal(err)
	}
	w.restart(t, w.cfg)
	waitFor(t, 20*time.Second, "the restore to refuse the edited bundle", func() bool {
		st, err := w.client.Status(ctx, pid, w.publisher, victim)
		return err == nil && st.State == p2p.PodFailed && strings.Contains(st.Message, "bound to channel")
	})
	st, _ := w.client.Status(ctx, pid, w.publisher, victim)
	t.Logf("victim's pod after the edited restore: %s: %s", st.State, st.Message)
	// Two billing cycles later nothing was redeployed, and nothing of
	// Mallory's pod runs anywhere.
	time.Sleep(2 * w.cycle)
	if _, err := w.rt.Status(ctx, runtimeID(victim.ChannelID)); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("the runtime serves a pod on the victim's channel: %v", err)
	}
	infos, _ := w.rt.List(ctx)
	for _, in := range infos {
		t.Fatalf("a pod runs after the refused restore: %s", in.Spec.ID)
	}
	w.workDirEmpty(t)
}

// add stores bundle bytes on the publisher's IPFS node.
func (w *world) add(t *testing.T, data []byte) string {
	t.Helper()
	c, err := w.pubNode.Add(context.Background(), bytes.NewReader(data), ipfs.AddOptions{Pin: true})
	if err != nil {
		t.Fatal(err)
	}
	return c.String()
}

// TestHostnameReservedAfterFundsStop: a pod stopped for lack of funds loses
// its route, not its hostname. Another channel's claim on the name is
// refused, before and after a provider restart, and the name routes to its
// owner again after a deposit.
func TestHostnameReservedAfterFundsStop(t *testing.T) {
	w := newWorld(t, withGateway)
	ctx := context.Background()
	pid := w.provNode.ID()
	const host = "shop.example.com"
	named := strings.Replace(helloManifest, "      expose: http\n", "      expose: http\n      hostnames: ["+host+"]\n", 1)
	victim := w.channel(t, 314*6, 8) // runs dry within a few cycles
	w.provision(t, victim, w.publishManifest(t, victim, named))
	waitFor(t, 10*time.Second, "the hostname to route", func() bool {
		code, _, _, err := viaGateway(w, host)
		return err == nil && code == 200
	})
	_, victimBody, _, _ := viaGateway(w, host)

	waitFor(t, 3*w.cycle+6*time.Second, "the victim's pod to stop for lack of funds", func() bool {
		st, err := w.client.Status(ctx, pid, w.publisher, victim)
		return err == nil && st.State == p2p.PodStopped
	})
	waitFor(t, 10*time.Second, "the stop to complete", func() bool {
		s, err := w.rt.Status(ctx, runtimeID(victim.ChannelID))
		return err == nil && s.State == runtime.PodStopped
	})
	if code, _, _, err := viaGateway(w, host); err != nil || code == 200 {
		t.Fatalf("the stopped pod's hostname still answers: %d %v", code, err)
	}

	mal, malPod := w.mallory(t)
	steal := w.publishAs(t, mal, malPod, w.prov.core.X25519, strings.Replace(named, "name: hello", "name: mallory", 1))
	_, err := w.client.Provision(ctx, pid, mal, malPod, steal)
	if !errors.Is(err, p2p.ErrConflict) || !strings.Contains(err.Error(), "hostname "+host+" is reserved") {
		t.Fatalf("claim of a funds-stopped pod's hostname: %v", err)
	}
	t.Logf("refused: %v", err)
	w.nothingFor(t, malPod, "Mallory")

	// Reservations survive a restart of the provider.
	w.restart(t, w.cfg)
	_, err = w.client.Provision(ctx, pid, mal, malPod, steal)
	if !errors.Is(err, p2p.ErrConflict) || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("claim after a restart: %v", err)
	}

	// A deposit brings the victim's pod and its route back.
	if _, err := w.token.Approve(ctx, w.publisher, w.pay.Address(), big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.pay.Deposit(ctx, w.publisher, victim.ChannelID, big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 4*w.cycle+5*time.Second, "the victim's hostname to route to it again", func() bool {
		code, body, _, err := viaGateway(w, host)
		return err == nil && code == 200 && body == victimBody
	})
}

// TestProviderPausesPodOverCap: egress has no runtime limit, so a pod can
// use more than its channel's maxPerSecond pays. The provider pauses it
// until the cap has paid, then starts it again; every claim is paid in full
// and the held-back use is billed later: nothing is served unpaid.
func TestProviderPausesPodOverCap(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pid := w.provNode.ID()
	// The pod at its limits costs 814 a second (314 reserved, 500 of CPU
	// time); the cap leaves 186 KiB/s of egress.
	pod := w.openChannelFrom(t, w.publisher, w.prov.core.Signer, 50_000_000, 8, big.NewInt(1000))
	st := w.provision(t, pod, w.publish(t, pod))
	url := st.Endpoints[0].Address

	waitFor(t, 5*time.Second, "the core's first sample", func() bool {
		us, err := w.cfg.Core.Usage(ctx, false, pod.ChannelID)
		return err == nil && len(us) == 1 && !us[0].SampledAt.IsZero()
	})
	// 6 MiB of egress cost 6144, six seconds of the cap at once.
	if body := get(t, url+"/send?n="+fmt.Sprint(6<<20)); len(body) != 6<<20 {
		t.Fatalf("sent %d bytes", len(body))
	}
	waitFor(t, 10*time.Second, "the pod to pause over its cap", func() bool {
		st, err := w.client.Status(ctx, pid, w.publisher, pod)
		return err == nil && st.State == p2p.PodStopped && strings.Contains(st.Message, "maxPerSecond")
	})
	st, _ = w.client.Status(ctx, pid, w.publisher, pod)
	t.Logf("paused: %s", st.Message)
	waitFor(t, 30*time.Second, "the pod to run again once its cap has paid", func() bool {
		st, err := w.client.Status(ctx, pid, w.publisher, pod)
		return err == nil && st.State == p2p.PodRunning
	})
	get(t, url)

	// Every accepted receipt was paid in full (earnings = usage × prices
	// from zero), and the receipts cover all the egress.
	waitFor(t, 10*w.cycle, "claims covering the egress", func() bool {
		r, err := w.store.LastClaimed(ctx, pod.ChannelID)
		return err == nil && r.Usage[usage.NetworkEgress] >= 6<<10
	})
	s, err := w.pay.State(ctx, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := w.pay.Channel(ctx, pod.ChannelID)
	if want := expectedEarnings(w.prices, s.Last.Usage); ch.Earned.Cmp(want) != 0 {
		t.Fatalf("earned %s, want %s for the accepted usage %v: the cap dropped use", ch.Earned, want, s.Last.Usage)
	}
	t.Logf("accepted usage %v, earned %s", s.Last.Usage, ch.Earned)
}
