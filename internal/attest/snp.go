package attest

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	sevabi "github.com/google/go-sev-guest/abi"
	"github.com/google/go-sev-guest/kds"
	spb "github.com/google/go-sev-guest/proto/sevsnp"
	sevverify "github.com/google/go-sev-guest/verify"
	"github.com/google/go-sev-guest/verify/trust"
)

// ParseSNPReport parses a raw SEV-SNP attestation report (untrusted input).
func ParseSNPReport(raw []byte) (*spb.Report, error) {
	if len(raw) != sevabi.ReportSize {
		return nil, fmt.Errorf("%w: sev-snp report is %d bytes, want %d", ErrInvalid, len(raw), sevabi.ReportSize)
	}
	var r *spb.Report
	err := libCall(func() (err error) { r, err = sevabi.ReportToProto(raw); return err })
	if err != nil {
		return nil, fmt.Errorf("%w: sev-snp report: %w", ErrInvalid, err)
	}
	return r, nil
}

// verifySNP runs the SEV-SNP checks: the endorsement certificate chains to
// AMD's root for the product line, the report signature, go-sev-guest's full
// verification, then (on an authenticated report only) measurement, debug
// policy and TCB.
func verifySNP(ctx context.Context, c *checker, ev *Evidence, pol *Policy, opts VerifyOptions, now time.Time) *hwReport {
	rep, err := ParseSNPReport(ev.Report)
	if err != nil {
		c.fail(CheckFormat, "%v", err)
		return nil
	}
	sp := pol.SEVSNP
	if sp == nil || sp.MinTCB == nil {
		c.fail(CheckPolicy, "policy has no sev_snp section with min_tcb")
		return nil
	}
	info, err := sevabi.ParseSignerInfo(rep.GetSignerInfo())
	if err != nil {
		c.fail(CheckFormat, "sev-snp signer info: %v", err)
		return nil
	}
	hw := &hwReport{reportData: rep.GetReportData(), measurement: rep.GetMeasurement()}

	// Certificate chain: the endorsement key (VCEK or VLEK) certificate must
	// chain to a trusted ASK/ARK; the ASK/ARK in the evidence are not used.
	ek, err := snpChain(ev, rep, info.SigningKey, opts, now)
	if !c.result(CheckCertChain, err, fmt.Sprintf("%v certificate chains to AMD's root", info.SigningKey)) {
		c.skip(CheckSignature, "no trusted endorsement key")
		c.unauthenticated("no trusted endorsement key")
		return hw
	}

	// Signature: the report is signed by the endorsement key, and
	// go-sev-guest's complete verification agrees (product line and name,
	// certificate extensions and issuer, chain to the trusted roots).
	err = sevverify.SnpReportSignature(ev.Report, ek)
	if err == nil {
		att := &spb.Attestation{Report: rep, CertificateChain: &spb.CertificateChain{
			VcekCert: ev.Certs.VCEK, VlekCert: ev.Certs.VLEK, AskCert: ev.Certs.ASK, ArkCert: ev.Certs.ARK,
		}}
		vopts := &sevverify.Options{DisableCertFetching: true, Now: now, TrustedRoots: opts.SNPRoots}
		if verr := sevverify.SnpAttestationContext(ctx, att, vopts); verr != nil {
			err = fmt.Errorf("go-sev-guest verification: %w", verr)
		}
	}
	if !c.result(CheckSignature, err, "report signed by the endorsement key (ECDSA P-384); go-sev-guest verification passed") {
		c.unauthenticated("the report's signature failed")
		return hw
	}
	hw.authentic = true

	if reason, ok := snpMeasurementAccepted(pol, rep.GetMeasurement()); ok {
		c.pass(CheckMeasurement, "%s", reason)
	} else {
		c.fail(CheckMeasurement, "%s", reason)
	}

	gp, err := sevabi.ParseSnpPolicy(rep.GetPolicy())
	switch {
	case err != nil:
		c.fail(CheckDebug, "guest policy: %v", err)
	case !gp.Debug:
		c.pass(CheckDebug, "guest policy forbids debugging")
	case pol.AllowDebug:
		c.pass(CheckDebug, "ALLOWED BY POLICY (allow_debug): guest policy allows debugging (policy bit 19): the host can read guest memory")
		c.warn("the guest is DEBUGGABLE (SEV-SNP guest policy bit 19): its host can read its memory and keys; accepted only because the policy says allow_debug: true")
	default:
		c.fail(CheckDebug, "guest policy allows debugging (policy bit 19): the host can read guest memory (a policy may accept this only with allow_debug: true)")
	}

	got := kds.DecomposeTCBVersion(kds.TCBVersion(rep.GetReportedTcb()))
	floor := *sp.MinTCB
	var ekTCB error
	// The endorsement key is derived from the reported TCB: its certificate
	// must name the same TCB (and, for a VCEK, the same chip).
	if exts, err := kds.CertificateExtensions(ek, info.SigningKey); err != nil {
		ekTCB = fmt.Errorf("%v certificate extensions: %v", info.SigningKey, err)
	} else if uint64(exts.TCBVersion) != rep.GetReportedTcb() {
		ekTCB = fmt.Errorf("reported TCB %#x differs from the TCB %#x of the %v certificate", rep.GetReportedTcb(), uint64(exts.TCBVersion), info.SigningKey)
	} else if info.SigningKey == sevabi.VcekReportSigner && len(exts.HWID) > 0 && !bytes.Equal(exts.HWID, rep.GetChipId()) {
		ekTCB = fmt.Errorf("chip ID in the report differs from the VCEK's hardware ID")
	}
	switch {
	case ekTCB != nil:
		c.fail(CheckTCB, "%v", ekTCB)
	case got.BlSpl < floor.Bootloader || got.TeeSpl < floor.TEE || got.SnpSpl < floor.SNP || got.UcodeSpl < floor.Microcode:
		c.fail(CheckTCB, "reported TCB bootloader=%d tee=%d snp=%d microcode=%d is below the minimum %d/%d/%d/%d",
			got.BlSpl, got.TeeSpl, got.SnpSpl, got.UcodeSpl, floor.Bootloader, floor.TEE, floor.SNP, floor.Microcode)
	case rep.GetGuestSvn() < sp.MinGuestSVN:
		c.fail(CheckTCB, "guest SVN %d is below the minimum %d", rep.GetGuestSvn(), sp.MinGuestSVN)
	default:
		c.pass(CheckTCB, "reported TCB bootloader=%d tee=%d snp=%d microcode=%d, guest SVN %d",
			got.BlSpl, got.TeeSpl, got.SnpSpl, got.UcodeSpl, rep.GetGuestSvn())
	}
	return hw
}

