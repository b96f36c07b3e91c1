package contracts_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// Status values of Payment.Status.
const (
	statusNone uint8 = iota
	statusOpen
	statusClosing
	statusClosed
)

func TestReceiptDigestMatchesContract(t *testing.T) {
	e := newEnv(t, 0)
	for _, r := range []payment.Receipt{
		{},
		{ChannelID: randomPodID(), Seq: 1, Time: 1_700_000_000, Usage: usage.Vector{1, 2, 3, 4, 5, 6, 7}},
		{ChannelID: randomPodID(), Seq: ^uint64(0), Time: ^uint64(0), Usage: usage.Vector{^uint64(0), 0, ^uint64(0), 0, 1, 0, 1 << 40}},
	} {
		got, err := bind.Call(e.payment, nil, paymentABI.PackReceiptDigest(chain.ReceiptBinding(r)), paymentABI.UnpackReceiptDigest)
		if err != nil {
			t.Fatal(err)
		}
		if want := e.domain.ReceiptDigest(r); got != want {
			t.Fatalf("receipt digest: contract %x, Go %x", got, want)
		}
	}
	max128 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	for _, tb := range []struct {
		terms payment.Terms
		last  payment.Baseline
	}{
		{payment.Terms{EnclaveSigner: newAccount(t).addr, MaxPerSecond: big.NewInt(99), Prices: prices(1, 0, 3, 0, 5, 0, 1<<62)},
			payment.Baseline{Seq: 4, Time: 5, Usage: usage.Vector{6, 7, 8, 9, 10, 11, 12}}},
		{payment.Terms{EnclaveSigner: common.MaxAddress, MaxPerSecond: max128, Prices: [usage.Len]*big.Int{max128, max128, max128, max128, max128, max128, max128}},
			payment.Baseline{Seq: ^uint64(0), Time: ^uint64(0), Usage: usage.Vector{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}}},
	} {
		got, err := bind.Call(e.payment, nil, paymentABI.PackHashState(chain.TermsBinding(tb.terms), chain.BaselineBinding(tb.last)), paymentABI.UnpackHashState)
		if err != nil {
			t.Fatal(err)
		}
		if want := payment.StateHash(tb.terms, tb.last); got != want {
			t.Fatalf("state hash: contract %x, Go %x", got, want)
		}
	}
	terms := payment.Terms{Prices: prices(1, 0, 3, 0, 5, 0, 1<<62)}
	ph, err := bind.Call(e.payment, nil, paymentABI.PackPricesHash(chain.TermsBinding(terms).Prices), paymentABI.UnpackPricesHash)
	if err != nil {
		t.Fatal(err)
	}
	if want := payment.PricesHash(terms.Prices); ph != want {
		t.Fatalf("prices hash: contract %x, Go %x", ph, want)
	}
	pub, prov, pod := newAccount(t).addr, newAccount(t).addr, randomPodID()
	id, err := bind.Call(e.payment, nil, paymentABI.PackChannelIdOf(pub, prov, pod), paymentABI.UnpackChannelIdOf)
	if err != nil {
		t.Fatal(err)
	}
	if want := payment.ChannelID(pub, prov, pod); id != want {
		t.Fatalf("channel id: contract %x, Go %x", id, want)
	}
}

// fixture is a chain with one funded publisher, a provider, a stranger and a token.
type fixture struct {
	*env
	pub, prov, other account
	tk               token
	enc              *payment.DevSigner
}

func newFixture(t *testing.T) *fixture {
	e := newEnv(t, 3)
	f := &fixture{env: e, pub: e.accts[0], prov: e.accts[1], other: e.accts[2], tk: e.newTestToken(18)}
	f.enc, _ = payment.GenerateDevSigner()
	e.fund(f.tk, f.pub, ether(1000))
	return f
}

func (f *fixture) open(amount *big.Int) *channelState {
	ch := f.openChannel(f.pub, f.prov, f.tk, f.defaultTerms(f.enc), 3600, amount)
	ch.enclave = f.enc
	return ch
}

func (f *fixture) claim(from account, ch *channelState, r payment.Receipt, sig []byte) (*types.Receipt, error) {
	return f.send(from, f.payment, f.claimData(ch, r, sig))
}

