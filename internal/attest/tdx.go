package attest

import (
	"context"
	"crypto/x509"
	_ "embed"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"time"

	tdxabi "github.com/google/go-tdx-guest/abi"
	"github.com/google/go-tdx-guest/pcs"
	tpb "github.com/google/go-tdx-guest/proto/tdx"
	tdxverify "github.com/google/go-tdx-guest/verify"
)

// intelRootPEM is Intel's SGX Root CA, the same certificate go-tdx-guest
// embeds (verify/trusted_root.pem; a test pins the two together). We pass it
// explicitly because go-tdx-guest logs a warning to standard output whenever
// it falls back to its embedded copy.
//
//go:embed intel_sgx_root_ca.pem
var intelRootPEM []byte

// IntelRoots returns a pool holding Intel's SGX Root CA.
func IntelRoots() *x509.CertPool {
	b, _ := pem.Decode(intelRootPEM)
	if b == nil {
		panic("attest: embedded Intel root is not PEM")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		panic("attest: embedded Intel root: " + err.Error())
	}
	p := x509.NewCertPool()
	p.AddCert(cert)
	return p
}

// TDXQuote is a parsed TDX quote, version 4 or 5.
type TDXQuote struct {
	// Version is the quote format version (4 or 5).
	Version int
	// Quote is go-tdx-guest's form (*tdx.QuoteV4 or *tdx.QuoteV5), what its
	// verifier takes.
	Quote any
	// Header and SignedData are common to both versions.
	Header     *tpb.Header
	SignedData *tpb.Ecdsa256BitQuoteV4AuthData
	// Body holds the TD report fields common to both versions (a v5 body of
	// type 3, TDX 1.5, adds TEE_TCB_SVN2 and MRSERVICETD, which the policy
	// does not use).
	Body *tpb.TDQuoteBody
	// Padding is the number of zero bytes that followed the quote.
	Padding int
}

// MaxTDXPaddedQuote bounds a quote with its zero padding. Linux's TDX guest
// driver asks the host for a quote in a zeroed shared buffer
// (GET_QUOTE_BUF_SIZE: 8 KiB, 16 KiB in newer kernels) and configfs-tsm's
// outblob (like the older TDX_CMD_GET_QUOTE ioctl) returns the length the
// host's quote service wrote in the buffer header. Some quote services report
// more than the quote: the quote is then followed by zeros from the buffer
// (go-tdx-guest's testdata/ccel/cos-113-tdx-quote.dat, taken through
// configfs-tsm on Google Cloud, is 4,935 bytes of quote and 3,065 zeros).
const MaxTDXPaddedQuote = 16 << 10

