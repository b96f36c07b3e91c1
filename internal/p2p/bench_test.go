package p2p

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
)

// roundTrips are the calls measured: a new stream each time on a connection
// already up (multistream negotiation, the request, the handler, the
// response). Signed requests include signing by the client and signature
// recovery by the server.
func roundTrips(tb testing.TB) (names []string, calls map[string]func() error) {
	e := newEnv(tb, Limits{})
	ctx := context.Background()
	srv := e.srvHost.ID()
	pod := e.prov.openChannel(e.publisher.Address(), pid(1), 1000)
	if _, err := e.client.Provision(ctx, srv, e.publisher, pod, "bafkqaaa"); err != nil {
		tb.Fatal(err)
	}
	nonce := make([]byte, 32)
	return []string{"attest", "quote", "status (signed)"}, map[string]func() error{
		"attest": func() error { _, err := e.client.Attest(ctx, srv, nonce); return err },
		"quote": func() error {
			_, err := e.client.Quote(ctx, srv, QuoteRequest{Resources: Resources{CPUMilli: 500, MemoryMiB: 512}})
			return err
		},
		"status (signed)": func() error { _, err := e.client.Status(ctx, srv, e.publisher, pod); return err },
	}
}

// BenchmarkRoundTrip measures one request and its response on loopback TCP.
func BenchmarkRoundTrip(b *testing.B) {
	names, calls := roundTrips(b)
	for _, name := range names {
		b.Run(strings.Fields(name)[0], func(b *testing.B) {
			for b.Loop() {
				if err := calls[name](); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestP2PBenchReport measures round-trip latency percentiles and, with
// TPOD_BENCH_WRITE=1, rewrites the "## p2p" section of docs/benchmarks.md
// (scripts/bench.sh).
func TestP2PBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	const n = 2000
	names, calls := roundTrips(t)
	var sb strings.Builder
	fmt.Fprintf(&sb, "`TPOD_BENCH=1 go test -run TestP2PBenchReport ./internal/p2p` on %s, load average %s at the start. "+
		"Two go-libp2p hosts on 127.0.0.1 TCP (Noise, yamux), already connected; every request opens a new stream. %d sequential requests each.\n\n",
		benchdoc.Machine(), benchdoc.LoadAvg(), n)
	sb.WriteString("| request | mean | p50 | p99 |\n|---|---|---|---|\n")
	for _, name := range names {
		for range 100 { // warm up
			if err := calls[name](); err != nil {
				t.Fatal(err)
			}
		}
		lat := make([]time.Duration, 0, n)
		var sum time.Duration
		for range n {
			start := time.Now()
			if err := calls[name](); err != nil {
				t.Fatal(err)
			}
			d := time.Since(start)
			lat = append(lat, d)
			sum += d
		}
		slices.Sort(lat)
		fmt.Fprintf(&sb, "| %s | %s | %s | %s |\n", name, ms(sum/n), ms(lat[n/2]), ms(lat[n*99/100]))
	}
	sb.WriteString("\nThe signed request adds an EIP-712 digest, a secp256k1 signature and its recovery. " +
		"p99 is sensitive to the machine's load (other builds share the 2 cores).\n")
	t.Log("\n" + sb.String())
	if os.Getenv("TPOD_BENCH_WRITE") == "" {
		return
	}
	if err := benchdoc.WriteSection("## p2p", sb.String()); err != nil {
		t.Fatal(err)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }
