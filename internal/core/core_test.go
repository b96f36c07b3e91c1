package core

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	corepb "github.com/trustedpods/tpod/api/proto/core"
	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

var (
	testPayment  = common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	testProvider = common.HexToAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
	t0           = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a core served in-process on a real unix socket, with trees of
// its own standing in for cgroupfs and procfs, and the daemon's client.
type fixture struct {
	t        *testing.T
	dir      string
	cg, proc string
	source   string
	clk      *clock
	domain   payment.Domain
	peer     peer.ID
	pub      *payment.DevSigner
	core     *Core
	cl       *Client
	stopCore func()
}

func newFixture(t *testing.T, source string) *fixture {
	t.Helper()
	pub, err := payment.GenerateDevSigner()
	if err != nil {
		t.Fatal(err)
	}
	_, pk, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := peer.IDFromPublicKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: t.TempDir(), cg: t.TempDir(), proc: t.TempDir(), source: source, clk: &clock{t: t0},
		domain: payment.Domain{ChainID: big.NewInt(1337), Contract: testPayment}, peer: pid, pub: pub}
	f.start()
	t.Cleanup(func() { f.stop() })
	return f
}

// start opens the core on the fixture's directory, serves it and says
// hello, as a daemon does.
func (f *fixture) start() {
	f.t.Helper()
	if err := f.startErr(); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) startErr() error {
	ctx := context.Background()
	c, err := Open(ctx, Config{Dir: f.dir, TEE: attest.KindSimulated, Configuration: []byte(`{"version":1}`), Now: f.clk.now,
		Metering: MeterConfig{Source: f.source, Namespace: "ns", CgroupRoot: f.cg, ProcRoot: f.proc, PodsDir: filepath.Join(f.dir, "pods")}})
	if err != nil {
		return err
	}
	srv, err := Listen(c, filepath.Join(f.dir, "sock", "core.sock"))
	if err != nil {
		c.Close()
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { srv.Serve(sctx); close(done) }()
	f.core, f.stopCore = c, func() { cancel(); <-done; c.Close() }
	if f.cl, err = Dial(ctx, srv.Path()); err != nil {
		f.stop()
		return err
	}
	if _, err := f.cl.Hello(ctx, Hello{Domain: f.domain, Peer: f.peer, Extra: []byte("tls")}); err != nil {
		f.stop()
		return err
	}
	return nil
}

func (f *fixture) stop() {
	if f.stopCore != nil {
		f.cl.Close()
		f.stopCore()
		f.stopCore = nil
	}
}

func (f *fixture) restart() {
	f.t.Helper()
	f.stop()
	f.start()
}

// channel is a channel of the fixture's publisher with the test provider.
func (f *fixture) channel(pod byte) [32]byte {
	return payment.ChannelID(f.pub.Address(), testProvider, common.Hash{pod})
}

func (f *fixture) open(id [32]byte, base payment.Baseline) {
	f.t.Helper()
	if _, err := f.cl.OpenChannel(context.Background(), id, f.pub.Address(), base, false); err != nil {
		f.t.Fatal(err)
	}
}

const testPod = `apiVersion: tpod.dev/v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: web
    image: hello:latest
    resources: {cpu: 500m, memory: 64Mi, storage: 100Mi}
  scale: {min: 1, max: 2}
`

// header builds a bundle bound to the pod's channel of signer, encrypted to
// the core's key, issued at issued, and returns its header.
func (f *fixture) header(signer *payment.DevSigner, pod byte, issued uint64) []byte {
	f.t.Helper()
	m, err := manifest.Load([]byte(testPod), "pod.yaml")
	if err != nil {
		f.t.Fatal(err)
	}
	x, err := ecdh.X25519().NewPublicKey(f.cl.Identity().X25519)
	if err != nil {
		f.t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err = bundle.Build(&buf, m, bundle.BuildOptions{
		Recipients: []*ecdh.PublicKey{x},
		Images:     map[string]v1.Image{"hello:latest": ocitest.ServerImage(f.t)},
		Binding:    &bundle.Binding{ChainID: 1337, Payment: testPayment, Publisher: signer.Address(), Provider: testProvider, PodID: common.Hash{pod}, IssuedAt: issued},
		Signer:     signer,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	h, err := bundle.ReadHeader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		f.t.Fatal(err)
	}
	return h.Bytes()
}

// The fake kernel trees.

func (f *fixture) write(path, data string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// container sets a container's counters in place (the same cgroup).
func (f *fixture) container(id [32]byte, name string, cpuNanos uint64, pid int, workingSet uint64, more ...int) {
	cg := RuntimeID(id) + "." + name
	f.write(filepath.Join(f.cg, "cpuacct/ns", cg, "cpuacct.usage"), fmt.Sprint(cpuNanos))
	procs := ""
	for _, p := range append([]int{pid}, more...) {
		if p != 0 {
			procs += fmt.Sprintf("%d\n", p)
		}
	}
	f.write(filepath.Join(f.cg, "cpuacct/ns", cg, "cgroup.procs"), procs)
	f.write(filepath.Join(f.cg, "memory/ns", cg, "memory.usage_in_bytes"), fmt.Sprint(workingSet))
	f.write(filepath.Join(f.cg, "memory/ns", cg, "memory.stat"), "total_inactive_file 0\n")
}

// freeze sets a container's freezer (v1 freezer.state).
func (f *fixture) freeze(id [32]byte, name string, frozen bool) {
	state := "THAWED"
	if frozen {
		state = "FROZEN"
	}
	f.write(filepath.Join(f.cg, "freezer/ns", RuntimeID(id)+"."+name, "freezer.state"), state+"\n")
}

// recreate replaces a container's cgroup by a new one (a new run).
func (f *fixture) recreate(id [32]byte, name string, cpuNanos uint64, pid int, workingSet uint64) {
	cg := RuntimeID(id) + "." + name
	path := filepath.Join(f.cg, "cpuacct/ns", cg, "cpuacct.usage")
	f.write(path+".new", fmt.Sprint(cpuNanos))
	if err := os.Rename(path+".new", path); err != nil {
		f.t.Fatal(err)
	}
	f.container(id, name, cpuNanos, pid, workingSet)
}

// created sets when a container's cgroup was created.
func (f *fixture) created(id [32]byte, name string, at time.Time) {
	if err := os.Chtimes(filepath.Join(f.cg, "cpuacct/ns", RuntimeID(id)+"."+name), at, at); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) removeContainer(id [32]byte, name string) {
	cg := RuntimeID(id) + "." + name
	os.RemoveAll(filepath.Join(f.cg, "cpuacct/ns", cg))
	os.RemoveAll(filepath.Join(f.cg, "memory/ns", cg))
}

// net sets the bytes process pid's network namespace sent. A pod's
// processes share one namespace (the pod's).
func (f *fixture) net(pid int, sent uint64) {
	dir := filepath.Join(f.proc, fmt.Sprint(pid))
	if _, err := os.Stat(filepath.Join(dir, "ns", "net")); err != nil {
		ns := filepath.Join(f.proc, "netns", fmt.Sprint(pid/100))
		if _, err := os.Stat(ns); err != nil {
			f.write(ns, "")
		}
		os.MkdirAll(filepath.Join(dir, "ns"), 0o755)
		if err := os.Link(ns, filepath.Join(dir, "ns", "net")); err != nil {
			f.t.Fatal(err)
		}
	}
	f.write(filepath.Join(dir, "net", "dev"), fmt.Sprintf("Inter-|\n face |\n    lo: 5 1 0 0 0 0 0 0 99999 1 0 0 0 0 0 0\n  eth0: 7 1 0 0 0 0 0 0 %d 1 0 0 0 0 0 0\n", sent))
}

func (f *fixture) podDir(id [32]byte, keep bool) {
	p := filepath.Join(f.dir, "pods", RuntimeID(id))
	if keep {
		os.MkdirAll(p, 0o700)
	} else {
		os.RemoveAll(p)
	}
}

// tick advances the clock and takes a metering round.
func (f *fixture) tick(d time.Duration) {
	f.t.Helper()
	f.clk.advance(d)
	if _, err := f.cl.Usage(context.Background(), true); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) usage(id [32]byte) ChannelUsage {
	f.t.Helper()
	us, err := f.cl.Usage(context.Background(), false, id)
	if err != nil || len(us) != 1 {
		f.t.Fatalf("usage of %x: %v %v", id[:4], us, err)
	}
	return us[0]
}

// deploy opens a fresh channel and unwraps and commits its bundle, as a
// provision does; the pod's data directory exists.
func (f *fixture) deploy(pod byte, issued uint64) [32]byte {
	f.t.Helper()
	id := f.channel(pod)
	f.open(id, payment.Baseline{})
	ctx := context.Background()
	if _, err := f.cl.UnwrapKey(ctx, id, f.header(f.pub, pod, issued)); err != nil {
		f.t.Fatal(err)
	}
	if err := f.cl.Commit(ctx, id, issued); err != nil {
		f.t.Fatal(err)
	}
	f.podDir(id, true)
	return id
}

func (f *fixture) sign(rs ...payment.Receipt) ([][]byte, []error) {
	f.t.Helper()
	sigs, errs, err := f.cl.SignReceipts(context.Background(), rs)
	if err != nil {
		f.t.Fatal(err)
	}
	return sigs, errs
}

// TestCoreMetersCgroups: the core integrates a pod's usage from its own
// reading of the kernel's counters, at paths derived from the channel:
// a new pod's CPU time and egress before the first round count (the first
// sample used to only set the baseline), reserved time runs from a run's
// cgroup's creation, storage while the pod's data directory exists, a new
// run's cgroup counts whole, and another channel's cgroups are never its.
func TestCoreMetersCgroups(t *testing.T) {
	f := newFixture(t, MeterCore)
	a := f.deploy(1, 100)
	b := f.deploy(2, 100)
	// Pod a started before the first round: 0.3 s of CPU and 20 KiB out.
	f.container(a, "web", 3e8, 501, 32<<20)
	f.net(501, 20<<10)
	// Pod b is busier; its counters must never show up in a's vector.
	f.container(b, "web", 9e9, 601, 64<<20)
	f.net(601, 1<<30)
	f.tick(time.Second)
	u := f.usage(a)
	if want := (usage.Vector{0, 0, 100, 0, 300, 0, 20}); u.Usage != want || !u.Running {
		t.Fatalf("first round of a new pod: %v running %v, want %v", u.Usage, u.Running, want)
	}
	// A second in which a ran throughout: 0.5 core, 10 KiB.
	f.container(a, "web", 8e8, 501, 32<<20)
	f.net(501, 30<<10)
	f.tick(time.Second)
	if u, want := f.usage(a).Usage, (usage.Vector{500, 64, 200, 0, 800, 32, 30}); u != want {
		t.Fatalf("after a second of running: %v, want %v", u, want)
	}
	// Stopped: the cgroup is gone; only storage advances.
	f.removeContainer(a, "web")
	f.tick(time.Second)
	if u, want := f.usage(a).Usage, (usage.Vector{500, 64, 300, 0, 800, 32, 30}); u != want {
		t.Fatalf("stopped: %v, want %v", u, want)
	}
	// Started again half-way through the next second: a new cgroup, its
	// counter from zero, counted whole, and reserved time from its
	// creation.
	f.recreate(a, "web", 2e8, 502, 32<<20)
	f.created(a, "web", f.clk.now().Add(500*time.Millisecond))
	f.net(502, 31<<10) // the same namespace, kept across the stop
	f.tick(time.Second)
	if u, want := f.usage(a).Usage, (usage.Vector{750, 96, 400, 0, 1000, 48, 31}); u != want {
		t.Fatalf("restarted: %v, want %v", u, want)
	}
	// Data deleted: storage stops too.
	f.podDir(a, false)
	f.tick(time.Second)
	if u := f.usage(a).Usage; u[usage.StorageReserved] != 400 {
		t.Fatalf("storage advanced without the pod's data: %v", u)
	}
	// A gap of an hour (the core was down) counts reserved time for
	// MaxGap only, the counters in full.
	f.podDir(a, true)
	f.container(a, "web", 5e9, 502, 32<<20)
	f.tick(time.Hour)
	if u, want := f.usage(a).Usage, (usage.Vector{6250, 800, 1400, 0, 5800, 400, 31}); u != want {
		t.Fatalf("after an hour's gap: %v, want %v", u, want)
	}
	// The state survives a restart of the core.
	before := f.usage(a)
	f.restart()
	if after := f.usage(a); after.Usage != before.Usage || after.IssuedAt != 100 {
		t.Fatalf("after a restart: %+v, before %+v", after, before)
	}
}

// TestCoreKilledBetweenSaves: metering rounds are saved every half MaxGap,
// not every second; a core killed between saves loses nothing of them: the
// restarted core counts the kernel's counters' growth since the saved
// reading and the reserved time since the saved round, and ends where a core
// that never stopped would.
func TestCoreKilledBetweenSaves(t *testing.T) {
	f := newFixture(t, MeterCore)
	a := f.deploy(1, 100)
	cpu := uint64(1e9)
	f.container(a, "web", cpu, 501, 32<<20)
	f.net(501, 10<<10)
	second := func() {
		cpu += 5e8
		f.container(a, "web", cpu, 501, 32<<20)
		f.tick(time.Second)
	}
	for range 6 {
		second() // the round 5 s after the deploy's save is saved
	}
	state, err := filepath.Glob(filepath.Join(f.dir, "core-state-*.sealed"))
	if err != nil || len(state) != 1 {
		t.Fatal(state, err)
	}
	saved, _ := os.ReadFile(state[0])
	for range 2 {
		second()
	}
	if b, _ := os.ReadFile(state[0]); !bytes.Equal(b, saved) {
		t.Fatal("the state was written by a round within half MaxGap of the last save")
	}
	prev := f.usage(a).Usage
	second()
	last := f.usage(a).Usage
	step, err := last.Sub(prev)
	if err != nil || step[usage.CPUReserved] == 0 || step[usage.CPUUsed] != 500 {
		t.Fatalf("a second of running: %v %v", step, err)
	}
	// Killed: nothing is saved on the way out.
	f.core.mu.Lock()
	f.core.st = nil
	f.core.mu.Unlock()
	f.stop()
	if b, _ := os.ReadFile(state[0]); !bytes.Equal(b, saved) {
		t.Fatal("a killed core wrote its state")
	}
	f.start()
	second()
	want := last
	for i := range want {
		want[i] += step[i]
	}
	if got := f.usage(a).Usage; got != want {
		t.Fatalf("after a kill between saves: %v, want %v (as if it had not stopped)", got, want)
	}
	// Close saves: a restart loses nothing either.
	second()
	before := f.usage(a).Usage
	f.restart()
	if after := f.usage(a).Usage; after != before {
		t.Fatalf("after a restart: %v, before %v", after, before)
	}
}

// TestCoreFrozenAndParked: a pod frozen when idle (scale.idle freeze)
// holds its memory, which is billed, and gets no CPU, which is not; tasks
// created frozen ahead of a wake (a parked pod) are not a run until they
// are thawed.
func TestCoreFrozenAndParked(t *testing.T) {
	f := newFixture(t, MeterCore)
	id := f.deploy(1, 100)
	f.container(id, "web", 1e8, 501, 32<<20)
	f.net(501, 0)
	f.tick(time.Second)
	f.tick(time.Second)
	step := func(what string, want usage.Vector) {
		t.Helper()
		before := f.usage(id).Usage
		f.tick(time.Second)
		d, err := f.usage(id).Usage.Sub(before)
		if err != nil || d != want {
			t.Fatalf("%s: added %v (%v), want %v", what, d, err, want)
		}
	}
	step("running", usage.Vector{500, 64, 100, 0, 0, 32, 0})
	f.freeze(id, "web", true)
	step("freezing", usage.Vector{0, 64, 100, 0, 0, 32, 0})
	step("frozen", usage.Vector{0, 64, 100, 0, 0, 32, 0})
	// Scaled to zero: its tasks are gone, the next ones created frozen.
	f.removeContainer(id, "web")
	step("stopped", usage.Vector{0, 0, 100, 0, 0, 0, 0})
	f.recreate(id, "web", 2e7, 502, 8<<20)
	f.freeze(id, "web", true)
	step("parked", usage.Vector{0, 0, 100, 0, 20, 0, 0})
	f.freeze(id, "web", false)
	step("thawed by a wake", usage.Vector{0, 0, 100, 0, 0, 0, 0})
	step("running again", usage.Vector{500, 64, 100, 0, 0, 8, 0})

	// Parked again, with a round between the task's create and its
	// freeze (a gVisor sandbox boots for a while): under the runtime's
	// parking marker that task is not a run, and stays unbilled once
	// frozen; the wake clears the marker.
	f.removeContainer(id, "web")
	step("stopped again", usage.Vector{0, 0, 100, 0, 0, 0, 0})
	marker := filepath.Join(f.dir, "pods", RuntimeID(id), runtime.ParkingMarker)
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f.recreate(id, "web", 3e7, 503, 8<<20)
	step("being parked, not frozen yet", usage.Vector{0, 0, 100, 0, 30, 0, 0})
	f.freeze(id, "web", true)
	step("parked after a round unfrozen", usage.Vector{0, 0, 100, 0, 0, 0, 0})
	step("still parked", usage.Vector{0, 0, 100, 0, 0, 0, 0})
	os.Remove(marker)
	f.freeze(id, "web", false)
	step("thawed by the next wake", usage.Vector{0, 0, 100, 0, 0, 0, 0})
	step("running after it", usage.Vector{500, 64, 100, 0, 0, 8, 0})
}

// TestCoreFindsThePodsNetwork: of a pod's processes, one may sit in a
// namespace with only a loopback (gVisor's gofer); egress is the pod's
// namespace's, whichever process comes first.
func TestCoreFindsThePodsNetwork(t *testing.T) {
	f := newFixture(t, MeterCore)
	id := f.deploy(1, 100)
	gofer := filepath.Join(f.proc, "300")
	f.write(filepath.Join(gofer, "ns", "net"), "")
	f.write(filepath.Join(gofer, "net", "dev"), "Inter-|\n face |\n    lo: 5 1 0 0 0 0 0 0 99999 1 0 0 0 0 0 0\n")
	f.container(id, "web", 0, 300, 0, 501)
	f.net(501, 8<<10)
	f.tick(time.Second)
	if u := f.usage(id).Usage; u[usage.NetworkEgress] != 8 {
		t.Fatalf("egress %v, want 8 KiB from the pod's namespace", u)
	}
	f.net(501, 10<<10)
	f.tick(time.Second)
	if u := f.usage(id).Usage; u[usage.NetworkEgress] != 10 {
		t.Fatalf("egress %v, want 10 KiB", u)
	}
}

// TestCoreRefusesUnmeteredReceipts is the attack "ask the signing core to
// sign a receipt it didn't meter": the core signs only usage at most what
// it integrated, and only beyond what it signed before.
func TestCoreRefusesUnmeteredReceipts(t *testing.T) {
	f := newFixture(t, MeterCore)
	id := f.deploy(1, 100)
	f.container(id, "web", 1e9, 501, 0)
	f.net(501, 4<<10)
	f.tick(time.Second)
	f.tick(time.Second)
	v := f.usage(id).Usage
	if v[usage.CPUUsed] != 1000 || v[usage.CPUReserved] != 500 {
		t.Fatalf("metered %v", v)
	}
	more := v
	more[usage.CPUUsed]++
	_, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 1, Time: 10, Usage: more})
	if !errors.Is(errs[0], ErrNotMetered) || !strings.Contains(errs[0].Error(), "cpu-used 1001, metered 1000") {
		t.Fatalf("a receipt beyond the metered usage: %v", errs[0])
	}
	t.Logf("refused: %v", errs[0])
	// An unknown channel, or one whose pod the core never saw.
	other := f.channel(9)
	if _, errs := f.sign(payment.Receipt{ChannelID: other, Seq: 1, Time: 10}); !errors.Is(errs[0], ErrUnknownChannel) {
		t.Fatalf("a channel the core was not told about: %v", errs[0])
	}
	// What was metered is signed, by the enclave key, in the pinned domain.
	half := v
	half[usage.CPUUsed] = 400
	r := payment.Receipt{ChannelID: id, Seq: 1, Time: 10, Usage: half}
	sigs, errs := f.sign(r)
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	if s, err := payment.RecoverReceiptSigner(f.domain, r, sigs[0]); err != nil || s != f.cl.Address() {
		t.Fatalf("signature recovers to %s (%v), want %s", s, err, f.cl.Address())
	}
	// Never back: a lower or equal seq, an earlier time, a lower counter.
	for _, bad := range []payment.Receipt{
		{ChannelID: id, Seq: 1, Time: 11, Usage: v},
		{ChannelID: id, Seq: 2, Time: 10, Usage: v},
		{ChannelID: id, Seq: 2, Time: 11, Usage: usage.Vector{v[0], v[1], v[2], v[3], 399, v[5], v[6]}},
	} {
		if _, errs := f.sign(bad); !errors.Is(errs[0], ErrNotMonotonic) {
			t.Fatalf("receipt %+v: %v", bad, errs[0])
		}
	}
	// A batch: each receipt is checked on its own, in order.
	_, errs = f.sign(payment.Receipt{ChannelID: id, Seq: 2, Time: 11, Usage: v}, payment.Receipt{ChannelID: id, Seq: 3, Time: 12, Usage: more})
	if errs[0] != nil || !errors.Is(errs[1], ErrNotMetered) {
		t.Fatalf("batch: %v", errs)
	}
	// The record of what was signed survives a restart.
	f.restart()
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 2, Time: 12, Usage: v}); !errors.Is(errs[0], ErrNotMonotonic) {
		t.Fatalf("after a restart, receipt 2 again: %v", errs[0])
	}
	if last := f.usage(id).LastSigned; last.Seq != 2 || last.Usage != v {
		t.Fatalf("last signed %+v", last)
	}
}

