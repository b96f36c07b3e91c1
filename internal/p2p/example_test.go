package p2p_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/p2p"
)

// The provider registers the protocols on its one host (the embedded IPFS
// node's) with its Service, its channel lookup and its SQLite nonce store.
func ExampleNewServer() {
	var (
		h        host.Host      // the process's libp2p host
		svc      p2p.Service    // the provider daemon
		channels p2p.Channels   // the daemon's records + the Payment contract
		nonces   p2p.NonceStore // e.g. *store.Store (UseNonce)
	)
	if h == nil {
		return // a sketch: the values above come from the daemon's wiring
	}
	srv, err := p2p.NewServer(h, p2p.Config{
		Service:  svc,
		Channels: channels,
		Nonces:   nonces,
		Domain:   p2p.Domain{ChainID: 1337, PaymentContract: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")},
		Logger:   slog.Default(),
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
}

// The publisher checks the provider, then provisions and manages its pod with
// requests signed by the key that created the channel.
func ExampleClient() {
	var (
		h        host.Host // the publisher's host, connected to the provider
		provider peer.ID   // from the Registry
		pod      p2p.Pod   // channel id and pod id of the channel created on-chain
	)
	if h == nil {
		return // a sketch
	}
	ctx := context.Background()
	key, _ := crypto.GenerateKey() // in practice the publisher's wallet key
	c := p2p.NewClient(h, p2p.WithDomain(p2p.Domain{ChainID: 1337, PaymentContract: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")}))

	nonce := make([]byte, 32) // fresh random bytes in practice
	ev, err := c.Attest(ctx, provider, nonce)
	if err != nil {
		panic(err)
	}
	_ = ev // verify with internal/attest before trusting the provider

	q, err := c.Quote(ctx, provider, p2p.QuoteRequest{Resources: p2p.Resources{CPUMilli: 500, MemoryMiB: 512}})
	if err != nil {
		panic(err)
	}
	fmt.Println(q.Fits)

	signer := p2p.NewKeySigner(key)
	st, err := c.Provision(ctx, provider, signer, pod, "bafy...")
	if err != nil {
		panic(err)
	}
	fmt.Println(st.State, st.Endpoints)
	_ = c.Logs(ctx, provider, signer, pod, p2p.LogOptions{TailLines: 100}, func(l p2p.LogEntry) error {
		fmt.Printf("%s: %s\n", l.Container, l.Line)
		return nil
	})
}
