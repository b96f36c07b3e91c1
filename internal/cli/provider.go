package cli

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/provider"
)

func newProviderCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "provider",
		Short: "Run a provider: serve pods, meter them and get paid",
	}
	cmd.AddCommand(newProviderRunCmd(g))
	return cmd
}

func newProviderRunCmd(g *globals) *cobra.Command {
	var cfgPath, logLevel string
	cmd := &cobra.Command{
		Use:   "run --config provider.yaml",
		Short: "Run the provider daemon until interrupted",
		Long: `Runs the provider daemon: registers the provider in the Registry, answers
the /tpod libp2p protocols, deploys ordered pods after validating their
channels on-chain, meters them every second, signs receipts with the enclave
key and claims payment every billing cycle, and stops pods whose funds run
out. Pods keep running when the daemon stops; a restart picks them up again.

The configuration file is described in docs/provider.md; every scalar setting
can be overridden by a TPOD_PROVIDER_* environment variable. The wallet's
private key never comes from the file or a flag: name a key file or keystore,
or set TPOD_PRIVATE_KEY.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgPath == "" {
				return usagef("--config is required")
			}
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usagef("--log-level: %v", err)
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			fc, err := provider.LoadFileConfig(cfgPath)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			d, err := provider.StartDaemon(ctx, fc, provider.DaemonOptions{Logger: log})
			if err != nil {
				return fmt.Errorf("start provider: %w", err)
			}
			defer d.Close()
			log.Info("provider running", "address", d.Provider.Address(), "peer", d.Provider.PeerID())
			return d.Run(ctx)
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "provider configuration file (YAML)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}