// TestCoreUnwrapsOnlyBoundBundles: the attacks on key unwrapping. The core
// returns a bundle's data key only for a bundle bound to a channel it was
// told about, signed by that channel's publisher, and not older than the
// bundle the channel runs (also after a restart).
func TestCoreUnwrapsOnlyBoundBundles(t *testing.T) {
	f := newFixture(t, MeterCore)
	ctx := context.Background()
	a, b := f.channel(1), f.channel(2)
	f.open(a, payment.Baseline{})
	f.open(b, payment.Baseline{})
	hdrA := f.header(f.pub, 1, 100)
	dk, err := f.cl.UnwrapKey(ctx, a, hdrA)
	if err != nil || len(dk) != 32 {
		t.Fatalf("a's own bundle: %v", err)
	}
	// The data key opens the bundle's header (its MAC).
	h, _ := bundle.ReadHeader(bytes.NewReader(hdrA))
	if _, err := bundle.NewReader(bytes.NewReader(hdrA), nil, bundle.OpenOptions{Unwrap: func(*bundle.Header) ([]byte, error) { return dk, nil }}); err == nil || errors.Is(err, bundle.ErrTampered) {
		t.Fatalf("header with the returned key: %v", err) // fails later, on the missing blobs, not on the key
	}
	_ = h
	// a's bundle asked for under b.
	if _, err := f.cl.UnwrapKey(ctx, b, hdrA); !errors.Is(err, bundle.ErrBinding) || !strings.Contains(err.Error(), "bound to channel") {
		t.Fatalf("a's bundle under channel b: %v", err)
	}
	// Under a channel the core was not told about.
	if _, err := f.cl.UnwrapKey(ctx, f.channel(3), f.header(f.pub, 3, 100)); !errors.Is(err, ErrUnknownChannel) {
		t.Fatalf("unknown channel: %v", err)
	}
	// Bound to a, signed by someone else than a's publisher.
	mallory, _ := payment.GenerateDevSigner()
	fake := f.header(mallory, 1, 100)
	if _, err := f.cl.UnwrapKey(ctx, a, fake); !errors.Is(err, bundle.ErrBinding) {
		t.Fatalf("a bundle of Mallory's: %v", err)
	}
	// Not a header at all.
	if _, err := f.cl.UnwrapKey(ctx, a, []byte("TPODBNDL junk")); !errors.Is(err, ErrInvalid) {
		t.Fatalf("junk: %v", err)
	}
	// A newer bundle runs; the older one is refused, before and after a
	// restart of the core.
	if _, err := f.cl.UnwrapKey(ctx, a, f.header(f.pub, 1, 200)); err != nil {
		t.Fatal(err)
	}
	if err := f.cl.Commit(ctx, a, 200); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := f.cl.UnwrapKey(ctx, a, hdrA)
		if !errors.Is(err, ErrOlderBundle) {
			t.Fatalf("older bundle of the same channel: %v", err)
		}
		t.Logf("refused: %v", err)
		if err := f.cl.Commit(ctx, a, 100); !errors.Is(err, ErrOlderBundle) {
			t.Fatalf("commit of the older bundle: %v", err)
		}
		f.restart()
	}
	// Commit of a bundle never unwrapped.
	if err := f.cl.Commit(ctx, a, 300); !errors.Is(err, ErrInvalid) {
		t.Fatalf("commit of a bundle never unwrapped: %v", err)
	}
	// The same bundle again (a restore) is fine.
	if _, err := f.cl.UnwrapKey(ctx, a, f.header(f.pub, 1, 200)); err != nil {
		t.Fatalf("the running bundle again: %v", err)
	}
	// Opened with another publisher than the chain named first.
	if _, err := f.cl.OpenChannel(ctx, a, mallory.Address(), payment.Baseline{}, false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("open with another publisher: %v", err)
	}
}

