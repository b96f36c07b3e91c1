package publisher

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/enclave"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/p2p"
)

// attestingProvider answers /tpod/attest the way the provider does
// (internal/provider Attest: the enclave's evidence with the gateway's TLS
// binding as extra data), from a real (simulated-kind) enclave. It answers
// nothing else: the other p2p.Service methods are not used by this test and
// panic if called.
type attestingProvider struct {
	p2p.Service
	enc  *enclave.Enclave
	tls  *gateway.TLSIdentity
	peer peer.ID
}

func (a *attestingProvider) Attest(ctx context.Context, nonce []byte) (*p2p.Evidence, error) {
	ev, err := a.enc.Evidence(ctx, nonce, enclave.WithExtra(a.tls.Binding().ExtraData()), enclave.WithPeer(a.peer))
	if err != nil {
		return nil, err
	}
	data, err := ev.Marshal()
	if err != nil {
		return nil, err
	}
	return &p2p.Evidence{Kind: string(ev.Kind), Data: data, Signer: ev.Signer, EncryptionKey: ev.X25519}, nil
}

type noChannels struct{}

func (noChannels) ChannelPublisher(context.Context, [32]byte, [32]byte) (common.Address, error) {
	return common.Address{}, p2p.ErrNotFound
}

func TestVerifyTLSFresh(t *testing.T) {
	ctx := context.Background()
	d, err := devnet.Start(ctx, devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	info := d.Info()
	enc, err := enclave.Open(ctx, enclave.Config{DataDir: filepath.Join(t.TempDir(), "enclave"), Kind: attest.KindSimulated})
	if err != nil {
		t.Fatal(err)
	}
	id, srv := tlsGateway(t, "pods.test")
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	dom := p2p.Domain{ChainID: info.ChainID, PaymentContract: info.Contracts.Payment}
	ps, err := p2p.NewServer(h, p2p.Config{Service: &attestingProvider{enc: enc, tls: id, peer: h.ID()}, Channels: noChannels{}, Domain: dom})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ps.Close() })

	state := &State{Dir: t.TempDir()}
	p, err := New(Config{Chain: d.Client(), Payment: chain.NewPayment(d.Client(), info.Contracts.Payment), State: state})
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String())
	}
	stale, err := gateway.NewTLSIdentity(gateway.TLSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &Record{ID: "00aa11bb22cc33dd", Name: "hello", Step: StepProvisioned,
		ChainID: info.ChainID, Payment: info.Contracts.Payment,
		Provider:      ProviderRef{PeerID: h.ID().String(), Addrs: addrs, TEE: "simulated"},
		EnclaveSigner: enc.Address(), TEE: "simulated", Insecure: true,
		// The key of the provider's previous boot: a recorded check fails.
		TLSBinding: stale.Binding().String(),
		Endpoints:  []Endpoint{{Name: "hello.pods.test", Protocol: "https", Address: srv.URL}},
	}
	if err := state.Save(rec); err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyTLS(ctx, rec.ID, TLSCheckOptions{}); !errors.Is(err, gateway.ErrBinding) {
		t.Fatalf("stale recorded binding: %v", err)
	}
	got, err := p.VerifyTLS(ctx, rec.ID, TLSCheckOptions{Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Fresh || got.Binding != id.Binding().String() || got.Evidence != "simulated" {
		t.Fatalf("fresh check %+v", got)
	}
	saved, err := state.Load(rec.ID)
	if err != nil || saved.TLSBinding != id.Binding().String() {
		t.Fatalf("fresh binding not recorded: %+v %v", saved, err)
	}
	// Now the recorded binding is the current one.
	if _, err := p.VerifyTLS(ctx, rec.ID, TLSCheckOptions{}); err != nil {
		t.Fatal(err)
	}

	// Simulated evidence needs the insecure option, as for deploy.
	rec.Insecure = false
	if err := state.Save(rec); err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyTLS(ctx, rec.ID, TLSCheckOptions{Fresh: true}); !errors.Is(err, attest.ErrAttestation) || !strings.Contains(err.Error(), "--insecure-allow-simulated") {
		t.Fatalf("simulated without the insecure option: %v", err)
	}
	if _, err := p.VerifyTLS(ctx, rec.ID, TLSCheckOptions{Fresh: true, InsecureSimulated: true}); err != nil {
		t.Fatalf("with the insecure option: %v", err)
	}

	// Another enclave than the channel pinned: refused.
	rec.Insecure, rec.EnclaveSigner = true, common.HexToAddress("0x01")
	if err := state.Save(rec); err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyTLS(ctx, rec.ID, TLSCheckOptions{Fresh: true}); err == nil || !strings.Contains(err.Error(), "not the pod's enclave") {
		t.Fatalf("other enclave: %v", err)
	}
}
