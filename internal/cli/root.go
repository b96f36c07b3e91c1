// Package cli holds the cobra commands of tpod, one file per command group.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/explain"
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

// globals are the flags every command shares, and what a command learned
// while it ran that explaining its error needs (the signing wallet, the
// chain's clock, the payment token).
type globals struct {
	output  string // "text" or "json"
	verbose bool   // raw errors too (and logs, for devnet up)
	raw     bool   // text output in base units
	context string // --context

	sender    string       // the signing wallet, once loaded
	headTime  time.Time    // the chain head's time when dialled
	headAt    time.Time    // when it was read
	token     amount.Token // the token of the command's amounts, once known
	tokens    *amount.Cache
	closeOnce []func()
}

// json reports whether machine output was asked for.
func (g *globals) json() bool { return g.output == "json" }

// Main runs tpod with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	cmd, err := root.ExecuteC()
	defer func() {
		for _, f := range g.closeOnce {
			f()
		}
	}()
	if err == nil {
		return 0
	}
	code := 1
	var ue usageError
	var ce interface{ ExitCode() int }
	switch {
	case errors.As(err, &ue):
		code = 2
	case errors.As(err, &ce):
		code = ce.ExitCode()
	}
	var printed *printedError
	if errors.As(err, &printed) {
		return code // the command's own output already says it (tpod watch)
	}
	x := explain.Error(err, g.explainContext())
	if ue.err != nil {
		x.Code = "usage"
	}
	if g.json() {
		writeJSON(stdout, struct {
			Error errorDoc `json:"error"`
		}{errorDoc{x, code}})
	}
	fmt.Fprintf(stderr, "tpod: %s\n", x.Message)
	if x.Hint != "" {
		fmt.Fprintf(stderr, "  what to do: %s\n", x.Hint)
	}
	if g.verbose && x.Raw != x.Message {
		fmt.Fprintf(stderr, "  raw error: %s\n", x.Raw)
	} else if !g.verbose && x.Raw != x.Message && !g.json() {
		fmt.Fprintln(stderr, "  (-v shows the raw error)")
	}
	if ue.err != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// errorDoc is the --output json form of a failure: {"error": {...}}.
type errorDoc struct {
	*explain.Explanation
	ExitCode int `json:"exitCode"`
}

// explainContext is what the command learned that makes an error concrete.
func (g *globals) explainContext() explain.Context {
	c := explain.Context{Sender: g.sender, Token: g.token}
	if !g.headTime.IsZero() {
		c.ChainNow = g.headTime.Add(time.Since(g.headAt))
	}
	return c
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

// printedError is an outcome the command has already reported in its own
// output; Main only sets the exit code.
type printedError struct{ err error }

func (e *printedError) Error() string { return e.err.Error() }
func (e *printedError) Unwrap() error { return e.err }

// exitLowRunway is tpod watch's exit code when a runway fell below the
// threshold.
const exitLowRunway = 3

// exitUnchecked is tpod watch --once's exit code when a runway could not be
// read (and none is low).
const exitUnchecked = 4

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
	pf := root.PersistentFlags()
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json (one JSON document; streams are NDJSON; errors are {\"error\": {...}} on stdout)")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "show raw errors beside their explanation (and, for devnet up, progress logs)")
	pf.BoolVar(&g.raw, "raw", false, "print token amounts in base units in text output (JSON always does)")
	pf.StringVar(&g.context, "context", "", "context of the config file to use (env TPOD_CONTEXT; default: the current one, see tpod context)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// Command groups register here, one line each, in the order of their files.
	root.AddCommand(
		newVersionCmd(g), newGuestCmd(),
		newProviderCmd(g), newEnclaveCmd(),
		newTeeCmd(g), newMeasureCmd(g), newPolicyCmd(g),
		newDevnetCmd(g), newContractsCmd(g), newChannelCmd(g), newTokenCmd(g), newReceiptCmd(g),
		newKeyCmd(g), newManifestCmd(g), newBundleCmd(g),
		newProvidersCmd(g), newDeployCmd(g), newPodCmd(g), newFundsCmd(g), newWatchCmd(g),
		newContextCmd(g), newConsoleCmd(g),
	)
	return root
}

// writeJSON writes one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeNDJSON writes one compact JSON line (a stream's element).
func writeNDJSON(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

// fmtAmount formats base units in the command's token, or as base units
// with --raw.
func (g *globals) fmtAmount(v any) string {
	return g.fmtIn(v, g.token)
}

// fmtIn formats base units (a *big.Int or a decimal string) in tok.
func (g *globals) fmtIn(v any, tok amount.Token) string {
	if g.raw {
		tok = amount.Token{}
	}
	var s string
	switch x := v.(type) {
	case string:
		if x == "" {
			return "-"
		}
		s = amount.FormatString(x, tok)
	case amount.Units:
		if x.IsZero() {
			return "-"
		}
		s = amount.FormatString(x.String(), tok)
	case interface{ String() string }:
		s = amount.FormatString(x.String(), tok)
	default:
		s = fmt.Sprint(v)
	}
	if g.raw {
		s = strings.TrimSuffix(s, " base units")
	}
	return s
}