// TestCoreRefusesTamperedState is the attack "edit the signing core's
// state on disk, then restart": the core refuses the file (nothing it
// holds is used, nothing inflated is signed).
func TestCoreRefusesTamperedState(t *testing.T) {
	f := newFixture(t, MeterCore)
	id := f.deploy(1, 100)
	f.container(id, "web", 1e9, 501, 0)
	f.tick(time.Second)
	f.stop()
	path := f.core.path
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range []struct {
		name string
		fn   func([]byte) []byte
	}{
		{"one bit of the sealed state", func(b []byte) []byte { c := bytes.Clone(b); c[len(c)-20] ^= 1; return c }},
		{"the chain in the header", func(b []byte) []byte { c := bytes.Clone(b); c[stateHeader-21] ^= 1; return c }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"plain JSON with inflated counters", func([]byte) []byte {
			return []byte(`{"channels":{"` + chanKey(id) + `":{"meter":{"Vector":[9999999,0,0,0,9999999,0,0]}}}}`)
		}},
	} {
		if err := os.WriteFile(path, edit.fn(b), 0o600); err != nil {
			t.Fatal(err)
		}
		err := f.startErr()
		if !errors.Is(err, ErrStateTampered) {
			t.Fatalf("%s: start: %v", edit.name, err)
		}
		t.Logf("%s: refused: %v", edit.name, err)
	}
	// The original file is still good.
	os.WriteFile(path, b, 0o600)
	f.start()
	if u := f.usage(id).Usage; u[usage.CPUUsed] != 1000 {
		t.Fatalf("after restoring the file: %v", u)
	}
}

