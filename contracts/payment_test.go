package contracts_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"

	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

func TestReceiptDigestMatchesContract(t *testing.T) {
	e := newEnv(t, 0)
	for _, r := range []payment.Receipt{
		{},
		{ChannelID: randomPodID(), Seq: 1, Time: 1_700_000_000, Usage: usage.Vector{1, 2, 3, 4, 5, 6, 7}},
		{ChannelID: randomPodID(), Seq: ^uint64(0), Time: ^uint64(0), Usage: usage.Vector{^uint64(0), 0, ^uint64(0), 0, 1, 0, 1 << 40}},
	} {
		got, err := bind.Call(e.payment, nil, paymentABI.PackReceiptDigest(r.Binding()), paymentABI.UnpackReceiptDigest)
		if err != nil {
			t.Fatal(err)
		}
		if want := e.domain.ReceiptDigest(r); got != want {
			t.Fatalf("receipt digest: contract %x, Go %x", got, want)
		}
	}
	terms := payment.Terms{EnclaveSigner: newAccount(t).addr, MaxPerSecond: big.NewInt(99), Prices: prices(1, 0, 3, 0, 5, 0, 1<<62)}
	b := payment.Baseline{Seq: 4, Time: 5, Usage: usage.Vector{6, 7, 8, 9, 10, 11, 12}}
	got, err := bind.Call(e.payment, nil, paymentABI.PackHashState(terms.Binding(), b.Binding()), paymentABI.UnpackHashState)
	if err != nil {
		t.Fatal(err)
	}
	if want := payment.StateHash(terms, b); got != want {
		t.Fatalf("state hash: contract %x, Go %x", got, want)
	}
	ph, err := bind.Call(e.payment, nil, paymentABI.PackPricesHash(terms.Binding().Prices), paymentABI.UnpackPricesHash)
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

func TestClaimSmoke(t *testing.T) {
	e := newEnvRules(t, 2, rulesOsaka)
	pub, prov := e.accts[0], e.accts[1]
	tk := e.newTestToken(18)
	e.fund(tk, pub, ether(100))
	enc, _ := payment.GenerateDevSigner()
	ch := e.openChannel(pub, prov, tk, e.defaultTerms(enc), 3600, ether(1))
	e.advance(10 * time.Second)
	r := ch.next(e.now(), usage.Vector{10, 10, 10, 10, 10, 10, 10})
	rc := e.mustSend(prov, e.payment, e.claimData(ch, r, e.sign(enc, r)))
	t.Logf("first claim gas %d", rc.GasUsed)
	ch.last = r.Baseline()
	e.advance(10 * time.Second)
	r = ch.next(e.now(), usage.Vector{10, 10, 10, 10, 10, 10, 10})
	rc = e.mustSend(prov, e.payment, e.claimData(ch, r, e.sign(enc, r)))
	t.Logf("steady claim gas %d", rc.GasUsed)
	c := e.channel(ch.id)
	if c.Earned.Int64() != 2*10*(1+2+3+4+5+6+7) {
		t.Fatalf("earned %v", c.Earned)
	}
}
