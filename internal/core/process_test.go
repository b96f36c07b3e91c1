package core

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/libp2p/go-msgio/pbio"
	"google.golang.org/protobuf/proto"

	corepb "github.com/trustedpods/tpod/api/proto/core"
	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/payment"
)

// TestMain lets the test binary run as a spawned core (Spawn's child).
func TestMain(m *testing.M) {
	if os.Getenv("TPOD_CORE_TEST_CHILD") == "1" {
		Harden()
		if err := ServeStdin(context.Background(), os.Stdin, nil); err != nil {
			os.Stderr.WriteString("core child: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func childCmd(t *testing.T) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "TPOD_CORE_TEST_CHILD=1")
	cmd.Stderr = os.Stderr
	return cmd
}

// TestSpawnedCore runs the core as a process of its own, as a daemon does:
// the daemon's side is the same client; the child holds the keys and exits
// when its daemon closes the pipe (or dies).
func TestSpawnedCore(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Dir: dir, TEE: attest.KindSimulated, Metering: MeterConfig{Source: MeterCore, Namespace: "ns", CgroupRoot: t.TempDir(), ProcRoot: t.TempDir()}}
	ctx := context.Background()
	p, err := Spawn(ctx, childCmd(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if p.Pid() == os.Getpid() {
		t.Fatal("the core runs in the daemon's process")
	}
	f := &fixture{t: t, pub: mustSigner(t)}
	id, err := p.Client.Hello(ctx, Hello{Domain: payment.Domain{ChainID: bigOne(), Contract: testPayment}, Peer: testPeer(t)})
	if err != nil {
		t.Fatal(err)
	}
	if id.Kind != attest.KindSimulated || id.Metering != MeterCore {
		t.Fatalf("identity %+v", id)
	}
	ch := f.channel(1)
	if _, err := p.Client.OpenChannel(ctx, ch, f.pub.Address(), payment.Baseline{}, false); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(p.Pid(), 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("the core outlived its pipe: %v", err)
	}
	// Its socket is gone and its lock free: a new core starts on the same
	// directory and knows the channel.
	p2, err := Spawn(ctx, childCmd(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Stop()
	if _, err := p2.Client.Hello(ctx, Hello{Domain: payment.Domain{ChainID: bigOne(), Contract: testPayment}, Peer: testPeer(t)}); err != nil {
		t.Fatal(err)
	}
	if us, err := p2.Client.Usage(ctx, false, ch); err != nil || len(us) != 1 {
		t.Fatalf("the second core does not know the channel: %v %v", us, err)
	}
	// A core that cannot start is reported, not waited for.
	bad := cfg
	bad.Dir, bad.Metering.Source = t.TempDir(), "guesswork"
	if _, err := Spawn(ctx, childCmd(t), bad); err == nil {
		t.Fatal("a core with a bad configuration came up")
	}
}

// FuzzCoreRequest feeds the server's decoder and dispatcher arbitrary
// bytes from the socket: every request is answered or refused, none
// crashes the core.
func FuzzCoreRequest(f *testing.F) {
	var seeds []*corepb.Request
	id := make([]byte, 32)
	seeds = append(seeds,
		&corepb.Request{Version: 1, Call: &corepb.Request_Hello{Hello: &corepb.HelloRequest{ChainId: 1337, Payment: testPayment.Bytes(), PeerId: "12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf"}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Evidence{Evidence: &corepb.EvidenceRequest{Nonce: []byte("0123456789")}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Open{Open: &corepb.OpenRequest{ChannelId: id, Publisher: make([]byte, 20), Baseline: &corepb.Baseline{Usage: make([]uint64, 7)}}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Unwrap{Unwrap: &corepb.UnwrapRequest{ChannelId: id, Header: []byte("TPODBNDL\x00\x02")}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Commit{Commit: &corepb.CommitRequest{ChannelId: id, IssuedAt: 5}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Sign{Sign: &corepb.SignRequest{Receipts: []*corepb.Receipt{{ChannelId: id, Seq: 1, Time: 1, Usage: make([]uint64, 7)}}}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Usage{Usage: &corepb.UsageRequest{ChannelIds: [][]byte{id}, SampleNow: true}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Report{Report: &corepb.ReportRequest{Samples: []*corepb.Sample{{ChannelId: id, Running: true, Replicas: 9}}}}},
		&corepb.Request{Version: 1, Call: &corepb.Request_Close{Close: &corepb.CloseRequest{ChannelId: id}}},
	)
	for _, s := range seeds {
		var buf bytes.Buffer
		pbio.NewDelimitedWriter(&buf).WriteMsg(s)
		f.Add(buf.Bytes())
	}
	fx := newFuzzCore(f)
	srv := &Server{core: fx, log: fx.log}
	f.Fuzz(func(t *testing.T, b []byte) {
		var req corepb.Request
		if err := pbio.NewDelimitedReader(bytes.NewReader(b), MaxRequestSize).ReadMsg(&req); err != nil {
			return
		}
		resp := srv.handle(context.Background(), &req)
		if _, err := proto.Marshal(resp); err != nil {
			t.Fatalf("response does not encode: %v", err)
		}
	})
}

// newFuzzCore is a core said hello to, with one open channel, on trees of
// its own.
func newFuzzCore(f *testing.F) *Core {
	c, err := Open(context.Background(), Config{Dir: f.TempDir(), TEE: attest.KindSimulated,
		Metering: MeterConfig{Source: MeterCore, CgroupRoot: f.TempDir(), ProcRoot: f.TempDir()}, Now: func() time.Time { return t0 }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { c.Close() })
	if _, err := c.Hello(Hello{Domain: payment.Domain{ChainID: bigOne(), Contract: testPayment}, Peer: testPeer(f)}); err != nil {
		f.Fatal(err)
	}
	if _, err := c.OpenChannel([32]byte{}, testProvider, payment.Baseline{}, false); err != nil {
		f.Fatal(err)
	}
	return c
}
