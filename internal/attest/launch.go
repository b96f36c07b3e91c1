package attest

import (
	"bytes"
	"fmt"

	"github.com/trustedpods/tpod/internal/measure"
)

// snpMeasurementAccepted decides the SEV-SNP measurement check: m is listed
// in the policy, or it is the digest of the policy's image in one of its
// shapes with one of its firmware builds.
func snpMeasurementAccepted(p *Policy, m []byte) (string, bool) {
	sp := p.SEVSNP
	if containsMeasurement(sp.Measurements, m) {
		return fmt.Sprintf("launch measurement %x… is listed in sev_snp.measurements", m[:8]), true
	}
	computed := 0
	for i := range sp.Firmware {
		fw := &sp.Firmware[i]
		for _, sh := range sp.Shapes {
			for _, n := range sh.VCPUs {
				cfg := sh.config(n)
				d, err := measure.SNPDigest(&fw.Firmware, p.Image, cfg)
				if err != nil {
					continue // Validate refused such a policy
				}
				computed++
				if bytes.Equal(d[:], m) {
					return fmt.Sprintf("launch measurement %x… is the image's (kernel %x…) with firmware %s on %d × %s (%s, guest features %#x)",
						m[:8], p.Image.Kernel[:6], fw.label(), n, cfg.VCPUType, cfg.VMM, cfg.GuestFeatures), true
				}
			}
		}
	}
	if len(sp.Shapes) > 0 && len(sp.Firmware) == 0 {
		return fmt.Sprintf("launch measurement %x is not accepted: the policy pins the image (kernel %x…) in %d shape(s) but names no firmware to compute its digests with; "+
			"build a policy with the AmdSev firmware you trust (tpod policy build --image DIR --ovmf FILE)", m, p.Image.Kernel[:6], len(sp.Shapes)), false
	}
	return fmt.Sprintf("launch measurement %x is not accepted by the policy (%d listed, %d computed for the image)", m, len(sp.Measurements), computed), false
}

func (f *SNPFirmware) label() string {
	if f.Name != "" {
		return fmt.Sprintf("%q", f.Name)
	}
	return fmt.Sprintf("%x…", f.Hash[:6])
}

// tdxAccepted lists the TDX measurements a policy accepts: its explicit
// ones, then each firmware (MRTD, RTMR0) with each direct boot of the image
// (RTMR1, RTMR2).
func tdxAccepted(t *TDXPolicy) []TDXMeasurement {
	out := append([]TDXMeasurement(nil), t.Measurements...)
	for _, f := range t.Firmware {
		for _, d := range t.DirectBoot {
			out = append(out, TDXMeasurement{MRTD: f.MRTD, RTMR0: f.RTMR0, RTMR1: d.RTMR1, RTMR2: d.RTMR2})
		}
	}
	return out
}

// simulatedAccepted lists the simulated measurements a policy accepts: its
// explicit ones and its image's.
func simulatedAccepted(p *Policy) []HexBytes {
	out := append([]HexBytes(nil), p.Simulated.Measurements...)
	if p.Image != nil {
		m := SimulatedMeasurement(p.Image)
		out = append(out, m[:])
	}
	return out
}
