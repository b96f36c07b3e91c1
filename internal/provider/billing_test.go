package provider

import (
	"context"
	"crypto/rand"
	"log/slog"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// chainFixture is a devnet with a funded channel from the publisher to the
// provider whose receipts an enclave stand-in signs.
type chainFixture struct {
	net       *devnet.Devnet
	pay       *chain.Payment
	token     *chain.Token
	publisher *chain.Wallet
	provider  *chain.Wallet
	enclave   *payment.DevSigner
	domain    payment.Domain
}

func newChainFixture(t *testing.T) *chainFixture {
	t.Helper()
	ctx := context.Background()
	net, err := devnet.Start(ctx, devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	info := net.Info()
	f := &chainFixture{net: net}
	f.pay = chain.NewPayment(net.Client(), info.Contracts.Payment)
	f.pay.FromBlock = info.Contracts.Block
	f.token = chain.NewToken(net.Client(), info.Contracts.Token)
	if f.publisher, err = net.Wallet(devnet.LabelPublisher); err != nil {
		t.Fatal(err)
	}
	if f.provider, err = net.Wallet(devnet.LabelProvider); err != nil {
		t.Fatal(err)
	}
	if f.enclave, err = payment.GenerateDevSigner(); err != nil {
		t.Fatal(err)
	}
	f.domain = payment.Domain{ChainID: new(big.Int).SetUint64(info.ChainID), Contract: info.Contracts.Payment}
	return f
}

func (f *chainFixture) openChannel(t *testing.T, prices [usage.Len]int64, maxPerSecond, amount int64) [32]byte {
	t.Helper()
	ctx := context.Background()
	var podID [32]byte
	rand.Read(podID[:])
	terms := payment.Terms{EnclaveSigner: f.enclave.Address(), MaxPerSecond: big.NewInt(maxPerSecond)}
	for i, p := range prices {
		terms.Prices[i] = big.NewInt(p)
	}
	if _, err := f.token.Approve(ctx, f.publisher, f.pay.Address(), big.NewInt(amount)); err != nil {
		t.Fatal(err)
	}
	id, _, err := f.pay.CreateChannel(ctx, f.publisher, f.provider.Address(), podID, f.token.Address(), terms, 3600, big.NewInt(amount))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestBillerClaimsMeteredUsage(t *testing.T) {
	ctx := context.Background()
	f := newChainFixture(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prices := [usage.Len]int64{2, 1, 0, 0, 3, 0, 1}
	ch1 := f.openChannel(t, prices, 1_000_000, 10_000_000)
	ch2 := f.openChannel(t, prices, 1_000_000, 500) // runs dry

	now := time.Now()
	clock := func() time.Time { return now }
	b := newBiller(st, devCore{f.enclave, f.domain}, f.domain, f.pay, f.provider, clock, slog.New(slog.DiscardHandler))

	u1 := usage.Vector{1000, 500, 0, 0, 20, 0, 7}
	res, err := b.bill(ctx, []billItem{{Channel: ch1, Usage: u1}, {Channel: ch2, Usage: u1}})
	if err != nil {
		t.Fatal(err)
	}
	want1 := int64(1000*2 + 500*1 + 20*3 + 7)
	if res[0].Err != nil || res[0].Paid == nil || res[0].Paid.Int64() != want1 {
		t.Fatalf("channel 1 result %+v, want paid %d", res[0], want1)
	}
	if res[1].Paid == nil || res[1].Paid.Int64() != 500 {
		t.Fatalf("channel 2 result %+v, want the whole balance of 500", res[1])
	}

	// Nothing new: no receipt, no claim.
	res, err = b.bill(ctx, []billItem{{Channel: ch1, Usage: u1}})
	if err != nil || res[0].Receipt != nil {
		t.Fatalf("unchanged usage billed again: %+v %v", res[0], err)
	}

	// A second cycle pays the difference only.
	now = now.Add(time.Second)
	u2 := u1
	u2[usage.CPUReserved] += 1000
	res, err = b.bill(ctx, []billItem{{Channel: ch1, Usage: u2}})
	if err != nil || res[0].Paid == nil || res[0].Paid.Int64() != 2000 {
		t.Fatalf("second cycle: %+v %v, want 2000", res[0], err)
	}
	if res[0].Receipt.Seq != 2 {
		t.Fatalf("second receipt seq %d, want 2", res[0].Receipt.Seq)
	}

	// The chain agrees: earnings equal what the biller reports.
	c, err := f.pay.Channel(ctx, ch1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Earned.Int64() != want1+2000 {
		t.Fatalf("earned on chain %s, want %d", c.Earned, want1+2000)
	}
	claimed, err := st.LastClaimed(ctx, ch1)
	if err != nil || claimed.Seq != 2 {
		t.Fatalf("last claimed %+v %v", claimed, err)
	}

	// A fresh biller (a restarted provider) resumes from the chain's
	// baseline and never reuses a sequence number.
	b2 := newBiller(st, devCore{f.enclave, f.domain}, f.domain, f.pay, f.provider, clock, slog.New(slog.DiscardHandler))
	now = now.Add(time.Second)
	u3 := u2
	u3[usage.MemoryReserved] += 100
	res, err = b2.bill(ctx, []billItem{{Channel: ch1, Usage: u3}})
	if err != nil || res[0].Paid == nil || res[0].Paid.Int64() != 100 || res[0].Receipt.Seq != 3 {
		t.Fatalf("after restart: %+v %v", res[0], err)
	}

	// Usage behind the chain's baseline is refused, not signed.
	res, _ = b2.bill(ctx, []billItem{{Channel: ch1, Usage: u1}})
	if res[0].Err == nil || res[0].Receipt != nil {
		t.Fatalf("decreasing usage was billed: %+v", res[0])
	}
}

func TestRunway(t *testing.T) {
	prices := [usage.Len]*big.Int{big.NewInt(2), big.NewInt(1), big.NewInt(0), nil}
	rate := reservedRate(prices, Reservation{CPUMilli: 500, MemoryMiB: 128, StorageMiB: 1024, GPUMilli: 1000})
	if rate.Int64() != 500*2+128 {
		t.Fatalf("rate %s", rate)
	}
	if got := runway(big.NewInt(1128*60), rate); got != time.Minute {
		t.Fatalf("runway %v, want 1m", got)
	}
	if got := runway(big.NewInt(5), new(big.Int)); got < 100*365*24*time.Hour {
		t.Fatalf("zero rate runway %v", got)
	}
}

func TestUsedRate(t *testing.T) {
	var prices [usage.Len]*big.Int
	prices[usage.CPUUsed] = big.NewInt(3)       // per core·ms
	prices[usage.NetworkEgress] = big.NewInt(7) // per KiB
	prices[usage.CPUReserved] = big.NewInt(1000)
	var prev, cur usage.Vector
	prev[usage.CPUUsed], cur[usage.CPUUsed] = 1000, 1000+2*500 // 500 core·ms a second over 2 s
	prev[usage.NetworkEgress], cur[usage.NetworkEgress] = 10, 10+2*4
	prev[usage.CPUReserved], cur[usage.CPUReserved] = 0, 1e9 // reserved counters are not used ones
	if got, want := usedRate(prices, prev, cur, 2*time.Second), int64(500*3+4*7); got.Int64() != want {
		t.Errorf("used rate %s, want %d", got, want)
	}
	if got := usedRate(prices, prev, cur, 1900*time.Millisecond); got.Int64() != (1000*3+8*7)*1000/1900 {
		t.Errorf("used rate over 1.9 s: %s", got)
	}
	if got := usedRate(prices, cur, prev, 2*time.Second); got.Sign() != 0 {
		t.Errorf("counters that went back: %s, want 0", got)
	}
	if got := usedRate(prices, prev, cur, 500*time.Millisecond); got.Sign() != 0 {
		t.Errorf("under a second apart: %s, want 0", got)
	}
}

// devCore signs whatever it is asked to with a dev key: a stand-in for the
// signing core in tests of the biller's own arithmetic (the core's checks
// are internal/core's tests).
type devCore struct {
	s *payment.DevSigner
	d payment.Domain
}

func (c devCore) SignReceipts(_ context.Context, rs []payment.Receipt) ([][]byte, []error, error) {
	sigs, errs := make([][]byte, len(rs)), make([]error, len(rs))
	for i, r := range rs {
		sigs[i], errs[i] = payment.SignReceipt(c.s, c.d, r)
	}
	return sigs, errs, nil
}