// ParseTDXQuote parses a raw TDX quote, version 4 or 5 (untrusted input).
// Bytes after the quote's signed data are refused unless they are the zero
// padding described at MaxTDXPaddedQuote: nothing signs them, so accepting
// them would let anyone append data to a genuine quote.
func ParseTDXQuote(raw []byte) (*TDXQuote, error) {
	if len(raw) > maxBlobSize {
		return nil, fmt.Errorf("%w: tdx quote too large", ErrInvalid)
	}
	var q any
	err := libCall(func() (err error) { q, err = tdxabi.QuoteToProto(raw); return err })
	if err != nil {
		return nil, fmt.Errorf("%w: tdx quote: %w", ErrInvalid, err)
	}
	out := &TDXQuote{Quote: q}
	var extra []byte
	switch v := q.(type) {
	case *tpb.QuoteV4:
		out.Version, out.Header, out.SignedData, out.Body, extra = 4, v.GetHeader(), v.GetSignedData(), v.GetTdQuoteBody(), v.GetExtraBytes()
	case *tpb.QuoteV5:
		b := v.GetTdQuoteBodyDescriptor().GetTdQuoteBodyV5()
		out.Version, out.Header, out.SignedData, extra = 5, v.GetHeader(), v.GetSignedData(), v.GetExtraBytes()
		out.Body = &tpb.TDQuoteBody{
			TeeTcbSvn: b.GetTeeTcbSvn(), MrSeam: b.GetMrSeam(), MrSignerSeam: b.GetMrSignerSeam(),
			SeamAttributes: b.GetSeamAttributes(), TdAttributes: b.GetTdAttributes(), Xfam: b.GetXfam(),
			MrTd: b.GetMrTd(), MrConfigId: b.GetMrConfigId(), MrOwner: b.GetMrOwner(),
			MrOwnerConfig: b.GetMrOwnerConfig(), Rtmrs: b.GetRtmrs(), ReportData: b.GetReportData(),
		}
	default:
		return nil, fmt.Errorf("%w: tdx quote: %T is not a v4 or v5 quote", ErrInvalid, q)
	}
	if err := libCall(func() error { return tdxabi.CheckQuote(q) }); err != nil {
		return nil, fmt.Errorf("%w: tdx quote: %w", ErrInvalid, err)
	}
	if len(extra) > 0 {
		if !allZero(extra) {
			return nil, fmt.Errorf("%w: tdx quote: %d bytes of trailing data after the signed quote (only zero padding is accepted)", ErrInvalid, len(extra))
		}
		if len(raw) > MaxTDXPaddedQuote {
			return nil, fmt.Errorf("%w: tdx quote: %d bytes with zero padding, more than the %d a TDX guest's quote buffer holds", ErrInvalid, len(raw), MaxTDXPaddedQuote)
		}
		out.Padding = len(extra)
	}
	return out, nil
}

// trimTDXPadding returns the quote without its zero padding.
func trimTDXPadding(raw []byte, q *TDXQuote) []byte { return raw[:len(raw)-q.Padding] }

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// verifyTDX runs the TDX checks: the PCK chain ends at Intel's root, the
// quote and QE report signatures (go-tdx-guest), MRTD/RTMRs, debug attribute
// and TCB SVNs. The last three run only on an authenticated quote.
func verifyTDX(ctx context.Context, c *checker, ev *Evidence, pol *Policy, opts VerifyOptions, now time.Time) *hwReport {
	q, err := ParseTDXQuote(ev.Report)
	if err != nil {
		c.fail(CheckFormat, "%v", err)
		return nil
	}
	tp := pol.TDX
	if tp == nil {
		c.fail(CheckPolicy, "policy has no tdx section")
		return nil
	}
	roots := opts.TDXRoots
	if roots == nil {
		roots = IntelRoots()
	}

	chain, err := tdxverify.ExtractChainFromQuote(q.Quote)
	if err == nil {
		inter := x509.NewCertPool()
		inter.AddCert(chain.IntermediateCertificate)
		_, err = chain.PCKCertificate.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now})
		if err != nil {
			err = fmt.Errorf("PCK certificate does not chain to a trusted Intel root: %v", err)
		}
	}
	chainOK := c.result(CheckCertChain, err, "PCK certificate chains to Intel's SGX root")

	body := q.Body
	hw := &hwReport{reportData: body.GetReportData(), measurement: body.GetMrTd()}
	if !chainOK {
		c.skip(CheckSignature, "no trusted PCK certificate")
		c.unauthenticated("no trusted PCK certificate")
		return hw
	}
	ts := &tdxverify.TimeSet{PckCertChain: now, TcbInfo: now, QeIdentity: now, PckCrl: now, RootCaCrl: now}
	err = tdxverify.TdxQuoteContext(ctx, q.Quote, &tdxverify.Options{Now: ts, TrustedRoots: roots})
	if err != nil {
		err = fmt.Errorf("go-tdx-guest verification: %w", err)
	}
	if !c.result(CheckSignature, err, fmt.Sprintf("quote v%d signed by the attestation key, QE report signed by the PCK key and bound to it (go-tdx-guest)", q.Version)) {
		c.unauthenticated("the quote's signature failed")
		return hw
	}
	hw.authentic = true

	if reason, ok := tdxMeasurementAccepted(tp, body); ok {
		c.pass(CheckMeasurement, "%s", reason)
	} else {
		c.fail(CheckMeasurement, "%s", reason)
	}

	attrs := body.GetTdAttributes()
	switch {
	case len(attrs) != 8:
		c.fail(CheckDebug, "TD attributes are %d bytes, want 8", len(attrs))
	case attrs[0]&0x01 == 0:
		c.pass(CheckDebug, "TD attributes forbid debugging")
	case pol.AllowDebug:
		c.pass(CheckDebug, "ALLOWED BY POLICY (allow_debug): TD attributes %x allow debugging (TUD.DEBUG): the host can read TD memory", attrs)
		c.warn("the TD is DEBUGGABLE (TD_ATTRIBUTES.DEBUG): its host can read its memory and keys; accepted only because the policy says allow_debug: true")
	default:
		c.fail(CheckDebug, "TD attributes %x allow debugging (TUD.DEBUG): the host can read TD memory (a policy may accept this only with allow_debug: true)", attrs)
	}

	svn := body.GetTeeTcbSvn()
	// The QE's SVN is in its report (signed by the PCK key); the PCE's in the
	// PCK certificate's SGX extension.
	qe := uint16(q.SignedData.GetCertificationData().GetQeReportCertificationData().GetQeReport().GetIsvSvn())
	pce := binary.LittleEndian.Uint16(q.Header.GetPceSvn())
	if exts, err := pcs.PckCertificateExtensions(chain.PCKCertificate); err == nil {
		pce = exts.TCB.PCESvn
	}
	switch {
	case !svnAtLeast(svn, tp.MinTEETCBSVN):
		c.fail(CheckTCB, "TEE_TCB_SVN %x is below the minimum %x", svn, []byte(tp.MinTEETCBSVN))
	case qe < tp.MinQESVN:
		c.fail(CheckTCB, "QE SVN %d is below the minimum %d", qe, tp.MinQESVN)
	case pce < tp.MinPCESVN:
		c.fail(CheckTCB, "PCE SVN %d is below the minimum %d", pce, tp.MinPCESVN)
	default:
		c.pass(CheckTCB, "TEE_TCB_SVN %x, QE SVN %d, PCE SVN %d", svn, qe, pce)
	}
	return hw
}

