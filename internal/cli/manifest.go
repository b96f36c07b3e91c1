package cli

import (
	"encoding/hex"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/manifest"
)

func newManifestCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Check pod manifests (tpod, Kubernetes Pod/Deployment, Compose)",
	}
	cmd.AddCommand(newManifestValidateCmd(g))
	return cmd
}

func newManifestValidateCmd(g *globals) *cobra.Command {
	var canonical bool
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Load and validate a manifest; print its workload hash and resource totals",
		Args:  cobra.ExactArgs(1),
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
			if g.output == "json" {
				return bundleWriteJSON(w, map[string]any{
					"file": args[0], "format": f, "name": p.Name, "hash": hex.EncodeToString(h[:]),
					"containers": len(p.Containers), "totals": t, "scale": p.Scale,
				})
			}
			fmt.Fprintf(w, "%s: valid %s manifest, pod %q\n", args[0], f, p.Name)
			fmt.Fprintf(w, "hash:       %x\n", h)
			fmt.Fprintf(w, "containers: %d\n", len(p.Containers))
			fmt.Fprintf(w, "resources:  cpu %dm, memory %d MiB, storage %d MiB (persistent %d), gpu %dm\n",
				t.CPUMilli, t.MemoryMiB, t.StorageMiB, t.PersistentMiB, t.GPUMilli)
			fmt.Fprintf(w, "scale:      min %d, max %d, idle timeout %s\n", p.Scale.Min, p.Scale.Max, jsonDuration(p.Scale.IdleTimeout))
			return nil
		},
	}
	cmd.Flags().BoolVar(&canonical, "canonical", false, "print the canonical form instead")
	return cmd
}

func jsonDuration(d manifest.Duration) string {
	b, _ := d.MarshalJSON()
	return string(b[1 : len(b)-1])
}

func manifestLoadFile(path string) (*manifest.Pod, manifest.Format, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if fi.Size() > manifest.MaxSize {
		return nil, "", fmt.Errorf("%s: larger than %d bytes", path, manifest.MaxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	return manifest.LoadFormat(data, path)
}
