package contracts_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/chain"
)

// permit signs an EIP-2612 permit of owner for Payment to take value of the
// TestToken tk until deadline, with the token's current nonce, the
// signature made by signer's key.
func (e *env) permit(tk token, owner, signer account, value *big.Int, deadline uint64) (v uint8, r, s [32]byte) {
	e.t.Helper()
	sep, err := bind.Call(tk.c, nil, tokenABI.PackDOMAINSEPARATOR(), tokenABI.UnpackDOMAINSEPARATOR)
	if err != nil {
		e.t.Fatal(err)
	}
	nonce, err := bind.Call(tk.c, nil, tokenABI.PackNonces(owner.addr), tokenABI.UnpackNonces)
	if err != nil {
		e.t.Fatal(err)
	}
	d := chain.PermitDigest(sep, owner.addr, e.domain.Contract, value, nonce, deadline)
	sig, err := crypto.Sign(d[:], signer.key)
	if err != nil {
		e.t.Fatal(err)
	}
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	return sig[64] + 27, r, s
}

func (f *fixture) createWithPermit(from account, tk token, amount *big.Int, deadline uint64, v uint8, r, s [32]byte) ([32]byte, []byte) {
	pod := randomPodID()
	return pod, paymentABI.PackCreateChannelWithPermit(f.prov.addr, pod, tk.addr, chain.TermsBinding(f.defaultTerms(f.enc)), 3600, amount, new(big.Int).SetUint64(deadline), v, r, s)
}

// One transaction approves (by permit) and opens the channel; the permit
// cannot be replayed, and a permit someone submitted first from the mempool
// does not stop the channel from opening.
func TestCreateChannelWithPermit(t *testing.T) {
	f := newFixture(t)
	pub := f.other // holds tokens, has approved nothing
	f.mustSend(pub, f.tk.c, tokenABI.PackMint(pub.addr, ether(10)))
	deadline := f.now() + 600
	v, r, s := f.permit(f.tk, pub, pub, ether(2), deadline)
	pod, data := f.createWithPermit(pub, f.tk, ether(2), deadline, v, r, s)
	f.mustSend(pub, f.payment, data)
	id := f.channelIDOf(pub, pod)
	if c := f.channel(id); c.Status != statusOpen || c.Balance.Cmp(ether(2)) != 0 || c.Publisher != pub.addr {
		t.Fatalf("channel after createChannelWithPermit: %+v", c)
	}
	if a := f.allowance(pub); a.Sign() != 0 {
		t.Fatalf("allowance left %v, want 0 (the permit was for exactly the deposit)", a)
	}
	// The same signature again: its nonce is used, so no allowance.
	_, data = f.createWithPermit(pub, f.tk, ether(2), deadline, v, r, s)
	f.expectRevert("ERC20InsufficientAllowance", pub, f.payment, data)

	// A stranger submits the permit first; the channel still opens.
	v, r, s = f.permit(f.tk, pub, pub, ether(1), deadline)
	f.mustSend(f.prov, f.tk.c, tokenABI.PackPermit(pub.addr, f.domain.Contract, ether(1), new(big.Int).SetUint64(deadline), v, r, s))
	pod, data = f.createWithPermit(pub, f.tk, ether(1), deadline, v, r, s)
	f.mustSend(pub, f.payment, data)
	if c := f.channel(f.channelIDOf(pub, pod)); c.Balance.Cmp(ether(1)) != 0 {
		t.Fatalf("front-run permit: balance %v", c.Balance)
	}

	bal := f.balanceOf(f.tk, f.domain.Contract)
	for _, tc := range []struct {
		name     string
		signer   account
		amount   *big.Int // what the permit is for
		deadline uint64
	}{
		{"signed by another key", f.pub, ether(1), deadline},
		{"expired", pub, ether(1), f.now() - 1},
		{"for less than the deposit", pub, big.NewInt(1), deadline},
	} {
		v, r, s := f.permit(f.tk, pub, tc.signer, tc.amount, tc.deadline)
		_, data := f.createWithPermit(pub, f.tk, ether(1), tc.deadline, v, r, s)
		f.expectRevert("ERC20InsufficientAllowance", pub, f.payment, data)
	}
	if got := f.balanceOf(f.tk, f.domain.Contract); got.Cmp(bal) != 0 {
		t.Fatalf("refused permits moved tokens: %v → %v", bal, got)
	}
	// The checks of createChannel come first.
	_, data = f.createWithPermit(pub, token{addr: pub.addr}, ether(1), deadline, v, r, s)
	f.expectRevert("NotAContract", pub, f.payment, data)
}

// A token without permit (FeeToken): the permit call fails and is ignored,
// so an existing allowance still opens the channel, and without one the
// token refuses the transfer.
func TestCreateChannelWithPermitTokenWithout(t *testing.T) {
	f := newFixture(t)
	fee := f.newFeeToken(100)
	f.mustSend(f.other, fee.c, fee.abi.PackMint(f.other.addr, ether(10)))
	_, data := f.createWithPermit(f.other, fee, ether(1), f.now()+600, 27, [32]byte{1}, [32]byte{2})
	f.expectRevert("ERC20InsufficientAllowance", f.other, f.payment, data)
	f.mustSend(f.other, fee.c, fee.abi.PackApprove(f.domain.Contract, ether(1)))
	pod, data := f.createWithPermit(f.other, fee, ether(1), f.now()+600, 27, [32]byte{1}, [32]byte{2})
	f.mustSend(f.other, f.payment, data)
	if c := f.channel(f.channelIDOf(f.other, pod)); c.Balance.Cmp(ether(1)) >= 0 || c.Balance.Sign() == 0 {
		t.Fatalf("fee token channel balance %v, want 1 ether less the fee", c.Balance)
	}
}

func (f *fixture) channelIDOf(pub account, pod [32]byte) [32]byte {
	id, err := bind.Call(f.payment, nil, paymentABI.PackChannelIdOf(pub.addr, f.prov.addr, pod), paymentABI.UnpackChannelIdOf)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) allowance(owner account) *big.Int {
	a, err := bind.Call(f.tk.c, nil, tokenABI.PackAllowance(owner.addr, f.domain.Contract), tokenABI.UnpackAllowance)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}
