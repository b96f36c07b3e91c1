package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/manifest"
)

func newManifestCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Check pod manifests (tpod, Kubernetes, Compose)",
	}
	cmd.AddCommand(newManifestValidateCmd(g))
	return cmd
}

func newManifestValidateCmd(g *globals) *cobra.Command {
	var canonical bool
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Load and validate a manifest; print the normalized pod, its hash, totals and every warning",
		Long: `Load and validate a manifest (the tpod format, a Kubernetes file with any
number of documents, or a Compose file) the way deploy does, and print the
pod it becomes, its workload hash, its resource totals and every warning:
what was ignored or changed on the way. Compose variables (${VAR}) come from
the environment and a .env file beside the file.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, f, err := manifestLoadFile(args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if canonical {
				_, err := fmt.Fprintf(w, "%s\n", p.Canonical())
				return err
			}
			h := p.Hash()
			t := p.Totals()
			warnings := p.Warnings
			if warnings == nil {
				warnings = []manifest.Warning{}
			}
			if g.output == "json" {
				return bundleWriteJSON(w, map[string]any{
					"file": args[0], "format": f, "name": p.Name, "hash": hex.EncodeToString(h[:]),
					"containers": len(p.Containers), "initContainers": len(p.InitContainers),
					"totals": t, "scale": p.Scale, "pod": json.RawMessage(p.Canonical()), "warnings": warnings,
				})
			}
			fmt.Fprintf(w, "%s: valid %s manifest, pod %q\n", args[0], f, p.Name)
			fmt.Fprintf(w, "hash:       %x\n", h)
			fmt.Fprintf(w, "containers: %d", len(p.Containers))
			if n := len(p.InitContainers); n > 0 {
				fmt.Fprintf(w, " (and %d init)", n)
			}
			fmt.Fprintln(w)
			fmt.Fprintf(w, "resources:  cpu %dm, memory %d MiB, storage %d MiB (persistent %d), gpu %dm\n",
				t.CPUMilli, t.MemoryMiB, t.StorageMiB, t.PersistentMiB, t.GPUMilli)
			fmt.Fprintf(w, "scale:      min %d, max %d, idle timeout %s\n", p.Scale.Min, p.Scale.Max, jsonDuration(p.Scale.IdleTimeout))
			fmt.Fprintf(w, "warnings:   %d\n", len(warnings))
			for _, wn := range warnings {
				fmt.Fprintf(w, "  %s\n", wn.String())
			}
			pretty, err := json.MarshalIndent(json.RawMessage(p.Canonical()), "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "pod:\n%s\n", pretty)
			return nil
		},
	}
	cmd.Flags().BoolVar(&canonical, "canonical", false, "print the canonical form instead")
	return cmd
}

func jsonDuration(d manifest.Duration) string {
	return time.Duration(d).String()
}

func manifestLoadFile(path string) (*manifest.Pod, manifest.Format, error) {
	return manifest.LoadFile(path, manifest.Options{Env: manifest.Environ()})
}