// TestCoreRefusesRolledBackState is the attack "roll the signing core's
// state back to an older copy": the copy holds a lower last signed receipt
// and lower counters than the chain's baseline, so the core refuses to
// open the channel from it; started over from the baseline, it never signs
// below the chain, and the older bundle stays refused.
func TestCoreRefusesRolledBackState(t *testing.T) {
	f := newFixture(t, MeterCore)
	id := f.deploy(1, 100)
	f.container(id, "web", 1e9, 501, 0)
	f.tick(time.Second)
	f.tick(time.Second)
	old, err := os.ReadFile(f.core.path)
	if err != nil {
		t.Fatal(err)
	}
	v1 := f.usage(id).Usage
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 1, Time: 10, Usage: v1}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	f.container(id, "web", 3e9, 501, 0)
	f.tick(time.Second)
	v2 := f.usage(id).Usage
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 2, Time: 11, Usage: v2}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	// Receipt 2 is claimed: the chain's baseline. The host puts the older
	// copy back and restarts the core.
	chain := payment.Baseline{Seq: 2, Time: 11, Usage: v2}
	f.stop()
	if err := os.WriteFile(f.core.path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	f.start()
	_, err = f.cl.OpenChannel(context.Background(), id, f.pub.Address(), chain, false)
	if !errors.Is(err, ErrStaleState) {
		t.Fatalf("open from the rolled-back state: %v", err)
	}
	t.Logf("refused: %v", err)
	// Nothing is signed for the channel from the old record: receipt 2
	// again with the chain's usage is beyond what the old copy metered.
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 2, Time: 12, Usage: v2}); errs[0] == nil {
		t.Fatal("signed from the rolled-back record")
	}
	// A reset is allowed only now, and starts at the baseline.
	if _, err := f.cl.OpenChannel(context.Background(), id, f.pub.Address(), chain, true); err != nil {
		t.Fatal(err)
	}
	u := f.usage(id)
	if u.Usage != v2 || u.LastSigned.Seq != 2 {
		t.Fatalf("after the reset: %+v", u)
	}
	// Pods found running are adopted, not billed again for what the chain
	// already paid.
	f.container(id, "web", 5e9, 501, 0)
	f.tick(time.Second)
	if got := f.usage(id).Usage; got[usage.CPUUsed] != v2[usage.CPUUsed] {
		t.Fatalf("adopted pod billed again: %v (chain %v)", got, v2)
	}
	f.container(id, "web", 6e9, 501, 0)
	f.tick(time.Second)
	got := f.usage(id).Usage
	if got[usage.CPUUsed] != v2[usage.CPUUsed]+1000 {
		t.Fatalf("after adoption: %v", got)
	}
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 2, Time: 12, Usage: got}); !errors.Is(errs[0], ErrNotMonotonic) {
		t.Fatalf("receipt at the chain's seq: %v", errs[0])
	}
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 3, Time: 12, Usage: got}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	// A record that is not stale cannot be reset.
	if _, err := f.cl.OpenChannel(context.Background(), id, f.pub.Address(), chain, true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("reset of a current record: %v", err)
	}
	// The rolled-back copy knew the bundle, so an older one stays refused.
	if _, err := f.cl.UnwrapKey(context.Background(), id, f.header(f.pub, 1, 99)); !errors.Is(err, ErrOlderBundle) {
		t.Fatalf("older bundle after the reset: %v", err)
	}
}

