package chain_test

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

func startDevnet(t *testing.T) *devnet.Devnet {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func wallet(t *testing.T, d *devnet.Devnet, label string) *chain.Wallet {
	t.Helper()
	w, err := d.Wallet(label)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func dial(t *testing.T, url string, conf chain.Config) *chain.Client {
	t.Helper()
	c, err := chain.Dial(context.Background(), url, conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestDialUnreachable(t *testing.T) {
	for _, url := range []string{"http://127.0.0.1:1", "ws://127.0.0.1:1"} {
		start := time.Now()
		_, err := chain.Dial(context.Background(), url, chain.Config{DialTimeout: 3 * time.Second, Retries: 1})
		if !errors.Is(err, chain.ErrUnavailable) {
			t.Fatalf("%s: err = %v, want ErrUnavailable", url, err)
		}
		if !strings.Contains(err.Error(), "connect to "+url) {
			t.Fatalf("%s: error does not name the endpoint: %v", url, err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%s: took %v", url, time.Since(start))
		}
	}
	// Credentials in the path or query are not repeated in errors.
	_, err := chain.Dial(context.Background(), "http://127.0.0.1:1/v3/SECRETKEY?apikey=SECRET", chain.Config{DialTimeout: time.Second, Retries: 1})
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("err = %v", err)
	}
}

func TestNonceManagerConcurrent(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.WS, chain.Config{})
	other := dial(t, info.RPC.HTTP, chain.Config{}) // a second client: its own nonce manager
	pub := wallet(t, d, devnet.LabelPublisher)
	tok := chain.NewToken(c, info.Contracts.Token)
	tok2 := chain.NewToken(other, info.Contracts.Token)
	to := common.HexToAddress("0x00000000000000000000000000000000000000aa")

	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each+each)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if _, err := tok.Transfer(ctx, pub, to, big.NewInt(1)); err != nil {
					errs <- err
				}
			}
		}()
	}
	// Meanwhile another process (client) uses the same account: the first
	// client must resync on "nonce too low".
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < each; j++ {
			if _, err := tok2.Transfer(ctx, pub, to, big.NewInt(1)); err != nil {
				errs <- err
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	bal, err := tok.BalanceOf(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(workers*each + each); bal.Int64() != want {
		t.Fatalf("balance %v, want %d", bal, want)
	}
}

func TestRevertNames(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	tok := chain.NewToken(c, info.Contracts.Token)

	var id [32]byte
	id[0] = 7
	_, err := pay.Deposit(ctx, pub, id, big.NewInt(1))
	if !chain.IsRevert(err, "UnknownChannel") || !errors.Is(err, chain.ErrReverted) {
		t.Fatalf("deposit to unknown channel: %v", err)
	}
	if want := "reverted: Payment: UnknownChannel(channelId=0x07"; !strings.Contains(err.Error(), want) {
		t.Fatalf("message %q lacks %q", err, want)
	}
	// An OpenZeppelin error of the token, with its arguments.
	_, err = tok.Transfer(ctx, wallet(t, d, devnet.LabelEnclave), pub.Address(), new(big.Int).Lsh(big.NewInt(1), 100))
	if !chain.IsRevert(err, "ERC20InsufficientBalance") || !strings.Contains(err.Error(), "Token: ERC20InsufficientBalance(sender=") {
		t.Fatalf("transfer beyond balance: %v", err)
	}
	// A view call reverting.
	_, err = pay.State(ctx, id)
	if !chain.IsRevert(err, "UnknownChannel") {
		t.Fatalf("state of unknown channel: %v", err)
	}
}

// openChannel creates a funded channel from publisher to provider.
func openChannel(t *testing.T, d *devnet.Devnet, c *chain.Client, enclave common.Address, dispute uint64, amount int64) [32]byte {
	t.Helper()
	ctx := context.Background()
	info := d.Info()
	pub := wallet(t, d, devnet.LabelPublisher)
	prov := wallet(t, d, devnet.LabelProvider)
	tok := chain.NewToken(c, info.Contracts.Token)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	if _, err := tok.Approve(ctx, pub, pay.Address(), big.NewInt(amount)); err != nil {
		t.Fatal(err)
	}
	var pod [32]byte
	rand.Read(pod[:])
	terms := payment.Terms{EnclaveSigner: enclave, MaxPerSecond: big.NewInt(1_000_000)}
	for i := range terms.Prices {
		terms.Prices[i] = big.NewInt(int64(i + 1))
	}
	id, _, err := pay.CreateChannel(ctx, pub, prov.Address(), pod, tok.Address(), terms, dispute, big.NewInt(amount))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPaymentLifecycle(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	prov := wallet(t, d, devnet.LabelProvider)
	encl := wallet(t, d, devnet.LabelEnclave)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	tok := chain.NewToken(c, info.Contracts.Token)
	dom := payment.Domain{ChainID: c.ChainID(), Contract: pay.Address()}

	id := openChannel(t, d, c, encl.Address(), 3600, 1_000_000)
	// Receipts may not be from the future: move chain time ahead of them.
	if err := d.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	st, err := pay.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Channel.Status != chain.StatusOpen || st.Channel.Balance.Int64() != 1_000_000 {
		t.Fatalf("channel %+v", st.Channel)
	}
	sign := func(seq uint64, u usage.Vector) (payment.Receipt, []byte) {
		r := payment.Receipt{ChannelID: id, Seq: seq, Time: st.Last.Time + seq, Usage: u}
		sig, err := payment.SignReceipt(encl, dom, r)
		if err != nil {
			t.Fatal(err)
		}
		return r, sig
	}
	// The contract agrees with the local digest.
	r1, sig1 := sign(1, usage.Vector{100})
	digest, err := pay.ReceiptDigest(ctx, r1)
	if err != nil || digest != dom.ReceiptDigest(r1) {
		t.Fatalf("digest %x, %v", digest, err)
	}
	paid, _, err := pay.ClaimReceipt(ctx, prov, r1, sig1)
	if err != nil || paid.Int64() != 100 {
		t.Fatalf("claim 1: paid %v, %v", paid, err)
	}
	// Replaying it is refused by name.
	if _, _, err := pay.ClaimReceipt(ctx, prov, r1, sig1); !chain.IsRevert(err, "SeqNotIncreasing") {
		t.Fatalf("replay: %v", err)
	}
	// A forged signature.
	r2, _ := sign(2, usage.Vector{200})
	forged, _ := payment.SignReceipt(pub, dom, r2)
	if _, _, err := pay.ClaimReceipt(ctx, prov, r2, forged); !chain.IsRevert(err, "InvalidSignature") {
		t.Fatalf("forged: %v", err)
	}
	// Unlock; a claim inside the dispute period still pays; withdraw waits for it.
	if _, err := pay.RequestUnlock(ctx, pub, id, big.NewInt(500_000)); err != nil {
		t.Fatal(err)
	}
	_, sig2 := sign(2, usage.Vector{200, 10})
	r2.Usage = usage.Vector{200, 10}
	if paid, _, err := pay.ClaimReceipt(ctx, prov, r2, sig2); err != nil || paid.Int64() != 100+20 {
		t.Fatalf("claim during dispute: %v %v", paid, err)
	}
	if _, err := pay.WithdrawUnlocked(ctx, pub, id); !chain.IsRevert(err, "DisputePeriodNotOver") {
		t.Fatalf("early withdraw: %v", err)
	}
	if err := d.AdjustTime(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	before, _ := tok.BalanceOf(ctx, pub.Address())
	if _, err := pay.WithdrawUnlocked(ctx, pub, id); err != nil {
		t.Fatal(err)
	}
	after, _ := tok.BalanceOf(ctx, pub.Address())
	if new(big.Int).Sub(after, before).Int64() != 500_000 {
		t.Fatalf("withdrew %v", new(big.Int).Sub(after, before))
	}
	// Batch: one good, one forged receipt; the forged one is skipped by name.
	r3, sig3 := sign(3, usage.Vector{300, 10})
	st, err = pay.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	good := st.Claim(r3, sig3)
	bad := st.Claim(r3, forged)
	res, _, err := pay.ClaimMany(ctx, prov, []chain.Claim{bad, good})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Skipped != chain.SkipInvalidSignature || res[1].Paid.Int64() != 100 {
		t.Fatalf("claimMany: %+v", res)
	}
	// Provider takes its earnings and releases the channel.
	earned, _, err := pay.WithdrawEarnings(ctx, prov, [][32]byte{id})
	if err != nil || earned.Int64() != 320 {
		t.Fatalf("earnings %v %v", earned, err)
	}
	if _, err := pay.ProviderRelease(ctx, prov, id); err != nil {
		t.Fatal(err)
	}
	ch, err := pay.Channel(ctx, id)
	if err != nil || ch.Status != chain.StatusClosed || ch.Balance.Sign() != 0 {
		t.Fatalf("after release: %+v %v", ch, err)
	}
	if _, err := pay.Close(ctx, pub, id); !chain.IsRevert(err, "ChannelAlreadyClosed") {
		t.Fatalf("close after release: %v", err)
	}
}

func TestConfirmations(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	var mu sync.Mutex
	var stages []chain.TxProgress
	c := dial(t, info.RPC.HTTP, chain.Config{Confirmations: 3, Progress: func(p chain.TxProgress) {
		mu.Lock()
		stages = append(stages, p)
		mu.Unlock()
	}})
	pub := wallet(t, d, devnet.LabelPublisher)
	to := common.HexToAddress("0x00000000000000000000000000000000000000bb")
	tx, err := c.SendTx(ctx, pub, chain.Tx{To: &to, Value: big.NewInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	// The dev chain mines only when there are transactions: make blocks
	// from another account until Wait is satisfied.
	done := make(chan struct{})
	go func() {
		prov, _ := d.Wallet(devnet.LabelProvider)
		pc := d.Client()
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
				pc.Send(ctx, prov, chain.Tx{To: &to, Value: big.NewInt(1)})
			}
		}
	}()
	rcpt, err := c.Wait(ctx, tx)
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := c.BlockNumber(ctx)
	if head < rcpt.BlockNumber.Uint64()+2 {
		t.Fatalf("returned at head %d for a tx in block %d with 3 confirmations", head, rcpt.BlockNumber)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(stages) < 3 || stages[0].Stage != chain.TxSent || stages[len(stages)-1].Stage != chain.TxConfirmed || stages[len(stages)-1].Confirmations < 3 {
		t.Fatalf("progress: %+v", stages)
	}
}

func TestWaitFast(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	c := dial(t, d.Info().RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	to := common.HexToAddress("0x00000000000000000000000000000000000000cc")
	start := time.Now()
	const n = 10
	for i := 0; i < n; i++ {
		rcpt, err := c.Send(ctx, pub, chain.Tx{To: &to, Value: big.NewInt(1)})
		if err != nil || rcpt.Status != types.ReceiptStatusSuccessful {
			t.Fatal(err)
		}
	}
	per := time.Since(start) / n
	t.Logf("send+wait: %v per transaction", per)
	if per > 500*time.Millisecond {
		t.Fatalf("send+wait took %v per transaction; polling too slow", per)
	}
}

func TestPricingChange(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	prov := wallet(t, d, devnet.LabelProvider)
	encl := wallet(t, d, devnet.LabelEnclave)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	dom := payment.Domain{ChainID: c.ChainID(), Contract: pay.Address()}
	id := openChannel(t, d, c, encl.Address(), 3600, 1_000_000)
	if err := d.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	st, err := pay.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	receipt := func(seq uint64, u usage.Vector) (payment.Receipt, []byte) {
		r := payment.Receipt{ChannelID: id, Seq: seq, Time: st.Last.Time + seq, Usage: u}
		sig, err := payment.SignReceipt(encl, dom, r)
		if err != nil {
			t.Fatal(err)
		}
		return r, sig
	}
	var newPrices [7]*big.Int
	for i := range newPrices {
		newPrices[i] = big.NewInt(10)
	}
	if _, err := pay.ProposePricing(ctx, prov, id, newPrices); err != nil {
		t.Fatal(err)
	}
	h := payment.PricesHash(newPrices)
	if _, err := pay.ApplyPricing(ctx, prov, st.Claim(receipt(1, usage.Vector{10})), payment.SignedReceipt{}, newPrices); !chain.IsRevert(err, "PricingNotAccepted") {
		t.Fatalf("apply before accept: %v", err)
	}
	if _, err := pay.AcceptPricing(ctx, pub, id, h); err != nil {
		t.Fatal(err)
	}
	lastOld, sigOld := receipt(1, usage.Vector{10})
	firstNew, sigNew := receipt(2, usage.Vector{20})
	if _, err := pay.ApplyPricing(ctx, prov, st.Claim(lastOld, sigOld), payment.SignedReceipt{Receipt: firstNew, Signature: sigNew}, newPrices); err != nil {
		t.Fatal(err)
	}
	// State follows the pricing change: new prices, firstNew as baseline.
	st2, err := pay.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Last.Seq != 2 || st2.Terms.Prices[0].Int64() != 10 {
		t.Fatalf("after pricing change: %+v", st2)
	}
	r3, sig3 := receipt(3, usage.Vector{25})
	paid, _, err := pay.ClaimReceipt(ctx, prov, r3, sig3)
	if err != nil || paid.Int64() != 50 {
		t.Fatalf("claim at new prices: %v %v", paid, err)
	}
}

func TestRegistry(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.WS, chain.Config{})
	prov := wallet(t, d, devnet.LabelProvider)
	reg := chain.NewRegistry(c, info.Contracts.Registry)
	var prices [7]*big.Int
	for i := range prices {
		prices[i] = big.NewInt(1)
	}
	pinfo := chain.ProviderInfo{PeerId: "12D3KooWtest", Addrs: []string{"/ip4/127.0.0.1/tcp/4001"}, TeeType: "simulated", Region: "local"}
	pricing := []chain.PricingTable{{Token: info.Contracts.Token, Prices: prices, MinDisputePeriod: 60}}
	if _, err := reg.Register(ctx, prov, pinfo, pricing); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Register(ctx, prov, pinfo, pricing); !chain.IsRevert(err, "AlreadyRegistered") {
		t.Fatalf("second register: %v", err)
	}
	pinfo.Region = "elsewhere"
	pinfo.Capacity = chain.Capacity{CpuMillicores: 4000, MemoryMiB: 8192, StorageMiB: 1 << 20, GpuMilli: 1000}
	pinfo.AttestationHash, pinfo.AttestationCid = [32]byte{1, 2, 3}, "bafyevidence"
	if _, err := reg.Update(ctx, prov, pinfo, pricing); err != nil {
		t.Fatal(err)
	}
	// The entry reads back as it was written, through chain's own types.
	if e, err := reg.Provider(ctx, prov.Address()); err != nil || !reflect.DeepEqual(e.Info, pinfo) || len(e.Pricing) != 1 ||
		e.Pricing[0].Token != pricing[0].Token || e.Pricing[0].MinDisputePeriod != 60 || e.Pricing[0].Prices[6].Cmp(prices[6]) != 0 {
		t.Fatalf("provider entry %+v, %v; wrote %+v", e, err, pinfo)
	}
	all, err := reg.ListAll(ctx)
	if err != nil || len(all) != 1 || all[0].Info.Region != "elsewhere" || all[0].Owner != prov.Address() {
		t.Fatalf("list: %+v %v", all, err)
	}
	if _, err := reg.Deactivate(ctx, prov); err != nil {
		t.Fatal(err)
	}
	if active, err := reg.IsActive(ctx, prov.Address()); err != nil || active {
		t.Fatalf("active after deactivate: %v %v", active, err)
	}
	if n, err := reg.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count %d %v", n, err)
	}
}

// A claimMany batch larger than one transaction may carry goes out as
// several, in order; each result names its transaction.
func TestClaimManySplits(t *testing.T) {
	if chain.MaxClaimsPerTx < 400 || 60_000+40_000*chain.MaxClaimsPerTx > chain.MaxTxGas {
		t.Fatalf("MaxClaimsPerTx %d does not fit EIP-7825's limit", chain.MaxClaimsPerTx)
	}
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	prov := wallet(t, d, devnet.LabelProvider)
	encl := wallet(t, d, devnet.LabelEnclave)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	chain.SetClaimsPerTx(pay, 2)
	var ids [][32]byte
	for range 5 {
		ids = append(ids, openChannel(t, d, c, encl.Address(), 3600, 1_000_000))
	}
	if err := d.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	dom := payment.Domain{ChainID: c.ChainID(), Contract: pay.Address()}
	var claims []chain.Claim
	for _, id := range ids {
		st, err := pay.State(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		r := payment.Receipt{ChannelID: id, Seq: 1, Time: st.Last.Time + 10, Usage: usage.Vector{10}}
		sig, _ := payment.SignReceipt(encl, dom, r)
		claims = append(claims, st.Claim(r, sig))
	}
	res, last, err := pay.ClaimMany(ctx, prov, claims)
	if err != nil {
		t.Fatal(err)
	}
	txs := map[common.Hash]int{}
	for i, r := range res {
		if r.ChannelID != ids[i] || r.Paid == nil || r.Paid.Int64() != 10 {
			t.Fatalf("result %d: %+v", i, r)
		}
		txs[r.TxHash]++
	}
	if len(res) != 5 || len(txs) != 3 || txs[last.TxHash] != 1 || res[4].TxHash != last.TxHash {
		t.Fatalf("%d results in %d transactions %v, last %s", len(res), len(txs), txs, last.TxHash)
	}
}
