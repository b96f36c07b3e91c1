package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/enclave"
	"github.com/trustedpods/tpod/internal/measure"
)

// teeFlags select the TEE and where its sealed keys live.
type teeFlags struct {
	kind    string
	dataDir string
	image   string
}

func (f *teeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.kind, "tee", teeEnvOr("TPOD_TEE", "auto"), "TEE to use: auto, sev-snp, tdx or simulated (env TPOD_TEE); auto never picks simulated")
	cmd.Flags().StringVar(&f.dataDir, "data-dir", os.Getenv("TPOD_DATA_DIR"), "directory of the sealed enclave keys (env TPOD_DATA_DIR; default ~/.tpod)")
	cmd.Flags().StringVar(&f.image, "image", "", "simulated TEE: the guest image directory whose launch the measurement claims (default: none, a zero measurement)")
}

func teeEnvOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func (f *teeFlags) config() (enclave.Config, error) {
	dir := f.dataDir
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return enclave.Config{}, fmt.Errorf("no --data-dir and no home directory: %w", err)
		}
		dir = filepath.Join(home, ".tpod")
	}
	kind := attest.Kind(f.kind)
	if f.kind != "auto" {
		k, err := attest.ParseKind(f.kind)
		if err != nil {
			return enclave.Config{}, usagef("--tee: %v", err)
		}
		kind = k
	}
	cfg := enclave.Config{DataDir: dir, Kind: kind}
	if f.image != "" {
		if kind != attest.KindSimulated {
			return enclave.Config{}, usagef("--image is for the simulated TEE (hardware measures its own launch)")
		}
		kh, err := measure.HashImage(f.image)
		if err != nil {
			return enclave.Config{}, err
		}
		cfg.SimulatedLaunch = &kh
	}
	return cfg, nil
}

func newTeeCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tee",
		Short: "Show this machine's TEE and enclave identity; produce and verify attestation evidence",
	}
	cmd.AddCommand(newTeeInfoCmd(g), newTeeEvidenceCmd(g), newTeeVerifyCmd(g))
	return cmd
}

func newTeeInfoCmd(g *globals) *cobra.Command {
	var tf teeFlags
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show the TEE this machine runs in and its enclave identity",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			info := struct {
				Detected attest.Kind `json:"detected"`
				Kind     attest.Kind `json:"kind,omitempty"`
				Signer   string      `json:"signer,omitempty"`
				X25519   string      `json:"x25519,omitempty"`
				Sealing  string      `json:"sealing,omitempty"`
				Note     string      `json:"note,omitempty"`
			}{Detected: attest.Detect()}
			cfg, err := tf.config()
			if err != nil {
				return err
			}
			if info.Detected == attest.KindNone && tf.kind == "auto" {
				info.Note = "no TEE on this machine; pass --tee simulated for development (not confidential)"
			} else {
				e, err := enclave.Open(cmd.Context(), cfg)
				if err != nil {
					return fmt.Errorf("open enclave: %w", err)
				}
				info.Kind, info.Signer, info.Sealing = e.Kind(), e.Address().Hex(), e.Sealing()
				info.X25519 = hex.EncodeToString(e.X25519Public().Bytes())
				if e.Kind() == attest.KindSimulated {
					info.Note = "SIMULATED TEE: the machine's administrator can read these keys"
				}
			}
			if g.output == "json" {
				return teeWriteJSON(out, info)
			}
			fmt.Fprintf(out, "detected TEE:  %s\n", info.Detected)
			if info.Kind != "" {
				fmt.Fprintf(out, "enclave TEE:   %s\n", info.Kind)
				fmt.Fprintf(out, "signer:        %s\n", info.Signer)
				fmt.Fprintf(out, "x25519:        %s\n", info.X25519)
				fmt.Fprintf(out, "sealing:       %s\n", info.Sealing)
			}
			if info.Note != "" {
				fmt.Fprintf(out, "note:          %s\n", info.Note)
			}
			return nil
		},
	}
	tf.register(cmd)
	return cmd
}

func newTeeEvidenceCmd(g *globals) *cobra.Command {
	var (
		tf       teeFlags
		nonceHex string
		workload string
		extraHex string
		outFile  string
		confFile string
		peerArg  string
	)
	cmd := &cobra.Command{
		Use:   "evidence --nonce HEX",
		Short: "Produce attestation evidence binding the enclave keys to a nonce",
		Long: "Produce attestation evidence (docs/attestation.md) binding the enclave's signing address and\n" +
			"X25519 key to the verifier's nonce, optionally committing to a workload hash.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			nonce, err := hex.DecodeString(strings.TrimPrefix(nonceHex, "0x"))
			if err != nil || len(nonce) == 0 || len(nonce) > attest.MaxNonceSize {
				return usagef("--nonce must be 1..%d bytes of hex", attest.MaxNonceSize)
			}
			var opts []enclave.EvidenceOption
			if workload != "" {
				w, err := hex.DecodeString(strings.TrimPrefix(workload, "0x"))
				if err != nil || len(w) != attest.WorkloadSize {
					return usagef("--workload must be %d bytes of hex (a SHA-256)", attest.WorkloadSize)
				}
				opts = append(opts, enclave.WithWorkload(w))
			}
			if extraHex != "" {
				x, err := hex.DecodeString(strings.TrimPrefix(extraHex, "0x"))
				if err != nil || len(x) > attest.MaxExtraSize {
					return usagef("--extra must be at most %d bytes of hex", attest.MaxExtraSize)
				}
				opts = append(opts, enclave.WithExtra(x))
			}
			if confFile != "" {
				doc, err := teeReadLimited(confFile, attest.MaxConfigSize)
				if err != nil {
					return fmt.Errorf("--config: %w", err)
				}
				if _, err := attest.FlattenConfig(doc); err != nil {
					return fmt.Errorf("--config: %w", err)
				}
				opts = append(opts, enclave.WithConfig(doc))
			}
			if peerArg != "" {
				id, err := peer.Decode(peerArg)
				if err != nil {
					return usagef("--peer: %v", err)
				}
				opts = append(opts, enclave.WithPeer(id))
			}
			cfg, err := tf.config()
			if err != nil {
				return err
			}
			e, err := enclave.Open(cmd.Context(), cfg)
			if err != nil {
				return fmt.Errorf("open enclave: %w", err)
			}
			ev, err := e.Evidence(cmd.Context(), nonce, opts...)
			if err != nil {
				return err
			}
			b, err := ev.Marshal()
			if err != nil {
				return err
			}
			b = append(b, '\n')
			if outFile == "" || outFile == "-" {
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			if err := os.WriteFile(outFile, b, 0o644); err != nil {
				return err
			}
			if g.output == "json" {
				return teeWriteJSON(cmd.OutOrStdout(), map[string]string{"file": outFile, "kind": string(ev.Kind), "signer": ev.Signer.Hex()})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s evidence for %s to %s\n", ev.Kind, ev.Signer.Hex(), outFile)
			return nil
		},
	}
	tf.register(cmd)
	cmd.Flags().StringVar(&nonceHex, "nonce", "", "the verifier's nonce, hex (required)")
	cmd.Flags().StringVar(&workload, "workload", "", "SHA-256 of the workload (bundle or manifest) to commit to, hex")
	cmd.Flags().StringVar(&extraHex, "extra", "", "extra data to commit to (e.g. a TLS key binding), hex")
	cmd.Flags().StringVar(&outFile, "out", "", "write the evidence to this file instead of standard output")
	cmd.Flags().StringVar(&confFile, "config", "", "configuration document (JSON, docs/attestation.md §2) to commit to")
	cmd.Flags().StringVar(&peerArg, "peer", "", "libp2p peer ID to bind the evidence to")
	_ = cmd.MarkFlagRequired("nonce")
	return cmd
}

func newTeeVerifyCmd(g *globals) *cobra.Command {
	var (
		policyFile string
		nonceHex   string
		workload   string
		insecure   bool
		atTime     string
		peerArg    string
	)
	cmd := &cobra.Command{
		Use:   "verify FILE [--policy FILE]",
		Short: "Verify attestation evidence against a policy",
		Long: "Verify attestation evidence against a policy (docs/attestation.md) and the vendors' roots.\n" +
			"Every check is listed; the command fails unless all pass. Without --policy, the release\n" +
			"policy built into this tpod is used (a development build has none).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts attest.VerifyOptions
			var err error
			if nonceHex != "" {
				if opts.Nonce, err = hex.DecodeString(strings.TrimPrefix(nonceHex, "0x")); err != nil {
					return usagef("--nonce is not hex")
				}
			}
			if workload != "" {
				if opts.Workload, err = hex.DecodeString(strings.TrimPrefix(workload, "0x")); err != nil || len(opts.Workload) != attest.WorkloadSize {
					return usagef("--workload must be %d bytes of hex", attest.WorkloadSize)
				}
			}
			opts.AllowInsecureSimulated = insecure
			if atTime != "" {
				t, err := time.Parse(time.RFC3339, atTime)
				if err != nil {
					return usagef("--at must be an RFC 3339 time such as 2025-03-01T12:00:00Z: %v", err)
				}
				opts.Now = func() time.Time { return t }
			}
			if peerArg != "" {
				if opts.PeerID, err = peer.Decode(peerArg); err != nil {
					return usagef("--peer: %v", err)
				}
			}
			var pol *attest.Policy
			if policyFile != "" {
				if pol, err = attest.LoadPolicy(policyFile); err != nil {
					return fmt.Errorf("policy: %w", err)
				}
			} else if pol, _, err = defaultPolicy(); err != nil {
				return err
			} else if pol == nil {
				return usagef("--policy is required: %s", devBuildNote)
			}
			data, err := teeReadLimited(args[0], attest.MaxEvidenceSize)
			if err != nil {
				return fmt.Errorf("evidence: %w", err)
			}
			ev, err := attest.ParseEvidence(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			res, verr := attest.Verify(cmd.Context(), ev, pol, opts)
			out := cmd.OutOrStdout()
			if g.output == "json" {
				v := struct {
					*attest.Result
					Signer string `json:"signer,omitempty"`
					X25519 string `json:"x25519,omitempty"`
				}{Result: res}
				if res.OK {
					v.Signer, v.X25519 = res.Signer.Hex(), hex.EncodeToString(res.X25519.Bytes())
				}
				if err := teeWriteJSON(out, v); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "evidence: %s, version %d, issued %s, verified at %s\n", res.Kind, res.Version, res.IssuedAt.Format(time.RFC3339), res.At.Format(time.RFC3339))
				for _, c := range res.Checks {
					mark := "ok"
					switch c.Status {
					case attest.StatusFailed:
						mark = "FAIL"
					case attest.StatusNotChecked:
						mark = "not checked"
					}
					fmt.Fprintf(out, "  %-11s %-12s %s\n", mark, c.Name, c.Reason)
				}
				if res.OK && len(res.Extra) > 0 {
					fmt.Fprintf(out, "extra:    %x\n", []byte(res.Extra))
				}
				if res.PeerID != "" {
					fmt.Fprintf(out, "peer:     %s\n", res.PeerID)
				}
				printConfig(out, res)
				if res.OK {
					fmt.Fprintf(out, "ACCEPTED: signer %s, x25519 %x\n", res.Signer.Hex(), res.X25519.Bytes())
				} else {
					fmt.Fprintln(out, "REJECTED")
				}
				for _, w := range res.Warnings {
					fmt.Fprintf(out, "WARNING: %s\n", w)
				}
			}
			return verr
		},
	}
	cmd.Flags().StringVar(&policyFile, "policy", "", "policy file, YAML or JSON (default: the release policy built into this tpod)")
	cmd.Flags().StringVar(&peerArg, "peer", "", "the libp2p peer the evidence came from: evidence bound to another peer is refused")
	cmd.Flags().StringVar(&nonceHex, "nonce", "", "expected nonce, hex (overrides the policy's)")
	cmd.Flags().StringVar(&workload, "workload", "", "expected workload hash, hex")
	cmd.Flags().StringVar(&atTime, "at", "", "verify at this time (RFC 3339) instead of now: certificate validity and max_age")
	cmd.Flags().BoolVar(&insecure, "insecure-allow-simulated", false, "INSECURE: accept simulated evidence, which anyone can forge (development only)")
	return cmd
}

// printConfig lists the configuration document a result carries (the one
// the statement commits to), one value per line.
func printConfig(w io.Writer, res *attest.Result) {
	if len(res.ConfigEntries) == 0 {
		return
	}
	fmt.Fprintf(w, "configuration (sha256 %x):\n", []byte(res.ConfigSHA256))
	for _, e := range res.ConfigEntries {
		fmt.Fprintf(w, "  %s = %s\n", e.Path, e.Value)
	}
}

func teeWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func teeReadLimited(path string, max int64) ([]byte, error) { return measure.ReadFileCapped(path, max) }