// mustClaim claims r, checks the amount paid against payment.Settle and
// advances the channel's baseline.
func (f *fixture) mustClaim(ch *channelState, r payment.Receipt) *big.Int {
	f.t.Helper()
	before := f.channel(ch.id)
	want, err := payment.Settle(ch.terms, ch.last, r, before.Balance)
	if err != nil {
		f.t.Fatal(err)
	}
	rc, err := f.claim(f.other, ch, r, f.sign(ch.enclave, r))
	if err != nil {
		f.t.Fatalf("claim: %s %v", revertName(err), err)
	}
	var paid *big.Int
	for _, l := range rc.Logs {
		if ev, err := paymentABI.UnpackClaimedEvent(l); err == nil {
			paid = ev.Paid
			if ev.Seq != r.Seq || ev.Time != r.Time || ev.ChannelId != ch.id {
				f.t.Fatalf("Claimed event %+v for receipt %+v", ev, r)
			}
		}
	}
	if paid == nil || paid.Cmp(want.Paid) != 0 {
		f.t.Fatalf("paid %v, Settle predicts %v", paid, want.Paid)
	}
	after := f.channel(ch.id)
	if new(big.Int).Sub(before.Balance, after.Balance).Cmp(paid) != 0 || new(big.Int).Sub(after.Earned, before.Earned).Cmp(paid) != 0 {
		f.t.Fatalf("balance %v→%v earned %v→%v, paid %v", before.Balance, after.Balance, before.Earned, after.Earned, paid)
	}
	ch.last = r.Baseline()
	if after.StateHash != payment.StateHash(ch.terms, ch.last) {
		f.t.Fatal("state hash after claim differs from payment.StateHash")
	}
	return paid
}

// unchanged asserts that a failed operation moved no funds.
func (f *fixture) unchanged(ch *channelState, before contracts.PaymentChannel, paymentBal *big.Int) {
	f.t.Helper()
	after := f.channel(ch.id)
	if after.Balance.Cmp(before.Balance) != 0 || after.Earned.Cmp(before.Earned) != 0 || after.StateHash != before.StateHash {
		f.t.Fatalf("channel changed: %+v → %+v", before, after)
	}
	if b := f.balanceOf(ch.tok, f.domain.Contract); b.Cmp(paymentBal) != 0 {
		f.t.Fatalf("Payment's token balance changed %v → %v", paymentBal, b)
	}
}

