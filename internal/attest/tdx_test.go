package attest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tdxabi "github.com/google/go-tdx-guest/abi"
	"github.com/google/go-tdx-guest/pcs"
	tpb "github.com/google/go-tdx-guest/proto/tdx"
	"google.golang.org/protobuf/proto"
)

// Real TDX quote v4 from go-tdx-guest's testdata (Sapphire Rapids E4). Its
// authors appended 39 bytes of text after the signed data
// ("\nextra bytes(only for testing purpose)\n"): realTDXQuoteSigned is the
// quote without them.
//
//go:embed testdata/tdx-spr-e4-quote.dat
var realTDXQuote []byte

// Real TDX quote v5 (TDX 1.5 body) from go-tdx-guest's testdata.
//
//go:embed testdata/tdx-quote-v5.dat
var realTDXQuoteV5 []byte

var realTDXQuoteSigned = func() []byte {
	q, err := tdxabi.QuoteToProto(realTDXQuote)
	if err != nil {
		panic(err)
	}
	return realTDXQuote[:len(realTDXQuote)-len(q.(*tpb.QuoteV4).GetExtraBytes())]
}()

// realTDXQuoteV4 parses the signed part of the v4 sample.
func realTDXQuoteV4(t testing.TB) *tpb.QuoteV4 {
	t.Helper()
	q, err := ParseTDXQuote(realTDXQuoteSigned)
	if err != nil {
		t.Fatal(err)
	}
	return q.Quote.(*tpb.QuoteV4)
}

// tdxPKI is a FAKE Intel PKI: root, PCK platform CA and PCK certificate
// with Intel's names, which only tests trust.
type tdxPKI struct {
	root, inter, pck *x509.Certificate
	pckKey           *ecdsa.PrivateKey
	pem              []byte
}

func newTDXPKI(t testing.TB, notBefore time.Time) *tdxPKI {
	t.Helper()
	real := realTDXQuoteV4(t)
	realPCK, _ := pem.Decode(real.GetSignedData().GetCertificationData().GetQeReportCertificationData().GetPckCertificateChainData().GetPckCertChain())
	rc, err := x509.ParseCertificate(realPCK.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var sgxExt pkix.Extension
	for _, e := range rc.Extensions {
		if e.Id.Equal(pcs.OidSgxExtension) {
			sgxExt = e
		}
	}
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	name := func(cn string) pkix.Name {
		return pkix.Name{CommonName: cn, Organization: []string{"Intel Corporation"}, Locality: []string{"Santa Clara"}, Province: []string{"CA"}, Country: []string{"US"}}
	}
	mk := func(tmpl, parent *x509.Certificate, pub, priv any) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	nb, na := notBefore, notBefore.Add(10*365*24*time.Hour)
	rk, ik, pk := key(), key(), key()
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: name("Intel SGX Root CA"), NotBefore: nb, NotAfter: na,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SignatureAlgorithm: x509.ECDSAWithSHA256}
	root := mk(rootTmpl, rootTmpl, &rk.PublicKey, rk)
	inter := mk(&x509.Certificate{SerialNumber: big.NewInt(2), Subject: name("Intel SGX PCK Platform CA"), NotBefore: nb, NotAfter: na,
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SignatureAlgorithm: x509.ECDSAWithSHA256}, root, &ik.PublicKey, rk)
	pck := mk(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: name("Intel SGX PCK Certificate"), NotBefore: nb, NotAfter: na,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		SubjectKeyId: []byte{1, 2, 3, 4}, CRLDistributionPoints: []string{"https://example.invalid/pckcrl"},
		ExtraExtensions: []pkix.Extension{sgxExt}, SignatureAlgorithm: x509.ECDSAWithSHA256}, inter, &pk.PublicKey, ik)
	if n := len(pck.Extensions); n != 6 {
		t.Fatalf("test PCK certificate has %d extensions, want 6", n)
	}
	var chain []byte
	for _, c := range []*x509.Certificate{pck, inter, root} {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return &tdxPKI{root: root, inter: inter, pck: pck, pckKey: pk, pem: chain}
}

func (p *tdxPKI) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.root)
	return pool
}

var (
	tdxMRTD  = bytes.Repeat([]byte{0x11}, 48)
	tdxRTMR0 = bytes.Repeat([]byte{0x20}, 48)
)

// fakeTDX is a FAKE TDX quoter: it rewrites the real sample quote with our
// TD body and re-signs it with a fresh attestation key certified (through
// the QE report) by the test PCK key.
type fakeTDX struct {
	pki    *tdxPKI
	before func(*tpb.QuoteV4)
	after  func(*tpb.QuoteV4)
}

func (f *fakeTDX) Kind() Kind { return KindTDX }

