package publisher

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
)

// A provider that cannot be reached is one event saying so, not an error:
// the chain's and the record's events are still shown.
func TestProviderEventsUnreachable(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	p := &Publisher{cfg: Config{Wallet: chain.NewWallet(key), Now: func() time.Time { return now }, ConnectTimeout: 5 * time.Second}}
	rec := &Record{ID: "d1", Step: StepProvisioned}
	rec.Provider.PeerID = "12D3KooWRLJTJ7BkAUxK7wz64qipZLjRtjJvaUL3Y2ei4CDNv5hS"
	rec.Provider.Addrs = []string{"/ip4/127.0.0.1/tcp/1"} // nothing listens there
	evs := p.providerEvents(context.Background(), rec, p2p.Pod{})
	if len(evs) != 1 || evs[0].Kind != "provider-unreachable" || evs[0].Source != "provider" || !evs[0].Time.Equal(now) ||
		!strings.Contains(evs[0].Message, "did not answer") || !strings.Contains(evs[0].Message, "the chain's and the record's are shown") {
		t.Fatalf("events of an unreachable provider: %+v", evs)
	}
	// Not provisioned: the provider is not asked.
	rec.Step = StepChannel
	if evs := p.providerEvents(context.Background(), rec, p2p.Pod{}); len(evs) != 0 {
		t.Fatalf("events of a record not provisioned: %+v", evs)
	}
}

// The provider's events read as sentences and keep their values.
func TestProviderEventWording(t *testing.T) {
	e := providerEvent(p2p.PodEvent{Time: time.Unix(5, 0), Kind: "restarted", Container: "web", ExitCode: 137, Reason: "OOMKilled", Message: "restart 2 of this run"})
	if e.Message != "restarted web (exit code 137) [OOMKilled]: restart 2 of this run" || e.Fields["container"] != "web" || e.Fields["exitCode"] != int32(137) || e.Source != "provider" {
		t.Fatalf("%+v", e)
	}
	if e := providerEvent(p2p.PodEvent{Kind: "woken"}); e.Message != "woken" || e.Fields != nil {
		t.Fatalf("%+v", e)
	}
}