func TestChannelLifecycle(t *testing.T) {
	f := newFixture(t)
	pubStart := f.balanceOf(f.tk, f.pub.addr)
	ch := f.open(ether(1))
	c := f.channel(ch.id)
	if c.Publisher != f.pub.addr || c.Provider != f.prov.addr || c.Token != f.tk.addr || c.Status != statusOpen ||
		c.Balance.Cmp(ether(1)) != 0 || c.DisputePeriod != 3600 || c.StateHash != payment.StateHash(ch.terms, ch.last) {
		t.Fatalf("new channel %+v", c)
	}

	rc := f.mustSend(f.pub, f.payment, paymentABI.PackDeposit(ch.id, ether(2)))
	if ev, err := paymentABI.UnpackDepositedEvent(rc.Logs[len(rc.Logs)-1]); err != nil || ev.Amount.Cmp(ether(2)) != 0 || ev.From != f.pub.addr {
		t.Fatalf("Deposited event %+v %v", ev, err)
	}

	// Usage-priced claim.
	f.advance(10 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{100, 200, 300, 0, 10, 20, 30}))
	// A claim capped by maxPerSecond × Δt.
	f.advance(2 * time.Second)
	paid := f.mustClaim(ch, ch.next(f.now(), usage.Vector{1_000_000, 0, 0, 0, 0, 0, 0}))
	if paid.Cmp(big.NewInt(2*1_000_000)) > 0 {
		t.Fatalf("cap not applied: paid %v", paid)
	}

	// Unlock: the provider may still claim during the dispute period.
	rc = f.mustSend(f.pub, f.payment, paymentABI.PackRequestUnlock(ch.id, ether(1)))
	ev, err := paymentABI.UnpackUnlockRequestedEvent(rc.Logs[0])
	if err != nil || ev.Amount.Cmp(ether(1)) != 0 || ev.UnlockAt != f.now()+3600 {
		t.Fatalf("UnlockRequested %+v %v", ev, err)
	}
	f.advance(10 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{5, 5, 5, 5, 5, 5, 5}))
	f.expectRevert("DisputePeriodNotOver", f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.advance(3600 * time.Second)
	before := f.channel(ch.id)
	f.mustSend(f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	after := f.channel(ch.id)
	if new(big.Int).Sub(before.Balance, after.Balance).Cmp(ether(1)) != 0 || after.UnlockAmount.Sign() != 0 {
		t.Fatalf("withdrawUnlocked: %v → %v", before.Balance, after.Balance)
	}
	f.expectRevert("NoPendingUnlock", f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))

	// The provider withdraws its earnings.
	earned := after.Earned
	f.mustSend(f.prov, f.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	if got := f.balanceOf(f.tk, f.prov.addr); got.Cmp(earned) != 0 {
		t.Fatalf("provider got %v, earned %v", got, earned)
	}
	f.expectRevert("NothingToWithdraw", f.prov, f.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))

	// Close: unlocks everything; after the dispute period the rest goes back.
	rc = f.mustSend(f.pub, f.payment, paymentABI.PackClose(ch.id))
	if _, err := paymentABI.UnpackChannelClosingEvent(rc.Logs[0]); err != nil {
		t.Fatal(err)
	}
	f.expectRevert("ChannelIsClosing", f.pub, f.payment, paymentABI.PackDeposit(ch.id, ether(1)))
	f.expectRevert("ChannelIsClosing", f.pub, f.payment, paymentABI.PackRequestUnlock(ch.id, ether(1)))
	f.expectRevert("ChannelIsClosing", f.pub, f.payment, paymentABI.PackClose(ch.id))
	f.advance(5 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{5, 5, 5, 5, 5, 5, 5}))
	f.expectRevert("DisputePeriodNotOver", f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.advance(3600 * time.Second)
	f.mustSend(f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	c = f.channel(ch.id)
	if c.Status != statusClosed || c.Balance.Sign() != 0 {
		t.Fatalf("after close %+v", c)
	}
	f.expectRevert("ChannelAlreadyClosed", f.other, f.payment, f.claimData(ch, ch.next(f.now(), usage.Vector{}), f.sign(f.enc, ch.next(f.now(), usage.Vector{}))))
	f.expectRevert("ChannelAlreadyClosed", f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.expectRevert("ChannelAlreadyClosed", f.pub, f.payment, paymentABI.PackDeposit(ch.id, ether(1)))
	f.expectRevert("ChannelAlreadyClosed", f.prov, f.payment, paymentABI.PackProviderRelease(ch.id))

	// Everything the publisher put in came back except what the provider earned.
	c = f.channel(ch.id)
	earnedTotal := new(big.Int).Add(earned, c.Earned)
	f.mustSend(f.prov, f.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	pubEnd := f.balanceOf(f.tk, f.pub.addr)
	if new(big.Int).Sub(pubStart, pubEnd).Cmp(earnedTotal) != 0 {
		t.Fatalf("publisher spent %v, provider earned %v", new(big.Int).Sub(pubStart, pubEnd), earnedTotal)
	}
	if b := f.balanceOf(f.tk, f.domain.Contract); b.Sign() != 0 {
		t.Fatalf("Payment still holds %v", b)
	}
}

func TestClaimCappedByBalance(t *testing.T) {
	f := newFixture(t)
	ch := f.open(big.NewInt(50))
	f.advance(100 * time.Second)
	paid := f.mustClaim(ch, ch.next(f.now(), usage.Vector{1000, 0, 0, 0, 0, 0, 0}))
	if paid.Int64() != 50 {
		t.Fatalf("paid %v, want the whole balance 50", paid)
	}
	// With nothing left a valid claim still advances the baseline and pays 0.
	f.advance(time.Second)
	if paid := f.mustClaim(ch, ch.next(f.now(), usage.Vector{1, 0, 0, 0, 0, 0, 0})); paid.Sign() != 0 {
		t.Fatalf("paid %v from an empty channel", paid)
	}
}

func TestCreateChannelRejects(t *testing.T) {
	f := newFixture(t)
	terms := f.defaultTerms(f.enc)
	create := func(prov, tok common.Address, tm payment.Terms, amount *big.Int, pod [32]byte) []byte {
		return paymentABI.PackCreateChannel(prov, pod, tok, chain.TermsBinding(tm), 60, amount)
	}
	pod := randomPodID()
	noSigner := terms
	noSigner.EnclaveSigner = common.Address{}
	noCap := terms
	noCap.MaxPerSecond = big.NewInt(0)
	f.expectRevert("ZeroAddress", f.pub, f.payment, create(common.Address{}, f.tk.addr, terms, ether(1), pod))
	f.expectRevert("ZeroAddress", f.pub, f.payment, create(f.prov.addr, common.Address{}, terms, ether(1), pod))
	f.expectRevert("ZeroAddress", f.pub, f.payment, create(f.prov.addr, f.tk.addr, noSigner, ether(1), pod))
	f.expectRevert("ZeroAmount", f.pub, f.payment, create(f.prov.addr, f.tk.addr, terms, big.NewInt(0), pod))
	f.expectRevert("InvalidTerms", f.pub, f.payment, create(f.prov.addr, f.tk.addr, noCap, ether(1), pod))
	f.expectRevert("InvalidTerms", f.pub, f.payment, paymentABI.PackCreateChannel(f.prov.addr, pod, f.tk.addr, chain.TermsBinding(terms), 366*86400+1, ether(1)))
	f.expectRevert("NotAContract", f.pub, f.payment, create(f.prov.addr, f.other.addr, terms, ether(1), pod))
	// Without an allowance the token refuses.
	f.expectRevert("ERC20InsufficientAllowance", f.other, f.payment, create(f.prov.addr, f.tk.addr, terms, ether(1), pod))
	f.mustSend(f.pub, f.payment, create(f.prov.addr, f.tk.addr, terms, ether(1), pod))
	f.expectRevert("ChannelExists", f.pub, f.payment, create(f.prov.addr, f.tk.addr, terms, ether(1), pod))
	// Same pod ID from another publisher is another channel.
	f.fund(f.tk, f.other, ether(1))
	f.mustSend(f.other, f.payment, create(f.prov.addr, f.tk.addr, terms, ether(1), pod))
}

func TestBadReceipts(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(1))
	other := f.open(ether(1))
	f.advance(10 * time.Second)
	r1 := ch.next(f.now(), usage.Vector{10, 10, 10, 10, 10, 10, 10})
	f.advance(10 * time.Second)
	r2 := ch.next(f.now(), usage.Vector{20, 20, 20, 20, 20, 20, 20})
	r2.Seq = 2
	f.mustClaim(ch, r2)
	stale := *ch // a client that missed the last claim
	stale.last = payment.InitialBaseline(ch.last.Time - 20)
	forger, _ := payment.GenerateDevSigner()
	otherChain := payment.Domain{ChainID: new(big.Int).Add(f.chainID, big.NewInt(1)), Contract: f.domain.Contract}
	otherContract := payment.Domain{ChainID: f.chainID, Contract: common.Address{1}}
	f.advance(10 * time.Second)
	now := f.now()
	next := ch.next(now, usage.Vector{1, 1, 1, 1, 1, 1, 1})
	sign := func(d payment.Domain, s payment.Signer, r payment.Receipt) []byte {
		sig, err := payment.SignReceipt(s, d, r)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	highS := sign(f.domain, f.enc, next)
	{ // flip to the high-s twin: s' = n − s, v' = v ^ 1
		n, _ := new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
		s := new(big.Int).Sub(n, new(big.Int).SetBytes(highS[32:64]))
		copy(highS[32:64], common.LeftPadBytes(s.Bytes(), 32))
		highS[64] ^= 1
	}
	mod := func(fn func(*payment.Receipt)) payment.Receipt { r := next; fn(&r); return r }
	decreased := mod(func(r *payment.Receipt) { r.Usage[3] = ch.last.Usage[3] - 1 })
	foreign := mod(func(r *payment.Receipt) { r.ChannelID = other.id })
	future := mod(func(r *payment.Receipt) { r.Time = now + 1000 })
	sameTime := mod(func(r *payment.Receipt) { r.Time = ch.last.Time })
	unknown := mod(func(r *payment.Receipt) { r.ChannelID = randomPodID() })
	cases := []struct {
		name string
		ch   *channelState
		r    payment.Receipt
		sig  []byte
		err  string
	}{
		{"forged", ch, next, sign(f.domain, forger, next), "InvalidSignature"},
		{"replayed", ch, r2, sign(f.domain, f.enc, r2), "SeqNotIncreasing"},
		{"reordered", ch, r1, sign(f.domain, f.enc, r1), "SeqNotIncreasing"},
		{"time not increasing", ch, sameTime, sign(f.domain, f.enc, sameTime), "TimeNotIncreasing"},
		{"from the future", ch, future, sign(f.domain, f.enc, future), "ReceiptFromFuture"},
		{"usage decreased", ch, decreased, sign(f.domain, f.enc, decreased), "UsageDecreased"},
		{"other channel's receipt", other, foreign, sign(f.domain, f.enc, next), "InvalidSignature"},
		{"signed for another chain", ch, next, sign(otherChain, f.enc, next), "InvalidSignature"},
		{"signed for another contract", ch, next, sign(otherContract, f.enc, next), "InvalidSignature"},
		{"high-s signature", ch, next, highS, "InvalidSignature"},
		{"truncated signature", ch, next, sign(f.domain, f.enc, next)[:64], "InvalidSignature"},
		{"stale baseline", &stale, next, sign(f.domain, f.enc, next), "StateMismatch"},
		{"unknown channel", ch, unknown, sign(f.domain, f.enc, unknown), "UnknownChannel"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			defer func() { f.t = f.env.t }()
			before, beforeOther, bal := f.channel(ch.id), f.channel(other.id), f.balanceOf(f.tk, f.domain.Contract)
			f.expectRevert(tc.err, f.other, f.payment, f.claimData(tc.ch, tc.r, tc.sig))
			f.unchanged(ch, before, bal)
			f.unchanged(other, beforeOther, bal)
		})
	}
	// Wrong terms (e.g. higher prices) do not match the commitment.
	greedy := *ch
	greedy.terms.Prices = prices(100, 100, 100, 100, 100, 100, 100)
	f.expectRevert("StateMismatch", f.prov, f.payment, f.claimData(&greedy, next, sign(f.domain, f.enc, next)))
	// The good receipt still goes through afterwards.
	f.mustClaim(ch, next)
}

func TestClaimManySkipsInvalid(t *testing.T) {
	f := newFixture(t)
	a, b, c := f.open(ether(1)), f.open(ether(1)), f.open(ether(1))
	f.advance(10 * time.Second)
	forger, _ := payment.GenerateDevSigner()
	ra := a.next(f.now(), usage.Vector{1, 2, 3, 4, 5, 6, 7})
	ra2 := ra
	ra2.Seq, ra2.Time = ra.Seq+1, ra.Time // second receipt of a, same time: invalid after ra
	rb := b.next(f.now(), usage.Vector{1, 2, 3, 4, 5, 6, 7})
	rc := c.next(f.now(), usage.Vector{1, 2, 3, 4, 5, 6, 7})
	batch := []contracts.PaymentClaim{
		claimOf(a.terms, a.last, ra, f.sign(f.enc, ra)),
		claimOf(b.terms, b.last, rb, f.sign(forger, rb)),         // forged
		claimOf(c.terms, c.last, rc, f.sign(f.enc, rc)),          // valid
		claimOf(a.terms, a.last, ra, f.sign(f.enc, ra)),          // replay of the first, stale baseline
		claimOf(a.terms, ra.Baseline(), ra2, f.sign(f.enc, ra2)), // consecutive receipt of a, time not increasing
		claimOf(a.terms, ra.Baseline(), ra, f.sign(f.enc, ra)),   // replay with the right baseline
	}
	before := f.channel(b.id)
	rcpt := f.mustSend(f.other, f.payment, paymentABI.PackClaimMany(batch))
	var skipped []string
	claimed := 0
	for _, l := range rcpt.Logs {
		if ev, err := paymentABI.UnpackClaimSkippedEvent(l); err == nil {
			skipped = append(skipped, selectorName(ev.Reason))
		}
		if _, err := paymentABI.UnpackClaimedEvent(l); err == nil {
			claimed++
		}
	}
	want := []string{"InvalidSignature", "StateMismatch", "TimeNotIncreasing", "SeqNotIncreasing"}
	if claimed != 2 || len(skipped) != len(want) {
		t.Fatalf("claimed %d, skipped %v", claimed, skipped)
	}
	for i := range want {
		if skipped[i] != want[i] {
			t.Fatalf("skipped %v, want %v", skipped, want)
		}
	}
	if after := f.channel(b.id); after.Earned.Cmp(before.Earned) != 0 || after.StateHash != before.StateHash {
		t.Fatal("skipped receipt moved funds")
	}
	for _, x := range []struct {
		ch *channelState
		r  payment.Receipt
	}{{a, ra}, {c, rc}} {
		if got := f.channel(x.ch.id); got.StateHash != payment.StateHash(x.ch.terms, x.r.Baseline()) || got.Earned.Sign() == 0 {
			t.Fatalf("valid receipt in batch not settled: %+v", got)
		}
	}
	f.expectRevert("EmptyBatch", f.other, f.payment, paymentABI.PackClaimMany(nil))
}

func TestWrongPartyAndUnknownChannel(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(1))
	id := ch.id
	unknown := randomPodID()
	p := prices(1, 1, 1, 1, 1, 1, 1)
	ph := payment.PricesHash(p)
	bp := chain.TermsBinding(ch.terms).Prices
	bp = [7]*big.Int(p)
	publisherOnly := map[string]func([32]byte) []byte{
		"deposit":          func(id [32]byte) []byte { return paymentABI.PackDeposit(id, big.NewInt(1)) },
		"requestUnlock":    func(id [32]byte) []byte { return paymentABI.PackRequestUnlock(id, big.NewInt(1)) },
		"withdrawUnlocked": func(id [32]byte) []byte { return paymentABI.PackWithdrawUnlocked(id) },
		"close":            func(id [32]byte) []byte { return paymentABI.PackClose(id) },
		"acceptPricing":    func(id [32]byte) []byte { return paymentABI.PackAcceptPricing(id, ph) },
	}
	providerOnly := map[string]func([32]byte) []byte{
		"providerRelease":  func(id [32]byte) []byte { return paymentABI.PackProviderRelease(id) },
		"proposePricing":   func(id [32]byte) []byte { return paymentABI.PackProposePricing(id, bp) },
		"withdrawEarnings": func(id [32]byte) []byte { return paymentABI.PackWithdrawEarnings([][32]byte{id}) },
		"applyPricing": func(id [32]byte) []byte {
			r := payment.Receipt{ChannelID: id}
			cl := claimOf(ch.terms, ch.last, r, nil)
			return paymentABI.PackApplyPricing(cl, chain.ReceiptBinding(r), nil, bp)
		},
	}
	bal := f.balanceOf(f.tk, f.domain.Contract)
	for name, data := range publisherOnly {
		for _, who := range []account{f.prov, f.other} {
			t.Run(name, func(t *testing.T) {
				f.t = t
				before := f.channel(id)
				f.expectRevert("NotPublisher", who, f.payment, data(id))
				f.expectRevert("UnknownChannel", f.pub, f.payment, data(unknown))
				f.unchanged(ch, before, bal)
			})
		}
	}
	for name, data := range providerOnly {
		for _, who := range []account{f.pub, f.other} {
			t.Run(name, func(t *testing.T) {
				f.t = t
				before := f.channel(id)
				f.expectRevert("NotProvider", who, f.payment, data(id))
				f.expectRevert("UnknownChannel", f.prov, f.payment, data(unknown))
				f.unchanged(ch, before, bal)
			})
		}
	}
	f.t = t
}

func TestZeroAmounts(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(1))
	bal := f.balanceOf(f.tk, f.domain.Contract)
	before := f.channel(ch.id)
	f.expectRevert("ZeroAmount", f.pub, f.payment, paymentABI.PackDeposit(ch.id, big.NewInt(0)))
	f.expectRevert("ZeroAmount", f.pub, f.payment, paymentABI.PackRequestUnlock(ch.id, big.NewInt(0)))
	f.expectRevert("NoPendingUnlock", f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.expectRevert("NothingToWithdraw", f.prov, f.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	f.expectRevert("NothingToWithdraw", f.prov, f.payment, paymentABI.PackWithdrawEarnings(nil))
	f.unchanged(ch, before, bal)
}

func TestProviderRelease(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(3))
	f.advance(10 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{1000, 1000, 0, 0, 0, 0, 0}))
	f.mustSend(f.pub, f.payment, paymentABI.PackRequestUnlock(ch.id, ether(1)))
	pubBefore := f.balanceOf(f.tk, f.pub.addr)
	c := f.channel(ch.id)
	rc := f.mustSend(f.prov, f.payment, paymentABI.PackProviderRelease(ch.id))
	var released, closed bool
	for _, l := range rc.Logs {
		if ev, err := paymentABI.UnpackChannelReleasedEvent(l); err == nil {
			released = ev.Refunded.Cmp(c.Balance) == 0
		}
		if _, err := paymentABI.UnpackChannelClosedEvent(l); err == nil {
			closed = true
		}
	}
	if !released || !closed {
		t.Fatal("missing ChannelReleased/ChannelClosed events")
	}
	if got := new(big.Int).Sub(f.balanceOf(f.tk, f.pub.addr), pubBefore); got.Cmp(c.Balance) != 0 {
		t.Fatalf("publisher got %v back, balance was %v", got, c.Balance)
	}
	after := f.channel(ch.id)
	if after.Status != statusClosed || after.Balance.Sign() != 0 || after.Earned.Cmp(c.Earned) != 0 || after.UnlockAmount.Sign() != 0 {
		t.Fatalf("after release %+v", after)
	}
	f.advance(time.Second)
	r := ch.next(f.now(), usage.Vector{1, 0, 0, 0, 0, 0, 0})
	f.expectRevert("ChannelAlreadyClosed", f.prov, f.payment, f.claimData(ch, r, f.sign(f.enc, r)))
	f.expectRevert("ChannelAlreadyClosed", f.pub, f.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.expectRevert("ChannelAlreadyClosed", f.prov, f.payment, paymentABI.PackProviderRelease(ch.id))
	f.expectRevert("ChannelAlreadyClosed", f.prov, f.payment, paymentABI.PackProposePricing(ch.id, chain.TermsBinding(ch.terms).Prices))
	// Earnings stay withdrawable.
	f.mustSend(f.prov, f.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	if got := f.balanceOf(f.tk, f.prov.addr); got.Cmp(c.Earned) != 0 {
		t.Fatalf("provider got %v, earned %v", got, c.Earned)
	}
}

func TestPricingChange(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(1))
	newP := prices(10, 20, 30, 40, 50, 60, 70)
	h := payment.PricesHash(newP)
	nb := chain.TermsBinding(payment.Terms{Prices: newP}).Prices

	f.expectRevert("NoPendingPricing", f.pub, f.payment, paymentABI.PackAcceptPricing(ch.id, h))
	rc := f.mustSend(f.prov, f.payment, paymentABI.PackProposePricing(ch.id, nb))
	if ev, err := paymentABI.UnpackPricingProposedEvent(rc.Logs[0]); err != nil || ev.PricesHash != h {
		t.Fatalf("PricingProposed %+v %v", ev, err)
	}
	f.expectRevert("PricingMismatch", f.pub, f.payment, paymentABI.PackAcceptPricing(ch.id, [32]byte{1}))

	f.advance(10 * time.Second)
	lastOld := ch.next(f.now(), usage.Vector{10, 10, 10, 10, 10, 10, 10})
	f.advance(time.Second)
	firstNew := payment.Receipt{ChannelID: ch.id, Seq: lastOld.Seq + 1, Time: f.now(), Usage: lastOld.Usage}
	firstNew.Usage[0] += 5
	apply := func(lo, fn payment.Receipt, loSig, fnSig []byte, p [7]*big.Int) []byte {
		return paymentABI.PackApplyPricing(claimOf(ch.terms, ch.last, lo, loSig), chain.ReceiptBinding(fn), fnSig, p)
	}
	good := apply(lastOld, firstNew, f.sign(f.enc, lastOld), f.sign(f.enc, firstNew), nb)
	f.expectRevert("PricingNotAccepted", f.prov, f.payment, good)
	f.mustSend(f.pub, f.payment, paymentABI.PackAcceptPricing(ch.id, h))

	forger, _ := payment.GenerateDevSigner()
	f.expectRevert("NotProvider", f.pub, f.payment, good)
	f.expectRevert("PricingMismatch", f.prov, f.payment, apply(lastOld, firstNew, f.sign(f.enc, lastOld), f.sign(f.enc, firstNew), chain.TermsBinding(ch.terms).Prices))
	f.expectRevert("InvalidSignature", f.prov, f.payment, apply(lastOld, firstNew, f.sign(f.enc, lastOld), f.sign(forger, firstNew), nb))
	f.expectRevert("InvalidSignature", f.prov, f.payment, apply(lastOld, firstNew, f.sign(forger, lastOld), f.sign(f.enc, firstNew), nb))
	back := firstNew
	back.Seq = lastOld.Seq
	f.expectRevert("SeqNotIncreasing", f.prov, f.payment, apply(lastOld, back, f.sign(f.enc, lastOld), f.sign(f.enc, back), nb))
	dec := firstNew
	dec.Usage[1] = 0
	f.expectRevert("UsageDecreased", f.prov, f.payment, apply(lastOld, dec, f.sign(f.enc, lastOld), f.sign(f.enc, dec), nb))

	before := f.channel(ch.id)
	want, _ := payment.Settle(ch.terms, ch.last, lastOld, before.Balance)
	rc = f.mustSend(f.prov, f.payment, good)
	after := f.channel(ch.id)
	if new(big.Int).Sub(after.Earned, before.Earned).Cmp(want.Paid) != 0 {
		t.Fatalf("lastOld paid %v, want %v at old prices", new(big.Int).Sub(after.Earned, before.Earned), want.Paid)
	}
	ch.terms.Prices = newP
	ch.last = firstNew.Baseline()
	if after.StateHash != payment.StateHash(ch.terms, ch.last) || after.PendingPricesHash != ([32]byte{}) || after.PricingAccepted {
		t.Fatalf("after applyPricing %+v", after)
	}
	found := false
	for _, l := range rc.Logs {
		if ev, err := paymentABI.UnpackPricingAppliedEvent(l); err == nil {
			found = ev.Seq == firstNew.Seq && ev.Usage == firstNew.Usage
		}
	}
	if !found {
		t.Fatal("no PricingApplied event")
	}
	f.expectRevert("NoPendingPricing", f.prov, f.payment, good)
	// New prices apply from firstNew on.
	f.advance(time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{1, 1, 1, 1, 1, 1, 1}))

	// Second change, with the current baseline as lastOld (nothing to settle).
	p3 := prices(2, 2, 2, 2, 2, 2, 2)
	f.mustSend(f.prov, f.payment, paymentABI.PackProposePricing(ch.id, chain.TermsBinding(payment.Terms{Prices: p3}).Prices))
	f.mustSend(f.pub, f.payment, paymentABI.PackAcceptPricing(ch.id, payment.PricesHash(p3)))
	cur := payment.Receipt{ChannelID: ch.id, Seq: ch.last.Seq, Time: ch.last.Time, Usage: ch.last.Usage}
	f.advance(time.Second)
	fn := ch.next(f.now(), usage.Vector{3, 0, 0, 0, 0, 0, 0})
	wrongCur := cur
	wrongCur.Usage[0]++
	f.expectRevert("ReceiptMismatch", f.prov, f.payment, paymentABI.PackApplyPricing(claimOf(ch.terms, ch.last, wrongCur, nil), chain.ReceiptBinding(fn), f.sign(f.enc, fn), chain.TermsBinding(payment.Terms{Prices: p3}).Prices))
	before = f.channel(ch.id)
	f.mustSend(f.prov, f.payment, paymentABI.PackApplyPricing(claimOf(ch.terms, ch.last, cur, nil), chain.ReceiptBinding(fn), f.sign(f.enc, fn), chain.TermsBinding(payment.Terms{Prices: p3}).Prices))
	after = f.channel(ch.id)
	ch.terms.Prices = p3
	ch.last = fn.Baseline()
	if after.Earned.Cmp(before.Earned) != 0 || after.StateHash != payment.StateHash(ch.terms, ch.last) {
		t.Fatalf("applyPricing from the baseline: %+v", after)
	}
}