// TestCoreOpenAndClose: a channel with receipts on the chain that the core
// has no record of is adopted; a deleted pod's channel is never opened,
// signed for or unwrapped again.
func TestCoreOpenAndClose(t *testing.T) {
	f := newFixture(t, MeterCore)
	ctx := context.Background()
	id := f.channel(1)
	adopted, err := f.cl.OpenChannel(ctx, id, f.pub.Address(), payment.Baseline{Seq: 4, Time: 50, Usage: usage.Vector{10, 10, 0, 0, 10, 0, 0}}, false)
	if err != nil || !adopted {
		t.Fatalf("open at a baseline: %v %v", adopted, err)
	}
	if u := f.usage(id); u.Usage != (usage.Vector{10, 10, 0, 0, 10, 0, 0}) || u.LastSigned.Seq != 4 {
		t.Fatalf("opened at %+v", u)
	}
	if err := f.cl.CloseChannel(ctx, id); err != nil {
		t.Fatal(err)
	}
	f.restart()
	if _, err := f.cl.OpenChannel(ctx, id, f.pub.Address(), payment.Baseline{}, false); !errors.Is(err, ErrClosed) {
		t.Fatalf("open after close: %v", err)
	}
	if _, errs := f.sign(payment.Receipt{ChannelID: id, Seq: 5, Time: 51}); !errors.Is(errs[0], ErrClosed) {
		t.Fatalf("sign after close: %v", errs[0])
	}
	if _, err := f.cl.UnwrapKey(ctx, id, f.header(f.pub, 1, 100)); !errors.Is(err, ErrClosed) {
		t.Fatalf("unwrap after close: %v", err)
	}
}

