package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/provider"
)

func newProviderCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "provider",
		Short: "Run a provider: serve pods, meter them and get paid; see its status; collect its earnings",
	}
	cmd.AddCommand(newProviderRunCmd(g), newProviderStatusCmd(g), newProviderCollectCmd(g))
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
			st := d.Provider.OperatorStatus()
			attrs := []any{"address", st.Address, "peer", st.PeerID}
			if st.Gateway != "" {
				attrs = append(attrs, "gateway", st.Gateway)
			}
			if a := d.MetricsAddr(); a != "" {
				attrs = append(attrs, "metrics", "http://"+a+"/metrics", "status", "http://"+a+"/status")
			}
			log.Info("provider running", attrs...)
			return d.Run(ctx)
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "provider configuration file (YAML)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}

// providerTarget is where provider status and collect find the provider:
// its status endpoint (--url, the config file's metrics address, or the
// devnet file's provider) and its account.
type providerTarget struct {
	url, cfgPath, account string
}

func (t *providerTarget) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.url, "url", "", "the provider's status endpoint, http://HOST:PORT (default: the config file's metrics address, or the devnet's provider)")
	cmd.Flags().StringVarP(&t.cfgPath, "config", "c", "", "the provider's configuration file (for its metrics address and chain)")
	cmd.Flags().StringVar(&t.account, "provider", "", "the provider's account (default: the status endpoint's, or the signing wallet's)")
}

// statusURL resolves the status endpoint ("" when none is known).
func (t *providerTarget) statusURL(f *chainFlags) (string, error) {
	if t.url != "" {
		return strings.TrimSuffix(strings.TrimSuffix(t.url, "/status"), "/metrics"), nil
	}
	if t.cfgPath != "" {
		fc, err := provider.LoadFileConfig(t.cfgPath)
		if err != nil {
			return "", err
		}
		if fc.Metrics != "" {
			return "http://" + fc.Metrics, nil
		}
		return "", nil
	}
	if err := f.load(); err != nil {
		return "", err
	}
	if f.info != nil {
		if prov, ok := f.info.Extra["provider"].(map[string]any); ok {
			if m, ok := prov["metrics"].(string); ok && m != "" {
				return strings.TrimSuffix(m, "/metrics"), nil
			}
		}
	}
	return "", nil
}

// fetchStatus reads the provider's /status.
func fetchStatus(ctx context.Context, base string) (*provider.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/status", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("provider status at %s: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("provider status at %s: %s", base, resp.Status)
	}
	var st provider.Status
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&st); err != nil {
		return nil, fmt.Errorf("provider status at %s: %w", base, err)
	}
	return &st, nil
}

