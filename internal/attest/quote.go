package attest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/google/go-configfs-tsm/configfs/linuxtsm"
	"github.com/google/go-configfs-tsm/report"
	sevabi "github.com/google/go-sev-guest/abi"
	sevclient "github.com/google/go-sev-guest/client"
	"github.com/google/go-sev-guest/kds"
	"github.com/google/go-sev-guest/verify/trust"
	tdxclient "github.com/google/go-tdx-guest/client"

	"github.com/trustedpods/tpod/internal/measure"
)

// Quoter obtains hardware evidence over a caller's report_data.
type Quoter interface {
	// Kind is the TEE technology of this quoter.
	Kind() Kind
	// Quote returns the kind's report (see Evidence.Report) over reportData
	// and, for SEV-SNP, the certificates that endorse it.
	Quote(ctx context.Context, reportData [ReportDataSize]byte) (report []byte, certs SNPCerts, err error)
}

// configfsTSM is where Linux exposes the configfs-tsm report interface.
const configfsTSM = "/sys/kernel/config/tsm/report"

// Detect reports which TEE this machine runs in: sev-snp or tdx when the
// guest interfaces exist (configfs-tsm, /dev/sev-guest, /dev/tdx_guest),
// otherwise none. It never reports simulated.
func Detect() Kind {
	if _, err := os.Stat(configfsTSM); err == nil {
		if p, err := tsmProvider(); err == nil {
			switch p {
			case "sev_guest":
				return KindSEVSNP
			case "tdx_guest":
				return KindTDX
			}
		}
	}
	if _, err := os.Stat("/dev/sev-guest"); err == nil {
		return KindSEVSNP
	}
	for _, p := range []string{"/dev/tdx_guest", "/dev/tdx-guest"} {
		if _, err := os.Stat(p); err == nil {
			return KindTDX
		}
	}
	return KindNone
}

// tsmProvider asks configfs-tsm which provider backs it.
func tsmProvider() (string, error) {
	c, err := linuxtsm.MakeClient()
	if err != nil {
		return "", err
	}
	r, err := report.Create(c, &report.Request{})
	if err != nil {
		return "", err
	}
	defer r.Destroy()
	p, err := r.ReadOption("provider")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(p)), nil
}

// NewQuoter returns the quoter of a kind. Hardware kinds fail with
// ErrUnavailable on a machine without that TEE.
func NewQuoter(kind Kind) (Quoter, error) {
	switch kind {
	case KindSEVSNP:
		qp, err := sevclient.GetQuoteProvider()
		if err != nil {
			return nil, fmt.Errorf("%w: sev-snp: %w", ErrUnavailable, err)
		}
		return &snpQuoter{qp: qp}, nil
	case KindTDX:
		var qp any
		if p, err := tdxclient.GetQuoteProvider(); err == nil && p.IsSupported() == nil {
			qp = p
		} else {
			d, err := tdxclient.OpenDevice()
			if err != nil {
				return nil, fmt.Errorf("%w: tdx: no configfs-tsm provider and no device: %w", ErrUnavailable, err)
			}
			qp = d
		}
		return &tdxQuoter{qp: qp}, nil
	case KindSimulated:
		return SimulatedQuoter(nil), nil
	}
	return nil, fmt.Errorf("%w: no quoter for TEE kind %q", ErrInvalid, kind)
}

// snpQuoter reads SEV-SNP reports through go-sev-guest, which uses
// configfs-tsm when present and /dev/sev-guest otherwise.
type snpQuoter struct {
	mu sync.Mutex
	qp sevclient.QuoteProvider
}

func (q *snpQuoter) Kind() Kind { return KindSEVSNP }

