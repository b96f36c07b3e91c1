package cli

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure"
)

func newMeasureCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "measure",
		Short: "Compute the launch measurements of a confidential VM from the files it boots (docs/measure.md)",
	}
	cmd.AddCommand(newMeasureSNPCmd(g), newMeasureTDXCmd(g))
	return cmd
}

// bootFiles are a direct boot's kernel, initrd and command line, from flags
// or an image directory.
type bootFiles struct {
	kernel, initrd, cmdline, image string
}

func (b *bootFiles) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&b.kernel, "kernel", "", "kernel (bzImage) booted directly")
	cmd.Flags().StringVar(&b.initrd, "initrd", "", "initrd booted with the kernel (default: none)")
	cmd.Flags().StringVar(&b.cmdline, "append", "", "kernel command line")
	cmd.Flags().StringVar(&b.image, "image", "", "image directory made by make image ("+measure.ImageKernel+", "+measure.ImageInitrd+", "+measure.ImageCmdline+"); replaces --kernel, --initrd, --append")
}

func (b *bootFiles) given(cmd *cobra.Command) bool {
	return b.image != "" || b.kernel != "" || cmd.Flags().Changed("initrd") || cmd.Flags().Changed("append")
}

// load reads the files; kernel is nil when none is given.
func (b *bootFiles) load(cmd *cobra.Command) (kernel, initrd []byte, cmdline string, err error) {
	if b.image != "" {
		if b.kernel != "" || cmd.Flags().Changed("initrd") || cmd.Flags().Changed("append") {
			return nil, nil, "", usagef("--image replaces --kernel, --initrd and --append: give one or the other")
		}
		b.kernel, b.initrd = filepath.Join(b.image, measure.ImageKernel), filepath.Join(b.image, measure.ImageInitrd)
		if b.cmdline, err = measure.ReadImageCmdline(b.image); err != nil {
			return nil, nil, "", err
		}
	}
	if b.kernel == "" {
		if cmd.Flags().Changed("initrd") || cmd.Flags().Changed("append") {
			return nil, nil, "", usagef("--initrd and --append need --kernel")
		}
		return nil, nil, "", nil
	}
	if kernel, err = teeReadLimited(b.kernel, measure.MaxBootFile); err != nil {
		return nil, nil, "", fmt.Errorf("kernel: %w", err)
	}
	if b.initrd != "" {
		if initrd, err = teeReadLimited(b.initrd, measure.MaxBootFile); err != nil {
			return nil, nil, "", fmt.Errorf("initrd: %w", err)
		}
	}
	if strings.ContainsRune(b.cmdline, 0) {
		return nil, nil, "", usagef("the kernel command line contains a NUL byte")
	}
	return kernel, initrd, b.cmdline, nil
}

func newMeasureSNPCmd(g *globals) *cobra.Command {
	var (
		boot     bootFiles
		ovmf     string
		ovmfHash string
		vcpus    int
		vcpuType string
		vmm      string
		features string
	)
	cmd := &cobra.Command{
		Use:   "sev-snp --ovmf FILE [--kernel FILE --initrd FILE --append CMDLINE | --image DIR]",
		Short: "Compute the SEV-SNP launch digest (the report's MEASUREMENT)",
		Long: "Compute the SEV-SNP launch digest of a guest from its OVMF firmware, the kernel, initrd and command\n" +
			"line it boots directly (kernel-hashes=on), and its shape: vCPU count and type, VMM, guest features.\n" +
			"--ovmf-hash gives the firmware's own digest (sev-snp-measure's --snp-ovmf-hash) when the image\n" +
			"at hand is only used for its metadata.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ovmf == "" {
				return usagef("--ovmf is required")
			}
			vm, err := measure.ParseVMM(vmm)
			if err != nil {
				return usagef("--vmm: %v", err)
			}
			gf, err := measure.ParseGuestFeatures(features)
			if err != nil {
				return usagef("--guest-features: %v", err)
			}
			if _, err := measure.VCPUSignature(vcpuType); err != nil {
				return usagef("--vcpu-type: %v", err)
			}
			if vcpus < 1 || vcpus > measure.MaxVCPUs {
				return usagef("--vcpus must be 1..%d", measure.MaxVCPUs)
			}
			data, err := teeReadLimited(ovmf, measure.MaxOVMFSize)
			if err != nil {
				return fmt.Errorf("ovmf: %w", err)
			}
			start := time.Now()
			fw, err := measure.ParseOVMF(data)
			if err != nil {
				return fmt.Errorf("%s: %w", ovmf, err)
			}
			if ovmfHash != "" {
				if fw.Hash, err = measure.ParseDigest384(ovmfHash); err != nil {
					return usagef("--ovmf-hash: %v", err)
				}
			}
			kernel, initrd, cmdline, err := boot.load(cmd)
			if err != nil {
				return err
			}
			var kh *measure.KernelHashes
			if kernel != nil {
				h, err := measure.HashKernel(bytes.NewReader(kernel), bytes.NewReader(initrd), cmdline)
				if err != nil {
					return err
				}
				kh = &h
			}
			cfg := measure.SNPConfig{VCPUs: vcpus, VCPUType: vcpuType, VMM: vm, GuestFeatures: gf}
			d, err := measure.SNPDigest(fw, kh, cfg)
			if err != nil {
				return err
			}
			elapsed := time.Since(start)
			out := cmd.OutOrStdout()
			if g.output == "json" {
				v := struct {
					Mode         string                `json:"mode"`
					Digest       measure.Digest384     `json:"digest"`
					Config       measure.SNPConfig     `json:"config"`
					Firmware     *measure.Firmware     `json:"firmware"`
					KernelHashes *measure.KernelHashes `json:"kernel_hashes,omitempty"`
					Cmdline      *string               `json:"cmdline,omitempty"`
					Seconds      float64               `json:"seconds"`
				}{Mode: "sev-snp", Digest: d, Config: cfg, Firmware: fw, Seconds: elapsed.Seconds()}
				if kh != nil {
					v.KernelHashes = kh
					v.Cmdline = &cmdline
				}
				return teeWriteJSON(out, v)
			}
			_, err = fmt.Fprintln(out, d)
			return err
		},
	}
	boot.register(cmd)
	cmd.Flags().StringVar(&ovmf, "ovmf", "", "OVMF firmware image (an AmdSev build for --kernel/--image) (required)")
	cmd.Flags().StringVar(&ovmfHash, "ovmf-hash", "", "precomputed digest of the firmware's pages, hex (48 bytes), replacing the one computed from --ovmf")
	cmd.Flags().IntVar(&vcpus, "vcpus", 1, "number of vCPUs")
	cmd.Flags().StringVar(&vcpuType, "vcpu-type", "EPYC-v4", "QEMU vCPU model: "+strings.Join(measure.VCPUTypes(), ", "))
	cmd.Flags().StringVar(&vmm, "vmm", "qemu", "VMM whose initial vCPU state is assumed: qemu, ec2 or gce")
	cmd.Flags().StringVar(&features, "guest-features", "0x1", "SEV_FEATURES of every vCPU (bit 0, SNP active, required)")
	return cmd
}

