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

// ParseTDXQuote parses a raw TDX quote v4 (untrusted input).
func ParseTDXQuote(raw []byte) (*tpb.QuoteV4, error) {
	if len(raw) > maxBlobSize {
		return nil, fmt.Errorf("%w: tdx quote too large", ErrInvalid)
	}
	var q any
	err := libCall(func() (err error) { q, err = tdxabi.QuoteToProto(raw); return err })
	if err != nil {
		return nil, fmt.Errorf("%w: tdx quote: %v", ErrInvalid, err)
	}
	v4, ok := q.(*tpb.QuoteV4)
	if !ok {
		return nil, fmt.Errorf("%w: tdx quote: %T is not a v4 quote", ErrInvalid, q)
	}
	if err := tdxabi.CheckQuoteV4(v4); err != nil {
		return nil, fmt.Errorf("%w: tdx quote: %v", ErrInvalid, err)
	}
	return v4, nil
}

// verifyTDX runs the TDX checks: the PCK chain ends at Intel's root, the
// quote and QE report signatures (go-tdx-guest), MRTD/RTMRs, debug attribute
// and TCB SVNs.
func verifyTDX(ctx context.Context, c *checker, ev *Evidence, pol *TDXPolicy, opts VerifyOptions, now time.Time) *hwReport {
	q, err := ParseTDXQuote(ev.Report)
	if err != nil {
		c.fail(CheckFormat, "%v", err)
		return nil
	}
	roots := opts.TDXRoots
	if roots == nil {
		roots = IntelRoots()
	}

	chain, err := tdxverify.ExtractChainFromQuote(q)
	if err == nil {
		inter := x509.NewCertPool()
		inter.AddCert(chain.IntermediateCertificate)
		_, err = chain.PCKCertificate.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now})
		if err != nil {
			err = fmt.Errorf("PCK certificate does not chain to a trusted Intel root: %v", err)
		}
	}
	chainOK := c.result(CheckCertChain, err, "PCK certificate chains to Intel's SGX root")

	if chainOK {
		ts := &tdxverify.TimeSet{PckCertChain: now, TcbInfo: now, QeIdentity: now, PckCrl: now, RootCaCrl: now}
		err = tdxverify.TdxQuoteContext(ctx, q, &tdxverify.Options{Now: ts, TrustedRoots: roots})
		if err != nil {
			err = fmt.Errorf("go-tdx-guest verification: %w", err)
		}
		c.result(CheckSignature, err, "quote signed by the attestation key, QE report signed by the PCK key and bound to it (go-tdx-guest)")
	} else {
		c.fail(CheckSignature, "not checked: no trusted PCK certificate")
	}

	body := q.GetTdQuoteBody()
	if pol == nil {
		c.fail(CheckMeasurement, "policy has no tdx section")
		return nil
	}
	if reason, ok := tdxMeasurementAccepted(pol.Measurements, body); ok {
		c.pass(CheckMeasurement, "%s", reason)
	} else {
		c.fail(CheckMeasurement, "%s", reason)
	}

	if attrs := body.GetTdAttributes(); len(attrs) == 8 && attrs[0]&0x01 == 0 {
		c.pass(CheckDebug, "TD attributes forbid debugging")
	} else {
		c.fail(CheckDebug, "TD attributes %x allow debugging (TUD.DEBUG): the host can read TD memory", attrs)
	}

	svn := body.GetTeeTcbSvn()
	// The QE's SVN is in its report (signed by the PCK key); the PCE's in the
	// PCK certificate's SGX extension.
	qe := uint16(q.GetSignedData().GetCertificationData().GetQeReportCertificationData().GetQeReport().GetIsvSvn())
	pce := binary.LittleEndian.Uint16(q.GetHeader().GetPceSvn())
	if chain != nil && chain.PCKCertificate != nil {
		if exts, err := pcs.PckCertificateExtensions(chain.PCKCertificate); err == nil {
			pce = exts.TCB.PCESvn
		}
	}
	switch {
	case !svnAtLeast(svn, pol.MinTEETCBSVN):
		c.fail(CheckTCB, "TEE_TCB_SVN %x is below the minimum %x", svn, []byte(pol.MinTEETCBSVN))
	case qe < pol.MinQESVN:
		c.fail(CheckTCB, "QE SVN %d is below the minimum %d", qe, pol.MinQESVN)
	case pce < pol.MinPCESVN:
		c.fail(CheckTCB, "PCE SVN %d is below the minimum %d", pce, pol.MinPCESVN)
	default:
		c.pass(CheckTCB, "TEE_TCB_SVN %x, QE SVN %d, PCE SVN %d", svn, qe, pce)
	}
	return &hwReport{reportData: body.GetReportData(), measurement: body.GetMrTd()}
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

func tdxMeasurementAccepted(list []TDXMeasurement, body *tpb.TDQuoteBody) (string, bool) {
	rtmrs := body.GetRtmrs()
	if len(rtmrs) != 4 {
		return fmt.Sprintf("quote has %d RTMRs, want 4", len(rtmrs)), false
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
			return fmt.Sprintf("MRTD %x… and RTMRs match accepted measurement #%d", body.GetMrTd()[:8], i), true
		}
	}
	return fmt.Sprintf("MRTD %x with RTMR0..3 %x… %x… %x… %x… is not accepted by the policy",
		body.GetMrTd(), rtmrs[0][:8], rtmrs[1][:8], rtmrs[2][:8], rtmrs[3][:8]), false
}