// snpChain verifies the endorsement key certificate against the trusted
// roots of its product line and returns it.
func snpChain(ev *Evidence, rep *spb.Report, key sevabi.ReportSigner, opts VerifyOptions, now time.Time) (*x509.Certificate, error) {
	var der []byte
	switch key {
	case sevabi.VcekReportSigner:
		der = ev.Certs.VCEK
	case sevabi.VlekReportSigner:
		der = ev.Certs.VLEK
	default:
		return nil, fmt.Errorf("report signed by %v, which cannot be verified", key)
	}
	if len(der) == 0 {
		return nil, fmt.Errorf("evidence lacks the %v certificate", key)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%v certificate: %v", key, err)
	}
	line := ""
	if fms := rep.GetCpuid1EaxFms(); fms != 0 {
		line = kds.ProductLineFromFms(fms)
	} else {
		exts, err := kds.CertificateExtensions(cert, key)
		if err != nil {
			return nil, fmt.Errorf("%v certificate extensions: %v", key, err)
		}
		product, err := kds.ParseProductName(exts.ProductName, key)
		if err != nil {
			return nil, fmt.Errorf("%v certificate product: %v", key, err)
		}
		line = kds.ProductLine(product)
	}
	roots := opts.SNPRoots[line]
	if opts.SNPRoots == nil {
		r, err := trust.GetDefaultRootCerts(line)
		if err != nil {
			return nil, fmt.Errorf("no AMD root for product line %q: %v", line, err)
		}
		roots = []*trust.AMDRootCerts{r}
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no trusted root for product line %q", line)
	}
	errs := []error{}
	for _, r := range roots {
		vo := r.X509Options(now, key)
		if vo == nil {
			errs = append(errs, fmt.Errorf("root for %s lacks certificates", line))
			continue
		}
		if _, err := cert.Verify(*vo); err != nil {
			errs = append(errs, err)
			continue
		}
		return cert, nil
	}
	return nil, fmt.Errorf("%v certificate does not chain to a trusted %s root: %v", key, line, errors.Join(errs...))
}
