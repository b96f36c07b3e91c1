package provider

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/testimage"
	"github.com/trustedpods/tpod/internal/usage"
)

// containerdConfig is the private containerd of scripts/testenv-containerd.sh
// with a namespace, bridge and subnet of this package's own.
func containerdConfig(t *testing.T, name string) containerd.Config {
	t.Helper()
	e := containerdtest.Require(t, name)
	return containerd.Config{
		Address:    e.Address,
		Namespace:  e.Namespace,
		DataDir:    e.DataDir,
		StateDir:   e.StateDir,
		Network:    containerd.NetworkConfig{Name: e.Network, Bridge: e.Bridge, Subnet: "172.30.221.0/24"},
		GPUDevices: []string{},
		Logger:     testLogger(t),
	}
}

// newTestRuntime is the backend a world runs pods on (kube_test.go swaps
// in the Kubernetes one).
var newTestRuntime = func(t *testing.T) runtime.Runtime {
	cc := containerdConfig(t, "provider")
	rt, err := containerd.New(context.Background(), cc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rt.Close()
		containerd.RemoveNetwork(cc.Network) // bridge and firewall chains (kept while pods remain)
	})
	return rt
}

func testLogger(t *testing.T) *slog.Logger { return containerdtest.Logger(t, slog.LevelInfo) }

// world is a whole network in one process: the dev chain, a provider with
// its IPFS node, enclave (simulated TEE) and containerd runtime, and a
// publisher with its own IPFS node.
type world struct {
	*chainFixture
	prov      *Provider
	provNode  *ipfs.Node
	pubNode   *ipfs.Node
	client    *p2p.Client
	store     *store.Store
	rt        runtime.Runtime
	prices    [usage.Len]*big.Int
	cycle     time.Duration
	cfg       Config
	cancelRun context.CancelFunc
	runDone   chan error
	// coreCfg and coreProc are the signing core's: a process of its own.
	coreCfg  core.Config
	coreProc *core.Process
}

