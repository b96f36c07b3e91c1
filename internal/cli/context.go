package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/config"
)

// currentContext returns the context commands use: --context, else
// TPOD_CONTEXT, else the config file's current one ("" and nil for none).
func (g *globals) currentContext() (string, *config.Context, error) {
	name := g.context
	if name == "" {
		name = os.Getenv("TPOD_CONTEXT")
	}
	file, err := config.UserFile()
	if err != nil {
		if name != "" {
			return "", nil, err
		}
		return "", nil, nil
	}
	u, err := config.LoadUser(file)
	if err != nil {
		return "", nil, err
	}
	if name == "" {
		name = u.Current
	}
	if name == "" {
		return "", nil, nil
	}
	c := u.Contexts[name]
	if c == nil {
		return "", nil, usagef("no context %q in %s (tpod context list shows them)", name, file)
	}
	return name, c, nil
}

func newContextCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context",
		Short: "Named networks and wallets, so commands need no --network and --account (config.yaml)",
		Long: `A context names a network (a devnet file, or an RPC URL and contract
addresses) and a wallet (a dev account of the network file, a keystore or a
key file: never a key itself), and optionally a directory of deployment
records. Commands use the current context's settings unless a flag or a
TPOD_* variable gives them; --context NAME (or TPOD_CONTEXT) picks another
for one command.

The contexts live in ~/.config/tpod/config.yaml (os.UserConfigDir()/tpod;
TPOD_CONFIG names another file), mode 0600. 'tpod devnet up' adds a context
named devnet for the devnet it starts.`,
	}
	cmd.AddCommand(newContextListCmd(g), newContextShowCmd(g), newContextUseCmd(g), newContextSetCmd(g), newContextDeleteCmd(g))
	return cmd
}

func loadUserConfig() (string, *config.User, error) {
	file, err := config.UserFile()
	if err != nil {
		return "", nil, err
	}
	u, err := config.LoadUser(file)
	return file, u, err
}

// contextView is a context as list and show print it.
type contextView struct {
	Name    string `json:"name"`
	Current bool   `json:"current"`
	*config.Context
}

func newContextListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the contexts; * marks the current one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, u, err := loadUserConfig()
			if err != nil {
				return err
			}
			views := []contextView{}
			for _, n := range u.Names() {
				views = append(views, contextView{Name: n, Current: n == u.Current, Context: u.Contexts[n]})
			}
			w := cmd.OutOrStdout()
			if g.json() {
				return writeJSON(w, views)
			}
			if len(views) == 0 {
				fmt.Fprintln(w, "no contexts: add one with tpod context set NAME --network FILE --account LABEL (tpod devnet up adds one)")
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "CURRENT\tNAME\tNETWORK\tWALLET")
			for _, v := range views {
				cur := ""
				if v.Current {
					cur = "*"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", cur, v.Name, networkOf(v.Context), walletOf(v.Context))
			}
			return tw.Flush()
		},
	}
}

func networkOf(c *config.Context) string {
	switch {
	case c.Network != "" && c.RPC != "":
		return c.Network + " via " + c.RPC
	case c.Network != "":
		return c.Network
	case c.RPC != "":
		return c.RPC
	}
	return "-"
}

func walletOf(c *config.Context) string {
	switch {
	case c.Account != "":
		return "account " + c.Account
	case c.Keystore != "":
		return "keystore " + c.Keystore
	case c.KeyFile != "":
		return "key file " + c.KeyFile
	}
	return "-"
}

func newContextShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show a context (default: the one commands use now)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, u, err := loadUserConfig()
			if err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			} else if name, _, err = g.currentContext(); err != nil {
				return err
			}
			if name == "" {
				return fmt.Errorf("no current context in %s: commands take --network and a wallet flag; add one with tpod context set NAME ... and tpod context use NAME", file)
			}
			c := u.Contexts[name]
			if c == nil {
				return usagef("no context %q in %s", name, file)
			}
			v := contextView{Name: name, Current: name == u.Current, Context: c}
			w := cmd.OutOrStdout()
			if g.json() {
				return writeJSON(w, v)
			}
			fmt.Fprintf(w, "context %s (%s)\n", name, file)
			fmt.Fprintf(w, "  network   %s\n  wallet    %s\n", networkOf(c), walletOf(c))
			for _, kv := range [][2]string{{"payment", c.Payment}, {"registry", c.Registry}, {"token", c.Token}, {"state dir", c.StateDir}, {"passphrase", c.PassphraseFile}} {
				if kv[1] != "" {
					fmt.Fprintf(w, "  %-9s %s\n", kv[0], kv[1])
				}
			}
			return nil
		},
	}
}

func newContextUseCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make NAME the current context",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, u, err := loadUserConfig()
			if err != nil {
				return err
			}
			if u.Contexts[args[0]] == nil {
				return usagef("no context %q in %s (tpod context list)", args[0], file)
			}
			u.Current = args[0]
			if err := u.Save(file); err != nil {
				return err
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), map[string]string{"current": args[0]})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "current context: %s\n", args[0])
			return nil
		},
	}
}

func newContextSetCmd(g *globals) *cobra.Command {
	var c config.Context
	var use bool
	cmd := &cobra.Command{
		Use:   "set NAME [--network FILE | --rpc URL --payment ADDR --registry ADDR] [--account LABEL | --keystore FILE | --key-file FILE]",
		Short: "Create or change a context (only the settings given change)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, u, err := loadUserConfig()
			if err != nil {
				return err
			}
			if u.Contexts == nil {
				u.Contexts = map[string]*config.Context{}
			}
			cur := u.Contexts[args[0]]
			if cur == nil {
				cur = &config.Context{}
				u.Contexts[args[0]] = cur
			}
			fl := cmd.Flags()
			abs := func(p string) string {
				if p == "" {
					return p
				}
				if a, err := filepath.Abs(p); err == nil {
					return a
				}
				return p
			}
			set := func(name string, dst *string, v string, path bool) {
				if fl.Changed(name) {
					if path {
						v = abs(v)
					}
					*dst = v
				}
			}
			set("network", &cur.Network, c.Network, true)
			set("rpc", &cur.RPC, c.RPC, false)
			set("payment", &cur.Payment, c.Payment, false)
			set("registry", &cur.Registry, c.Registry, false)
			set("token", &cur.Token, c.Token, false)
			// One wallet source at a time.
			if fl.Changed("account") || fl.Changed("keystore") || fl.Changed("key-file") {
				cur.Account, cur.Keystore, cur.KeyFile, cur.PassphraseFile = "", "", "", ""
			}
			set("account", &cur.Account, c.Account, false)
			set("keystore", &cur.Keystore, c.Keystore, true)
			set("key-file", &cur.KeyFile, c.KeyFile, true)
			set("passphrase-file", &cur.PassphraseFile, c.PassphraseFile, true)
			set("state-dir", &cur.StateDir, c.StateDir, true)
			if use || u.Current == "" {
				u.Current = args[0]
			}
			if err := u.Save(file); err != nil {
				return err
			}
			v := contextView{Name: args[0], Current: u.Current == args[0], Context: cur}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			state := ""
			if v.Current {
				state = " (current)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "context %s%s: network %s, wallet %s\n", args[0], state, networkOf(cur), walletOf(cur))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&c.Network, "network", "", "devnet file (RPC, contracts, dev accounts)")
	fl.StringVar(&c.RPC, "rpc", "", "JSON-RPC endpoint")
	fl.StringVar(&c.Payment, "payment", "", "Payment contract address")
	fl.StringVar(&c.Registry, "registry", "", "Registry contract address")
	fl.StringVar(&c.Token, "token", "", "token to pay in")
	fl.StringVar(&c.Account, "account", "", "dev account of the network file (development only)")
	fl.StringVar(&c.Keystore, "keystore", "", "Ethereum keystore file")
	fl.StringVar(&c.PassphraseFile, "passphrase-file", "", "file holding the keystore's passphrase")
	fl.StringVar(&c.KeyFile, "key-file", "", "file holding a hex private key (mode 0600)")
	fl.StringVar(&c.StateDir, "state-dir", "", "deployment records of this context")
	fl.BoolVar(&use, "use", false, "make it the current context")
	return cmd
}

func newContextDeleteCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Remove a context (its files stay)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, u, err := loadUserConfig()
			if err != nil {
				return err
			}
			if u.Contexts[args[0]] == nil {
				return usagef("no context %q in %s", args[0], file)
			}
			delete(u.Contexts, args[0])
			if u.Current == args[0] {
				u.Current = ""
			}
			if err := u.Save(file); err != nil {
				return err
			}
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), map[string]string{"deleted": args[0]})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted context %s\n", args[0])
			return nil
		},
	}
}
