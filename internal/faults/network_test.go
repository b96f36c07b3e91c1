package faults

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/oci"
)

// runWatching runs a tpod command as this publisher and calls act (once)
// with the command when a line of its progress on stderr matches re.
func (pb *publisher) runWatching(ctx context.Context, re string, act func(c *commandHandle), args ...string) (result, bool) {
	cmd := pb.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		return result{args: args, err: err}, false
	}
	h := &commandHandle{cmd: cmd}
	matched := make(chan bool, 1)
	go func() {
		rx := regexp.MustCompile(re)
		sc := bufio.NewScanner(pr)
		hit := false
		for sc.Scan() {
			errb.WriteString(sc.Text() + "\n")
			if !hit && rx.MatchString(sc.Text()) {
				hit = true
				act(h)
			}
		}
		matched <- hit
	}()
	err := cmd.Wait()
	pw.Close()
	hit := <-matched
	return result{args: args, stdout: out.String(), stderr: errb.String(), err: err}, hit
}

type commandHandle struct{ cmd *exec.Cmd }

// kill ends the command with SIGKILL, as a publisher's machine losing power.
func (h *commandHandle) kill() { h.cmd.Process.Signal(syscall.SIGKILL) }

// tokenBalance is the publisher's balance of the test token.
func (pb *publisher) tokenBalance(t *testing.T) *big.Int {
	t.Helper()
	b, err := chain.NewToken(pb.n.dev.Client(), pb.n.info.Contracts.Token).BalanceOf(context.Background(), pb.address)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPublisherKilledDuringDeploy kills `tpod deploy` with SIGKILL at each
// step (as each starts, and once the channel transaction is done): `tpod
// deploy --resume` finishes the deployment, the publisher pays into exactly
// one channel, and the provider runs exactly one pod for it.
func TestPublisherKilledDuringDeploy(t *testing.T) {
	n := newNet(t, netConfig{name: "pubkill"})
	manifest := n.manifest(t, "hello", helloPod("hello", 1, ""))
	const funds = "1000000000000"
	var deps []*deployment
	steps := []string{
		`^→ starting an ephemeral IPFS node`,
		`^→ connecting to provider`,
		`^→ verifying the provider's attestation`,
		`^→ asking for a quote`,
		`^→ encrypting the bundle`,
		`^→ creating the payment channel`,
		`✓ creating the payment channel`,
		`^→ provider fetching the bundle`,
	}
	if !full {
		// Before anything is on-chain, before the channel, after it, and
		// with the provider at work.
		steps = []string{steps[0], steps[3], steps[6], steps[7]}
	}
	for _, step := range steps {
		name := strings.NewReplacer("^→ ", "at ", "✓ ", "after ", " ", "-", "'", "").Replace(step)
		t.Run(name, func(t *testing.T) {
			pb := n.newPublisher(t)
			before := pb.tokenBalance(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			r, hit := pb.runWatching(ctx, step, (*commandHandle).kill, pb.deployArgs(manifest, funds)...)
			if !hit {
				t.Fatalf("deploy never reached %q:\n%s", step, r)
			}
			rec := pb.failedRecord(t)
			d := pb.resume(t, rec.ID)
			n.waitServing(t, d, 30*time.Second)
			deps = append(deps, d)
			spent := new(big.Int).Sub(before, pb.tokenBalance(t))
			if spent.String() != funds {
				t.Errorf("the publisher's deposit was %s after a kill and a resume, want %s once", spent, funds)
			}
			n.checkRuntimePods(t, deps)
		})
	}
	n.finish(t, deps...)
}

// TestChainUnreachable cuts the provider's path to the chain's RPC for two
// minutes (20 s in the short suite) under load. Pods keep serving, a pod
// whose runway covers the outage is not stopped, orders are refused as
// unavailable (and a resume after the outage finishes them), and the
// claims the provider could not make meanwhile are made once the chain is
// back: every second is paid, once.
func TestChainUnreachable(t *testing.T) {
	outage := short(20*time.Second, 2*time.Minute)
	n := newNet(t, netConfig{name: "rpc"})
	deps := n.deployHello(t, 2)
	// A pod whose funds last the outage with a minute to spare: its
	// reservation costs 100 m × 1000 + 32 MiB × 100 + 16 MiB × 1 per second.
	const rate = 100*1000 + 32*100 + 16
	poor := n.newPublisher(t)
	runway := outage + 90*time.Second
	pd := poor.deploy(t, n.manifest(t, "hello", helloPod("hello", 1, "")), big.NewInt(int64(rate*runway.Seconds())).String())
	n.waitServing(t, pd, 30*time.Second)
	deps = append(deps, pd)
	tr := n.startTraffic(hostsOf(deps), 4, 50*time.Millisecond)
	n.waitClaims(t, 2, time.Minute)
	runs := n.runs(t, deps)

	claims0, _ := n.prov.metric("tpod_provider_claims_total")
	n.chain.Cut()
	cut := time.Now()
	// An order during the outage: the provider cannot check the channel.
	late := n.newPublisher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	r := late.run(ctx, late.deployArgs(n.manifest(t, "hello", helloPod("hello", 1, "")), "1000000000000")...)
	cancel()
	if r.err == nil || !strings.Contains(r.stderr, "tpod deploy --resume") {
		t.Errorf("a deploy while the provider cannot reach the chain: %s", r)
	}
	time.Sleep(time.Until(cut.Add(outage)))
	claims1, _ := n.prov.metric("tpod_provider_claims_total")
	if claims1 != claims0 {
		t.Errorf("%v claims succeeded while the chain was unreachable", claims1-claims0)
	}
	n.chain.Heal()
	t.Logf("chain unreachable for %v", time.Since(cut).Round(time.Millisecond))
	n.waitClaims(t, 3, 2*time.Minute)
	n.checkNotRestarted(t, deps, runs)
	ld := late.resume(t, late.failedRecord(t).ID)
	n.waitServing(t, ld, 30*time.Second)
	deps = append(deps, ld)
	stats := tr.Stop()
	t.Logf("traffic: %s", summary(stats))
	checkServed(t, stats, servingGap)
	if st := poor.status(t, pd.ID); st.State != "running" {
		t.Errorf("the pod whose runway covered the outage is %s: %s", st.State, st.Message)
	}
	n.finish(t, deps...)
}

// newestClaim is the block number and hash of the newest Claimed event.
func (n *network) newestClaim(t *testing.T) (uint64, common.Hash) {
	t.Helper()
	sig := crypto.Keccak256Hash([]byte("Claimed(bytes32,uint64,uint64,uint256)"))
	logs, err := n.dev.Client().FilterLogs(context.Background(), ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(n.info.Contracts.Block), Addresses: []common.Address{n.info.Contracts.Payment},
		Topics: [][]common.Hash{{sig}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var at uint64
	var hash common.Hash
	for _, l := range logs {
		if l.BlockNumber >= at {
			at, hash = l.BlockNumber, l.BlockHash
		}
	}
	return at, hash
}

// TestChainReorg reorganises the chain under the provider's claims, each
// time dropping the block of its newest claim, by fewer blocks than its
// confirmation depth. The claims are mined again, no receipt is lost or
// paid twice, and billing goes on.
func TestChainReorg(t *testing.T) {
	const confirmations, depth = 3, 2
	n := newNet(t, netConfig{name: "reorg", confirmations: confirmations})
	deps := n.deployHello(t, 2)
	tr := n.startTraffic(hostsOf(deps), 2, 100*time.Millisecond)
	runs := n.runs(t, deps)
	seen, _ := n.newestClaim(t)
	for i, done := 0, 0; done < short(2, 6); i++ {
		if i == 20 {
			t.Fatalf("only %d of the reorganisations dropped a claim", done)
		}
		// A claim is mined: reorganise before it has its confirmations.
		var at uint64
		var hash common.Hash
		waitFor(t, time.Minute, "a new claim on-chain", func() bool {
			at, hash = n.newestClaim(t)
			return at > seen
		})
		seen = at
		dropped, err := n.dev.Reorg(depth)
		if err != nil {
			t.Logf("reorg: %v", err)
			continue
		}
		hit := false
		for _, h := range dropped {
			hit = hit || h == hash
		}
		if hit {
			done++
			t.Logf("a reorganisation of depth %d dropped the claim of block %d", depth, at)
		}
	}
	n.waitClaims(t, 3, 2*time.Minute)
	n.checkNotRestarted(t, deps, runs)
	stats := tr.Stop()
	t.Logf("traffic: %s", summary(stats))
	checkServed(t, stats, servingGap)
	n.finish(t, deps...)
}

// bigImage is the hello image with a 24 MiB layer of random bytes: a
// bundle that takes a while to fetch.
func bigImage(t *testing.T, dir string) string {
	t.Helper()
	img, err := oci.Load(images.hello, "")
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 24<<20)
	rand.Read(data)
	layer, err := oci.NewImage([]oci.File{{Path: "/data/blob", Data: data}}, oci.ImageConfig{})
	if err != nil {
		t.Fatal(err)
	}
	extra, err := layer.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if img, err = mutate.AppendLayers(img, extra...); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "big.tar")
	if err := oci.WriteDockerArchive(p, img, "big:latest"); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIPFSUnreachableDuringDeploy cuts every path between publisher and
// provider (the provider announces only an address behind a proxy) while
// the provider fetches a bundle. The deploy fails, saying how to resume;
// the provider keeps nothing of it; `tpod deploy --resume` finishes it once
// the network is back.
func TestIPFSUnreachableDuringDeploy(t *testing.T) {
	n := newNet(t, netConfig{name: "ipfs", p2pProxy: true})
	deps := n.deployHello(t, 1)
	big := bigImage(t, n.dir)
	manifest := n.manifest(t, "big", strings.Replace(helloPod("big", 1, ""), "image: hello:latest", "image: big:latest", 1))
	pb := n.newPublisher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append(pb.deployArgs(manifest, "1000000000000"), "--image", "big:latest="+big)
	r, hit := pb.runWatching(ctx, `^→ provider fetching the bundle`, func(*commandHandle) {
		// Cut once the fetch is under way.
		base := n.p2p.bytes.Load()
		deadline := time.Now().Add(30 * time.Second)
		for n.p2p.bytes.Load()-base < 2<<20 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		n.p2p.Cut()
		t.Logf("cut the network %d bytes into the fetch", n.p2p.bytes.Load()-base)
	}, args...)
	if !hit || r.err == nil {
		t.Fatalf("deploy with the network cut during the fetch: %s", r)
	}
	if !strings.Contains(r.stderr, "tpod deploy --resume") {
		t.Errorf("the failed deploy does not say how to resume:\n%s", r.stderr)
	}
	// The provider abandons the order once the publisher's connection is
	// gone (or, for a source that goes silent, after 30 s without data).
	waitFor(t, 40*time.Second, "the provider to abandon the fetch", func() bool {
		ents, _ := os.ReadDir(filepath.Join(n.prov.dataDir, "work"))
		return len(ents) == 0
	})
	n.checkRuntimePods(t, deps)
	n.p2p.Heal()
	rec := pb.failedRecord(t)
	d := pb.resume(t, rec.ID)
	n.waitServing(t, d, 30*time.Second)
	deps = append(deps, d)
	n.checkRuntimePods(t, deps)
	n.finish(t, deps...)
}