func rawSig(t interface{ Fatal(...any) }, k *ecdsa.PrivateKey, msg []byte) []byte {
	h := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(rand.Reader, k, h[:])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return out
}

type fatalErr struct{ err *error }

func (f fatalErr) Fatal(args ...any) {
	if *f.err == nil {
		*f.err = errorf("%v", args...)
	}
}

func (f *fakeTDX) Quote(_ context.Context, rd [ReportDataSize]byte) ([]byte, SNPCerts, error) {
	base, err := ParseTDXQuote(realTDXQuoteSigned)
	if err != nil {
		return nil, SNPCerts{}, err
	}
	q := proto.Clone(base.Quote.(*tpb.QuoteV4)).(*tpb.QuoteV4)
	body := q.GetTdQuoteBody()
	body.ReportData = bytes.Clone(rd[:])
	body.MrTd = bytes.Clone(tdxMRTD)
	body.Rtmrs = [][]byte{bytes.Clone(tdxRTMR0), make([]byte, 48), make([]byte, 48), make([]byte, 48)}
	body.TdAttributes = make([]byte, 8)
	body.TeeTcbSvn = []byte{3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if f.before != nil {
		f.before(q)
	}
	var serr error
	ft := fatalErr{&serr}
	ak, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, SNPCerts{}, err
	}
	akb := make([]byte, 64)
	ak.X.FillBytes(akb[:32])
	ak.Y.FillBytes(akb[32:])
	sd := q.GetSignedData()
	sd.EcdsaAttestationKey = akb
	qe := sd.GetCertificationData().GetQeReportCertificationData()
	auth := qe.GetQeAuthData().GetData()
	h := sha256.Sum256(append(bytes.Clone(akb), auth...))
	qe.QeReport.ReportData = append(h[:], make([]byte, 32)...)
	qeRaw, err := tdxabi.EnclaveReportToAbiBytes(qe.GetQeReport())
	if err != nil {
		return nil, SNPCerts{}, err
	}
	qe.QeReportSignature = rawSig(ft, f.pki.pckKey, qeRaw)
	chain := qe.GetPckCertificateChainData()
	delta := uint32(len(f.pki.pem)) - chain.GetSize()
	chain.PckCertChain = bytes.Clone(f.pki.pem)
	chain.Size = uint32(len(f.pki.pem))
	sd.CertificationData.Size += delta
	q.SignedDataSize += delta
	hdr, err := tdxabi.HeaderToAbiBytes(q.GetHeader())
	if err != nil {
		return nil, SNPCerts{}, err
	}
	bb, err := tdxabi.TdQuoteBodyToAbiBytes(body)
	if err != nil {
		return nil, SNPCerts{}, err
	}
	sd.Signature = rawSig(ft, ak, append(hdr, bb...))
	if serr != nil {
		return nil, SNPCerts{}, serr
	}
	if f.after != nil {
		f.after(q)
	}
	raw, err := tdxabi.QuoteToAbiBytes(q)
	return raw, SNPCerts{}, err
}

