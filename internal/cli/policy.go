package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/release"
)

// releasePolicy returns the release policy compiled into this tpod (nil in
// a development build). Tests replace it.
var releasePolicy = func() (*attest.Policy, error) { return release.Embedded(version) }

// defaultPolicy is what deploy and tee verify use without --policy: this
// release's policy, or none in a development build. name says which, for
// people.
func defaultPolicy() (pol *attest.Policy, name string, err error) {
	pol, err = releasePolicy()
	if err != nil || pol == nil {
		return nil, "", err
	}
	return pol, fmt.Sprintf("release %s (built into this tpod)", pol.Release), nil
}

// devBuildNote says what a development build lacks.
const devBuildNote = "this is a development build of tpod (make build): it carries no release policy"

func newPolicyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Build, check and show attestation policies; the release policy (docs/attestation.md §7)",
	}
	cmd.AddCommand(newPolicyBuildCmd(g), newPolicyCheckCmd(g), newPolicyShowCmd(g))
	return cmd
}

func newPolicyBuildCmd(g *globals) *cobra.Command {
	var (
		image, rel, tpl, out string
		ovmfs, descriptors   []string
		tdxFirmware          []string
	)
	cmd := &cobra.Command{
		Use:   "build --image DIR [--ovmf FILE]... [--tdx-firmware MRTD:RTMR0]... [--out FILE]",
		Short: "Build the release policy of a guest image, or your own with the firmware you trust",
		Long: `Build an attestation policy from a guest image directory (make image) and the
release policy template compiled into tpod (or --template FILE): the image's
kernel, initrd and command-line SHA-256s, the SEV-SNP VM shapes, the TDX
direct-boot RTMR1/RTMR2 for each memory size, the required configuration.

A release policy names no firmware (none is known here): with it, hardware
evidence is refused until a publisher adds the firmware it trusts. Add an
AmdSev OVMF build with --ovmf FILE (or its descriptor, as 'tpod -o json
measure sev-snp' prints it, with --ovmf-descriptor FILE), and a TDVF with
--tdx-firmware MRTD:RTMR0 taken from a known-good launch. The output is
deterministic: rebuilding from the same image gives the same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if image == "" {
				return usagef("--image is required")
			}
			o := release.BuildOptions{ImageDir: image, Release: rel}
			if o.Release == "" {
				o.Release = version
			}
			if tpl != "" {
				b, err := teeReadLimited(tpl, 1<<20)
				if err != nil {
					return fmt.Errorf("template: %w", err)
				}
				o.Template = b
			}
			for _, f := range ovmfs {
				data, err := teeReadLimited(f, measure.MaxOVMFSize)
				if err != nil {
					return fmt.Errorf("ovmf: %w", err)
				}
				fw, err := measure.ParseOVMF(data)
				if err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
				o.SNPFirmware = append(o.SNPFirmware, attest.SNPFirmware{Name: filepath.Base(f), Firmware: *fw})
			}
			for _, f := range descriptors {
				data, err := teeReadLimited(f, 1<<20)
				if err != nil {
					return fmt.Errorf("ovmf descriptor: %w", err)
				}
				var fw measure.Firmware
				if err := json.Unmarshal(data, &fw); err != nil {
					return fmt.Errorf("%s: not a firmware descriptor: %w", f, err)
				}
				if err := fw.Validate(); err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
				o.SNPFirmware = append(o.SNPFirmware, attest.SNPFirmware{Name: filepath.Base(f), Firmware: fw})
			}
			for _, s := range tdxFirmware {
				m, r, ok := strings.Cut(s, ":")
				mrtd, err1 := hex.DecodeString(strings.TrimPrefix(m, "0x"))
				rtmr0, err2 := hex.DecodeString(strings.TrimPrefix(r, "0x"))
				if !ok || err1 != nil || err2 != nil || len(mrtd) != 48 || len(rtmr0) != 48 {
					return usagef("--tdx-firmware %q: want MRTD:RTMR0, 48 bytes of hex each", s)
				}
				o.TDXFirmware = append(o.TDXFirmware, attest.TDXFirmware{MRTD: mrtd, RTMR0: rtmr0})
			}
			p, err := release.Build(o)
			if err != nil {
				return err
			}
			b, err := p.Marshal()
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			printPolicySummary(cmd.ErrOrStderr(), p, "wrote "+out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&image, "image", "", "guest image directory (vmlinuz, initrd.img, cmdline) (required)")
	fl.StringVar(&rel, "release", "", "the release the policy describes (default: this tpod's version)")
	fl.StringVar(&tpl, "template", "", "policy template (default: the release template built into tpod)")
	fl.StringArrayVar(&ovmfs, "ovmf", nil, "an AmdSev OVMF image you trust for SEV-SNP; repeatable")
	fl.StringArrayVar(&descriptors, "ovmf-descriptor", nil, "an OVMF descriptor (JSON) you trust for SEV-SNP; repeatable")
	fl.StringArrayVar(&tdxFirmware, "tdx-firmware", nil, "MRTD:RTMR0 of a TDVF and VM you trust (from a known-good launch); repeatable")
	fl.StringVar(&out, "out", "", "write the policy to this file (default: standard output)")
	return cmd
}

func newPolicyCheckCmd(g *globals) *cobra.Command {
	var image string
	cmd := &cobra.Command{
		Use:   "check --image DIR [FILE]",
		Short: "Check that a policy (default: this release's) describes a guest image",
		Long: `Recompute from the image directory what the policy says about its image (the
kernel, initrd and command-line SHA-256s and each TDX direct boot's RTMRs)
and fail, naming the field, if the policy does not describe it. Without FILE,
the release policy built into this tpod is checked.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if image == "" {
				return usagef("--image is required")
			}
			p, name, err := policyArg(args)
			if err != nil {
				return err
			}
			if err := release.Check(p, image); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if g.output == "json" {
				return teeWriteJSON(cmd.OutOrStdout(), map[string]any{"policy": name, "image": image, "ok": true})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s describes %s: kernel %s, initrd %s, cmdline %s\n", name, image, p.Image.Kernel, p.Image.Initrd, p.Image.Cmdline)
			return nil
		},
	}
	cmd.Flags().StringVar(&image, "image", "", "guest image directory (required)")
	return cmd
}

func newPolicyShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show [FILE]",
		Short: "Show a policy (default: the release policy built into this tpod) and what it accepts",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, name, err := policyArg(args)
			if err != nil {
				return err
			}
			if g.output == "json" {
				b, err := p.Marshal()
				if err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			printPolicySummary(cmd.OutOrStdout(), p, name)
			return nil
		},
	}
}

// policyArg loads the policy file named by args, or the release policy.
func policyArg(args []string) (*attest.Policy, string, error) {
	if len(args) == 1 {
		p, err := attest.LoadPolicy(args[0])
		if err != nil {
			return nil, "", fmt.Errorf("policy: %w", err)
		}
		return p, args[0], nil
	}
	p, name, err := defaultPolicy()
	if err != nil {
		return nil, "", err
	}
	if p == nil {
		return nil, "", usagef("%s; name a policy file", devBuildNote)
	}
	return p, name, nil
}

// printPolicySummary says what a policy accepts, in the words a publisher
// needs: the image, the simulated measurement, the shapes and firmware, the
// configuration it requires.
func printPolicySummary(w io.Writer, p *attest.Policy, name string) {
	fmt.Fprintf(w, "policy %s\n", name)
	if p.Release != "" {
		fmt.Fprintf(w, "  release    %s\n", p.Release)
	}
	fmt.Fprintf(w, "  kinds      %s (max age %s)\n", joinKinds(p.Kinds), policyMaxAge(p))
	if p.Image != nil {
		fmt.Fprintf(w, "  image      kernel %s\n             initrd %s\n             cmdline %s (with its NUL)\n", p.Image.Kernel, p.Image.Initrd, p.Image.Cmdline)
	}
	if s := p.Simulated; s != nil {
		switch {
		case s.AnyMeasurement:
			fmt.Fprintf(w, "  simulated  any measurement (INSECURE, and only with --insecure-allow-simulated)\n")
		case p.Image != nil:
			m := attest.SimulatedMeasurement(p.Image)
			fmt.Fprintf(w, "  simulated  measurement %x (the image's; only with --insecure-allow-simulated)\n", m)
		}
		for _, m := range s.Measurements {
			fmt.Fprintf(w, "  simulated  measurement %x\n", []byte(m))
		}
	}
	if s := p.SEVSNP; s != nil {
		n := 0
		for _, sh := range s.Shapes {
			n += len(sh.VCPUs)
		}
		fmt.Fprintf(w, "  sev-snp    %d measurement(s), %d shape(s) for the image, %d firmware build(s)", len(s.Measurements), n, len(s.Firmware))
		if len(s.Measurements) == 0 && len(s.Firmware) == 0 {
			fmt.Fprint(w, ": accepts no launch until firmware is added (tpod policy build --ovmf)")
		}
		fmt.Fprintln(w)
		if s.MinTCB != nil {
			fmt.Fprintf(w, "             min TCB bootloader %d, tee %d, snp %d, microcode %d\n", s.MinTCB.Bootloader, s.MinTCB.TEE, s.MinTCB.SNP, s.MinTCB.Microcode)
		}
	}
	if t := p.TDX; t != nil {
		fmt.Fprintf(w, "  tdx        %d measurement(s), %d direct boot(s) of the image, %d TDVF(s)", len(t.Measurements), len(t.DirectBoot), len(t.Firmware))
		if len(t.Measurements) == 0 && len(t.Firmware) == 0 {
			fmt.Fprint(w, ": accepts no launch until a TDVF is added (tpod policy build --tdx-firmware)")
		}
		fmt.Fprintln(w)
	}
	for _, k := range sortedConfigKeys(p.Config) {
		fmt.Fprintf(w, "  requires   %s = %s\n", k, strings.Join(p.Config[k], " or "))
	}
	if p.AllowDebug {
		fmt.Fprintln(w, "  WARNING: allow_debug: debuggable guests are accepted")
	}
}

func joinKinds(ks []attest.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func policyMaxAge(p *attest.Policy) string {
	if p.MaxAge == 0 {
		return "none"
	}
	b, _ := p.MaxAge.MarshalText()
	return string(b)
}

func sortedConfigKeys(m map[string]attest.ConfigValues) []string {
	return slices.Sorted(maps.Keys(m))
}
