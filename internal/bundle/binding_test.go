package bundle_test

import (
	"bytes"
	"crypto/ecdh"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
	"github.com/trustedpods/tpod/internal/payment"
)

var (
	testPayment  = common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	testProvider = common.HexToAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
)

// publisherKey is the fixed key of the docs' example: 32 bytes of 0x11.
func publisherKey(t testing.TB) *payment.DevSigner {
	k, err := crypto.ToECDSA(bytes.Repeat([]byte{0x11}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return payment.NewDevSigner(k)
}

// boundBundle builds the test pod bound to a channel of pub with the test
// provider, encrypted to enc.
func boundBundle(t *testing.T, pub payment.Signer, enc *ecdh.PrivateKey, podID byte) ([]byte, *bundle.Binding) {
	t.Helper()
	pod, err := manifest.Load([]byte(podYAML), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle.Binding{ChainID: 1337, Payment: testPayment, Publisher: pub.Address(), Provider: testProvider, PodID: common.Hash{podID}}
	var buf bytes.Buffer
	res, err := bundle.Build(&buf, pod, bundle.BuildOptions{
		Recipients: []*ecdh.PublicKey{enc.PublicKey()},
		Images:     map[string]v1.Image{"hello:latest": ocitest.ServerImage(t)},
		Secrets:    map[string][]byte{"db-password": []byte("pw"), "api-token": []byte("tok")},
		Binding:    b, Signer: pub,
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), res.Header.Core.Binding
}

func TestBindingChecks(t *testing.T) {
	pub := publisherKey(t)
	enc, _ := bundle.GenerateIdentity()
	data, b := boundBundle(t, pub, enc, 0x42)
	if b.ChannelID != common.Hash(payment.ChannelID(pub.Address(), testProvider, [32]byte{0x42})) || b.IssuedAt == 0 {
		t.Fatalf("binding %+v", b)
	}
	h, err := bundle.ReadHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ch := [32]byte(b.ChannelID)
	if err := h.CheckBinding(1337, testPayment, ch, pub.Address()); err != nil {
		t.Fatalf("the right order: %v", err)
	}
	other := common.HexToAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
	for name, err := range map[string]error{
		"chain":     h.CheckBinding(1, testPayment, ch, pub.Address()),
		"payment":   h.CheckBinding(1337, other, ch, pub.Address()),
		"channel":   h.CheckBinding(1337, testPayment, [32]byte{1}, pub.Address()),
		"publisher": h.CheckBinding(1337, testPayment, ch, other),
	} {
		if !errors.Is(err, bundle.ErrBinding) || errors.Is(err, bundle.ErrBindingSignature) {
			t.Errorf("another %s: %v", name, err)
		}
	}

	// Opening with the check refuses before the key is unwrapped; the
	// right order opens.
	check := func(ch [32]byte) bundle.OpenOptions {
		return bundle.OpenOptions{Check: func(h *bundle.Header) error { return h.CheckBinding(1337, testPayment, ch, pub.Address()) }}
	}
	if _, err := bundle.NewReader(bytes.NewReader(data), enc, check([32]byte{1})); !errors.Is(err, bundle.ErrBinding) {
		t.Fatalf("open under another channel: %v", err)
	}
	if _, err := bundle.Extract(bytes.NewReader(data), enc, t.TempDir(), check(ch)); err != nil {
		t.Fatalf("open under its channel: %v", err)
	}

	// A signature by someone else over the same header: refused, and the
	// header MAC catches the swap too.
	mallory, _ := payment.GenerateDevSigner()
	forged := bytes.Clone(data)
	sig, _ := mallory.SignDigest(b.Digest(h.HeaderHash))
	sigAt := len(h.Raw) - 65
	copy(forged[sigAt:], sig)
	fh, err := bundle.ReadHeader(bytes.NewReader(forged))
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.CheckBinding(1337, testPayment, ch, pub.Address()); !errors.Is(err, bundle.ErrBindingSignature) || !strings.Contains(err.Error(), mallory.Address().Hex()) {
		t.Fatalf("signature by another key: %v", err)
	}
	if _, err := bundle.NewReader(bytes.NewReader(forged), enc, bundle.OpenOptions{}); !errors.Is(err, bundle.ErrTampered) {
		t.Fatalf("open with a swapped signature: %v", err)
	}

	// A binding field edited in place (issuedAt, same length): the
	// signature no longer verifies, and the data key would not unwrap.
	issued := fmt.Sprintf(`"issuedAt":%d`, b.IssuedAt)
	i := bytes.Index(data, []byte(issued))
	if i < 0 {
		t.Fatal("issuedAt not found in the header")
	}
	edited := bytes.Clone(data)
	edited[i+len(issued)-1] ^= 0x01 // another digit
	eh, err := bundle.ReadHeader(bytes.NewReader(edited))
	if err != nil {
		t.Fatal(err)
	}
	if err := eh.CheckBinding(1337, testPayment, ch, pub.Address()); !errors.Is(err, bundle.ErrBindingSignature) {
		t.Fatalf("edited binding: %v", err)
	}
	if _, err := bundle.NewReader(bytes.NewReader(edited), enc, bundle.OpenOptions{}); !errors.Is(err, bundle.ErrTampered) {
		t.Fatalf("open with an edited binding: %v", err)
	}
	// Another channel written into the binding: inconsistent with the
	// publisher, provider and pod it names, so not even a valid header.
	rebound := bytes.Replace(data, []byte(b.ChannelID.Hex()[2:]), []byte(strings.Repeat("ab", 32)), 1)
	if _, err := bundle.ReadHeader(bytes.NewReader(rebound)); !errors.Is(err, bundle.ErrFormat) {
		t.Fatalf("a channel that is not the binding's: %v", err)
	}

	// An unbound bundle opens, but is bound to nothing.
	f := newFixture(t, bundle.MinChunkSize)
	uh, _ := bundle.ReadHeader(bytes.NewReader(f.data))
	if uh.Core.Binding != nil || uh.Signature != [65]byte{} {
		t.Fatalf("unbound header %+v", uh.Core.Binding)
	}
	if err := uh.CheckBinding(1337, testPayment, ch, pub.Address()); !errors.Is(err, bundle.ErrUnbound) {
		t.Fatalf("unbound bundle: %v", err)
	}
	// A signature on an unbound bundle (or a binding without one) is not a
	// valid header.
	sigAt = int(uh.Size()) - 32 - 65
	odd := bytes.Clone(f.data)
	odd[sigAt] = 1
	if _, err := bundle.ReadHeader(bytes.NewReader(odd)); !errors.Is(err, bundle.ErrFormat) {
		t.Fatalf("signature without a binding: %v", err)
	}
}

func TestBindingBuildChecks(t *testing.T) {
	pod, err := manifest.Load([]byte(podYAML), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pub := publisherKey(t)
	mallory, _ := payment.GenerateDevSigner()
	k, _ := bundle.GenerateIdentity()
	opts := func(b bundle.Binding, s payment.Signer) bundle.BuildOptions {
		return bundle.BuildOptions{
			Recipients: []*ecdh.PublicKey{k.PublicKey()},
			Images:     map[string]v1.Image{"hello:latest": ocitest.ServerImage(t)},
			Secrets:    map[string][]byte{"db-password": []byte("a"), "api-token": []byte("b")},
			Binding:    &b, Signer: s,
		}
	}
	good := bundle.Binding{ChainID: 1337, Payment: testPayment, Publisher: pub.Address(), Provider: testProvider, PodID: common.Hash{7}}
	for name, o := range map[string]bundle.BuildOptions{
		"no signer":          opts(good, nil),
		"another signer":     opts(good, mallory),
		"another channel":    opts(func() bundle.Binding { b := good; b.ChannelID = common.Hash{9}; return b }(), pub),
		"no chain":           opts(func() bundle.Binding { b := good; b.ChainID = 0; return b }(), pub),
		"no payment address": opts(func() bundle.Binding { b := good; b.Payment = common.Address{}; return b }(), pub),
	} {
		if _, err := bundle.Build(io.Discard, pod, o); err == nil {
			t.Errorf("%s: built", name)
		}
	}
	if _, err := bundle.Build(io.Discard, pod, opts(good, pub)); err != nil {
		t.Fatal(err)
	}
}

func TestFormat1Refused(t *testing.T) {
	v1 := append([]byte(bundle.Magic), 0, 1, 0, 0, 0, 2, '{', '}')
	_, err := bundle.ReadHeader(bytes.NewReader(v1))
	if !errors.Is(err, bundle.ErrFormat) || !errors.Is(err, bundle.ErrUnbound) {
		t.Fatalf("format 1: %v", err)
	}
	if want := "bundle format 1 is not bound to a channel; rebuild it with this tpod"; err.Error() != want {
		t.Fatalf("format 1: %q, want %q", err, want)
	}
}

// TestBindingDocExample recomputes the worked example of docs/bundle.md
// ("Binding") and checks the hashing against go-ethereum's generic EIP-712
// implementation.
func TestBindingDocExample(t *testing.T) {
	pub := publisherKey(t)
	b := bundle.Binding{
		ChainID: 1337, Payment: testPayment, Publisher: pub.Address(), Provider: testProvider,
		PodID: common.BytesToHash(bytes.Repeat([]byte{0x42}, 32)), IssuedAt: 1800000000,
	}
	b.ChannelID = payment.ChannelID(b.Publisher, b.Provider, b.PodID)
	var headerHash [32]byte
	for i := range headerHash {
		headerHash[i] = 0xab
	}
	sep := b.Domain().Separator()
	sh, dg := b.StructHash(headerHash), b.Digest(headerHash)
	sig, err := pub.SignDigest(dg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"publisher":  pub.Address().Hex(),
		"channelId":  hex.EncodeToString(b.ChannelID[:]),
		"typeHash":   hex.EncodeToString(crypto.Keccak256([]byte(bundle.BindingType))),
		"separator":  hex.EncodeToString(sep[:]),
		"structHash": hex.EncodeToString(sh[:]),
		"digest":     hex.EncodeToString(dg[:]),
		"signature":  hex.EncodeToString(sig),
	}
	want := map[string]string{
		"publisher":  "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A",
		"channelId":  "13dbe0ca60ff4312528bc98b18a76c8f2efc35cbf8117d2931567aa5046befc2",
		"typeHash":   "d4e3694583825b4994e3eb5fe1720e1dbd16c96da712978bf3cb18c2bfb63e03",
		"separator":  "8ff8609e8204a9737806a912ffc33a3758ada7bfce1cc52eeac61768eb11aae1",
		"structHash": "f15b1795bfe704d13bcf2e3fbfa0389c206ae663477e1dc78f6e4c1f969e8fb4",
		"digest":     "85befe4e373df7f8d6a56a01df797f8771c344a8517cce9a28b6c08a54b3016e",
		"signature":  "ab7a6194a04fec4225f256e9c3e289bb694b5d82c63d393ba8ec8dde384276ce78001c0080b074ff1d0afd7a76425ce6c2f2c55e4f7559f8a0e392d27e2045861b",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %s, docs/bundle.md says %s", k, got[k], v)
		}
	}

	td := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
			"Bundle": {{Name: "channelId", Type: "bytes32"}, {Name: "publisher", Type: "address"}, {Name: "provider", Type: "address"},
				{Name: "podId", Type: "bytes32"}, {Name: "issuedAt", Type: "uint64"}, {Name: "headerHash", Type: "bytes32"}},
		},
		PrimaryType: "Bundle",
		Domain: apitypes.TypedDataDomain{Name: payment.DomainName, Version: payment.DomainVersion,
			ChainId: math.NewHexOrDecimal256(int64(b.ChainID)), VerifyingContract: b.Payment.Hex()},
		Message: apitypes.TypedDataMessage{
			"channelId": b.ChannelID.Hex(), "publisher": b.Publisher.Hex(), "provider": b.Provider.Hex(),
			"podId": b.PodID.Hex(), "issuedAt": fmt.Sprint(b.IssuedAt), "headerHash": common.Hash(headerHash).Hex(),
		},
	}
	ref, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dg[:], ref) {
		t.Fatalf("digest %x, go-ethereum %x", dg, ref)
	}
	if enc := string(td.EncodeType("Bundle")); enc != bundle.BindingType {
		t.Fatalf("type %q, go-ethereum %q", bundle.BindingType, enc)
	}
}