func tdxPolicy() *Policy {
	return &Policy{
		Version: PolicyVersion,
		Kinds:   []Kind{KindTDX},
		MaxAge:  Duration(10 * time.Minute),
		TDX: &TDXPolicy{
			Measurements: []TDXMeasurement{{MRTD: tdxMRTD, RTMR0: tdxRTMR0, RTMR1: make([]byte, 48), RTMR2: make([]byte, 48)}},
			MinTEETCBSVN: []byte{3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		},
	}
}

func TestTDXFakeAcceptedOnlyWithTestRoots(t *testing.T) {
	pki := newTDXPKI(t, testNow.Add(-24*time.Hour))
	k := newTestKeys(t)
	ev := produce(t, &fakeTDX{pki: pki}, k, testWorkload)
	opts := VerifyOptions{Nonce: testNonce, Workload: testWorkload, Now: at(testNow.Add(time.Minute)), TDXRoots: pki.roots()}
	res := mustPass(t, ev, tdxPolicy(), opts)
	if !bytes.Equal(res.Measurement, tdxMRTD) {
		t.Fatalf("measurement %x", res.Measurement)
	}
	real := opts
	real.TDXRoots = nil
	mustFail(t, ev, tdxPolicy(), real, CheckCertChain, "does not chain to a trusted Intel root")
}

func TestTDXTampered(t *testing.T) {
	pki := newTDXPKI(t, testNow.Add(-24*time.Hour))
	foreign := newTDXPKI(t, testNow.Add(-24*time.Hour))
	k := newTestKeys(t)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), TDXRoots: pki.roots()}
	cases := []struct {
		name, check, want string
		q                 *fakeTDX
		opts              func(*VerifyOptions)
		pol               func(*Policy)
	}{
		{name: "mrtd", check: CheckMeasurement, want: "is not accepted",
			q: &fakeTDX{pki: pki, before: func(q *tpb.QuoteV4) { q.TdQuoteBody.MrTd[3] ^= 1 }}},
		{name: "rtmr0", check: CheckMeasurement, want: "is not accepted",
			q: &fakeTDX{pki: pki, before: func(q *tpb.QuoteV4) { q.TdQuoteBody.Rtmrs[0][3] ^= 1 }}},
		{name: "report_data", check: CheckReportData, want: "does not bind",
			q: &fakeTDX{pki: pki, before: func(q *tpb.QuoteV4) { q.TdQuoteBody.ReportData[9] ^= 1 }}},
		{name: "quote signature", check: CheckSignature, want: "go-tdx-guest",
			q: &fakeTDX{pki: pki, after: func(q *tpb.QuoteV4) { q.TdQuoteBody.MrTd[0] ^= 1 }}},
		{name: "qe report signature", check: CheckSignature, want: "QE report",
			q: &fakeTDX{pki: pki, after: func(q *tpb.QuoteV4) {
				q.SignedData.CertificationData.QeReportCertificationData.QeReport.IsvSvn ^= 1
			}}},
		{name: "cert chain", check: CheckCertChain, want: "does not chain",
			q: &fakeTDX{pki: foreign}},
		{name: "debug", check: CheckDebug, want: "allow debugging",
			q: &fakeTDX{pki: pki, before: func(q *tpb.QuoteV4) { q.TdQuoteBody.TdAttributes[0] |= 1 }}},
		{name: "tcb", check: CheckTCB, want: "TEE_TCB_SVN",
			q: &fakeTDX{pki: pki, before: func(q *tpb.QuoteV4) { q.TdQuoteBody.TeeTcbSvn[1] = 0 }}},
		{name: "qe svn", check: CheckTCB, want: "QE SVN",
			q: &fakeTDX{pki: pki}, pol: func(p *Policy) { p.TDX.MinQESVN = 0xfff0 }},
		{name: "nonce", check: CheckNonce, want: "is not the expected nonce",
			q: &fakeTDX{pki: pki}, opts: func(o *VerifyOptions) { o.Nonce = bytes.Repeat([]byte{2}, 16) }},
		{name: "age", check: CheckAge, want: "more than max_age",
			q: &fakeTDX{pki: pki}, opts: func(o *VerifyOptions) { o.Now = at(testNow.Add(11 * time.Minute)) }},
		{name: "expired chain", check: CheckCertChain, want: "expired",
			q: &fakeTDX{pki: pki}, opts: func(o *VerifyOptions) { o.Now = at(testNow.Add(20 * 365 * 24 * time.Hour)) },
			pol: func(p *Policy) { p.MaxAge = 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := produce(t, tc.q, k, nil)
			o := opts
			if tc.opts != nil {
				tc.opts(&o)
			}
			p := tdxPolicy()
			if tc.pol != nil {
				tc.pol(p)
			}
			mustFail(t, ev, p, o, tc.check, tc.want)
		})
	}
}

// Real quote v4 taken through configfs-tsm on Google Cloud (go-tdx-guest's
// testdata/ccel/cos-113-tdx-quote.dat): 4,935 bytes of quote, then zero
// padding to 8,000 bytes.
//
//go:embed testdata/tdx-cos-quote-padded.dat
var realTDXQuotePadded []byte

