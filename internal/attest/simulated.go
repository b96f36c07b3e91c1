package attest

import (
	"bytes"
	"fmt"
)

// The simulated report is "TPODSIM1" ‖ measurement (48 bytes) ‖ report_data
// (64 bytes): 120 bytes, no signature.
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
