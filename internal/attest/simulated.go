package attest

import (
	"bytes"
	"crypto/sha512"
	"fmt"

	"github.com/trustedpods/tpod/internal/measure"
)

// The simulated report is "TPODSIM1" ‖ measurement (48 bytes) ‖ report_data
// (64 bytes): 120 bytes, no signature. The measurement is
// SimulatedMeasurement of the launch inputs.
const (
	simMagic = "TPODSIM1"
	// SimulatedMeasurementSize is the size of the simulated measurement (SHA-384).
	SimulatedMeasurementSize = 48
	// SimulatedReportSize is the size of a simulated report.
	SimulatedReportSize = len(simMagic) + SimulatedMeasurementSize + ReportDataSize
)

// SimulatedReport is the parsed simulated report.
type SimulatedReport struct {
	Measurement [SimulatedMeasurementSize]byte
	ReportData  [ReportDataSize]byte
}

// MarshalSimulatedReport encodes a simulated report.
func MarshalSimulatedReport(measurement [SimulatedMeasurementSize]byte, reportData [ReportDataSize]byte) []byte {
	out := make([]byte, 0, SimulatedReportSize)
	out = append(out, simMagic...)
	out = append(out, measurement[:]...)
	return append(out, reportData[:]...)
}

// ParseSimulatedReport decodes a simulated report.
func ParseSimulatedReport(b []byte) (*SimulatedReport, error) {
	if len(b) != SimulatedReportSize {
		return nil, fmt.Errorf("%w: simulated report is %d bytes, want %d", ErrInvalid, len(b), SimulatedReportSize)
	}
	if !bytes.HasPrefix(b, []byte(simMagic)) {
		return nil, fmt.Errorf("%w: simulated report lacks the %q magic", ErrInvalid, simMagic)
	}
	r := &SimulatedReport{}
	copy(r.Measurement[:], b[len(simMagic):])
	copy(r.ReportData[:], b[len(simMagic)+SimulatedMeasurementSize:])
	return r, nil
}

// simLaunchDomain separates the simulated measurement from other hashes.
const simLaunchDomain = "tpod/attest/simulated-launch/v1"

// SimulatedMeasurement is the simulated TEE's "launch measurement" of a
// guest booted with the kernel, initrd and command line whose hashes are
// launch:
//
//	SHA-384("tpod/attest/simulated-launch/v1" ‖ launch.Table())
//
// the same function of the launch inputs as the SEV-SNP kernel-hashes table
// (measure.KernelHashes.Table), so that a policy pinning an image pins the
// simulated TEE's measurement too. Nil launch inputs (unknown) give all
// zeros, which no image produces. The inputs are the host's claim: nothing
// measures anything in the simulated TEE.
func SimulatedMeasurement(launch *measure.KernelHashes) [SimulatedMeasurementSize]byte {
	var m [SimulatedMeasurementSize]byte
	if launch == nil {
		return m
	}
	h := sha512.New384()
	h.Write([]byte(simLaunchDomain))
	h.Write(launch.Table())
	copy(m[:], h.Sum(nil))
	return m
}
