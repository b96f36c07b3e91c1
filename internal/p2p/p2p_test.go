package p2p

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
	"github.com/google/go-cmp/cmp"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
)

// TestDigestMatchesGoEthereum cross-checks our EIP-712 hashing against
// go-ethereum's generic implementation.
func TestDigestMatchesGoEthereum(t *testing.T) {
	a := Authorization{
		Provider:    "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp",
		PodID:       pid(0x42),
		Op:          OpProvision,
		PayloadHash: crypto.Keccak256Hash([]byte("body")),
		Expiry:      1764000000,
		Nonce:       [32]byte{1, 2, 3},
	}
	d := Domain{ChainID: 31337, PaymentContract: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")}
	td := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
			"Request": {{Name: "provider", Type: "string"}, {Name: "podId", Type: "bytes32"}, {Name: "op", Type: "string"},
				{Name: "payloadHash", Type: "bytes32"}, {Name: "expiry", Type: "uint64"}, {Name: "nonce", Type: "bytes32"}},
		},
		PrimaryType: "Request",
		Domain: apitypes.TypedDataDomain{Name: DomainName, Version: DomainVersion,
			ChainId: math.NewHexOrDecimal256(int64(d.ChainID)), VerifyingContract: d.PaymentContract.Hex()},
		Message: apitypes.TypedDataMessage{
			"provider": a.Provider, "podId": common.Hash(a.PodID).Hex(), "op": a.Op,
			"payloadHash": common.Hash(a.PayloadHash).Hex(), "expiry": fmt.Sprint(a.Expiry), "nonce": common.Hash(a.Nonce).Hex(),
		},
	}
	want, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Digest(d); !bytes.Equal(got[:], want) {
		t.Fatalf("digest %x, go-ethereum %x", got, want)
	}
	if enc := string(td.EncodeType("Request")); enc != RequestType {
		t.Fatalf("type %q, go-ethereum %q", RequestType, enc)
	}
	if !bytes.Equal(requestTypeHash[:], td.TypeHash("Request")) {
		t.Fatalf("type hash %x, go-ethereum %x", requestTypeHash, td.TypeHash("Request"))
	}
	// Sign and recover.
	s := NewKeySigner(newKey(t))
	sig, err := s.SignDigest(a.Digest(d))
	if err != nil {
		t.Fatal(err)
	}
	if sig[64] != 27 && sig[64] != 28 {
		t.Fatalf("v = %d", sig[64])
	}
	if got, err := RecoverSigner(a.Digest(d), sig); err != nil || got != s.Address() {
		t.Fatalf("recovered %s, %v; want %s", got, err, s.Address())
	}
	// A high-s twin of a valid signature is refused.
	n := crypto.S256().Params().N
	hs := new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64]))
	twin := append(append(append([]byte{}, sig[:32]...), common.LeftPadBytes(hs.Bytes(), 32)...), sig[64]^1)
	if _, err := RecoverSigner(a.Digest(d), twin); err == nil {
		t.Fatal("high-s signature accepted")
	}
}

