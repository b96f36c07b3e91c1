package contracts_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
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

// The property test drives Payment with random operations over many channels
// and three tokens (18 decimals, 6 decimals, fee-on-transfer) and checks after
// every operation, against an independent model, that:
//   - each channel's balance, earnings, status and commitment are what the
//     rules of DESIGN §3 give;
//   - for each token, what Payment holds equals the sum of channel balances
//     plus unwithdrawn earnings (the contract's own figures and the model's);
//   - every party's token balance is exactly what the rules pay it, so no one
//     is paid more than they are owed;
//   - every refused operation reverts with the error the rules name.

type mToken struct {
	token
	feeBps   int64
	decimals int
}

func (m mToken) fee(x *big.Int) *big.Int {
	return new(big.Int).Div(new(big.Int).Mul(x, big.NewInt(m.feeBps)), big.NewInt(10_000))
}

type mChannel struct {
	*channelState
	tok             *mToken
	balance, earned *big.Int
	status          uint8
	unlock          *big.Int
	unlockAt        uint64
	dispute         uint64
	pendingPrices   *[usage.Len]*big.Int
	pendingAccepted bool
}

type propModel struct {
	t        *testing.T
	e        *env
	rng      *rand.Rand
	tokens   []*mToken
	pubs     []account
	provs    []account
	enclaves map[common.Address]*payment.DevSigner // provider → enclave key
	chans    []*mChannel
	wallet   map[common.Address]map[common.Address]*big.Int // token → party → expected balance
	stats    map[string]int
}

func TestPaymentProperty(t *testing.T) {
	ops, nChannels := 2000, 24
	if testing.Short() {
		ops = 300
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TPOD_PROPERTY_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = v
	}
	t.Logf("seed %d (set TPOD_PROPERTY_SEED to replay)", seed)
	m := newPropModel(t, seed)
	for i := 0; i < nChannels; i++ {
		m.createChannel()
		m.check(fmt.Sprintf("create %d", i))
	}
	for i := 0; i < ops; i++ {
		name := m.step()
		if testing.Verbose() && i < 50 {
			t.Logf("op %d %s", i, name)
		}
		m.check(fmt.Sprintf("op %d (%s)", i, name))
	}
	m.checkWallets()
	t.Logf("operations: %v", m.stats)
}

func newPropModel(t *testing.T, seed uint64) *propModel {
	e := newEnv(t, 8)
	m := &propModel{t: t, e: e, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), enclaves: map[common.Address]*payment.DevSigner{},
		wallet: map[common.Address]map[common.Address]*big.Int{}, stats: map[string]int{}}
	m.pubs, m.provs = e.accts[:5], e.accts[5:]
	m.tokens = []*mToken{
		{token: e.newTestToken(18), decimals: 18},
		{token: e.newTestToken(6), decimals: 6},
		{token: e.newFeeToken(200), feeBps: 200, decimals: 18},
	}
	for _, p := range m.provs {
		m.enclaves[p.addr], _ = payment.GenerateDevSigner()
	}
	for _, tk := range m.tokens {
		m.wallet[tk.addr] = map[common.Address]*big.Int{}
		for _, p := range m.pubs {
			amt := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(tk.decimals+6)), nil)
			e.fund(tk.token, p, amt)
			m.wallet[tk.addr][p.addr] = amt
		}
		for _, p := range m.provs {
			m.wallet[tk.addr][p.addr] = new(big.Int)
		}
	}
	// Block times are deterministic from here on: each block is the parent + 1 s.
	e.advance(24 * time.Hour)
	return m
}

func (m *propModel) unit(tk *mToken) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(tk.decimals)), nil)
}

// amount returns a random amount of up to n whole tokens.
func (m *propModel) amount(tk *mToken, n int64) *big.Int {
	u := m.unit(tk)
	return new(big.Int).Div(new(big.Int).Mul(u, big.NewInt(m.rng.Int64N(n*1000)+1)), big.NewInt(1000))
}

func (m *propModel) randPrices(tk *mToken) [usage.Len]*big.Int {
	var p [usage.Len]*big.Int
	// Per-unit prices around 1e-9 token, some counters free.
	base := new(big.Int).Div(m.unit(tk), big.NewInt(1e9))
	if base.Sign() == 0 {
		base = big.NewInt(1)
	}
	for i := range p {
		p[i] = new(big.Int)
		if m.rng.IntN(4) != 0 {
			p[i].Mul(base, big.NewInt(m.rng.Int64N(5000)))
		}
	}
	return p
}

