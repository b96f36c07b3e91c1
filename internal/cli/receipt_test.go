package cli

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/payment"
)

func signedReceiptJSON(t testing.TB) []byte {
	k, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	s := payment.NewDevSigner(k)
	r := payment.Receipt{Seq: 1, Time: 2}
	r.ChannelID[0] = 1
	d := payment.Domain{ChainID: big.NewInt(1337), Contract: common.HexToAddress("0x01")}
	sig, err := payment.SignReceipt(s, d, r)
	if err != nil {
		t.Fatal(err)
	}
	rf := receiptFile{ChainID: 1337, Payment: d.Contract, ChannelID: r.ChannelID[:], Seq: 1, Time: 2, Signer: s.Address(), Signature: sig}
	var b strings.Builder
	if err := writeJSON(&b, rf); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

func TestParseReceiptFile(t *testing.T) {
	good := signedReceiptJSON(t)
	if _, r, err := parseReceiptFile(good); err != nil || r.Seq != 1 {
		t.Fatalf("good receipt: %v", err)
	}
	for name, data := range map[string]string{
		"other seq":     strings.Replace(string(good), `"seq": 1`, `"seq": 2`, 1),
		"short channel": strings.Replace(string(good), `"channelId": "0x01`, `"channelId": "0x`, 1),
		"unknown field": strings.Replace(string(good), `{`, `{"x":1,`, 1),
		"not json":      "nope",
		"huge":          strings.Repeat(" ", maxReceiptFile+1),
	} {
		if _, _, err := parseReceiptFile([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseReceiptFile: receipt files come from other parties.
func FuzzParseReceiptFile(f *testing.F) {
	f.Add(signedReceiptJSON(f))
	f.Add([]byte(`{"chainId":1,"channelId":"0x00","signature":"0x00","usage":[1,2,3,4,5,6,7,8]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parseReceiptFile(data)
	})
}