// A channel's balance is at most 2^96 − 1 (it shares the claim's storage
// slot with the commitment): a deposit beyond it is refused and moves nothing.
func TestBalanceOverflow(t *testing.T) {
	f := newFixture(t)
	max96 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 96), big.NewInt(1))
	f.fund(f.tk, f.pub, new(big.Int).Lsh(max96, 1))
	ch := f.open(new(big.Int).Sub(max96, ether(1)))
	bal := f.balanceOf(f.tk, f.domain.Contract)
	before := f.channel(ch.id)
	f.expectRevert("BalanceOverflow", f.pub, f.payment, paymentABI.PackDeposit(ch.id, ether(2)))
	f.unchanged(ch, before, bal)
	f.expectRevert("BalanceOverflow", f.pub, f.payment, paymentABI.PackCreateChannel(f.prov.addr, randomPodID(), f.tk.addr, chain.TermsBinding(f.defaultTerms(f.enc)), 60, new(big.Int).Add(max96, big.NewInt(1))))
	f.mustSend(f.pub, f.payment, paymentABI.PackDeposit(ch.id, ether(1)))
	if c := f.channel(ch.id); c.Balance.Cmp(max96) != 0 {
		t.Fatalf("balance %v, want 2^96-1", c.Balance)
	}
	// A full balance is still claimed correctly: the commitment next to it is intact.
	f.advance(10 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{1, 1, 1, 1, 1, 1, 1}))
}