func (m *propModel) createChannel() {
	pub := m.pubs[m.rng.IntN(len(m.pubs))]
	prov := m.provs[m.rng.IntN(len(m.provs))]
	tk := m.tokens[m.rng.IntN(len(m.tokens))]
	enc := m.enclaves[prov.addr]
	// maxPerSecond: between 1e-6 and 1e-3 token per second.
	mps := new(big.Int).Div(new(big.Int).Mul(m.unit(tk), big.NewInt(m.rng.Int64N(1000)+1)), big.NewInt(1_000_000))
	terms := payment.Terms{EnclaveSigner: enc.Address(), MaxPerSecond: mps, Prices: m.randPrices(tk)}
	amt := m.amount(tk, 10)
	dispute := uint64(m.rng.IntN(600) + 1)
	cs := m.e.openChannel(pub, prov, tk.token, terms, dispute, amt)
	cs.enclave = enc
	credited := new(big.Int).Sub(amt, tk.fee(amt))
	m.debit(tk, pub.addr, amt)
	m.chans = append(m.chans, &mChannel{channelState: cs, tok: tk, balance: credited, earned: new(big.Int), status: statusOpen, unlock: new(big.Int), dispute: dispute})
	m.stats["createChannel"]++
}

func (m *propModel) debit(tk *mToken, who common.Address, x *big.Int) {
	w := m.wallet[tk.addr][who]
	w.Sub(w, x)
}

// pay records a transfer of x from Payment to who: who receives x minus the fee.
func (m *propModel) pay(tk *mToken, who common.Address, x *big.Int) {
	w := m.wallet[tk.addr][who]
	w.Add(w, new(big.Int).Sub(x, tk.fee(x)))
}

func (m *propModel) now() uint64 { return m.e.now() }

// ensureTime makes sure the chain's time is at least t.
func (m *propModel) ensureTime(t uint64) {
	if now := m.now(); now < t {
		m.e.advance(time.Duration(t-now) * time.Second)
	}
}

// do sends a transaction and checks it succeeds or fails with wantErr.
func (m *propModel) do(from account, data []byte, wantErr string) *types.Receipt {
	m.t.Helper()
	r, err := m.e.send(from, m.e.payment, data)
	if wantErr == "" {
		if err != nil {
			m.t.Fatalf("unexpected revert %s: %v", revertName(err), err)
		}
		return r
	}
	if err == nil {
		m.t.Fatalf("want revert %s, transaction succeeded", wantErr)
	}
	if got := revertName(err); got != wantErr {
		m.t.Fatalf("want revert %s, got %s (%v)", wantErr, got, err)
	}
	m.stats["refused "+wantErr]++
	return nil
}

func (m *propModel) pick() *mChannel { return m.chans[m.rng.IntN(len(m.chans))] }

// stranger returns an account that is neither of the given ones.
func (m *propModel) stranger(not ...common.Address) account {
	for {
		a := m.e.accts[m.rng.IntN(len(m.e.accts))]
		ok := true
		for _, n := range not {
			ok = ok && a.addr != n
		}
		if ok {
			return a
		}
	}
}

func (m *propModel) closedErr(c *mChannel) string {
	switch c.status {
	case statusClosing:
		return "ChannelIsClosing"
	case statusClosed:
		return "ChannelAlreadyClosed"
	}
	return ""
}

// nextReceipt makes a valid next receipt for c (advancing time if needed).
func (m *propModel) nextReceipt(c *mChannel) payment.Receipt {
	m.ensureTime(c.last.Time + 1)
	now := m.now()
	t := c.last.Time + 1 + uint64(m.rng.Int64N(int64(now-c.last.Time)))
	var add usage.Vector
	for i := range add {
		if m.rng.IntN(3) != 0 {
			add[i] = uint64(m.rng.Int64N(50_000))
		}
	}
	r := c.next(t, add)
	r.Seq += uint64(m.rng.IntN(3)) // seq may skip
	return r
}

// settle applies a valid claim of r to the model and returns what it pays.
func (m *propModel) settle(c *mChannel, r payment.Receipt) *big.Int {
	s, err := payment.Settle(c.terms, c.last, r, c.balance)
	if err != nil {
		m.t.Fatal(err)
	}
	c.balance.Sub(c.balance, s.Paid)
	c.earned.Add(c.earned, s.Paid)
	c.last = r.Baseline()
	return s.Paid
}

type claimCase struct {
	c    *mChannel
	cl   contracts.PaymentClaim
	err  string // expected refusal, "" if valid
	r    payment.Receipt
	last payment.Baseline // baseline the claim is checked against
}