func newMeasureTDXCmd(g *globals) *cobra.Command {
	var (
		boot      bootFiles
		eventLog  string
		ccelTable string
		quoteFile string
		memory    string
	)
	cmd := &cobra.Command{
		Use:   "tdx [--event-log FILE [--ccel-table FILE]] [--kernel FILE --initrd FILE --append CMDLINE | --image DIR] [--quote FILE]",
		Short: "Replay RTMR0–3 from a CCEL event log, or predict RTMR1/RTMR2 of a direct boot; compare with a quote",
		Long: "With --event-log (inside a TD: /sys/firmware/acpi/tables/data/CCEL, with the table at\n" +
			"/sys/firmware/acpi/tables/CCEL), replay RTMR0–3 from the TD's CC event log. With --kernel or --image,\n" +
			"compute RTMR1 and RTMR2 of a direct boot under TDVF (docs/measure.md says what was checked against\n" +
			"a real launch). With --quote (a raw TDX quote or tpod TDX evidence), compare every computed RTMR with\n" +
			"the quote's and fail on any difference.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if eventLog == "" && ccelTable != "" {
				return usagef("--ccel-table needs --event-log")
			}
			if eventLog == "" && !boot.given(cmd) {
				return usagef("give --event-log, or --kernel/--image, or both")
			}
			res := tdxMeasureResult{Mode: "tdx"}
			if ccelTable != "" {
				b, err := teeReadLimited(ccelTable, 4096)
				if err != nil {
					return fmt.Errorf("ccel table: %w", err)
				}
				t, err := measure.ParseCCELTable(b)
				if err != nil {
					return fmt.Errorf("%s: %w", ccelTable, err)
				}
				if t.CCType != measure.CCTypeTDX {
					return fmt.Errorf("%s: CC type %d is not TDX (%d)", ccelTable, t.CCType, measure.CCTypeTDX)
				}
				res.CCEL = t
			}
			if eventLog != "" {
				b, err := teeReadLimited(eventLog, measure.MaxEventLogSize)
				if err != nil {
					return fmt.Errorf("event log: %w", err)
				}
				events, err := measure.ParseEventLog(b)
				if err != nil {
					return fmt.Errorf("%s: %w", eventLog, err)
				}
				r := measure.ReplayRTMRs(events)
				res.Events, res.Replayed = len(events), &r
			}
			if boot.given(cmd) {
				mem, err := measure.ParseMemorySize(memory)
				if err != nil {
					return usagef("--memory: %v", err)
				}
				kernel, initrd, cmdline, err := boot.load(cmd)
				if err != nil {
					return err
				}
				if kernel == nil {
					return usagef("a direct boot needs --kernel or --image")
				}
				db := measure.TDXDirectBoot{Kernel: kernel, Initrd: initrd, Cmdline: cmdline, MemoryBytes: mem}
				r1, r2, err := db.RTMRs()
				if err != nil {
					return err
				}
				res.DirectBoot = &tdxDirectBootJSON{RTMR1: r1, RTMR2: r2, MemoryBytes: mem}
			}
			var mismatch error
			if quoteFile != "" {
				q, err := readTDXQuote(quoteFile)
				if err != nil {
					return err
				}
				var qr measure.RTMRs
				for i, v := range q.Body.GetRtmrs() {
					copy(qr[i][:], v)
				}
				res.Quote = &qr
				mismatch = res.compare()
			}
			out := cmd.OutOrStdout()
			if g.output == "json" {
				if err := teeWriteJSON(out, res); err != nil {
					return err
				}
			} else {
				res.print(out)
			}
			return mismatch
		},
	}
	boot.register(cmd)
	cmd.Flags().StringVar(&eventLog, "event-log", "", "CC event log (the CCEL log area)")
	cmd.Flags().StringVar(&ccelTable, "ccel-table", "", "ACPI CCEL table, checked and reported")
	cmd.Flags().StringVar(&quoteFile, "quote", "", "TDX quote to compare with: raw, or tpod evidence JSON")
	cmd.Flags().StringVar(&memory, "memory", "2G", "TD memory size (QEMU -m), which QEMU writes into the kernel with the initrd's address")
	return cmd
}