func TestApplyPricingFirstNewRejects(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(1))
	newP := prices(3, 3, 3, 3, 3, 3, 3)
	nb := chain.TermsBinding(payment.Terms{Prices: newP}).Prices
	f.mustSend(f.prov, f.payment, paymentABI.PackProposePricing(ch.id, nb))
	f.mustSend(f.pub, f.payment, paymentABI.PackAcceptPricing(ch.id, payment.PricesHash(newP)))
	f.advance(10 * time.Second)
	cur := payment.Receipt{ChannelID: ch.id, Seq: ch.last.Seq, Time: ch.last.Time, Usage: ch.last.Usage}
	apply := func(lo payment.Receipt, last payment.Baseline, fn payment.Receipt) []byte {
		return paymentABI.PackApplyPricing(claimOf(ch.terms, last, lo, nil), chain.ReceiptBinding(fn), f.sign(f.enc, fn), nb)
	}
	fn := ch.next(f.now(), usage.Vector{1})
	sameTime := fn
	sameTime.Time = cur.Time
	future := fn
	future.Time = f.now() + 100
	foreign := fn
	foreign.ChannelID = randomPodID()
	stale := ch.last
	stale.Time--
	staleCur := cur
	staleCur.Time--
	f.expectRevert("TimeNotIncreasing", f.prov, f.payment, apply(cur, ch.last, sameTime))
	f.expectRevert("ReceiptFromFuture", f.prov, f.payment, apply(cur, ch.last, future))
	f.expectRevert("ReceiptMismatch", f.prov, f.payment, apply(cur, ch.last, foreign))
	f.expectRevert("StateMismatch", f.prov, f.payment, apply(staleCur, stale, fn))
	f.mustSend(f.prov, f.payment, apply(cur, ch.last, fn))
}