func TestAttestAndQuote(t *testing.T) {
	e := newEnv(t, Limits{})
	ctx := context.Background()
	nonce := make([]byte, 32)
	rand.Read(nonce)
	ev, err := e.client.Attest(ctx, e.srvHost.ID(), nonce)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != "simulated" || ev.Signer != e.prov.enclave || !bytes.Equal(ev.Data, reportData(e.prov.enclave, e.prov.encKey, nonce)) {
		t.Fatalf("evidence %+v", ev)
	}
	if _, err := e.client.Attest(ctx, e.srvHost.ID(), nonce[:8]); !errors.Is(err, ErrInvalid) {
		t.Fatalf("short nonce: %v", err)
	}

	q, err := e.client.Quote(ctx, e.srvHost.ID(), QuoteRequest{Resources: Resources{CPUMilli: 500, MemoryMiB: 256, StorageMiB: 1024}})
	if err != nil {
		t.Fatal(err)
	}
	want := &Quote{
		Tables: []PriceQuote{{
			Token: common.HexToAddress("0xc0"), Prices: e.prov.prices, MinDisputePeriod: 24 * time.Hour,
			ReservedPerSecond: big.NewInt(500*1 + 256*2 + 1024*3), MinDeposit: big.NewInt((500*1 + 256*2 + 1024*3) * 3600),
		}},
		Fits: true, Available: e.prov.capacity, MinRunway: time.Hour, EnclaveSigner: e.prov.enclave,
		PaymentContract: e.prov.domain.PaymentContract, ChainID: 1337, ValidUntil: time.Unix(2000000000, 0),
	}
	if d := cmp.Diff(want, q, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); d != "" {
		t.Fatalf("quote (-want +got):\n%s", d)
	}
	q, err = e.client.Quote(ctx, e.srvHost.ID(), QuoteRequest{Resources: Resources{CPUMilli: 1 << 40}, Token: common.HexToAddress("0xc1")})
	if err != nil {
		t.Fatal(err)
	}
	if q.Fits || q.CapacityReason == "" || len(q.Tables) != 0 {
		t.Fatalf("oversized quote: %+v", q)
	}
}

func TestPodLifecycle(t *testing.T) {
	e := newEnv(t, Limits{})
	ctx := context.Background()
	srv := e.srvHost.ID()
	pod := e.prov.openChannel(e.publisher.Address(), pid(1), 1000)
	const cid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"

	st, err := e.client.Provision(ctx, srv, e.publisher, pod, cid)
	if err != nil {
		t.Fatal(err)
	}
	if st.PodID != pod.PodID || st.State != PodRunning || st.BundleCID != cid || len(st.Endpoints) != 1 || st.Endpoints[0].Protocol != "http" {
		t.Fatalf("provision status %+v", st)
	}
	if !st.UpdatedAt.Equal(time.Unix(1700000000, 5)) {
		t.Fatalf("updated at %v", st.UpdatedAt)
	}
	if _, err := e.client.Provision(ctx, srv, e.publisher, pod, cid); !errors.Is(err, ErrConflict) {
		t.Fatalf("second provision: %v", err)
	}
	poor := e.prov.openChannel(e.publisher.Address(), pid(2), 0)
	if _, err := e.client.Provision(ctx, srv, e.publisher, poor, cid); !errors.Is(err, ErrInsufficientFunds) {
		t.Fatalf("provision without funds: %v", err)
	}

	if st, err = e.client.Status(ctx, srv, e.publisher, pod); err != nil || st.State != PodRunning {
		t.Fatalf("status %+v, %v", st, err)
	}
	const cid2 = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
	if st, err = e.client.Update(ctx, srv, e.publisher, pod, cid2); err != nil || st.BundleCID != cid2 {
		t.Fatalf("update %+v, %v", st, err)
	}
	if st, err = e.client.Restart(ctx, srv, e.publisher, pod, "web"); err != nil || st.Containers[0].Restarts != 1 {
		t.Fatalf("restart %+v, %v", st, err)
	}

	// Logs, with a line longer than MaxLogLine split in two entries.
	long := bytes.Repeat([]byte("x"), MaxLogLine+10)
	e.prov.logLines = []LogEntry{
		{Container: "web", Stream: "stdout", Time: time.Unix(1, 0), Line: []byte("hello")},
		{Container: "db", Stream: "stderr", Time: time.Unix(2, 0), Line: []byte("other")},
		{Container: "web", Stream: "stderr", Time: time.Unix(3, 0), Line: long},
	}
	var got []LogEntry
	err = e.client.Logs(ctx, srv, e.publisher, pod, LogOptions{Container: "web"}, func(l LogEntry) error {
		got = append(got, l)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got[0].Line) != "hello" || !bytes.Equal(append(got[1].Line, got[2].Line...), long) || got[2].Stream != "stderr" {
		t.Fatalf("logs: %d entries", len(got))
	}

	// Following logs ends when the caller cancels.
	fctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- e.client.Logs(fctx, srv, e.publisher, pod, LogOptions{Follow: true}, func(LogEntry) error { return nil })
	}()
	<-e.prov.followed
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("follow: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("following logs did not stop")
	}

	if st, err = e.client.Delete(ctx, srv, e.publisher, pod); err != nil || st.State != PodDeleted {
		t.Fatalf("delete %+v, %v", st, err)
	}
	if _, err := e.client.Status(ctx, srv, e.publisher, pod); !errors.Is(err, ErrNotFound) {
		t.Fatalf("status after delete: %v", err)
	}
	if err := e.client.Logs(ctx, srv, e.publisher, pod, LogOptions{}, func(LogEntry) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("logs after delete: %v", err)
	}
	// The server's follow handler must have returned: nothing in flight.
	waitFor(t, func() bool {
		e.server.mu.Lock()
		defer e.server.mu.Unlock()
		return e.server.total == 0
	})
}

