package gateway_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/trustedpods/tpod/internal/gateway"
)

// runtimeBackend shows the shape of the provider's Backend: start and stop
// the pod's containers through the runtime, keeping its network namespace.
type runtimeBackend struct{}

func (runtimeBackend) Start(ctx context.Context, podID string) (string, error) {
	return "10.88.0.7", nil // the pod's IP after the runtime started it
}

func (runtimeBackend) Stop(ctx context.Context, podID string) error { return nil }

// The provider creates the gateway with its TLS identity, commits the
// identity's binding in its attestation evidence, and routes each pod.
func Example() {
	id, err := gateway.NewTLSIdentity(gateway.TLSOptions{Domain: "pods.example.net"})
	if err != nil {
		log.Fatal(err)
	}
	extra := id.Binding().ExtraData() // → the evidence's extra data
	g, err := gateway.New(gateway.Config{
		Backend:   runtimeBackend{},
		Domain:    "pods.example.net",
		HTTPSAddr: "127.0.0.1:0",
		TLS:       id,
		OnEvent:   func(e gateway.Event) { /* meter: reserved counters follow e.Kind */ },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	err = g.AddRoute(gateway.Route{
		PodID:     "3f9a1c0de2b84a7f",
		Hostnames: []string{"shop.example.com"},
		Host:      "10.88.0.7",
		HTTPPort:  8080,
		Scale:     gateway.Scale{Min: 0, IdleTimeout: 5 * time.Minute},
		Stopped:   true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Hostnames("3f9a1c0de2b84a7f"))

	// A client, having verified the evidence, pins the attested key.
	b, err := gateway.ParseBinding(extra)
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: b.ClientTLSConfig("shop.example.com", nil)}}
	_ = client
	// Output: [3f9a1c0de2b8.pods.example.net shop.example.com]
}