// randomClaim makes a claim for c that is valid or broken in a random way.
func (m *propModel) randomClaim(c *mChannel, valid bool) claimCase {
	r := m.nextReceipt(c)
	terms, last := c.terms, c.last
	signer := payment.Signer(c.enclave)
	want := ""
	if !valid {
		switch m.rng.IntN(5) {
		case 0:
			signer, _ = payment.GenerateDevSigner()
			want = "InvalidSignature"
		case 1:
			last.Seq++ // stale or made-up baseline
			want = "StateMismatch"
		case 2:
			r.Seq = c.last.Seq // replay of the sequence number
			want = "SeqNotIncreasing"
		case 3:
			if c.last.Usage == (usage.Vector{}) {
				signer, _ = payment.GenerateDevSigner()
				want = "InvalidSignature"
			} else {
				i := m.rng.IntN(usage.Len)
				for c.last.Usage[i] == 0 {
					i = (i + 1) % usage.Len
				}
				r.Usage[i] = c.last.Usage[i] - 1
				want = "UsageDecreased"
			}
		case 4:
			terms.MaxPerSecond = new(big.Int).Mul(terms.MaxPerSecond, big.NewInt(1000)) // greedy terms
			want = "StateMismatch"
		}
	}
	if c.status == statusClosed {
		want = "ChannelAlreadyClosed"
	}
	sig := m.e.sign(signer, r)
	return claimCase{c: c, cl: claimOf(terms, last, r, sig), err: want, r: r, last: last}
}

