package publisher

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/enclave"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/p2p"
)

// relayingProvider is a man in the middle: it answers /tpod/attest with a
// real enclave's answer to the same nonce, fetched from the real provider.
type relayingProvider struct {
	p2p.Service
	client *p2p.Client
	real   peer.ID
}

func (r *relayingProvider) Attest(ctx context.Context, nonce []byte) (*p2p.Evidence, error) {
	return r.client.Attest(ctx, r.real, nonce)
}

// TestAttestRefusesRelayedEvidence performs the relay attack: a peer that is
// not the enclave's passes the enclave's fresh evidence on. Evidence names
// the peer it was made for, and the publisher compares it with the peer its
// connection authenticated: the relay is refused.
func TestAttestRefusesRelayedEvidence(t *testing.T) {
	ctx := context.Background()
	enc, err := enclave.Open(ctx, enclave.Config{DataDir: filepath.Join(t.TempDir(), "enclave"), Kind: attest.KindSimulated})
	if err != nil {
		t.Fatal(err)
	}
	tlsID, err := gateway.NewTLSIdentity(gateway.TLSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	newHost := func() host.Host {
		h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
	dom := p2p.Domain{ChainID: 1337}
	serve := func(h host.Host, svc p2p.Service) {
		s, err := p2p.NewServer(h, p2p.Config{Service: svc, Channels: noChannels{}, Domain: dom})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
	}
	real, relay, pub := newHost(), newHost(), newHost()
	serve(real, &attestingProvider{enc: enc, tls: tlsID, peer: real.ID()})
	relay.Connect(ctx, peer.AddrInfo{ID: real.ID(), Addrs: real.Addrs()})
	serve(relay, &relayingProvider{client: p2p.NewClient(relay, p2p.WithDomain(dom)), real: real.ID()})
	for _, h := range []host.Host{real, relay} {
		if err := pub.Connect(ctx, peer.AddrInfo{ID: h.ID(), Addrs: h.Addrs()}); err != nil {
			t.Fatal(err)
		}
	}
	client := p2p.NewClient(pub, p2p.WithDomain(dom))
	// Only attest is exercised: no chain is needed.
	p := &Publisher{log: slog.New(slog.DiscardHandler)}
	if _, err := p.attest(ctx, client, real.ID(), "", true); err != nil {
		t.Fatalf("the enclave's own peer: %v", err)
	}
	_, err = p.attest(ctx, client, relay.ID(), "", true)
	if err == nil || !strings.Contains(err.Error(), "peer: the evidence names peer "+real.ID().String()+", but it came from peer "+relay.ID().String()) {
		t.Fatalf("relayed evidence: %v", err)
	}
}
