package cli

import (
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/guest"
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
	return cmd
}