func (m *propModel) step() string {
	c := m.pick()
	pub, prov := c.publisher, c.provider
	switch op := m.rng.IntN(100); {
	case op < 2:
		m.createChannel()
		return "createChannel"
	case op < 12: // deposit
		amt := m.amount(c.tok, 3)
		switch {
		case m.rng.IntN(8) == 0:
			m.do(m.stranger(pub.addr), paymentABI.PackDeposit(c.id, amt), "NotPublisher")
		case m.rng.IntN(8) == 0:
			m.do(pub, paymentABI.PackDeposit(c.id, new(big.Int)), orDefault(m.closedErr(c), "ZeroAmount"))
		case c.status != statusOpen:
			m.do(pub, paymentABI.PackDeposit(c.id, amt), m.closedErr(c))
		default:
			m.do(pub, paymentABI.PackDeposit(c.id, amt), "")
			m.debit(c.tok, pub.addr, amt)
			c.balance.Add(c.balance, new(big.Int).Sub(amt, c.tok.fee(amt)))
			m.stats["deposit"]++
		}
		return "deposit"
	case op < 42: // claim
		cc := m.randomClaim(c, m.rng.IntN(5) != 0)
		m.do(m.e.accts[m.rng.IntN(len(m.e.accts))], paymentABI.PackClaim(cc.cl), cc.err)
		if cc.err == "" {
			m.settle(c, cc.r)
			m.stats["claim"]++
		}
		return "claim"
	case op < 52: // claimMany, possibly several receipts of one channel in a row
		n := m.rng.IntN(6) + 1
		var batch []claimCase
		for range n {
			cc := m.randomClaim(m.pick(), m.rng.IntN(4) != 0)
			batch = append(batch, cc)
			if cc.err == "" && m.rng.IntN(3) == 0 {
				// a consecutive receipt of the same channel, checked against cc
				saved := cc.c.last
				cc.c.last = cc.r.Baseline()
				next := m.randomClaim(cc.c, true)
				cc.c.last = saved
				batch = append(batch, next)
			}
		}
		// The contract processes the batch in order; replay it on the model.
		var cls []contracts.PaymentClaim
		for _, cc := range batch {
			cls = append(cls, cc.cl)
		}
		rc := m.do(m.e.accts[m.rng.IntN(len(m.e.accts))], paymentABI.PackClaimMany(cls), "")
		var events []string
		for _, l := range rc.Logs {
			if ev, err := paymentABI.UnpackClaimSkippedEvent(l); err == nil {
				events = append(events, selectorName(ev.Reason))
			} else if _, err := paymentABI.UnpackClaimedEvent(l); err == nil {
				events = append(events, "")
			}
		}
		if len(events) != len(batch) {
			m.t.Fatalf("claimMany of %d emitted %d claim events", len(batch), len(events))
		}
		for i, cc := range batch {
			want := cc.err
			if want != "ChannelAlreadyClosed" && cc.c.last != cc.last {
				// The baseline this claim was made against has moved (an
				// earlier receipt of the batch was accepted) or never was.
				want = "StateMismatch"
			}
			if events[i] != want {
				m.t.Fatalf("batch item %d: got %q, want %q", i, events[i], want)
			}
			if want == "" {
				m.settle(cc.c, cc.r)
				m.stats["claimMany item"]++
			} else {
				m.stats["claimMany skipped "+want]++
			}
		}
		return "claimMany"
	case op < 60: // requestUnlock
		amt := m.amount(c.tok, 5)
		if m.rng.IntN(8) == 0 {
			m.do(prov, paymentABI.PackRequestUnlock(c.id, amt), "NotPublisher")
			return "requestUnlock"
		}
		if c.status != statusOpen {
			m.do(pub, paymentABI.PackRequestUnlock(c.id, amt), m.closedErr(c))
			return "requestUnlock"
		}
		rc := m.do(pub, paymentABI.PackRequestUnlock(c.id, amt), "")
		ev, err := paymentABI.UnpackUnlockRequestedEvent(rc.Logs[0])
		if err != nil {
			m.t.Fatal(err)
		}
		c.unlock.Set(amt)
		c.unlockAt = ev.UnlockAt
		m.stats["requestUnlock"]++
		return "requestUnlock"
	case op < 70: // withdrawUnlocked
		if m.rng.IntN(3) == 0 && c.unlock.Sign() != 0 {
			m.ensureTime(c.unlockAt)
		}
		switch {
		case m.rng.IntN(10) == 0:
			m.do(prov, paymentABI.PackWithdrawUnlocked(c.id), "NotPublisher")
		case c.status == statusClosed:
			m.do(pub, paymentABI.PackWithdrawUnlocked(c.id), "ChannelAlreadyClosed")
		case c.unlock.Sign() == 0:
			m.do(pub, paymentABI.PackWithdrawUnlocked(c.id), "NoPendingUnlock")
		case m.now() < c.unlockAt:
			m.do(pub, paymentABI.PackWithdrawUnlocked(c.id), "DisputePeriodNotOver")
		default:
			m.do(pub, paymentABI.PackWithdrawUnlocked(c.id), "")
			x := minBig(c.unlock, c.balance)
			c.balance.Sub(c.balance, x)
			m.pay(c.tok, pub.addr, x)
			c.unlock.SetInt64(0)
			c.unlockAt = 0
			if c.status == statusClosing {
				c.status = statusClosed
			}
			m.stats["withdrawUnlocked"]++
		}
		return "withdrawUnlocked"
	case op < 72: // close
		if c.status != statusOpen {
			m.do(pub, paymentABI.PackClose(c.id), m.closedErr(c))
			return "close"
		}
		rc := m.do(pub, paymentABI.PackClose(c.id), "")
		ev, err := paymentABI.UnpackChannelClosingEvent(rc.Logs[0])
		if err != nil {
			m.t.Fatal(err)
		}
		c.status = statusClosing
		c.unlock = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
		c.unlockAt = ev.UnlockAt
		m.stats["close"]++
		return "close"
	case op < 73: // providerRelease
		if c.status == statusClosed {
			m.do(prov, paymentABI.PackProviderRelease(c.id), "ChannelAlreadyClosed")
			return "providerRelease"
		}
		m.do(prov, paymentABI.PackProviderRelease(c.id), "")
		m.pay(c.tok, pub.addr, c.balance)
		c.balance = new(big.Int)
		c.unlock.SetInt64(0)
		c.unlockAt = 0
		c.status = statusClosed
		c.pendingPrices, c.pendingAccepted = nil, false
		m.stats["providerRelease"]++
		return "providerRelease"
	case op < 84: // withdrawEarnings over some of the provider's channels
		var ids [][32]byte
		var mine []*mChannel
		for _, x := range m.chans {
			if x.provider.addr == prov.addr && m.rng.IntN(2) == 0 {
				ids = append(ids, x.id)
				mine = append(mine, x)
			}
		}
		if m.rng.IntN(10) == 0 {
			m.do(pub, paymentABI.PackWithdrawEarnings([][32]byte{c.id}), "NotProvider")
			return "withdrawEarnings"
		}
		total := new(big.Int)
		for _, x := range mine {
			total.Add(total, x.earned)
		}
		if total.Sign() == 0 {
			m.do(prov, paymentABI.PackWithdrawEarnings(ids), "NothingToWithdraw")
			return "withdrawEarnings"
		}
		m.do(prov, paymentABI.PackWithdrawEarnings(ids), "")
		// Consecutive channels of one token are paid in one transfer (the fee
		// is charged per transfer).
		var runTok *mToken
		run := new(big.Int)
		flush := func() {
			if runTok != nil && run.Sign() != 0 {
				m.pay(runTok, prov.addr, run)
			}
			run = new(big.Int)
		}
		for _, x := range mine {
			if x.earned.Sign() == 0 {
				continue
			}
			if x.tok != runTok {
				flush()
				runTok = x.tok
			}
			run.Add(run, x.earned)
			x.earned = new(big.Int)
		}
		flush()
		m.stats["withdrawEarnings"]++
		return "withdrawEarnings"
	case op < 92: // time passes
		m.e.advance(time.Duration(m.rng.IntN(900)+1) * time.Second)
		return "advance"
	default: // pricing change: propose, accept, apply
		if c.status != statusOpen {
			m.do(prov, paymentABI.PackProposePricing(c.id, chain.TermsBinding(payment.Terms{}).Prices), m.closedErr(c))
			return "pricing"
		}
		np := m.randPrices(c.tok)
		nb := chain.TermsBinding(payment.Terms{Prices: np}).Prices
		m.do(prov, paymentABI.PackProposePricing(c.id, nb), "")
		h := payment.PricesHash(np)
		if m.rng.IntN(4) == 0 {
			m.do(pub, paymentABI.PackAcceptPricing(c.id, [32]byte{7}), "PricingMismatch")
			return "pricing"
		}
		m.do(pub, paymentABI.PackAcceptPricing(c.id, h), "")
		lastOld := m.nextReceipt(c)
		m.ensureTime(lastOld.Time + 1)
		firstNew := lastOld
		firstNew.Seq++
		firstNew.Time = lastOld.Time + 1
		firstNew.Usage[0] += 10
		cl := claimOf(c.terms, c.last, lastOld, m.e.sign(c.enclave, lastOld))
		m.do(prov, paymentABI.PackApplyPricing(cl, chain.ReceiptBinding(firstNew), m.e.sign(c.enclave, firstNew), nb), "")
		m.settle(c, lastOld)
		c.terms.Prices = np
		c.last = firstNew.Baseline()
		m.stats["applyPricing"]++
		return "pricing"
	}
}