func newWorld(t *testing.T, opts ...func(*Config)) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{chainFixture: newChainFixture(t), cycle: 2 * time.Second}
	dir := t.TempDir()

	rt := newTestRuntime(t)
	w.rt = rt
	t.Cleanup(func() {
		// Remove what the test deployed, whatever state it is in.
		infos, _ := rt.List(context.Background())
		for _, in := range infos {
			rt.Delete(context.Background(), in.Spec.ID, 0)
		}
	})

	// The signing core runs as a process of its own, as `tpod provider
	// run` starts it: this test binary, run as `tpod enclave --stdin`.
	w.coreCfg = core.Config{Dir: filepath.Join(dir, "enclave"), TEE: attest.KindSimulated, Metering: coreMetering(rt)}
	w.startCore(t)
	var err error
	if w.provNode, err = ipfs.NewNode(ctx, ipfs.Config{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.provNode.Close() })
	if w.pubNode, err = ipfs.NewNode(ctx, ipfs.Config{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.pubNode.Close() })
	if err := w.pubNode.Connect(ctx, w.provNode.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	if w.store, err = store.Open(ctx, filepath.Join(dir, "provider.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.store.Close() })

	// 1 token unit per millicore·s and per MiB·s of reserved memory, 1 per
	// KiB of egress; CPU time used 2 per core·ms.
	w.prices = pricesOf(1, 1, 0, 0, 2, 0, 1)
	info := w.net.Info()
	w.cfg = Config{
		Store: w.store, Core: w.coreProc.Client, Runtime: rt, Bundles: w.provNode, Host: w.provNode.Host(),
		Chain: w.net.Client(), Payment: w.pay, Wallet: w.provider,
		Pricing:   []PricingTable{{Token: info.Contracts.Token, Prices: w.prices, MinDisputePeriod: 2 * w.cycle}},
		Capacity:  Reservation{CPUMilli: 4000, MemoryMiB: 4096, StorageMiB: 10240},
		MinRunway: 4 * time.Second, LowFunds: 20 * time.Second, BillingCycle: w.cycle, StopGrace: 2 * time.Second,
		WorkDir: filepath.Join(dir, "work"), Logger: testLogger(t),
	}
	for _, o := range opts {
		o(&w.cfg)
	}
	w.restart(t, w.cfg)
	w.client = p2p.NewClient(w.pubNode.Host(), p2p.WithDomain(p2p.Domain{ChainID: info.ChainID, PaymentContract: info.Contracts.Payment}))
	return w
}

// restart stops the running provider, if any, and runs a new one with cfg
// on the same store, runtime, enclave and IPFS node: a provider restart.
func (w *world) restart(t *testing.T, cfg Config) {
	t.Helper()
	w.stop()
	p, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.prov = p
	ctx, cancel := context.WithCancel(context.Background())
	w.cancelRun, w.runDone = cancel, make(chan error, 1)
	go func() { w.runDone <- p.Run(ctx) }()
	t.Cleanup(w.stop)
}

func (w *world) stop() {
	if w.cancelRun != nil {
		w.cancelRun()
		<-w.runDone
		w.prov.Close()
		w.cancelRun = nil
	}
}

const helloManifest = `apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: web
    image: podtest:latest
    args: ["serve", "-addr", ":8080"]
    ports:
    - containerPort: 8080
      expose: http
    resources:
      cpu: 250m
      memory: 64Mi
      storage: 64Mi
  scale:
    min: 1
    max: 1
`

// publish builds the hello bundle bound to pod, a channel of the world's
// publisher, for the provider's enclave and adds it to the publisher's IPFS
// node.
func (w *world) publish(t *testing.T, pod p2p.Pod) string {
	t.Helper()
	return w.publishManifest(t, pod, helloManifest)
}

// publishManifest builds a bundle of manifest (whose image is podtest:latest)
// bound to pod for the provider's enclave.
func (w *world) publishManifest(t *testing.T, pod p2p.Pod, manifestYAML string) string {
	t.Helper()
	return w.publishAs(t, w.publisher, pod, w.prov.core.X25519, manifestYAML)
}

// publishAs builds a bundle of manifest bound to pod, a channel that signer
// opened with the provider, for an enclave's X25519 key.
func (w *world) publishAs(t *testing.T, signer *chain.Wallet, pod p2p.Pod, x25519 []byte, manifestYAML string) string {
	t.Helper()
	data := w.bundleBytes(t, signer, pod, x25519, manifestYAML)
	c, err := w.pubNode.Add(context.Background(), bytes.NewReader(data), ipfs.AddOptions{Pin: true})
	if err != nil {
		t.Fatal(err)
	}
	return c.String()
}

// bundleBytes builds a bundle of manifest bound to pod and signed by signer
// (a nil signer: unbound).
func (w *world) bundleBytes(t *testing.T, signer *chain.Wallet, pod p2p.Pod, x25519 []byte, manifestYAML string) []byte {
	t.Helper()
	key, err := ecdh.X25519().NewPublicKey(x25519)
	if err != nil {
		t.Fatal(err)
	}
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	image, err := oci.LoadTar(img.Archive)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load([]byte(manifestYAML), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opts := bundle.BuildOptions{Recipients: []*ecdh.PublicKey{key}, Images: map[string]v1.Image{"podtest:latest": image}}
	if signer != nil {
		opts.Binding = &bundle.Binding{ChainID: w.net.Info().ChainID, Payment: w.pay.Address(), Publisher: signer.Address(),
			Provider: w.provider.Address(), PodID: pod.PodID}
		opts.Signer = signer
	}
	var buf bytes.Buffer
	if _, err := bundle.Build(&buf, m, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// vector is the usage the signing core integrated for a channel.
func (w *world) vector(t *testing.T, channel [32]byte) usage.Vector {
	t.Helper()
	us, err := w.cfg.Core.Usage(context.Background(), false, channel)
	if err != nil || len(us) != 1 {
		t.Fatalf("usage of %x: %v %v", channel[:4], us, err)
	}
	return us[0].Usage
}

// channel opens a channel with the provider's prices, pinning its enclave.
func (w *world) channel(t *testing.T, amount int64, dispute uint64) p2p.Pod {
	t.Helper()
	return w.channelTo(t, w.prov.core.Signer, amount, dispute)
}

// channelTo opens a channel of the publisher with the world's prices
// pinning signer.
func (w *world) channelTo(t *testing.T, signer common.Address, amount int64, dispute uint64) p2p.Pod {
	t.Helper()
	return w.openChannelFrom(t, w.publisher, signer, amount, dispute, big.NewInt(1_000_000))
}

// openChannelFrom opens a channel of from to the provider with the world's
// prices, pinning signer, capped at maxPerSecond.
func (w *world) openChannelFrom(t *testing.T, from *chain.Wallet, signer common.Address, amount int64, dispute uint64, maxPerSecond *big.Int) p2p.Pod {
	t.Helper()
	ctx := context.Background()
	var podID [32]byte
	rand.Read(podID[:])
	terms := payment.Terms{EnclaveSigner: signer, MaxPerSecond: maxPerSecond, Prices: w.prices}
	if _, err := w.token.Approve(ctx, from, w.pay.Address(), big.NewInt(amount)); err != nil {
		t.Fatal(err)
	}
	id, _, err := w.pay.CreateChannel(ctx, from, w.provider.Address(), podID, w.token.Address(), terms, dispute, big.NewInt(amount))
	if err != nil {
		t.Fatal(err)
	}
	return p2p.Pod{ChannelID: id, PodID: podID}
}

func (w *world) provision(t *testing.T, pod p2p.Pod, cid string) *p2p.PodStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := w.client.Provision(ctx, w.provNode.ID(), w.publisher, pod, cid)
	if err != nil {
		t.Fatalf("provision: %v", err)
	}
	return st
}

// podURL is the pod's first endpoint as the provider reports it now.
func (w *world) podURL(t *testing.T, pod p2p.Pod) string {
	t.Helper()
	st, err := w.client.Status(context.Background(), w.provNode.ID(), w.publisher, pod)
	if err != nil || len(st.Endpoints) == 0 {
		t.Fatalf("status: %+v %v", st, err)
	}
	return st.Endpoints[0].Address
}

func pricesOf(p ...int64) [usage.Len]*big.Int {
	var out [usage.Len]*big.Int
	for i := range out {
		out[i] = big.NewInt(p[i])
	}
	return out
}

func get(t *testing.T, url string) string {
	t.Helper()
	c := http.Client{Timeout: 2 * time.Second}
	var last error
	for range 30 {
		resp, err := c.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(b)
			}
			last = fmt.Errorf("status %d", resp.StatusCode)
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", url, last)
	return ""
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out after %v waiting for %s", d, what)
}

// expectedEarnings is what the contract must have paid for a last claimed
// receipt when every claim was below the caps: Σ usage × price from zero.
func expectedEarnings(prices [usage.Len]*big.Int, v usage.Vector) *big.Int {
	sum := new(big.Int)
	for i := range v {
		sum.Add(sum, new(big.Int).Mul(prices[i], new(big.Int).SetUint64(v[i])))
	}
	return sum
}

func TestProviderEndToEnd(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pod := w.channel(t, 50_000_000, 8)
	cid := w.publish(t, pod)

	st := w.provision(t, pod, cid)
	if st.State != p2p.PodRunning || len(st.Endpoints) == 0 {
		t.Fatalf("provision status %+v", st)
	}
	body := get(t, st.Endpoints[0].Address)
	t.Logf("pod answered %q at %s", body, st.Endpoints[0].Address)

	// A retried provision of the same bundle is idempotent; another bundle
	// on the same channel is a conflict.
	again := w.provision(t, pod, cid)
	if again.BundleCID != cid {
		t.Fatalf("retried provision: %+v", again)
	}

	// Claims appear on-chain and equal metered usage × prices.
	waitFor(t, 6*w.cycle, "two claims", func() bool {
		r, err := w.store.LastClaimed(ctx, pod.ChannelID)
		return err == nil && r.Seq >= 2
	})
	claimed, _ := w.store.LastClaimed(ctx, pod.ChannelID)
	ch, err := w.pay.Channel(ctx, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedEarnings(w.prices, claimed.Usage); ch.Earned.Cmp(want) != 0 {
		t.Fatalf("earned on chain %s, want %s for usage %v", ch.Earned, want, claimed.Usage)
	}
	if claimed.Usage[usage.CPUReserved] == 0 || claimed.Usage[usage.MemoryReserved] == 0 {
		t.Fatalf("reserved counters did not advance: %v", claimed.Usage)
	}
	t.Logf("claimed receipt %d: usage %v, earned %s", claimed.Seq, claimed.Usage, ch.Earned)

	// Status and logs over the authenticated manage protocol.
	st, err = w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
	if err != nil || st.State != p2p.PodRunning {
		t.Fatalf("status %+v %v", st, err)
	}
	// Another account cannot act on the pod.
	if _, err := w.client.Status(ctx, w.provNode.ID(), w.provider, pod); err == nil {
		t.Fatal("a stranger read the pod's status")
	}

	// Unlock: the provider's final claim lands inside the dispute period.
	requested := uint64(time.Now().Unix())
	if _, err := w.pay.RequestUnlock(ctx, w.publisher, pod.ChannelID, big.NewInt(1_000)); err != nil {
		t.Fatal(err)
	}
	ch, _ = w.pay.Channel(ctx, pod.ChannelID)
	unlockAt := ch.UnlockAt
	waitFor(t, 4*w.cycle, "a claim after the unlock request", func() bool {
		r, err := w.store.LastClaimed(ctx, pod.ChannelID)
		return err == nil && r.Time > requested
	})
	claimed, _ = w.store.LastClaimed(ctx, pod.ChannelID)
	if claimed.Time > unlockAt {
		t.Fatalf("final claim of time %d after the dispute period ended at %d", claimed.Time, unlockAt)
	}

	// Restart: SIGTERM reaches the container, which logs it; the pod runs
	// again.
	if st, err := w.client.Restart(ctx, w.provNode.ID(), w.publisher, pod, "web"); err != nil || st.State != p2p.PodRunning {
		t.Fatalf("restart: %+v %v", st, err)
	}
	get(t, w.podURL(t, pod))
	var lines []string
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = w.client.Logs(lctx, w.provNode.ID(), w.publisher, pod, p2p.LogOptions{}, func(e p2p.LogEntry) error {
		lines = append(lines, string(e.Line))
		return nil
	})
	cancel()
	if err != nil || !slices.Contains(lines, "SIGTERM, exiting") {
		t.Fatalf("logs after a restart: %q %v", lines, err)
	}
	if _, err := w.client.Restart(ctx, w.provNode.ID(), w.publisher, pod, "nope"); err == nil {
		t.Fatal("restart of an unknown container succeeded")
	}

	// Update to another bundle on the same channel: the pod serves the new
	// one, its address kept.
	cid2 := w.publishManifest(t, pod, strings.Replace(helloManifest, "name: hello", "name: hello-v2", 1))
	if cid2 == cid {
		t.Fatal("the updated manifest gave the same bundle")
	}
	up, err := w.client.Update(ctx, w.provNode.ID(), w.publisher, pod, cid2)
	if err != nil || up.BundleCID != cid2 || up.State != p2p.PodRunning {
		t.Fatalf("update: %+v %v", up, err)
	}
	get(t, w.podURL(t, pod))
	// Metering and billing go on across the update: counters keep growing
	// and every claim is still paid exactly once.
	beforeUpdate, _ := w.store.LastClaimed(ctx, pod.ChannelID)
	// (The first claim after the update may come before the core's first
	// round of the new pod: wait for one that covers it running.)
	waitFor(t, 4*w.cycle, "a claim after the update", func() bool {
		r, err := w.store.LastClaimed(ctx, pod.ChannelID)
		return err == nil && r.Seq > beforeUpdate.Seq && r.Usage[usage.CPUReserved] > beforeUpdate.Usage[usage.CPUReserved]
	})
	afterUpdate, _ := w.store.LastClaimed(ctx, pod.ChannelID)
	if !afterUpdate.Usage.GreaterOrEqual(beforeUpdate.Usage) || afterUpdate.Usage[usage.CPUReserved] <= beforeUpdate.Usage[usage.CPUReserved] {
		t.Fatalf("usage after the update %v does not continue %v", afterUpdate.Usage, beforeUpdate.Usage)
	}
	ch, _ = w.pay.Channel(ctx, pod.ChannelID)
	if want := expectedEarnings(w.prices, afterUpdate.Usage); ch.Earned.Cmp(want) != 0 {
		t.Fatalf("after the update: earned %s, want %s", ch.Earned, want)
	}

	// Metrics report the pod and its claims.
	rec := httptest.NewRecorder()
	w.prov.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{"tpod_provider_pods 1", "tpod_provider_provisions_total 1", "tpod_provider_meter_lag_seconds"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(rec.Body.String(), "tpod_provider_claims_total 0") {
		t.Error("metrics count no claims")
	}

	// Delete: stop, final claim, removal.
	del, err := w.client.Delete(ctx, w.provNode.ID(), w.publisher, pod)
	if err != nil || del.State != p2p.PodDeleted {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if _, err := w.rt.Status(ctx, runtimeID(pod.ChannelID)); err == nil {
		t.Fatal("the runtime still has the deleted pod")
	}
	// The channel already paid for a pod: provisioning it again is refused
	// (a fresh meter would start below the channel's baseline).
	if _, err := w.client.Provision(ctx, w.provNode.ID(), w.publisher, pod, cid); err == nil || !strings.Contains(err.Error(), "new channel") {
		t.Fatalf("provision on a used channel: %v", err)
	}
}

// TestProviderClaimsOrphanReceipts: a receipt stored for a channel without a
// pod (its final claim failed when the pod was deleted) is claimed by a later
// cycle, and then never again.
func TestProviderClaimsOrphanReceipts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pod := w.channel(t, 50_000_000, 8)
	w.provision(t, pod, w.publish(t, pod))
	waitFor(t, 10*time.Second, "metered usage", func() bool { return w.vector(t, pod.ChannelID)[usage.CPUReserved] > 0 })
	// The provider stops (no cycle claims from here); a receipt of what the
	// core metered is signed and stored, and the pod is gone as if its
	// final claim had failed at its deletion.
	w.stop()
	st, err := w.pay.State(ctx, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	us, err := w.cfg.Core.Usage(ctx, true, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	v, signed := us[0].Usage, us[0].LastSigned
	// A receipt must be later than the channel's start (the dev chain's clock
	// runs ahead of the wall clock when blocks come faster than one a second).
	r := newStoreReceipt(payment.Receipt{ChannelID: pod.ChannelID, Seq: max(st.Last.Seq, signed.Seq) + 1,
		Time: max(uint64(time.Now().Unix()), st.Last.Time+1, signed.Time+1), Usage: v})
	if errs, err := w.prov.bill.signStore(ctx, []*store.Receipt{r}); err != nil || errs[0] != nil {
		t.Fatal(err, errs)
	}
	w.prov.mu.Lock()
	delete(w.prov.pods, pod.ChannelID)
	w.prov.mu.Unlock()
	w.prov.billOrphans(ctx)
	ch, _ := w.pay.Channel(ctx, pod.ChannelID)
	if want := expectedEarnings(w.prices, v); ch.Earned.Cmp(want) != 0 {
		t.Fatalf("earned %s, want %s", ch.Earned, want)
	}
	if un, _ := w.store.UnclaimedLast(ctx); len(un) != 0 {
		t.Fatalf("still unclaimed: %+v", un)
	}
	w.prov.billOrphans(ctx) // nothing left: no second claim
	ch2, _ := w.pay.Channel(ctx, pod.ChannelID)
	if ch2.Earned.Cmp(ch.Earned) != 0 {
		t.Fatal("an orphan receipt was paid twice")
	}
}

func TestProviderStopsPodWhenFundsRunOut(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// 250 millicores + 64 MiB reserved cost 314 a second; 6 s of runway
	// passes the 4 s minimum and runs dry within a few cycles.
	pod := w.channel(t, 314*6, 8)
	cid := w.publish(t, pod)
	st := w.provision(t, pod, cid)
	if st.State != p2p.PodRunning {
		t.Fatalf("provision status %+v", st)
	}
	start := time.Now()
	waitFor(t, 3*w.cycle+6*time.Second, "the pod to stop for lack of funds", func() bool {
		st, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
		return err == nil && st.State == p2p.PodStopped
	})
	t.Logf("stopped %v after provisioning", time.Since(start).Round(time.Millisecond))
	if evs := w.waitEvents(t, pod, 2*w.cycle, EventStoppedFunds); !strings.Contains(evs[len(evs)-1].Message, "funds") {
		t.Fatalf("funds stop event %+v does not say why", evs[len(evs)-1])
	}
	st, _ = w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
	if !strings.Contains(st.Message, "funds") {
		t.Fatalf("stop message %q does not say why", st.Message)
	}
	ch, _ := w.pay.Channel(ctx, pod.ChannelID)
	if ch.Earned.Sign() == 0 {
		t.Fatal("nothing was claimed before the stop")
	}
	// Neither a restart nor an update brings it back unpaid.
	waitFor(t, 2*w.cycle, "a restart of the unfunded pod to be refused", func() bool {
		_, err := w.client.Restart(ctx, w.provNode.ID(), w.publisher, pod, "")
		if err != nil && strings.Contains(err.Error(), "busy") {
			return false // the stop is still in progress
		}
		if err == nil || !strings.Contains(err.Error(), "deposit") {
			t.Fatalf("restart of an unfunded pod: %v", err)
		}
		return true
	})
	// A deposit starts it again.
	if _, err := w.token.Approve(ctx, w.publisher, w.pay.Address(), big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.pay.Deposit(ctx, w.publisher, pod.ChannelID, big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*w.cycle, "the pod to run again after a deposit", func() bool {
		st, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
		return err == nil && st.State == p2p.PodRunning
	})
	w.waitEvents(t, pod, w.cycle, EventStoppedFunds, EventResumedFunds)
}

func TestProviderRefusesBadOrders(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Too little money for the minimum runway.
	poor := w.channel(t, 10, 8)
	if _, err := w.client.Provision(ctx, w.provNode.ID(), w.publisher, poor, w.publish(t, poor)); err == nil || !strings.Contains(err.Error(), "runway") {
		t.Fatalf("underfunded channel: %v", err)
	}
	// A dispute period under the provider's minimum.
	short := w.channel(t, 50_000_000, 1)
	if _, err := w.client.Provision(ctx, w.provNode.ID(), w.publisher, short, w.publish(t, short)); err == nil || !strings.Contains(err.Error(), "dispute") {
		t.Fatalf("short dispute period: %v", err)
	}
	// A cap equal to the reserved rate (250 millicores + 64 MiB at 1 a
	// second each): CPU time used (2 per core·ms, 500 a second at the
	// limit) would be served unpaid. Refused, named.
	capped := w.openChannelFrom(t, w.publisher, w.prov.core.Signer, 50_000_000, 8, big.NewInt(314))
	_, err := w.client.Provision(ctx, w.provNode.ID(), w.publisher, capped, w.publish(t, capped))
	if !errors.Is(err, p2p.ErrTermsMismatch) || !strings.Contains(err.Error(), "maxPerSecond 314 does not cover the pod's use at its limits, 814 per second") {
		t.Fatalf("cap at the reserved rate: %v", err)
	}
	// A cap that covers it is accepted (not deployed here: only the check).
	covered := w.openChannelFrom(t, w.publisher, w.prov.core.Signer, 50_000_000, 8, big.NewInt(814))
	if co, err := w.prov.checkChannel(ctx, covered.ChannelID); err != nil || co.terms.MaxPerSecond.Int64() != 814 {
		t.Fatalf("covering channel: %+v %v", co, err)
	}
	// A CID that is not a bundle.
	junk, err := w.pubNode.Add(ctx, strings.NewReader("not a bundle"), ipfs.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ok := w.channel(t, 50_000_000, 8)
	if _, err := w.client.Provision(ctx, w.provNode.ID(), w.publisher, ok, junk.String()); err == nil {
		t.Fatal("a non-bundle was provisioned")
	}
	// Nothing ran and no capacity is held.
	if n := len(w.prov.pods); n != 0 {
		t.Fatalf("%d pods after refused orders", n)
	}
	if w.prov.used != (Reservation{}) {
		t.Fatalf("capacity held after refused orders: %+v", w.prov.used)
	}
}

func TestProviderRestartAndPricingChange(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pod := w.channel(t, 50_000_000, 8)
	cid := w.publish(t, pod)
	st := w.provision(t, pod, cid)
	url := st.Endpoints[0].Address
	waitFor(t, 4*w.cycle, "a first claim", func() bool {
		_, err := w.store.LastClaimed(ctx, pod.ChannelID)
		return err == nil
	})
	before, _ := w.store.LastClaimed(ctx, pod.ChannelID)

	// A restart with new prices: the pod keeps running, billing continues
	// from where it was, and the provider proposes its new prices.
	cfg := w.cfg
	newPrices := w.prices
	newPrices[usage.CPUReserved] = big.NewInt(3)
	cfg.Pricing = []PricingTable{{Token: w.token.Address(), Prices: newPrices, MinDisputePeriod: 2 * w.cycle}}
	cfg.PricingNotice = time.Hour

	// Until a started provider has restored its pods it answers requests
	// about them "unavailable, retry", not "not found".
	w.stop()
	early := cfg
	early.RestoreWait = 200 * time.Millisecond
	p, err := New(ctx, early)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod); !errors.Is(err, p2p.ErrUnavailable) {
		t.Fatalf("status before the restore: %v, want unavailable", err)
	}
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- p.Run(runCtx) }()
	waitFor(t, 10*time.Second, "the pod's status once restored", func() bool {
		st, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
		return err == nil && st.State == p2p.PodRunning
	})
	stopRun()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	p.Close()

	w.restart(t, cfg)
	get(t, url)
	waitFor(t, 4*w.cycle, "a pricing proposal", func() bool {
		ch, err := w.pay.Channel(ctx, pod.ChannelID)
		return err == nil && ch.PendingPricesHash == payment.PricesHash(newPrices)
	})
	waitFor(t, 2*w.cycle, "a price-change warning in the pod's status", func() bool {
		st, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
		return err == nil && st.State == p2p.PodRunning && strings.Contains(strings.Join(st.Warnings, " "), "price change")
	})
	// The events survived both restarts of the provider.
	w.waitEvents(t, pod, w.cycle, EventRestored, EventRestored, EventPriceProposed)
	after, _ := w.store.LastClaimed(ctx, pod.ChannelID)
	if after.Seq < before.Seq {
		t.Fatalf("claims went back after the restart: %d < %d", after.Seq, before.Seq)
	}
	// Old prices still apply until the publisher accepts: earnings so far
	// equal usage × old prices.
	ch, _ := w.pay.Channel(ctx, pod.ChannelID)
	if want := expectedEarnings(w.prices, after.Usage); ch.Earned.Cmp(want) != 0 {
		t.Fatalf("after restart: earned %s, want %s (a receipt paid twice or not at all)", ch.Earned, want)
	}

	// The publisher accepts; the provider switches over with the old/new
	// baseline and later claims use the new prices.
	if _, err := w.pay.AcceptPricing(ctx, w.publisher, pod.ChannelID, payment.PricesHash(newPrices)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*w.cycle, "the new prices to apply", func() bool {
		s, err := w.pay.State(ctx, pod.ChannelID)
		return err == nil && samePrices(s.Terms.Prices, newPrices)
	})
	w.waitEvents(t, pod, w.cycle, EventPriceProposed, EventPriceAccepted)
	s0, _ := w.pay.State(ctx, pod.ChannelID)
	earned0, _ := w.pay.Channel(ctx, pod.ChannelID)
	waitFor(t, 4*w.cycle, "a claim at the new prices", func() bool {
		r, err := w.store.LastClaimed(ctx, pod.ChannelID)
		return err == nil && r.Seq > s0.Last.Seq
	})
	r, _ := w.store.LastClaimed(ctx, pod.ChannelID)
	d, _ := r.Usage.Sub(s0.Last.Usage)
	ch, _ = w.pay.Channel(ctx, pod.ChannelID)
	got := new(big.Int).Sub(ch.Earned, earned0.Earned)
	if want := expectedEarnings(newPrices, d); got.Cmp(want) != 0 {
		t.Fatalf("claim after the switch paid %s, want %s at the new prices", got, want)
	}

	// A second change the publisher ignores stops the pod at the end of the
	// notice.
	cfg.Pricing[0].Prices[usage.MemoryReserved] = big.NewInt(5)
	cfg.PricingNotice = 2 * w.cycle
	w.restart(t, cfg)
	waitFor(t, 15*w.cycle, "the pod to stop when the notice ends", func() bool {
		st, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
		return err == nil && st.State == p2p.PodStopped && strings.Contains(st.Message, "new prices")
	})
}

// waitEvents waits until the pod's events, as its publisher reads them,
// hold the kinds want in this order (others may come between).
func (w *world) waitEvents(t *testing.T, pod p2p.Pod, within time.Duration, want ...string) []p2p.PodEvent {
	t.Helper()
	var evs []p2p.PodEvent
	waitFor(t, within, fmt.Sprintf("pod events %v", want), func() bool {
		var err error
		if evs, err = w.client.Events(context.Background(), w.provNode.ID(), w.publisher, pod, 0); err != nil {
			return false
		}
		i := 0
		for _, e := range evs {
			if i < len(want) && e.Kind == want[i] {
				i++
			}
		}
		return i == len(want)
	})
	return evs
}
