package provider

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
	"github.com/trustedpods/tpod/internal/store"
)

// buildTpod compiles the tpod binary for tests that run it as a process.
func buildTpod(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tpod")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/trustedpods/tpod/cmd/tpod")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestDaemonSurvivesKill runs `tpod provider run` as a process, kills it with
// SIGKILL mid-run and starts it again: the pod keeps running, metering and
// claims continue, and nothing is claimed twice.
func TestDaemonSurvivesKill(t *testing.T) {
	cc := containerdConfig(t, "daemon")
	bin := buildTpod(t)
	f := newChainFixture(t)
	ctx := context.Background()
	info := f.net.Info()
	dir := t.TempDir()

	keyFile := filepath.Join(dir, "provider.key")
	if err := chain.WriteKeyFile(keyFile, f.provider); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "provider.yaml")
	dataDir := filepath.Join(dir, "data")
	yaml := fmt.Sprintf(`dataDir: %s
region: test
tee: simulated
chain:
  rpc: %s
  payment: %s
  registry: %s
  fromBlock: %d
  keyFile: %s
ipfs:
  listen: [/ip4/127.0.0.1/tcp/0]
runtime:
  containerd:
    address: %s
    namespace: tpod-test-daemon
    subnet: 172.30.223.0/24
    bridge: tptdaemon
pricing:
- token: "%s"
  prices: {cpu: "1", memory: "1", cpu-used: "2", egress: "1"}
  minDisputePeriod: 8s
capacity: {cpuMilli: 4000, memoryMiB: 4096, storageMiB: 10240}
minRunway: 4s
billingCycle: 2s
stopGrace: 2s
`, dataDir, info.RPC.HTTP, info.Contracts.Payment, info.Contracts.Registry, info.Contracts.Block, keyFile,
		cc.Address, info.Contracts.Token)
	if err := os.WriteFile(cfgFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	rt, err := containerd.New(ctx, containerd.Config{Address: cc.Address, Namespace: "tpod-test-daemon", DataDir: filepath.Join(dataDir, "pods"),
		StateDir: filepath.Join("/run/tpod", "data", "pods"), Network: containerd.NetworkConfig{Subnet: "172.30.223.0/24", Bridge: "tptdaemon", Name: "tptdaemon"},
		GPUDevices: []string{}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		infos, _ := rt.List(context.Background())
		for _, in := range infos {
			rt.Delete(context.Background(), in.Spec.ID, 0)
		}
		rt.Close()
		containerd.RemoveNetwork(containerd.NetworkConfig{Subnet: "172.30.223.0/24", Bridge: "tptdaemon", Name: "tptdaemon"})
	})

	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "provider", "run", "--config", cfgFile, "--log-level", "warn")
		cmd.Stdout, cmd.Stderr = containerdtest.Writer(t), containerdtest.Writer(t)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	proc := start()

	// The provider registers itself; the publisher finds its address there.
	reg := chain.NewRegistry(f.net.Client(), info.Contracts.Registry)
	var addrs []ma.Multiaddr
	var pid peer.ID
	waitFor(t, 60*time.Second, "the provider to register", func() bool {
		e, err := reg.Provider(ctx, f.provider.Address())
		if err != nil || !e.Active {
			return false
		}
		if pid, err = peer.Decode(e.Info.PeerId); err != nil {
			return false
		}
		addrs = nil
		for _, a := range e.Info.Addrs {
			if m, err := ma.NewMultiaddr(a); err == nil {
				addrs = append(addrs, m)
			}
		}
		return len(addrs) > 0
	})

	pub, err := ipfs.NewNode(ctx, ipfs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	pub.Host().Peerstore().AddAddrs(pid, addrs, time.Hour)
	if err := pub.Host().Connect(ctx, peer.AddrInfo{ID: pid, Addrs: addrs}); err != nil {
		t.Fatal(err)
	}
	client := p2p.NewClient(pub.Host(), p2p.WithDomain(p2p.Domain{ChainID: info.ChainID, PaymentContract: info.Contracts.Payment}))
	ev, err := client.Attest(ctx, pid, []byte("nonce-of-the-kill-test-32-bytes!"))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{chainFixture: f, pubNode: pub, client: client, cycle: 2 * time.Second}
	w.prices = pricesOf(1, 1, 0, 0, 2, 0, 1)
	pod := w.channelTo(t, ev.Signer, 50_000_000, 8)
	cid := w.publishAs(t, f.publisher, pod, ev.EncryptionKey, helloManifest)
	st, err := client.Provision(ctx, pid, f.publisher, pod, cid)
	if err != nil {
		t.Fatal(err)
	}
	url := st.Endpoints[0].Address
	get(t, url)

	// Claims flow. The test reads the provider's store only after the kill.
	earned := func() *big.Int {
		ch, err := f.pay.Channel(ctx, pod.ChannelID)
		if err != nil {
			t.Fatal(err)
		}
		return ch.Earned
	}
	waitFor(t, 20*time.Second, "claims before the kill", func() bool { return earned().Sign() > 0 })

	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	before := earned()
	get(t, url) // the pod outlives its provider

	start()
	waitFor(t, 40*time.Second, "claims after the restart", func() bool { return earned().Cmp(before) > 0 })
	get(t, url)

	// Stop the provider: every accepted receipt is paid exactly once, i.e.
	// the earnings equal the chain's baseline usage × prices. (The store may
	// lag the chain by the claim the SIGKILL interrupted; the chain is the
	// truth, and a restarted provider reads its baseline from there.)
	exec.Command("pkill", "-KILL", "-f", cfgFile).Run()
	time.Sleep(500 * time.Millisecond)
	state, err := f.pay.State(ctx, pod.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := earned(), expectedEarnings(w.prices, state.Last.Usage); got.Cmp(want) != 0 {
		t.Fatalf("earned %s, want %s for the accepted usage %v", got, want, state.Last.Usage)
	}
	if state.Last.Seq < 2 {
		t.Fatalf("only %d receipt accepted across the restart", state.Last.Seq)
	}
	// The provider's own record agrees with the chain up to that last claim.
	st2, err := store.Open(ctx, filepath.Join(dataDir, "provider.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if last, err := st2.LastReceipt(ctx, pod.ChannelID); err != nil || last.Seq < state.Last.Seq {
		t.Fatalf("the store's last receipt %+v (%v) is behind the chain's %d", last, err, state.Last.Seq)
	}
	t.Logf("after kill and restart: receipt %d accepted, usage %v, earned %s", state.Last.Seq, state.Last.Usage, earned())
	if !strings.HasPrefix(url, "http://172.30.223.") {
		t.Fatalf("pod endpoint %s is not on the test subnet", url)
	}
}