type tdxDirectBootJSON struct {
	RTMR1       measure.Digest384 `json:"rtmr1"`
	RTMR2       measure.Digest384 `json:"rtmr2"`
	MemoryBytes uint64            `json:"memory_bytes"`
}

type tdxMeasureResult struct {
	Mode       string             `json:"mode"`
	CCEL       *measure.CCEL      `json:"ccel,omitempty"`
	Events     int                `json:"events,omitempty"`
	Replayed   *measure.RTMRs     `json:"rtmrs,omitempty"`
	DirectBoot *tdxDirectBootJSON `json:"direct_boot,omitempty"`
	Quote      *measure.RTMRs     `json:"quote_rtmrs,omitempty"`
	Mismatches []string           `json:"mismatches,omitempty"`
	Match      *bool              `json:"match,omitempty"`
}

// compare checks every computed RTMR against the quote's.
func (r *tdxMeasureResult) compare() error {
	check := func(what string, i int, got measure.Digest384) {
		if got != r.Quote[i] {
			r.Mismatches = append(r.Mismatches, fmt.Sprintf("rtmr%d %s is %s, the quote has %s", i, what, got, r.Quote[i]))
		}
	}
	if r.Replayed != nil {
		for i, v := range r.Replayed {
			check("replayed from the event log", i, v)
		}
	}
	if r.DirectBoot != nil {
		check("of the direct boot", 1, r.DirectBoot.RTMR1)
		check("of the direct boot", 2, r.DirectBoot.RTMR2)
	}
	ok := len(r.Mismatches) == 0
	r.Match = &ok
	if !ok {
		return fmt.Errorf("%w: %s", attest.ErrAttestation, strings.Join(r.Mismatches, "; "))
	}
	return nil
}

func (r *tdxMeasureResult) print(w io.Writer) {
	mark := func(i int, v measure.Digest384) string {
		switch {
		case r.Quote == nil:
			return ""
		case r.Quote[i] == v:
			return "  = quote"
		default:
			return "  ≠ quote " + r.Quote[i].String()
		}
	}
	if r.CCEL != nil {
		fmt.Fprintf(w, "ccel table: TDX, log area %d bytes at %#x\n", r.CCEL.LogMinLength, r.CCEL.LogStart)
	}
	if r.Replayed != nil {
		fmt.Fprintf(w, "event log: %d events\n", r.Events)
		for i, v := range r.Replayed {
			fmt.Fprintf(w, "rtmr%d %s%s\n", i, v, mark(i, v))
		}
	}
	if d := r.DirectBoot; d != nil {
		fmt.Fprintf(w, "direct boot (%d MiB):\n", d.MemoryBytes>>20)
		fmt.Fprintf(w, "rtmr1 %s%s\n", d.RTMR1, mark(1, d.RTMR1))
		fmt.Fprintf(w, "rtmr2 %s%s\n", d.RTMR2, mark(2, d.RTMR2))
	}
	if r.Match != nil && *r.Match {
		fmt.Fprintln(w, "MATCH: every computed RTMR equals the quote's")
	}
}

// readTDXQuote reads a raw quote, or takes it from tpod TDX evidence.
func readTDXQuote(path string) (*attest.TDXQuote, error) {
	b, err := teeReadLimited(path, attest.MaxEvidenceSize)
	if err != nil {
		return nil, fmt.Errorf("quote: %w", err)
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		ev, err := attest.ParseEvidence(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if ev.Kind != attest.KindTDX {
			return nil, fmt.Errorf("%s: %s evidence, not tdx", path, ev.Kind)
		}
		b = ev.Report
	}
	q, err := attest.ParseTDXQuote(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return q, nil
}