// signedStatus builds a status request for pod, letting mutate change the
// authorization before it is signed by key.
func signedStatus(e *env, key *KeySigner, pod Pod, mutate func(*Authorization, *Domain)) *p2ppb.SignedRequest {
	body, _ := protoMarshal(&p2ppb.ManageRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}})
	a := Authorization{Provider: e.srvHost.ID().String(), PodID: pod.PodID, Op: OpStatus,
		PayloadHash: crypto.Keccak256Hash(body), Expiry: uint64(time.Now().Add(time.Minute).Unix())}
	rand.Read(a.Nonce[:])
	d := e.prov.domain
	if mutate != nil {
		mutate(&a, &d)
	}
	sig, _ := key.SignDigest(a.Digest(d))
	return &p2ppb.SignedRequest{Body: body, Auth: &p2ppb.Auth{Provider: a.Provider, PodId: a.PodID[:], Op: a.Op,
		PayloadHash: a.PayloadHash[:], Expiry: a.Expiry, Nonce: a.Nonce[:], Signature: sig}}
}

func TestAuthRefused(t *testing.T) {
	e := newEnv(t, Limits{})
	pod := e.prov.openChannel(e.publisher.Address(), pid(1), 1000)
	if _, err := e.client.Provision(context.Background(), e.srvHost.ID(), e.publisher, pod, "bafkqaaa"); err != nil {
		t.Fatal(err)
	}
	other := NewKeySigner(newKey(t))
	otherPod := e.prov.openChannel(other.Address(), pid(9), 1000)
	replayed := signedStatus(e, e.publisher, pod, nil)

	tests := []struct {
		name string
		req  func() *p2ppb.SignedRequest
		want error
	}{
		{"valid", func() *p2ppb.SignedRequest { return replayed }, nil},
		{"replayed", func() *p2ppb.SignedRequest { return replayed }, ErrReplayed},
		{"expired", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, pod, func(a *Authorization, _ *Domain) { a.Expiry = uint64(time.Now().Add(-2 * time.Second).Unix()) })
		}, ErrExpired},
		{"expiry too far", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, pod, func(a *Authorization, _ *Domain) { a.Expiry = uint64(time.Now().Add(time.Hour).Unix()) })
		}, ErrInvalid},
		{"foreign provider", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, pod, func(a *Authorization, _ *Domain) { a.Provider = e.cliHost.ID().String() })
		}, ErrWrongProvider},
		{"wrong signer", func() *p2ppb.SignedRequest { return signedStatus(e, other, pod, nil) }, ErrUnauthorized},
		{"signer of another channel", func() *p2ppb.SignedRequest {
			r := signedStatus(e, other, otherPod, nil)
			return r
		}, ErrNotFound}, // the other channel has no pod here, but auth passed first
		{"wrong domain", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, pod, func(_ *Authorization, d *Domain) { d.ChainID++ })
		}, ErrUnauthorized},
		{"wrong payload", func() *p2ppb.SignedRequest {
			r := signedStatus(e, e.publisher, pod, nil)
			other := pid(7)
			r.Body, _ = protoMarshal(&p2ppb.ManageRequest{ChannelId: other[:], PodId: pod.PodID[:], Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}})
			return r
		}, ErrPayloadMismatch},
		{"payload hash signed differs", func() *p2ppb.SignedRequest {
			r := signedStatus(e, e.publisher, pod, func(a *Authorization, _ *Domain) { a.PayloadHash[0] ^= 1 })
			r.Auth.PayloadHash = crypto.Keccak256(r.Body)
			return r
		}, ErrUnauthorized},
		{"wrong op", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, pod, func(a *Authorization, _ *Domain) { a.Op = OpDelete })
		}, ErrUnauthorized},
		{"wrong pod", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, pod, func(a *Authorization, _ *Domain) { a.PodID = pid(3) })
		}, ErrUnauthorized},
		{"unknown channel", func() *p2ppb.SignedRequest {
			return signedStatus(e, e.publisher, Pod{ChannelID: pid(8), PodID: pod.PodID}, nil)
		}, ErrNotFound},
		{"no auth", func() *p2ppb.SignedRequest {
			r := signedStatus(e, e.publisher, pod, nil)
			r.Auth = nil
			return r
		}, ErrUnauthorized},
		{"short signature", func() *p2ppb.SignedRequest {
			r := signedStatus(e, e.publisher, pod, nil)
			r.Auth.Signature = r.Auth.Signature[:64]
			return r
		}, ErrUnauthorized},
		{"garbage signature", func() *p2ppb.SignedRequest {
			r := signedStatus(e, e.publisher, pod, nil)
			r.Auth.Signature = bytes.Repeat([]byte{0xff}, 65)
			return r
		}, ErrUnauthorized},
		{"short nonce", func() *p2ppb.SignedRequest {
			r := signedStatus(e, e.publisher, pod, nil)
			r.Auth.Nonce = r.Auth.Nonce[:16]
			return r
		}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp p2ppb.ManageResponse
			err := e.client.roundTrip(context.Background(), e.srvHost.ID(), ManageID, 5*time.Second, tt.req(), &resp)
			if tt.want == nil {
				if err != nil || resp.GetStatus() == nil {
					t.Fatalf("err %v, status %v", err, resp.GetStatus())
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			t.Logf("refused: %v", err)
		})
	}
}

