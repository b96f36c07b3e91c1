package chain_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// TestChainBenchReport measures the chain client against the in-process
// devnet and, with TPOD_BENCH_WRITE=1, rewrites the "## Chain client"
// section of docs/benchmarks.md (scripts/bench.sh).
func TestChainBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	ctx := context.Background()
	start := time.Now()
	d, err := devnet.Start(ctx, devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	startup := time.Since(start)
	info := d.Info()
	pub := wallet(t, d, devnet.LabelPublisher)
	to := common.HexToAddress("0x00000000000000000000000000000000000000ee")

	var sb strings.Builder
	fmt.Fprintf(&sb, "`TPOD_BENCH=1 go test -run TestChainBenchReport ./internal/chain` on %s. "+
		"In-process devnet (go-ethereum dev node, a block per transaction) on 127.0.0.1; "+
		"`devnet.Start` (node, deployment of 3 contracts, funding 3 accounts) took %s.\n\n",
		benchdoc.Machine(), startup.Round(time.Millisecond))
	sb.WriteString("| operation | n | mean | p50 | p99 |\n|---|---|---|---|---|\n")
	for _, tr := range []struct{ name, url string }{{"HTTP", info.RPC.HTTP}, {"WebSocket", info.RPC.WS}} {
		c := dial(t, tr.url, chain.Config{})
		tok := chain.NewToken(c, info.Contracts.Token)
		const n = 100
		lat := make([]time.Duration, 0, n)
		var sum time.Duration
		for range n {
			s := time.Now()
			if _, err := tok.Transfer(ctx, pub, to, big.NewInt(1)); err != nil {
				t.Fatal(err)
			}
			el := time.Since(s)
			lat = append(lat, el)
			sum += el
		}
		slices.Sort(lat)
		fmt.Fprintf(&sb, "| ERC-20 transfer: estimate, sign, send, wait for the receipt (%s) | %d | %s | %s | %s |\n",
			tr.name, n, benchMS(sum/n), benchMS(lat[n/2]), benchMS(lat[n*99/100]))
	}

	// Concurrent senders on one account: the nonce manager serialises them.
	c := dial(t, info.RPC.WS, chain.Config{})
	tok := chain.NewToken(c, info.Contracts.Token)
	const workers, each = 8, 25
	s := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := tok.Transfer(ctx, pub, to, big.NewInt(1)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(s)
	fmt.Fprintf(&sb, "\n%d goroutines × %d transfers from one account over WebSocket: %d transactions in %s, %.0f tx/s, no nonce errors.\n",
		workers, each, workers*each, el.Round(time.Millisecond), float64(workers*each)/el.Seconds())

	// Rebuilding a channel's state from its events.
	encl := wallet(t, d, devnet.LabelEnclave)
	prov := wallet(t, d, devnet.LabelProvider)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	id := openChannel(t, d, c, encl.Address(), 3600, 1_000_000_000)
	if err := d.AdjustTime(time.Hour); err != nil {
		t.Fatal(err)
	}
	st, err := pay.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	dom := payment.Domain{ChainID: c.ChainID(), Contract: pay.Address()}
	const claims = 50
	for i := uint64(1); i <= claims; i++ {
		r := payment.Receipt{ChannelID: id, Seq: i, Time: st.Last.Time + i, Usage: usage.Vector{i * 10}}
		sig, _ := payment.SignReceipt(encl, dom, r)
		if _, _, err := pay.ClaimReceipt(ctx, prov, r, sig); err != nil {
			t.Fatal(err)
		}
	}
	s = time.Now()
	const rounds = 20
	for range rounds {
		if _, err := pay.State(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Fprintf(&sb, "`Payment.State` of a channel with %d claims (events + calldata of the last claim): %s.\n",
		claims, benchMS(time.Since(s)/rounds))
	t.Log("\n" + sb.String())
	if os.Getenv("TPOD_BENCH_WRITE") == "" {
		return
	}
	if err := benchdoc.WriteSection("## Chain client", sb.String()); err != nil {
		t.Fatal(err)
	}
}

func benchMS(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
