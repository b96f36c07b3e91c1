package containerd

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
	"github.com/trustedpods/tpod/internal/usage"
)

// TestCoreMetersRealPod: the signing core meters a real pod from its own
// reading of the pod's cgroups and network namespace, found from the
// channel ID alone, under runc and gVisor: its CPU time matches what the
// process measured of itself (runc; under gVisor the sandbox's own
// accounting differs, and the shim's Task.Metrics is the reference), its
// egress the bytes the test fetched, and the CPU the pod used before the
// core's first round is counted.
func TestCoreMetersRealPod(t *testing.T) {
	for _, sb := range []string{SandboxRunc, SandboxGVisor} {
		t.Run(sb, func(t *testing.T) {
			cfg := testConfig(t, "core-"+sb)
			cfg.Sandbox = sb
			if sb == SandboxGVisor {
				requireRunsc(t)
				cfg.Network.Subnet = "172.30.215.0/24"
			}
			coreMetersRealPod(t, newTestRuntime(t, cfg))
		})
	}
}

func coreMetersRealPod(t *testing.T, r *Runtime) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var channel [32]byte
	rand.Read(channel[:])
	c, err := core.Open(ctx, core.Config{Dir: t.TempDir(), TEE: attest.KindSimulated,
		Metering: core.MeterConfig{Namespace: r.Namespace(), PodsDir: r.PodsDir()}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, pk, _ := crypto.GenerateEd25519Key(nil)
	pid, _ := peer.IDFromPublicKey(pk)
	if _, err := c.Hello(core.Hello{Domain: payment.Domain{ChainID: big.NewInt(1337), Contract: common.Address{1}}, Peer: pid}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenChannel(channel, common.Address{2}, payment.Baseline{}, false); err != nil {
		t.Fatal(err)
	}
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	spec := runtime.PodSpec{ID: core.RuntimeID(channel), Containers: []runtime.Container{{Name: "burn",
		Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"burn", "-threads", "2"},
		Resources: runtime.Resources{CPUMillis: 500, MemoryMiB: 64}}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Delete(context.Background(), spec.ID, time.Second) })
	base := startServing(t, ctx, r, spec.ID)
	selfCPU := func() uint64 {
		if r.cfg.Sandbox == SandboxGVisor {
			u, err := r.Usage(ctx, spec.ID) // Task.Metrics, through the shim
			if err != nil {
				t.Fatal(err)
			}
			return u.CPUNanos
		}
		body, err := waitHTTP(ctx, base+"/cpu")
		if err != nil {
			t.Fatal(err)
		}
		var n uint64
		fmt.Sscan(body, &n)
		return n
	}
	vector := func() usage.Vector {
		us, err := c.Usage([][32]byte{channel}, true)
		if err != nil || len(us) != 1 {
			t.Fatal(us, err)
		}
		return us[0].Usage
	}
	time.Sleep(500 * time.Millisecond)
	before := selfCPU()
	v0 := vector()
	// The first round counts what the pod used before it.
	if v0[usage.CPUUsed] < before/1e6*9/10 {
		t.Fatalf("first round: cpu-used %d core·ms, the pod had used %d ns", v0[usage.CPUUsed], before)
	}
	c0, w0 := selfCPU(), time.Now()
	for range 4 {
		time.Sleep(time.Second)
		vector()
	}
	c1, w1 := selfCPU(), time.Now()
	resp, err := http.Get(base + "/send?n=1048576")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	v1 := vector()
	d, err := v1.Sub(v0)
	if err != nil {
		t.Fatal(err)
	}
	inside := float64(c1-c0) / 1e6
	t.Logf("first round %v; over %.2f s: delta %v; CPU inside the pod %.0f core·ms", v0, w1.Sub(w0).Seconds(), d, inside)
	if r := float64(d[usage.CPUUsed]) / inside; r < 0.9 || r > 1.15 {
		t.Errorf("cpu-used %d core·ms vs %.0f measured inside: ratio %.3f", d[usage.CPUUsed], inside, r)
	}
	if d[usage.MemoryUsed] == 0 {
		t.Errorf("memory used did not grow: %v", d)
	}
	if d[usage.NetworkEgress] < 1024 || d[usage.NetworkEgress] > 1200 {
		t.Errorf("egress %d KiB after sending 1 MiB", d[usage.NetworkEgress])
	}
}