func TestClientWithoutDomainRefusesToSign(t *testing.T) {
	e := newEnv(t, Limits{})
	c := NewClient(e.cliHost)
	if _, err := c.Status(context.Background(), e.srvHost.ID(), e.publisher, Pod{}); err == nil || !strings.Contains(err.Error(), "domain") {
		t.Fatalf("got %v", err)
	}
}

func TestErrorMapping(t *testing.T) {
	pe, known := toWire(fmt.Errorf("pod 01: %w", ErrNotFound))
	if !known || pe.Code != p2ppb.ErrorCode_ERROR_CODE_NOT_FOUND || pe.Message != "pod 01: not found" {
		t.Fatalf("%v %v", pe, known)
	}
	pe, known = toWire(errors.New("secret path /var/lib/x"))
	if known || pe.Code != p2ppb.ErrorCode_ERROR_CODE_INTERNAL || strings.Contains(pe.Message, "secret") {
		t.Fatalf("%v %v", pe, known)
	}
	pe, _ = toWire(errorf(CodeInvalid, "%s", strings.Repeat("é", 2000)))
	if len(pe.Message) > MaxErrorMessage {
		t.Fatalf("message %d bytes", len(pe.Message))
	}
	if err := fromWire(&p2ppb.Error{Code: 999}); !errors.Is(err, ErrInternal) {
		t.Fatalf("unknown code: %v", err)
	}
}