func svnAtLeast(got, min []byte) bool {
	if len(min) == 0 {
		return true
	}
	if len(got) != len(min) {
		return false
	}
	for i := range min {
		if got[i] < min[i] {
			return false
		}
	}
	return true
}

func tdxMeasurementAccepted(tp *TDXPolicy, body *tpb.TDQuoteBody) (string, bool) {
	rtmrs := body.GetRtmrs()
	if len(rtmrs) != 4 {
		return fmt.Sprintf("quote has %d RTMRs, want 4", len(rtmrs)), false
	}
	list := tdxAccepted(tp)
	if len(list) == 0 {
		return fmt.Sprintf("MRTD %x is not accepted: the policy has RTMR1/RTMR2 for the image (tdx.direct_boot) but names no TDVF to combine them with "+
			"(tdx.firmware: MRTD and RTMR0 from a known-good launch, docs/attestation.md §7)", body.GetMrTd()), false
	}
	for i, m := range list {
		if string(m.MRTD) != string(body.GetMrTd()) {
			continue
		}
		ok := true
		for j, want := range [][]byte{m.RTMR0, m.RTMR1, m.RTMR2, m.RTMR3} {
			if len(want) != 0 && string(want) != string(rtmrs[j]) {
				ok = false
			}
		}
		if ok {
			if i >= len(tp.Measurements) {
				return fmt.Sprintf("MRTD %x… and RTMR0..2 match a TDVF of tdx.firmware with the image's direct boot", body.GetMrTd()[:8]), true
			}
			return fmt.Sprintf("MRTD %x… and RTMRs match accepted measurement #%d", body.GetMrTd()[:8], i), true
		}
	}
	return fmt.Sprintf("MRTD %x with RTMR0..3 %x… %x… %x… %x… is not accepted by the policy",
		body.GetMrTd(), rtmrs[0][:8], rtmrs[1][:8], rtmrs[2][:8], rtmrs[3][:8]), false
}