func (q *snpQuoter) Quote(ctx context.Context, rd [ReportDataSize]byte) ([]byte, SNPCerts, error) {
	q.mu.Lock()
	raw, err := q.qp.GetRawQuote(rd)
	q.mu.Unlock()
	if err != nil {
		return nil, SNPCerts{}, fmt.Errorf("sev-snp report: %w", err)
	}
	if len(raw) < sevabi.ReportSize {
		return nil, SNPCerts{}, fmt.Errorf("sev-snp report: %d bytes, want at least %d", len(raw), sevabi.ReportSize)
	}
	report := raw[:sevabi.ReportSize]
	rep, err := ParseSNPReport(report)
	if err != nil {
		return nil, SNPCerts{}, err
	}
	// The certificate table is read entry by entry: go-sev-guest's
	// CertTable.Proto logs a warning to standard output (its logger is
	// initialised that way) when the VCEK is missing, which would corrupt
	// evidence written there.
	table := new(sevabi.CertTable)
	if err := table.Unmarshal(raw[sevabi.ReportSize:]); err != nil {
		return nil, SNPCerts{}, fmt.Errorf("sev-snp certificate table: %w", err)
	}
	get := func(guid string) []byte { b, _ := table.GetByGUIDString(guid); return b }
	certs := SNPCerts{VCEK: get(sevabi.VcekGUID), VLEK: get(sevabi.VlekGUID), ASK: get(sevabi.AskGUID), ARK: get(sevabi.ArkGUID)}
	if len(certs.VCEK) == 0 && len(certs.VLEK) == 0 {
		// The host did not hand out the endorsement certificate: fetch the
		// VCEK for this chip and TCB from AMD's key distribution service
		// once, here, so that verifiers can stay offline.
		line := ""
		if fms := rep.GetCpuid1EaxFms(); fms != 0 {
			line = kds.ProductLineFromFms(fms)
		} else {
			line = kds.ProductLine(sevabi.SevProduct())
		}
		url := kds.VCEKCertURL(line, rep.GetChipId(), kds.TCBVersion(rep.GetReportedTcb()))
		vcek, err := trust.GetWith(ctx, trust.DefaultHTTPSGetter(), url)
		if err != nil {
			return nil, SNPCerts{}, fmt.Errorf("sev-snp: no VCEK from the host, and AMD KDS: %w", err)
		}
		certs.VCEK = vcek
	}
	return report, certs, nil
}

// tdxQuoter reads TDX quotes through go-tdx-guest (configfs-tsm, else the
// tdx_guest device).
type tdxQuoter struct {
	mu sync.Mutex
	qp any
}

func (q *tdxQuoter) Kind() Kind { return KindTDX }

func (q *tdxQuoter) Quote(_ context.Context, rd [ReportDataSize]byte) ([]byte, SNPCerts, error) {
	q.mu.Lock()
	raw, err := tdxclient.GetRawQuote(q.qp, rd)
	q.mu.Unlock()
	if err != nil {
		return nil, SNPCerts{}, fmt.Errorf("tdx quote: %w", err)
	}
	parsed, err := ParseTDXQuote(raw)
	if err != nil {
		return nil, SNPCerts{}, fmt.Errorf("tdx quote: %w", err)
	}
	// Evidence carries the quote without the zero padding of the guest's
	// quote buffer (see MaxTDXPaddedQuote).
	return trimTDXPadding(raw, parsed), SNPCerts{}, nil
}

// SimulatedQuoter returns the quoter of the simulated TEE for a guest whose
// launch inputs (the kernel, initrd and command line hashes, as the
// firmware would receive them from the host) are launch; nil means they are
// unknown (a provider started without an image), and the measurement is
// then all zeros. Its reports are not signed by anything: anyone can forge
// them (docs/attestation.md).
func SimulatedQuoter(launch *measure.KernelHashes) Quoter {
	return simQuoter{m: SimulatedMeasurement(launch)}
}

type simQuoter struct {
	m [SimulatedMeasurementSize]byte
}

func (simQuoter) Kind() Kind { return KindSimulated }

func (q simQuoter) Quote(_ context.Context, rd [ReportDataSize]byte) ([]byte, SNPCerts, error) {
	return MarshalSimulatedReport(q.m, rd), SNPCerts{}, nil
}
