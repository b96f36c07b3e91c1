package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set by the linker (-X) for release builds, from the VERSION
// file (make release); a development build says "dev".
var version = "dev"

// versionInfo is what tpod version prints.
type versionInfo struct {
	Version string `json:"version"`
	// Commit and Time come from the VCS stamp of the build (absent in a
	// reproducible release build, which is built with -buildvcs=false:
	// the version names it then).
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commitTime,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	// Release says whether a release policy is built in.
	ReleasePolicy bool `json:"releasePolicy"`
}

func buildVersion() versionInfo {
	v := versionInfo{Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Go = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if pol, _, err := defaultPolicy(); err == nil && pol != nil {
		v.ReleasePolicy = true
	}
	return v
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of tpod, its commit and the Go version it was built with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := buildVersion()
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "tpod %s\n", v.Version)
			if v.Commit != "" {
				mod := ""
				if v.Modified {
					mod = " (with uncommitted changes)"
				}
				fmt.Fprintf(w, "  commit   %s%s %s\n", v.Commit, mod, v.Time)
			}
			fmt.Fprintf(w, "  go       %s %s\n", v.Go, v.Platform)
			if v.ReleasePolicy {
				fmt.Fprintln(w, "  policy   release policy built in (tpod policy show)")
			} else {
				fmt.Fprintln(w, "  policy   none built in: a development build (deploy accepts simulated evidence only)")
			}
			return nil
		},
	}
}
