// Package release makes and holds release policies (docs/attestation.md
// §7): the attestation policy of one tpod release, computed from its guest
// image (make image) and a reviewed template, and embedded into the
// publisher-side tpod of that release, which `tpod deploy` uses unless the
// user names a policy.
//
// The guest image cannot contain its own policy (the policy is computed from
// the image), so a release builds the guest's tpod first, then the image,
// then the policy, then the tpod publishers run with the policy embedded
// (build tag tpod_release; development builds have none).
package release

import (
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure"
)

//go:embed template.yaml
var templateYAML []byte

// Template returns the release policy template compiled into this tpod.
func Template() []byte { return templateYAML }

// ErrMismatch means a policy does not describe the image it claims to.
var ErrMismatch = errors.New("the policy does not describe this image")

// BuildOptions say what goes into a release policy.
type BuildOptions struct {
	// ImageDir is the guest image directory (vmlinuz, initrd.img, cmdline).
	ImageDir string
	// Release is the tpod version the policy describes.
	Release string
	// Template is the stated part (nil: Template()).
	Template []byte
	// SNPFirmware and TDXFirmware are firmware the builder trusts, added
	// to the template's (a publisher's own policy; a release has none).
	SNPFirmware []attest.SNPFirmware
	TDXFirmware []attest.TDXFirmware
}

// Build makes the policy: the template, the image's hashes, the TDX direct
// boot RTMRs for each of the template's memory sizes, and the firmware
// given. The result is validated.
func Build(o BuildOptions) (*attest.Policy, error) {
	tpl := o.Template
	if tpl == nil {
		tpl = templateYAML
	}
	p, err := attest.DecodePolicy(tpl)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	if p.Image != nil || p.Release != "" {
		return nil, fmt.Errorf("template: image and release are set by the build, not the template: %w", attest.ErrInvalid)
	}
	kernel, initrd, cmdline, err := measure.ReadImage(o.ImageDir)
	if err != nil {
		return nil, err
	}
	kh := imageHashes(kernel, initrd, cmdline)
	p.Version, p.Release, p.Image = attest.PolicyVersion, o.Release, &kh
	if p.TDX != nil {
		for i := range p.TDX.DirectBoot {
			d := &p.TDX.DirectBoot[i]
			if len(d.RTMR1)+len(d.RTMR2) > 0 {
				return nil, fmt.Errorf("template: tdx.direct_boot[%d]: RTMRs are computed from the image, not given: %w", i, attest.ErrInvalid)
			}
			r1, r2, err := directBoot(kernel, initrd, cmdline, d.Memory)
			if err != nil {
				return nil, fmt.Errorf("tdx.direct_boot[%d]: %w", i, err)
			}
			d.RTMR1, d.RTMR2 = r1, r2
		}
		p.TDX.Firmware = append(p.TDX.Firmware, o.TDXFirmware...)
	} else if len(o.TDXFirmware) > 0 {
		return nil, fmt.Errorf("TDX firmware given, but the template does not accept tdx: %w", attest.ErrInvalid)
	}
	if p.SEVSNP != nil {
		p.SEVSNP.Firmware = append(p.SEVSNP.Firmware, o.SNPFirmware...)
	} else if len(o.SNPFirmware) > 0 {
		return nil, fmt.Errorf("SEV-SNP firmware given, but the template does not accept sev-snp: %w", attest.ErrInvalid)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func sha256Sum(b []byte) measure.Digest256 { return sha256.Sum256(b) }

func imageHashes(kernel, initrd []byte, cmdline string) measure.KernelHashes {
	var kh measure.KernelHashes
	kh.Kernel, kh.Initrd, kh.Cmdline = sha256Sum(kernel), sha256Sum(initrd), measure.CmdlineSHA256(cmdline)
	return kh
}

func directBoot(kernel, initrd []byte, cmdline, memory string) (rtmr1, rtmr2 []byte, err error) {
	mem, err := measure.ParseMemorySize(memory)
	if err != nil {
		return nil, nil, err
	}
	r1, r2, err := measure.TDXDirectBoot{Kernel: kernel, Initrd: initrd, Cmdline: cmdline, MemoryBytes: mem}.RTMRs()
	if err != nil {
		return nil, nil, err
	}
	return r1[:], r2[:], nil
}

// Check recomputes from the image directory what a policy says about its
// image (the three hashes and each TDX direct boot's RTMRs) and refuses,
// naming the field, a policy that does not describe it.
func Check(p *attest.Policy, imageDir string) error {
	if p.Image == nil {
		return fmt.Errorf("%w: it names no image (no image field)", ErrMismatch)
	}
	kernel, initrd, cmdline, err := measure.ReadImage(imageDir)
	if err != nil {
		return err
	}
	kh := imageHashes(kernel, initrd, cmdline)
	for _, f := range []struct {
		name       string
		got, built measure.Digest256
	}{{"kernel_sha256", p.Image.Kernel, kh.Kernel}, {"initrd_sha256", p.Image.Initrd, kh.Initrd}, {"cmdline_sha256", p.Image.Cmdline, kh.Cmdline}} {
		if f.got != f.built {
			return fmt.Errorf("%w: image.%s: the policy says %s, %s gives %s", ErrMismatch, f.name, f.got, imageDir, f.built)
		}
	}
	if p.TDX != nil {
		for i, d := range p.TDX.DirectBoot {
			r1, r2, err := directBoot(kernel, initrd, cmdline, d.Memory)
			if err != nil {
				return fmt.Errorf("tdx.direct_boot[%d]: %w", i, err)
			}
			for _, r := range []struct {
				name       string
				got, built []byte
			}{{"rtmr1", d.RTMR1, r1}, {"rtmr2", d.RTMR2, r2}} {
				if string(r.got) != string(r.built) {
					return fmt.Errorf("%w: tdx.direct_boot[%d].%s (memory %s): the policy says %x, %s gives %x", ErrMismatch, i, r.name, d.Memory, r.got, imageDir, r.built)
				}
			}
		}
	}
	return nil
}

// Embedded returns the release policy compiled into this tpod, or nil for a
// development build (none). version is this tpod's version: a policy for
// another release is refused (a broken build).
func Embedded(version string) (*attest.Policy, error) {
	if len(embedded) == 0 {
		return nil, nil
	}
	return Load(embedded, version)
}

// Load parses a release policy for the tpod of version: one that describes
// another release is refused.
func Load(data []byte, version string) (*attest.Policy, error) {
	p, err := attest.ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("the release policy: %w", err)
	}
	if p.Release != version {
		return nil, fmt.Errorf("the release policy describes release %q, but this tpod is %q: a broken build", p.Release, version)
	}
	return p, nil
}

// ImageDir returns the release image directory beside the running
// executable (bin/release/image for bin/release/tpod), or "" when there is
// none.
func ImageDir() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	dir := filepath.Join(filepath.Dir(exe), "image")
	if _, err := os.Stat(filepath.Join(dir, measure.ImageKernel)); err != nil {
		return ""
	}
	return dir
}
