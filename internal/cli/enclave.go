package cli

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/provider"
)

// newEnclaveCmd runs a provider's signing core (docs/core.md):
// the process that holds the enclave keys, meters the pods, signs receipts
// and unwraps bundle keys, on a unix socket for `tpod provider run`.
func newEnclaveCmd() *cobra.Command {
	var cfgPath, logLevel string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "enclave --config provider.yaml",
		Short: "Run a provider's signing core: the enclave keys, metering and receipt signing",
		Long: `Runs the signing core of the provider configured by --config: the one process
that holds the enclave keys (sealed in <dataDir>/enclave), reads the pods'
CPU, memory and network counters itself, signs receipts only for usage it
metered, and returns a bundle's data key only for a bundle bound to one of
the provider's channels. It serves ` + "`tpod provider run`" + ` on a unix socket
(enclave.socket in the file; 0600, in a 0700 directory) and runs until
interrupted (docs/core.md).

Without enclave.socket, ` + "`tpod provider run`" + ` starts its own core as a child
process (--stdin) instead, as the guest image does; this command is for
running the two apart.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usagef("--log-level: %v", err)
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			if err := core.Harden(); err != nil {
				log.Warn("signing core: could not make the process non-dumpable", "err", err)
			}
			logTo := func(c *core.Config) { c.Logger = log }
			if fromStdin {
				return core.ServeStdin(cmd.Context(), os.Stdin, logTo)
			}
			if cfgPath == "" {
				return usagef("--config is required")
			}
			fc, err := provider.LoadFileConfig(cfgPath)
			if err != nil {
				return err
			}
			cfg, err := fc.CoreConfig()
			if err != nil {
				return fmt.Errorf("signing core: %w", err)
			}
			logTo(&cfg)
			return core.Serve(cmd.Context(), cfg, func(path string) { log.Info("signing core serving", "socket", path) })
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "provider configuration file (YAML)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	cmd.Flags().BoolVar(&fromStdin, "stdin", false, "read the core's configuration (JSON) from standard input and stop when it closes: how `tpod provider run` starts its own core")
	cmd.Flags().MarkHidden("stdin")
	return cmd
}