func newProviderStatusCmd(g *globals) *cobra.Command {
	var f chainFlags
	var t providerTarget
	cmd := &cobra.Command{
		Use:   "status [--url http://HOST:PORT | --config provider.yaml]",
		Short: "The provider's pods (by deployment and channel ID), capacity used and free, and earnings per token",
		Long: `Shows what a provider operator needs: each pod it runs, by the deployment
ID its publisher uses and its channel ID, with its state, reservation and
runway; capacity used and free; and, from the chain, per token, what its
channels owe it (tpod provider collect pays it out), what it collected and
what publishers still hold in its channels.

The pods and capacity come from the daemon's status endpoint, served beside
its metrics (the config file's 'metrics' address: --config, --url, or on a
devnet started with --metrics, the devnet file). The earnings come from the
chain alone: --provider ADDRESS (or the endpoint's) is enough.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			base, err := t.statusURL(&f)
			if err != nil {
				return err
			}
			out := struct {
				*provider.Status
				Earnings []earningsView `json:"earnings"`
			}{Earnings: []earningsView{}}
			if base != "" {
				if out.Status, err = fetchStatus(ctx, base); err != nil {
					return err
				}
			}
			acct := t.account
			if acct == "" && out.Status != nil {
				acct = out.Status.Address
			}
			if acct == "" {
				if w, err := f.wallet(); err == nil {
					acct = w.Address().Hex()
				}
			}
			if acct == "" {
				return usagef("which provider? give --url (its status endpoint), --config, --provider ADDRESS or a wallet")
			}
			addr, err := f.address("--provider", acct)
			if err != nil {
				return err
			}
			c, p, _, err := channelSetup(cmd, &f, false)
			if err != nil {
				return err
			}
			defer c.Close()
			es, err := p.ProviderEarnings(ctx, addr)
			if err != nil {
				return err
			}
			for _, e := range es {
				out.Earnings = append(out.Earnings, earningsView{Token: e.Token.Hex(), Owed: e.Owed.String(), Collected: e.Collected.String(), Held: e.Held.String(), Channels: e.Channels})
			}
			w := cmd.OutOrStdout()
			if g.json() {
				return writeJSON(w, out)
			}
			fmt.Fprintf(w, "provider %s\n", addr.Hex())
			if st := out.Status; st != nil {
				fmt.Fprintf(w, "  peer      %s\n", st.PeerID)
				if st.Gateway != "" {
					fmt.Fprintf(w, "  gateway   %s\n", st.Gateway)
				}
				fmt.Fprintf(w, "  capacity  cpu %dm of %dm used (%dm free), memory %d of %d MiB (%d free), storage %d of %d MiB (%d free)\n",
					st.Used.CPUMilli, st.Capacity.CPUMilli, st.Free.CPUMilli, st.Used.MemoryMiB, st.Capacity.MemoryMiB, st.Free.MemoryMiB,
					st.Used.StorageMiB, st.Capacity.StorageMiB, st.Free.StorageMiB)
				if len(st.Pods) == 0 {
					fmt.Fprintln(w, "  no pods")
				} else {
					tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
					fmt.Fprintln(tw, "  DEPLOYMENT\tCHANNEL\tSTATE\tRESERVED\tEARNS\tRUNWAY\tPUBLISHER")
					for _, pd := range st.Pods {
						tok := f.tokenInfo(ctx, c, common.HexToAddress(pd.Token))
						rate, _ := parseBigString(pd.RatePerSecond)
						run := "-"
						if pd.RunwaySeconds >= 0 {
							run = amount.Seconds(pd.RunwaySeconds)
						}
						fmt.Fprintf(tw, "  %s\t%s\t%s\t%dm %dMiB\t%s\t%s\t%s\n", pd.Deployment, shortHash(pd.Channel), pd.State,
							pd.Reserved.CPUMilli, pd.Reserved.MemoryMiB, amountPerHour(g, rate, tok), run, shortAddr(pd.Publisher))
					}
					tw.Flush()
				}
			} else {
				fmt.Fprintln(w, "  (no status endpoint given: pods and capacity unknown; --url, --config, or a devnet with --metrics)")
			}
			if len(out.Earnings) == 0 {
				fmt.Fprintln(w, "  earnings  none: no channel names this provider")
			}
			for _, e := range out.Earnings {
				tok := f.tokenInfo(ctx, c, common.HexToAddress(e.Token))
				fmt.Fprintf(w, "  earnings  %s owed (tpod provider collect), %s collected, %s still held in %d channel(s)\n",
					g.fmtIn(e.Owed, tok), g.fmtIn(e.Collected, tok), g.fmtIn(e.Held, tok), e.Channels)
			}
			return nil
		},
	}
	t.register(cmd)
	f.register(g, cmd, true)
	return cmd
}

// earningsView is one token's earnings, in base units.
type earningsView struct {
	Token     string `json:"token"`
	Owed      string `json:"owed"`
	Collected string `json:"collected"`
	Held      string `json:"held"`
	Channels  int    `json:"channels"`
}

// shortHash abbreviates a 32-byte hex ID as tpod accepts it back.
func shortHash(h string) string {
	if len(h) == 66 {
		return h[:10] + "…" + h[62:]
	}
	return h
}

func newProviderCollectCmd(g *globals) *cobra.Command {
	var f chainFlags
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Pay the provider every channel's earnings, in one transaction where possible",
		Long: `Finds every channel of the signing wallet's provider account (from the
Payment contract's events), reads what each has earned and not yet paid
out, and withdraws all of it: in one transaction for up to 500 channels
(more take one transaction per 500), each token transferred once per
transaction. Claims themselves are the daemon's: they credit a channel's
earnings; collecting moves them to the provider's wallet
(docs/provider.md § How a provider gets paid).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, p, w, err := channelSetup(cmd, &f, true)
			if err != nil {
				return err
			}
			defer c.Close()
			who := w.Address()
			refs, err := p.ChannelsOf(cmd.Context(), nil, &who)
			if err != nil {
				return err
			}
			ids := make([][32]byte, len(refs))
			for i, r := range refs {
				ids[i] = r.ID
			}
			if len(ids) == 0 && !g.json() {
				fmt.Fprintf(cmd.OutOrStdout(), "nothing to collect: no channel names %s as its provider\n", who.Hex())
				return nil
			}
			return collect(cmd, g, &f, c, p, w, ids)
		},
	}
	f.register(g, cmd, true)
	return cmd
}
