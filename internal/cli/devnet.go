package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/config"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/release"
)

func newDevnetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Run a local development network (an in-process Ethereum dev chain with the contracts deployed)",
	}
	cmd.AddCommand(newDevnetUpCmd(g), newDevnetWaitCmd(), newDevnetAdvanceCmd(g))
	return cmd
}

func newDevnetUpCmd(g *globals) *cobra.Command {
	var cfg devnet.Config
	var out, contextName string
	var po devnetProviderOptions
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start a whole local network: dev chain, IPFS, and a provider on containerd; run until interrupted",
		Long: `Starts a go-ethereum dev node in this process with JSON-RPC over HTTP and
WebSocket on 127.0.0.1, deploys TestToken, Registry and Payment, funds the dev
accounts (deployer, publisher, provider, enclave, ...) with ETH and test tokens,
then runs a provider in the same process: an embedded IPFS node on 127.0.0.1,
the SIMULATED TEE (development only), pods on containerd (a private one unless
--containerd names a socket; needs root) and the HTTP gateway. The provider
registers itself in the Registry.

Writes the devnet file (mode 0600: it holds the dev keys; format in
docs/devnet.md) that publisher commands read with --network FILE. Runs until
interrupted (Ctrl-C / SIGTERM), then deletes the devnet's pods and removes the
file. The dev keys are public knowledge: use them on this devnet only.
--chain-only starts just the chain.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if g.verbose {
				cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			}
			start := time.Now()
			d, err := devnet.Start(ctx, cfg)
			if err != nil {
				return fmt.Errorf("start devnet: %w", err)
			}
			defer d.Close()
			info := d.Info()
			if !po.chainOnly {
				log := cfg.Logger
				if log == nil {
					log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
				}
				if po.dataDir == "" {
					po.dataDir = devnetProviderDir(cfg.DataDir)
				}
				if !cmd.Flags().Changed("image") {
					// A release build's simulated TEE claims the release
					// image beside it, which its release policy pins.
					if pol, _, err := defaultPolicy(); err == nil && pol != nil {
						po.image = release.ImageDir()
					}
				}
				dmn, section, stop, err := startDevnetProvider(ctx, d, po, log)
				if err != nil {
					return err
				}
				runErr := make(chan error, 1)
				go func() { runErr <- dmn.Run(ctx) }()
				defer func() {
					if po.dataDir == "" || cfg.DataDir == "" {
						// An ephemeral devnet leaves no pods behind.
						dmn.Provider.DeleteAll(context.WithoutCancel(ctx))
					}
					stop()
				}()
				if info.Extra == nil {
					info.Extra = map[string]any{}
				}
				info.Extra["provider"] = section
				// The devnet file says "ready": publishers find the
				// provider in the Registry once it exists.
				if err := waitRegistered(ctx, d, dmn.Provider.Address(), section.PeerID, runErr); err != nil {
					return err
				}
				go func() {
					if err := <-runErr; err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "tpod: devnet provider: %v\n", err)
					}
				}()
			}
			if err := devnet.WriteInfo(out, info); err != nil {
				return fmt.Errorf("write devnet file: %w", err)
			}
			defer os.Remove(out)
			ctxNote := ""
			if contextName != "" {
				if ctxNote, err = devnetContext(contextName, out); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "tpod: context %s not written: %v\n", contextName, err)
				}
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				pub := *info
				pub.Accounts = nil
				for _, a := range info.Accounts {
					a.PrivateKey = "" // keys stay in the 0600 file
					pub.Accounts = append(pub.Accounts, a)
				}
				if err := writeJSON(w, struct {
					File string `json:"file"`
					*devnet.Info
				}{out, &pub}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(w, "devnet up in %s (chain %d, %s rules as Ethereum mainnet, block period %ds)\n", time.Since(start).Round(time.Millisecond), info.ChainID, info.Fork, info.BlockPeriod)
				fmt.Fprintf(w, "  rpc       %s  %s\n", info.RPC.HTTP, info.RPC.WS)
				fmt.Fprintf(w, "  payment   %s\n  registry  %s\n  token     %s (%s, %d decimals)\n", info.Contracts.Payment.Hex(), info.Contracts.Registry.Hex(), info.Token.Address.Hex(), info.Token.Symbol, info.Token.Decimals)
				for _, a := range info.Accounts {
					fmt.Fprintf(w, "  %-10s%s\n", a.Label, a.Address.Hex())
				}
				if p, ok := info.Extra["provider"].(*DevnetProvider); ok {
					fmt.Fprintf(w, "  provider  %s  peer %s (simulated TEE)\n  gateway   %s  (*.%s)\n", p.Address, p.PeerID, p.Gateway, p.Domain)
					if p.Image != "" {
						fmt.Fprintf(w, "  measured  %s  (simulated: the image %s, as its host claims)\n", p.Measurement, p.Image)
					} else {
						fmt.Fprintf(w, "  measured  %s  (simulated, no --image: no release policy accepts it)\n", p.Measurement)
					}
					if p.GatewayHTTPS != "" {
						fmt.Fprintf(w, "  https     %s  (key bound to the attestation)\n", p.GatewayHTTPS)
					}
					if p.Metrics != "" {
						fmt.Fprintf(w, "  metrics   %s  (status: tpod provider status)\n", p.Metrics)
					}
					for _, a := range p.Addrs {
						fmt.Fprintf(w, "  ipfs      %s\n", a)
					}
				}
				fmt.Fprintf(w, "devnet file %s (dev keys inside); Ctrl-C stops\n", out)
				if ctxNote != "" {
					fmt.Fprintln(w, ctxNote)
				}
			}
			<-ctx.Done()
			fmt.Fprintln(cmd.ErrOrStderr(), "devnet: stopping")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&cfg.HTTPPort, "http-port", 8545, "JSON-RPC HTTP port on 127.0.0.1 (0: any free port)")
	fl.IntVar(&cfg.WSPort, "ws-port", 8546, "JSON-RPC WebSocket port on 127.0.0.1 (0: any free port)")
	fl.Uint64Var(&cfg.BlockPeriod, "period", 0, "seconds between blocks; 0 mines a block for each transaction")
	fl.StringVar(&cfg.DataDir, "datadir", "", "keep the chain in this directory across restarts (default: in memory)")
	fl.IntVar(&cfg.ExtraAccounts, "accounts", 0, "extra funded dev accounts beyond deployer, publisher, provider and enclave")
	fl.StringVar(&out, "out", "devnet.json", "where to write the devnet file")
	fl.StringVar(&contextName, "context-name", "devnet", "name of the context written for this devnet (its file, account publisher), made current unless another is; \"\" writes none")
	fl.BoolVar(&po.chainOnly, "chain-only", false, "start only the chain (no IPFS, no provider)")
	fl.StringVar(&po.containerd, "containerd", "", "containerd socket for the provider's pods (default: start a private containerd)")
	fl.StringVar(&po.subnet, "subnet", "172.30.224.0/24", "pod network of the devnet's provider; nothing else may use it")
	fl.StringVar(&po.bridge, "bridge", "tpdev0", "bridge device of the pod network (another devnet on the same machine needs another one, and another --subnet)")
	fl.StringVar(&po.sandbox, "sandbox", "", "sandbox of the provider's pods: runc or gvisor (default: the runtime's default)")
	fl.StringVar(&po.gateway, "gateway", "127.0.0.1:8080", "listen address of the provider's HTTP gateway")
	fl.StringVar(&po.https, "gateway-https", "", "listen address of the provider's HTTPS gateway (default: none); its enclave-generated key is bound to the attestation (tpod pod verify-tls)")
	fl.StringVar(&po.domain, "domain", "pods.localhost", "pods get <id>.<domain> on the gateway")
	fl.DurationVar(&po.cycle, "billing-cycle", 5*time.Second, "how often the provider signs and claims receipts")
	fl.StringVar(&po.namespace, "namespace", "tpod-devnet", "containerd namespace of the provider's pods")
	fl.StringVar(&po.metrics, "metrics", "", "serve the provider's Prometheus metrics and status on this address (e.g. 127.0.0.1:9100; default: none)")
	fl.StringArrayVar(&po.ipfsListen, "ipfs-listen", []string{"/ip4/127.0.0.1/tcp/0"}, "listen multiaddr of the provider's IPFS node, repeatable (e.g. /ip4/127.0.0.1/tcp/4001 for a fixed port)")
	fl.StringVar(&po.image, "image", "", "guest image directory whose launch the simulated TEE claims, as a VM host would (default: a release build's image beside it, else none)")
	return cmd
}

func newDevnetWaitCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait FILE",
		Short: "Wait until a devnet file exists and its chain answers (for scripts)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			if err := chainWaitFile(cmd.Context(), args[0], timeout); err != nil {
				return err
			}
			f := chainFlags{network: args[0], resolved: true}
			c, err := f.dial(cmd)
			if err != nil {
				return err
			}
			c.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "devnet ready after %s\n", time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "how long to wait")
	return cmd
}

// devnetContext writes the context name for the devnet file file (account
// publisher) and makes it current when no other context is; it returns a
// line saying so.
func devnetContext(name, file string) (string, error) {
	path, u, err := loadUserConfig()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	if u.Contexts == nil {
		u.Contexts = map[string]*config.Context{}
	}
	c := u.Contexts[name]
	if c == nil {
		c = &config.Context{Account: devnet.LabelPublisher}
		u.Contexts[name] = c
	}
	c.Network = abs
	if !c.HasWallet() {
		c.Account = devnet.LabelPublisher
	}
	note := fmt.Sprintf("context %s: its file, as %s", name, walletOf(c))
	if u.Current == "" || u.Current == name {
		u.Current = name
		note = fmt.Sprintf("context %s (current): commands need no --network or --account (%s); tpod context list", name, walletOf(c))
	}
	return note, u.Save(path)
}

func newDevnetAdvanceCmd(g *globals) *cobra.Command {
	var f chainFlags
	cmd := &cobra.Command{
		Use:   "advance DURATION",
		Short: "Move the devnet chain's clock forward (e.g. past a dispute period)",
		Long: `Seals an empty block DURATION (whole seconds) after the head block on the
devnet, so that dispute periods and other waits can be tried without
waiting: 'tpod devnet advance 2m', then 'tpod funds withdraw ID'. Blocks
after it continue from the new time. Only a devnet (tpod devnet up)
answers it: its JSON-RPC serves tpoddev_advanceTime on 127.0.0.1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := time.ParseDuration(args[0])
			if err != nil || d < time.Second {
				return usagef("DURATION %q: want a duration of at least 1s, e.g. 90s or 2m", args[0])
			}
			if err := f.load(); err != nil {
				return err
			}
			url := f.rpc
			if url == "" && f.info != nil {
				url = f.info.RPC.HTTP
			}
			if url == "" {
				return usagef("no devnet: give --network FILE or --rpc URL, or use the devnet's context")
			}
			t, err := devnet.AdvanceTime(cmd.Context(), url, d)
			if err != nil {
				if strings.Contains(err.Error(), "does not exist") || strings.Contains(err.Error(), "not available") {
					return fmt.Errorf("%s is not a devnet (it has no tpoddev_advanceTime): only tpod devnet up's chain can move its clock", url)
				}
				return fmt.Errorf("advance: %w", err)
			}
			at := time.Unix(int64(t), 0)
			if g.json() {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"chainTime": t, "advancedSeconds": int64(d / time.Second)})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "chain time is now %s (%s ahead of this clock)\n", at.Local().Format(time.DateTime), amount.Duration(time.Until(at).Round(time.Second)))
			return nil
		},
	}
	f.register(g, cmd, false)
	return cmd
}

// waitRegistered waits until the devnet's provider is active in the
// Registry under its peer ID (its registration is mined up to a block
// period after it starts), or until its Run ends, with Run's error.
func waitRegistered(ctx context.Context, d *devnet.Devnet, addr common.Address, peerID string, runErr chan error) error {
	reg := chain.NewRegistry(d.Client(), d.Info().Contracts.Registry)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if p, err := reg.Provider(ctx, addr); err == nil && p.Active && p.Owner == addr && p.Info.PeerId == peerID {
			return nil
		}
		select {
		case err := <-runErr:
			if err == nil {
				err = errors.New("stopped")
			}
			return fmt.Errorf("devnet provider: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("devnet provider: not registered in the Registry after a minute: %w", ctx.Err())
		case <-tick.C:
		}
	}
}
