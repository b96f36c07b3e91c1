package chain_test

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/payment"
)

// The devnet's TestToken has EIP-2612 permits: a channel opens in one
// transaction without an allowance, and the permit's allowance is used up.
func TestCreateChannelWithPermit(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	prov := wallet(t, d, devnet.LabelProvider)
	encl := wallet(t, d, devnet.LabelEnclave)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	tok := chain.NewToken(c, info.Contracts.Token)

	amount := big.NewInt(5_000_000)
	pm, err := tok.SignPermit(ctx, pub, pay.Address(), amount, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := c.HeaderByNumber(ctx, nil)
	if pm.Deadline < head.Time+590 || pm.Owner != pub.Address() || pm.Spender != pay.Address() {
		t.Fatalf("permit %+v (head time %d)", pm, head.Time)
	}
	terms := payment.Terms{EnclaveSigner: encl.Address(), MaxPerSecond: big.NewInt(1000), Prices: [7]*big.Int{big.NewInt(1)}}
	var pod [32]byte
	rand.Read(pod[:])
	before, _ := c.Backend().NonceAt(ctx, pub.Address(), nil)
	id, rcpt, err := pay.CreateChannelWithPermit(ctx, pub, prov.Address(), pod, tok.Address(), terms, 60, amount, pm)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := c.Backend().NonceAt(ctx, pub.Address(), nil)
	if after != before+1 {
		t.Fatalf("%d transactions sent, want 1", after-before)
	}
	ch, err := pay.Channel(ctx, id)
	if err != nil || ch.Balance.Cmp(amount) != 0 || ch.Publisher != pub.Address() {
		t.Fatalf("channel %+v %v", ch, err)
	}
	if a, _ := tok.Allowance(ctx, pub.Address(), pay.Address()); a.Sign() != 0 {
		t.Fatalf("allowance left: %v", a)
	}
	t.Logf("createChannelWithPermit: %d gas", rcpt.GasUsed)

	// A permit only fits the deposit it was signed for.
	rand.Read(pod[:])
	if _, _, err := pay.CreateChannelWithPermit(ctx, pub, prov.Address(), pod, tok.Address(), terms, 60, big.NewInt(1), pm); err == nil {
		t.Fatal("a permit for another amount was sent")
	}
	// Replayed: the token's nonce moved on, so the deposit has no allowance
	// and the transaction fails at estimation, before anything is sent.
	if _, _, err := pay.CreateChannelWithPermit(ctx, pub, prov.Address(), pod, tok.Address(), terms, 60, amount, pm); !chain.IsRevert(err, "ERC20InsufficientAllowance") {
		t.Fatalf("replayed permit: %v", err)
	}
}

// A token without permit (the old TestToken of a devnet data dir, any plain
// ERC-20) is recognised, so the caller approves instead; so is a token whose
// domain separator this client cannot rebuild.
func TestPermitDomainRefusesTokensWithout(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	for _, tc := range []struct {
		name string
		addr common.Address
	}{
		{"Payment (no permit functions)", info.Contracts.Payment},
		{"an account without code", pub.Address()},
	} {
		_, _, err := chain.NewToken(c, tc.addr).PermitDomain(ctx, pub.Address())
		if !errors.Is(err, chain.ErrNoPermit) {
			t.Errorf("%s: %v, want ErrNoPermit", tc.name, err)
		}
	}
	sep, nonce, err := chain.NewToken(c, info.Contracts.Token).PermitDomain(ctx, pub.Address())
	if err != nil || nonce == nil || sep == ([32]byte{}) {
		t.Fatalf("TestToken: %x %v %v", sep, nonce, err)
	}
}