// Real Intel evidence (v4, v5, and a zero-padded v4 from configfs-tsm)
// verifies against Intel's real root, offline, at a fixed time, with a policy
// pinning its MRTD and RTMR0–2.
func TestTDXRealSamplesAgainstIntelRoot(t *testing.T) {
	for _, tc := range []struct {
		name    string
		raw     []byte
		when    time.Time
		version int
		padding int
	}{
		{"v4", realTDXQuoteSigned, time.Date(2023, time.July, 1, 1, 0, 0, 0, time.UTC), 4, 0},
		{"v5", realTDXQuoteV5, time.Date(2026, time.February, 3, 1, 0, 0, 0, time.UTC), 5, 0},
		{"v4 zero-padded", realTDXQuotePadded, time.Date(2024, time.August, 1, 0, 0, 0, 0, time.UTC), 4, 8000 - 4935},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseTDXQuote(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if q.Version != tc.version || q.Padding != tc.padding {
				t.Fatalf("version %d padding %d, want %d and %d", q.Version, q.Padding, tc.version, tc.padding)
			}
			k := newTestKeys(t)
			ev := &Evidence{Kind: KindTDX, Signer: k.addr, X25519: k.x, Nonce: testNonce, IssuedAt: tc.when, Report: tc.raw}
			ev.Statement, _ = k.sign(ev.StatementDigest())
			r := q.Body.GetRtmrs()
			pol := &Policy{Version: 1, Kinds: []Kind{KindTDX}, AllowDebug: q.Body.GetTdAttributes()[0]&1 != 0, TDX: &TDXPolicy{
				Measurements: []TDXMeasurement{{MRTD: q.Body.GetMrTd(), RTMR0: r[0], RTMR1: r[1], RTMR2: r[2]}},
			}}
			opts := VerifyOptions{Nonce: testNonce, Now: at(tc.when)}
			res, err := Verify(context.Background(), ev, pol, opts)
			for _, c := range res.Checks {
				t.Logf("%-12s %-11s %s", c.Name, c.Status, c.Reason)
			}
			for _, c := range res.Checks {
				if c.Name != CheckReportData && !c.OK {
					t.Fatalf("real Intel sample: check %s failed: %+v", c.Name, c)
				}
			}
			// The sample was not made by tpod: its report_data binds nothing of ours.
			if c := res.Check(CheckReportData); c == nil || c.Status != StatusFailed || err == nil {
				t.Fatalf("report-data check on a foreign quote: %+v, err %v", c, err)
			}

			// A flipped bit in MRTD: the signature fails, and the checks of
			// the quote's fields say "not checked", not "ok".
			bad := bytes.Clone(tc.raw)
			mrtd := bytes.Index(bad, q.Body.GetMrTd())
			bad[mrtd] ^= 1
			ev.Report = bad
			res = mustFail(t, ev, pol, opts, CheckSignature, "go-tdx-guest")
			for _, name := range []string{CheckMeasurement, CheckDebug, CheckTCB, CheckReportData} {
				if c := res.Check(name); c == nil || c.Status != StatusNotChecked || c.OK {
					t.Errorf("after a signature failure, %s is %+v, want not checked", name, c)
				}
			}
		})
	}
}

// Bytes after the signed quote are refused unless they are zero padding.
func TestTDXQuoteTrailingData(t *testing.T) {
	// go-tdx-guest's v4 sample carries 39 unsigned bytes after its signed data.
	_, err := ParseTDXQuote(realTDXQuote)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "39 bytes of trailing data") {
		t.Fatalf("quote with trailing text: %v", err)
	}
	for name, raw := range map[string][]byte{
		"v4 + one byte":      append(bytes.Clone(realTDXQuoteSigned), 1),
		"v5 + text":          append(bytes.Clone(realTDXQuoteV5), "appended"...),
		"padded + late byte": append(bytes.Clone(realTDXQuotePadded[:7999]), 1),
		"zeros past 16 KiB":  append(bytes.Clone(realTDXQuoteSigned), make([]byte, MaxTDXPaddedQuote)...),
	} {
		if _, err := ParseTDXQuote(raw); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: ParseTDXQuote = %v, want ErrInvalid", name, err)
		}
	}
	// Through Verify: the format check names it.
	k := newTestKeys(t)
	ev := &Evidence{Kind: KindTDX, Signer: k.addr, X25519: k.x, Nonce: testNonce, IssuedAt: testNow, Report: realTDXQuote}
	ev.Statement, _ = k.sign(ev.StatementDigest())
	mustFail(t, ev, tdxPolicy(), VerifyOptions{Nonce: testNonce, Now: at(testNow)}, CheckFormat, "trailing data")

	// The quoter hands out the quote without its padding.
	q, err := ParseTDXQuote(realTDXQuotePadded)
	if err != nil {
		t.Fatal(err)
	}
	if got := trimTDXPadding(realTDXQuotePadded, q); len(got) != 4935 {
		t.Fatalf("trimmed quote is %d bytes", len(got))
	}
}

// The Intel root we embed is the one go-tdx-guest embeds.
func TestIntelRootMatchesGoTDXGuest(t *testing.T) {
	dir := moduleDir(t, "github.com/google/go-tdx-guest")
	lib, err := os.ReadFile(filepath.Join(dir, "verify", "trusted_root.pem"))
	if err != nil {
		t.Skipf("module source not available: %v", err)
	}
	if !bytes.Equal(bytes.TrimSpace(lib), bytes.TrimSpace(intelRootPEM)) {
		t.Fatal("embedded Intel root differs from go-tdx-guest's verify/trusted_root.pem")
	}
}

func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == mod {
			cache := os.Getenv("GOMODCACHE")
			if cache == "" {
				home, _ := os.UserHomeDir()
				cache = filepath.Join(home, "go", "pkg", "mod")
				if gp := os.Getenv("GOPATH"); gp != "" {
					cache = filepath.Join(strings.Split(gp, string(os.PathListSeparator))[0], "pkg", "mod")
				}
			}
			return filepath.Join(cache, mod+"@"+f[1])
		}
	}
	t.Skipf("%s not in go.mod", mod)
	return ""
}