// TestCoreHelloPinned: the chain and peer ID are pinned for the core's
// life; the evidence commits to the peer, the configuration document and
// the latest extra data.
func TestCoreHelloPinned(t *testing.T) {
	f := newFixture(t, MeterCore)
	ctx := context.Background()
	other := f.domain
	other.Contract = common.Address{1}
	if _, err := f.cl.Hello(ctx, Hello{Domain: other, Peer: f.peer}); !errors.Is(err, ErrPinned) {
		t.Fatalf("another chain: %v", err)
	}
	_, pk, _ := crypto.GenerateEd25519Key(nil)
	p2, _ := peer.IDFromPublicKey(pk)
	if _, err := f.cl.Hello(ctx, Hello{Domain: f.domain, Peer: p2}); !errors.Is(err, ErrPinned) {
		t.Fatalf("another peer: %v", err)
	}
	if _, err := f.cl.Hello(ctx, Hello{Domain: f.domain, Peer: f.peer, Extra: []byte("new tls key")}); err != nil {
		t.Fatal(err)
	}
	ev, err := f.cl.Evidence(ctx, []byte("nonce of the test"))
	if err != nil {
		t.Fatal(err)
	}
	pol := &attest.Policy{Version: attest.PolicyVersion, Kinds: []attest.Kind{attest.KindSimulated}, MaxAge: attest.Duration(time.Minute),
		Simulated: &attest.SimulatedPolicy{AnyMeasurement: true}}
	res, err := attest.Verify(ctx, ev, pol, attest.VerifyOptions{Nonce: []byte("nonce of the test"), PeerID: f.peer, AllowInsecureSimulated: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Signer != f.cl.Address() || string(res.Extra) != "new tls key" || res.PeerID != f.peer.String() || string(res.Config) != `{"version":1}` {
		t.Fatalf("evidence: signer %s extra %q peer %s config %s", res.Signer, res.Extra, res.PeerID, res.Config)
	}
}

// TestCoreSocket: the socket is 0600 in a 0700 directory, a second core on
// the same directory is refused, and a request from before the hello or in
// another protocol version is refused.
func TestCoreSocket(t *testing.T) {
	f := newFixture(t, MeterCore)
	sock := filepath.Join(f.dir, "sock", "core.sock")
	for path, want := range map[string]os.FileMode{sock: 0o600, filepath.Dir(sock): 0o700} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: mode %v (%v), want %04o", path, fi.Mode().Perm(), err, want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := Open(ctx, Config{Dir: f.dir, TEE: attest.KindSimulated}); err == nil {
		t.Fatal("a second core opened the same directory")
	}
	c := f.core
	if resp := (&Server{core: c, log: c.log}).handle(context.Background(), &corepb.Request{Version: 2, Call: &corepb.Request_Usage{Usage: &corepb.UsageRequest{}}}); resp.Error == nil || !strings.Contains(resp.Error.Message, "protocol version 2") {
		t.Fatalf("version 2: %v", resp)
	}
}

func mustSigner(t testing.TB) *payment.DevSigner {
	s, err := payment.GenerateDevSigner()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testPeer(t testing.TB) peer.ID {
	_, pk, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPublicKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func bigOne() *big.Int { return big.NewInt(1337) }

func itoa(n int) string { return fmt.Sprint(n) }
