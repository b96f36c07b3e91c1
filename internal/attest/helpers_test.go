package attest

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/measure"
)

// testKeys are enclave keys made in a test.
type testKeys struct {
	addr common.Address
	x    []byte
	sign func([32]byte) ([]byte, error)
}

func newTestKeys(t testing.TB) testKeys {
	t.Helper()
	sk, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	xk, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKeys{
		addr: crypto.PubkeyToAddress(sk.PublicKey),
		x:    xk.PublicKey().Bytes(),
		sign: func(d [32]byte) ([]byte, error) {
			sig, err := crypto.Sign(d[:], sk)
			if err != nil {
				return nil, err
			}
			sig[64] += 27
			return sig, nil
		},
	}
}

// testLaunch are the launch inputs of a made-up image.
var testLaunch = &measure.KernelHashes{
	Kernel: sha256.Sum256([]byte("kernel")), Initrd: sha256.Sum256([]byte("initrd")), Cmdline: measure.CmdlineSHA256("console=ttyS0"),
}

var (
	testNonce    = bytes.Repeat([]byte{0x5a}, 32)
	testWorkload = bytes.Repeat([]byte{0x77}, 32)
	testNow      = time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)
)

// produce makes evidence through q at testNow.
func produce(t testing.TB, q Quoter, k testKeys, workload []byte) *Evidence {
	t.Helper()
	ev, err := Produce(context.Background(), q, Request{
		Signer: k.addr, X25519: k.x, Nonce: testNonce, Workload: workload, IssuedAt: testNow, Sign: k.sign,
	})
	if err != nil {
		t.Fatalf("Produce: %v", err)
	}
	// Round-trip through the wire format, as a verifier receives it.
	b, err := ev.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	back, err := ParseEvidence(b)
	if err != nil {
		t.Fatalf("ParseEvidence: %v", err)
	}
	return back
}

// mustPass verifies and fails the test on rejection.
func mustPass(t testing.TB, ev *Evidence, pol *Policy, opts VerifyOptions) *Result {
	t.Helper()
	res, err := Verify(context.Background(), ev, pol, opts)
	if err != nil {
		for _, c := range res.Checks {
			t.Logf("  %-12s ok=%v %s", c.Name, c.OK, c.Reason)
		}
		t.Fatalf("Verify rejected good evidence: %v", err)
	}
	if !res.OK || res.X25519 == nil || res.Signer != ev.Signer {
		t.Fatalf("result not OK or keys missing: %+v", res)
	}
	if !bytes.Equal(res.X25519.Bytes(), ev.X25519) {
		t.Fatal("verified X25519 key differs")
	}
	return res
}

// mustFail verifies, expects rejection, and expects the named check to fail
// with a reason containing want.
func mustFail(t testing.TB, ev *Evidence, pol *Policy, opts VerifyOptions, check, want string) *Result {
	t.Helper()
	res, err := Verify(context.Background(), ev, pol, opts)
	if err == nil {
		t.Fatalf("Verify accepted evidence that should fail %s", check)
	}
	if !errors.Is(err, ErrAttestation) {
		t.Fatalf("error %v is not ErrAttestation", err)
	}
	if res.OK || res.X25519 != nil || res.Signer != (common.Address{}) {
		t.Fatalf("rejected result carries keys: %+v", res)
	}
	c := res.Check(check)
	if c == nil {
		t.Fatalf("no %q check in result; checks: %+v", check, res.Checks)
	}
	if c.OK {
		t.Fatalf("check %q passed; want failure containing %q. Checks: %+v", check, want, res.Checks)
	}
	if !strings.Contains(c.Reason, want) {
		t.Fatalf("check %q failed with %q; want reason containing %q", check, c.Reason, want)
	}
	return res
}

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// jsonEditor returns a function that makes an edited copy of the JSON
// object b (serialized evidence), for tests of what parsers refuse.
func jsonEditor(t testing.TB, b []byte) func(func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return func(f func(map[string]any)) []byte {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		f(c)
		out, _ := json.Marshal(c)
		return out
	}
}
