package contracts_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

func TestFeeOnTransferCreditsWhatArrived(t *testing.T) {
	e := newEnv(t, 2)
	pub, prov := e.accts[0], e.accts[1]
	tk := e.newFeeToken(100) // 1 %
	e.fund(tk, pub, big.NewInt(1_000_000))
	enc, _ := payment.GenerateDevSigner()
	f := &fixture{env: e, pub: pub, prov: prov, other: pub, tk: tk, enc: enc}
	ch := f.open(big.NewInt(100_000))
	c := f.channel(ch.id)
	if c.Balance.Int64() != 99_000 {
		t.Fatalf("credited %v for 100000 sent with a 1%% fee, want 99000", c.Balance)
	}
	f.mustSend(pub, e.payment, paymentABI.PackDeposit(ch.id, big.NewInt(10_000)))
	if c = f.channel(ch.id); c.Balance.Int64() != 99_000+9_900 {
		t.Fatalf("balance %v after deposit", c.Balance)
	}
	held := func() int64 { return e.balanceOf(tk, e.domain.Contract).Int64() }
	if held() != c.Balance.Int64() {
		t.Fatalf("Payment holds %d, owes %v", held(), c.Balance)
	}
	f.advance(10 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{100, 100, 100, 100, 100, 100, 100}))
	f.mustSend(pub, e.payment, paymentABI.PackRequestUnlock(ch.id, big.NewInt(5_000)))
	f.advance(3601 * time.Second)
	f.mustSend(pub, e.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	c = f.channel(ch.id)
	if held() != new(big.Int).Add(c.Balance, c.Earned).Int64() {
		t.Fatalf("Payment holds %d, owes %v + %v", held(), c.Balance, c.Earned)
	}
	earned := c.Earned.Int64()
	f.mustSend(prov, e.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	if got := e.balanceOf(tk, prov.addr).Int64(); got != earned-earned/100 {
		t.Fatalf("provider received %d of %d earned (1%% fee)", got, earned)
	}
	c = f.channel(ch.id)
	if held() != c.Balance.Int64() || c.Earned.Sign() != 0 {
		t.Fatalf("Payment holds %d, owes %v", held(), c.Balance)
	}
}

func TestReentrantTokenIsRefused(t *testing.T) {
	e := newEnv(t, 2)
	pub, prov := e.accts[0], e.accts[1]
	tk := e.newReentrantToken()
	e.fund(tk, pub, ether(10))
	enc, _ := payment.GenerateDevSigner()
	f := &fixture{env: e, pub: pub, prov: prov, other: pub, tk: tk, enc: enc}
	ch := f.open(ether(1))
	f.advance(10 * time.Second)
	f.mustClaim(ch, ch.next(f.now(), usage.Vector{100, 100, 100, 100, 100, 100, 100}))
	f.mustSend(pub, e.payment, paymentABI.PackRequestUnlock(ch.id, ether(1)))
	f.advance(3601 * time.Second)
	arm := func(data []byte) {
		f.mustSend(pub, tk.c, reentrABI.PackArm(e.domain.Contract, data))
	}
	bal := e.balanceOf(tk, e.domain.Contract)
	before := f.channel(ch.id)

	// Re-entering withdrawUnlocked from the transfer of withdrawUnlocked.
	arm(paymentABI.PackWithdrawUnlocked(ch.id))
	f.expectRevert("ReentrancyGuardReentrantCall", pub, e.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.unchanged(ch, before, bal)
	// Re-entering withdrawEarnings from the transfer of withdrawEarnings.
	arm(paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	f.expectRevert("ReentrancyGuardReentrantCall", prov, e.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	f.unchanged(ch, before, bal)
	// Re-entering a claim from the transferFrom of a deposit.
	r := ch.next(f.now(), usage.Vector{1, 1, 1, 1, 1, 1, 1})
	arm(f.claimData(ch, r, f.sign(enc, r)))
	f.expectRevert("ReentrancyGuardReentrantCall", pub, e.payment, paymentABI.PackDeposit(ch.id, ether(1)))
	f.unchanged(ch, before, bal)
	// Re-entering deposit from the refund of providerRelease.
	arm(paymentABI.PackDeposit(ch.id, ether(1)))
	f.expectRevert("ReentrancyGuardReentrantCall", prov, e.payment, paymentABI.PackProviderRelease(ch.id))
	f.unchanged(ch, before, bal)

	// Disarmed, everything works.
	f.mustSend(pub, tk.c, reentrABI.PackArm([20]byte{}, nil))
	f.mustSend(pub, e.payment, paymentABI.PackWithdrawUnlocked(ch.id))
	f.mustSend(prov, e.payment, paymentABI.PackWithdrawEarnings([][32]byte{ch.id}))
	if e.balanceOf(tk, e.domain.Contract).Sign() != 0 {
		t.Fatal("Payment still holds tokens")
	}
}
