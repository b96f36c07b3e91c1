// Package cli holds the cobra commands of tpod, one file per command group.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// usageError marks an error caused by how the command was called; Main adds a
// hint to the help text for those.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// globals are the flags every command shares.
type globals struct {
	output string // "text" or "json"
}

// Main runs tpod with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "tpod: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return 2
	}
	var ce interface{ ExitCode() int }
	if errors.As(err, &ce) {
		return ce.ExitCode()
	}
	return 1
}

// exitError is an error with its own exit code, for outcomes a script tells
// apart from failures (tpod watch: 3 when a runway is low).
type exitError struct {
	err  error
	code int
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }
func (e exitError) ExitCode() int { return e.code }

// exitLowRunway is tpod watch's exit code when a runway fell below the
// threshold.
const exitLowRunway = 3

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "tpod",
		Short:         "Trusted Pods: confidential pods on independent providers, paid per second",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.output != "text" && g.output != "json" {
				return usagef("--output must be text or json, not %q", g.output)
			}
			return nil
		},
	}
	root.PersistentFlags().StringVarP(&g.output, "output", "o", "text", "output format: text or json")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// Command groups register here, one line each, in the order of their files.
	root.AddCommand(
		newVersionCmd(), newGuestCmd(),
		newProviderCmd(g),
		newTeeCmd(g), newMeasureCmd(g), newPolicyCmd(g),
		newDevnetCmd(g), newContractsCmd(g), newChannelCmd(g), newTokenCmd(g), newReceiptCmd(g),
		newKeyCmd(g), newManifestCmd(g), newBundleCmd(g),
		newProvidersCmd(g), newDeployCmd(g), newPodCmd(g), newFundsCmd(g), newWatchCmd(g),
	)
	return root
}
