package p2p

import (
	"encoding/hex"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"google.golang.org/protobuf/proto"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
)

// TestDocExample recomputes the worked example of docs/protocol.md
// ("Authorization"), so the document stays true.
func TestDocExample(t *testing.T) {
	var channel, podID [32]byte
	for i := range 32 {
		channel[i], podID[i] = 0xcc, 0x42
	}
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(&p2ppb.ManageRequest{ChannelId: channel[:], PodId: podID[:], Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}})
	if err != nil {
		t.Fatal(err)
	}
	a := Authorization{
		Provider: "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp", PodID: podID, Op: OpStatus,
		PayloadHash: crypto.Keccak256Hash(body), Expiry: 1800000060, Nonce: [32]byte{0x01},
	}
	d := Domain{ChainID: 1337, PaymentContract: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")}
	sep, sh, dg := d.Separator(), a.StructHash(), a.Digest(d)
	sig, err := fuzzKey.SignDigest(dg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"publisher":   fuzzKey.Address().Hex(),
		"body":        hex.EncodeToString(body),
		"payloadHash": hex.EncodeToString(a.PayloadHash[:]),
		"typeHash":    hex.EncodeToString(requestTypeHash[:]),
		"separator":   hex.EncodeToString(sep[:]),
		"structHash":  hex.EncodeToString(sh[:]),
		"digest":      hex.EncodeToString(dg[:]),
		"signature":   hex.EncodeToString(sig),
	}
	want := map[string]string{
		"publisher":   "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A",
		"body":        "0a20cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc122042424242424242424242424242424242424242424242424242424242424242421a00",
		"payloadHash": "852b3d58bdd15584e02e84a7cde517987a6eb83e833ed9b7b03430763d68b30a",
		"typeHash":    "117033a4622d08e04a6c084fb685baab6179c15e98dd11bbc6234ebefdf854c1",
		"separator":   "8ff8609e8204a9737806a912ffc33a3758ada7bfce1cc52eeac61768eb11aae1",
		"structHash":  "df3f1fa6af073317930f5bee64363a058f800bb1ce71e75fae7d59ee33ec0a80",
		"digest":      "4d0f50af810d3b9c7f57dd917a8b016332934c0d17e870f8c110f10683fa2b57",
		"signature":   "2bcb9f3a5c319a1795af16cfc28ff99eea2d3a2bbb1991a91771e63c803e74780a5409804d7f7cb7ebae4d9d570e7617cbeda0a3a3715ffbf79e0089a70865d71b",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %s, docs/protocol.md says %s", k, got[k], v)
		}
	}
}
