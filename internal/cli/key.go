package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/bundle"
)

func newKeyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Manage X25519 keys that bundles are encrypted to",
	}
	cmd.AddCommand(newKeyGenCmd(g), newKeyPubCmd(g))
	return cmd
}

func newKeyGenCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "gen --out FILE",
		Short: "Generate a recipient key pair; the identity file is written 0600",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out is required")
			}
			k, err := bundle.GenerateIdentity()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("key gen: %s already exists", out)
			}
			if err != nil {
				return fmt.Errorf("key gen: %w", err)
			}
			_, err = f.Write(bundle.FormatIdentity(k))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(out)
				return fmt.Errorf("key gen: %w", err)
			}
			return keyPrint(cmd, g, out, bundle.FormatRecipient(k.PublicKey()))
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "identity file to create (mode 0600)")
	return cmd
}

func newKeyPubCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "pub IDENTITY_FILE",
		Short: "Print the recipient (public key) of an identity file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := bundleReadIdentity(args[0])
			if err != nil {
				return err
			}
			return keyPrint(cmd, g, args[0], bundle.FormatRecipient(k.PublicKey()))
		},
	}
}

func keyPrint(cmd *cobra.Command, g *globals, file, recipient string) error {
	if g.output == "json" {
		return bundleWriteJSON(cmd.OutOrStdout(), map[string]string{"identity": file, "recipient": recipient})
	}
	fmt.Fprintln(cmd.OutOrStdout(), recipient)
	return nil
}
