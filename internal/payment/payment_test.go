package payment

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/usage"
)

var testDomain = Domain{ChainID: big.NewInt(1337), Contract: common.HexToAddress("0x00000000000000000000000000000000000000aa")}

func testReceipt() Receipt {
	return Receipt{ChannelID: [32]byte{1, 2, 3}, Seq: 7, Time: 1_700_000_000, Usage: usage.Vector{1, 2, 3, 4, 5, 6, 7}}
}

func TestSignRecover(t *testing.T) {
	s, err := GenerateDevSigner()
	if err != nil {
		t.Fatal(err)
	}
	r := testReceipt()
	sig, err := SignReceipt(s, testDomain, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("signature %x", sig)
	}
	got, err := RecoverReceiptSigner(testDomain, r, sig)
	if err != nil || got != s.Address() {
		t.Fatalf("recovered %s, %v; want %s", got, err, s.Address())
	}
	// Any change to the receipt or the domain changes the signer.
	other := r
	other.Usage[6]++
	otherChain := Domain{ChainID: big.NewInt(1), Contract: testDomain.Contract}
	otherContract := Domain{ChainID: testDomain.ChainID, Contract: common.Address{1}}
	for name, rec := range map[string]func() (common.Address, error){
		"usage":    func() (common.Address, error) { return RecoverReceiptSigner(testDomain, other, sig) },
		"chain":    func() (common.Address, error) { return RecoverReceiptSigner(otherChain, r, sig) },
		"contract": func() (common.Address, error) { return RecoverReceiptSigner(otherContract, r, sig) },
	} {
		if a, err := rec(); err == nil && a == s.Address() {
			t.Errorf("%s changed but the signer still recovers", name)
		}
	}
	// Compact form round trip.
	cr, vs, err := CompactSignature(sig)
	if err != nil {
		t.Fatal(err)
	}
	if cr != [32]byte(sig[:32]) || (vs[0]>>7 == 1) != (sig[64] == 28) {
		t.Fatal("compact signature")
	}
}

func TestRecoverRejectsMalformed(t *testing.T) {
	s, _ := GenerateDevSigner()
	r := testReceipt()
	sig, _ := SignReceipt(s, testDomain, r)
	highS := append([]byte(nil), sig...)
	n := crypto.S256().Params().N
	copy(highS[32:64], common.LeftPadBytes(new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64])).Bytes(), 32))
	highS[64] ^= 1 // 27 ↔ 28
	v01 := append([]byte(nil), sig...)
	v01[64] -= 27
	for name, bad := range map[string][]byte{"short": sig[:64], "long": append(append([]byte(nil), sig...), 0), "v 0/1": v01, "high s": highS, "empty": nil} {
		if _, err := RecoverReceiptSigner(testDomain, r, bad); !errors.Is(err, ErrInvalidSignature) {
			t.Errorf("%s: err %v, want ErrInvalidSignature", name, err)
		}
		if _, _, err := CompactSignature(bad); err == nil && name != "v 0/1" {
			t.Errorf("%s: CompactSignature accepted it", name)
		}
	}
}

func TestSettle(t *testing.T) {
	terms := Terms{MaxPerSecond: big.NewInt(100), Prices: [usage.Len]*big.Int{big.NewInt(1), big.NewInt(2), nil, big.NewInt(0), big.NewInt(1), big.NewInt(1), big.NewInt(10)}}
	last := Baseline{Seq: 3, Time: 1000, Usage: usage.Vector{10, 10, 10, 10, 10, 10, 10}}
	at := func(seq, tm uint64, add usage.Vector) Receipt {
		r := Receipt{Seq: seq, Time: tm}
		for i := range add {
			r.Usage[i] = last.Usage[i] + add[i]
		}
		return r
	}
	cases := []struct {
		name      string
		r         Receipt
		balance   *big.Int
		cost, pay int64
		err       error
	}{
		{"usage priced", at(4, 1010, usage.Vector{5, 5, 5, 5, 5, 5, 1}), big.NewInt(1_000_000), 5 + 10 + 5 + 5 + 10, 35, nil},
		{"capped per second", at(4, 1001, usage.Vector{1000}), big.NewInt(1_000_000), 1000, 100, nil},
		{"capped by balance", at(5, 1010, usage.Vector{500}), big.NewInt(42), 500, 42, nil},
		{"nothing used", at(4, 1010, usage.Vector{}), big.NewInt(1), 0, 0, nil},
		{"replay", at(3, 1010, usage.Vector{}), nil, 0, 0, ErrSeqNotIncreasing},
		{"same time", at(4, 1000, usage.Vector{}), nil, 0, 0, ErrTimeNotIncreasing},
		{"decrease", Receipt{Seq: 4, Time: 1010, Usage: usage.Vector{9, 10, 10, 10, 10, 10, 10}}, nil, 0, 0, ErrUsageDecreased},
	}
	for _, tc := range cases {
		s, err := Settle(terms, last, tc.r, tc.balance)
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.err)
			continue
		}
		if err == nil && (s.Cost.Int64() != tc.cost || s.Paid.Int64() != tc.pay) {
			t.Errorf("%s: cost %v paid %v, want %d %d", tc.name, s.Cost, s.Paid, tc.cost, tc.pay)
		}
	}
}

// FuzzRecoverReceiptSigner feeds arbitrary signature bytes (untrusted input
// from the network) to the recovery; it must never panic and must only
// accept 65-byte low-s signatures with v 27/28.
func FuzzRecoverReceiptSigner(f *testing.F) {
	s, _ := GenerateDevSigner()
	sig, _ := SignReceipt(s, testDomain, testReceipt())
	f.Add(sig)
	f.Add([]byte{})
	f.Add(make([]byte, 65))
	f.Fuzz(func(t *testing.T, b []byte) {
		addr, err := RecoverReceiptSigner(testDomain, testReceipt(), b)
		if err == nil {
			if len(b) != 65 || (b[64] != 27 && b[64] != 28) || addr == (common.Address{}) {
				t.Fatalf("accepted %x", b)
			}
		}
		CompactSignature(b)
	})
}

func TestVerify(t *testing.T) {
	s, _ := GenerateDevSigner()
	other, _ := GenerateDevSigner()
	terms := Terms{EnclaveSigner: s.Address(), MaxPerSecond: big.NewInt(1000), Prices: [usage.Len]*big.Int{big.NewInt(1)}}
	last := Baseline{Seq: 6, Time: 1_699_999_990}
	r := testReceipt()
	sig, _ := SignReceipt(s, testDomain, r)
	bad, _ := SignReceipt(other, testDomain, r)
	if st, err := Verify(testDomain, terms, last, r, sig, r.Time, big.NewInt(100)); err != nil || st.Paid.Int64() != 1 {
		t.Fatalf("valid receipt: %+v %v", st, err)
	}
	if _, err := Verify(testDomain, terms, last, r, sig, r.Time-1, nil); !errors.Is(err, ErrReceiptFromFuture) {
		t.Fatalf("future: %v", err)
	}
	if _, err := Verify(testDomain, terms, last, r, bad, r.Time, nil); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("forged: %v", err)
	}
	if _, err := Verify(testDomain, terms, r.Baseline(), r, sig, r.Time, nil); !errors.Is(err, ErrSeqNotIncreasing) {
		t.Fatalf("replay: %v", err)
	}
}