func orDefault(s, d string) string {
	if s != "" {
		return s
	}
	return d
}

func minBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) <= 0 {
		return new(big.Int).Set(a)
	}
	return new(big.Int).Set(b)
}

// check compares the contract with the model and checks the invariant.
func (m *propModel) check(step string) {
	m.t.Helper()
	ids := make([][32]byte, len(m.chans))
	for i, c := range m.chans {
		ids[i] = c.id
	}
	got, err := bind.Call(m.e.payment, nil, paymentABI.PackGetChannels(ids), paymentABI.UnpackGetChannels)
	if err != nil {
		m.t.Fatal(err)
	}
	owed := map[common.Address]*big.Int{}
	for _, tk := range m.tokens {
		owed[tk.addr] = new(big.Int)
	}
	for i, c := range m.chans {
		g := got[i]
		wantHash := payment.StateHash(c.terms, c.last)
		if c.status == statusClosed {
			wantHash = [20]byte{19: 1}
		}
		if g.Balance.Cmp(c.balance) != 0 || g.Earned.Cmp(c.earned) != 0 || g.Status != c.status || g.StateHash != wantHash ||
			g.UnlockAmount.Cmp(c.unlock) != 0 || g.UnlockAt != c.unlockAt {
			m.t.Fatalf("%s: channel %d differs from the model:\ncontract %+v\nmodel balance %v earned %v status %d unlock %v at %d",
				step, i, g, c.balance, c.earned, c.status, c.unlock, c.unlockAt)
		}
		owed[g.Token].Add(owed[g.Token], new(big.Int).Add(g.Balance, g.Earned))
	}
	for _, tk := range m.tokens {
		held := m.e.balanceOf(tk.token, m.e.domain.Contract)
		if held.Cmp(owed[tk.addr]) != 0 {
			m.t.Fatalf("%s: Payment holds %v of token %s but owes %v", step, held, tk.addr, owed[tk.addr])
		}
	}
	m.checkWallets()
}

// checkWallets compares every party's token balances with what the rules paid them.
func (m *propModel) checkWallets() {
	m.t.Helper()
	for _, tk := range m.tokens {
		for who, want := range m.wallet[tk.addr] {
			if got := m.e.balanceOf(tk.token, who); got.Cmp(want) != 0 {
				m.t.Fatalf("%s holds %v of token %s, the rules give %v", who, got, tk.addr, want)
			}
		}
	}
}
