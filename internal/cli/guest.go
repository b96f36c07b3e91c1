package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/guest"
	"github.com/trustedpods/tpod/internal/measure"
)

// newGuestCmd is PID 1 of the provider's guest image (docs/image.md); the
// kernel starts it from the image's command line. Hidden: it only makes
// sense there.
func newGuestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "guest",
		Short:  "The provider's confidential VM (guest image) side",
		Hidden: true,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "init",
		Short: "Run as PID 1 of the guest image: mount, load modules, open the data disk, start the provider",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return guest.Init(cmd.Context())
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "launch-record IMAGE_DIR SEAL_DISK",
		Short: "Host side, simulated TEE: record an image's launch inputs on the seal disk (its measurement is computed from them)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			kh, err := measure.HashImage(args[0])
			if err != nil {
				return err
			}
			if err := guest.WriteSimulatedLaunch(args[1], kh); err != nil {
				return err
			}
			m := attest.SimulatedMeasurement(&kh)
			fmt.Fprintf(cmd.OutOrStdout(), "recorded the launch of %s on %s: simulated measurement %x (the host's claim)\n", args[0], args[1], m)
			return nil
		},
	})
	return cmd
}