// The bits a packed claim leaves unused (the high half of seqTime, the last
// lane of usage word 1) are not signed: in a receipt they are ignored, so
// the commitment holds exactly the signed values; in terms or baseline they
// do not match the commitment.
func TestClaimUnusedBits(t *testing.T) {
	f := newFixture(t)
	ch := f.open(ether(1))
	f.advance(10 * time.Second)
	r := ch.next(f.now(), usage.Vector{1, 2, 3, 4, 5, 6, 7})
	dirty := claimOf(ch.terms, ch.last, r, f.sign(f.enc, r))
	dirty.Receipt.SeqTime = new(big.Int).Or(dirty.Receipt.SeqTime, new(big.Int).Lsh(big.NewInt(0xdead), 200))
	dirty.Receipt.Usage[1] = new(big.Int).Or(dirty.Receipt.Usage[1], big.NewInt(0xbeef))
	f.mustSend(f.other, f.payment, paymentABI.PackClaim(dirty))
	ch.last = r.Baseline()
	if got := f.channel(ch.id).StateHash; got != payment.StateHash(ch.terms, ch.last) {
		t.Fatalf("commitment %x after a receipt with junk in unused bits, want that of the clean receipt", got)
	}
	f.advance(10 * time.Second)
	r2 := ch.next(f.now(), usage.Vector{1})
	junkLast := claimOf(ch.terms, ch.last, r2, f.sign(f.enc, r2))
	junkLast.Last.Usage[1] = new(big.Int).Or(junkLast.Last.Usage[1], big.NewInt(1))
	f.expectRevert("StateMismatch", f.other, f.payment, paymentABI.PackClaim(junkLast))
	f.mustClaim(ch, r2)
}
