package cli

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/publisher"
)

// pubFlags are the flags of the publisher commands: the network (a devnet
// file or explicit --rpc/--payment/--registry), the publisher wallet (file,
// keystore or environment, never a flag) and the deployment state directory.
type pubFlags struct {
	chainFlags
	stateDir string
	// progress, when set, receives the publisher's progress events instead
	// of stderr (tpod console shows them on its page).
	progress func(publisher.Event)
}

func (f *pubFlags) register(g *globals, cmd *cobra.Command, wallet bool) {
	f.chainFlags.register(g, cmd, wallet)
	cmd.Flags().StringVar(&f.stateDir, "state-dir", "", "deployment records directory (env TPOD_STATE_DIR; default: the context's, else the user config dir's tpod/deployments)")
}

// state returns the records directory: the flag, TPOD_STATE_DIR, the
// context's, or the default.
func (f *pubFlags) state() (*publisher.State, error) {
	if err := f.resolve(); err != nil {
		return nil, err
	}
	dir := f.stateDir
	if !f.changed("state-dir") {
		if v := os.Getenv("TPOD_STATE_DIR"); v != "" {
			dir = v
		} else if f.ctx != nil && f.ctx.StateDir != "" {
			dir = f.ctx.StateDir
		}
	}
	if dir == "" {
		var err error
		if dir, err = publisher.DefaultStateDir(); err != nil {
			return nil, err
		}
	}
	return &publisher.State{Dir: dir}, nil
}

// open builds a Publisher; the wallet is loaded when sign is set.
func (f *pubFlags) open(cmd *cobra.Command, g *globals, sign bool) (*publisher.Publisher, func(), error) {
	var w *chain.Wallet
	var err error
	if sign {
		if w, err = f.wallet(); err != nil {
			return nil, nil, err
		}
	}
	payAddr, err := f.contract("payment")
	if err != nil {
		return nil, nil, err
	}
	state, err := f.state()
	if err != nil {
		return nil, nil, err
	}
	c, err := f.dial(cmd)
	if err != nil {
		return nil, nil, err
	}
	g.lookupWith(c)
	pay := chain.NewPayment(c, payAddr)
	var reg *chain.Registry
	if regAddr, err := f.contract("registry"); err == nil {
		reg = chain.NewRegistry(c, regAddr)
	}
	if f.info != nil {
		pay.FromBlock = f.info.Contracts.Block
	}
	errw := cmd.ErrOrStderr()
	progress := func(e publisher.Event) { printProgress(errw, e) }
	if f.progress != nil {
		progress = f.progress
	}
	pol, polName, err := defaultPolicy()
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	p, err := publisher.New(publisher.Config{
		Chain: c, Payment: pay, Registry: reg, Wallet: w, State: state, PeerHints: f.peerHints(),
		Policy: pol, PolicyName: polName, WaitTimeout: f.waitTimeout,
		TokenInfo: func(ctx context.Context, tok common.Address) amount.Token { return f.tokenInfo(ctx, c, tok) },
		Progress:  progress,
	})
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return p, c.Close, nil
}

// printProgress shows a publisher progress event on stderr.
func printProgress(w io.Writer, e publisher.Event) {
	switch {
	case e.Step == "pick":
		fmt.Fprintf(w, "  ! %s\n", e.Message)
	case e.Waiting > 0:
		fmt.Fprintf(w, "  … still %s (%s)\n", e.Message, amount.Duration(e.Waiting.Round(time.Second)))
	case e.Total > 0:
		fmt.Fprintf(w, "  … %s\n", e.Message)
	case e.Done:
		fmt.Fprintf(w, "  ✓ %s (%s)\n", e.Message, e.Elapsed.Round(time.Millisecond))
	default:
		fmt.Fprintf(w, "→ %s…\n", e.Message)
	}
}

// peerHints reads the devnet file's extra.provider {address, addrs}
// (docs/devnet.md): the devnet's provider is reachable there even before
// its Registry entry is current.
func (f *pubFlags) peerHints() map[common.Address][]string {
	if f.info == nil {
		return nil
	}
	prov, ok := f.info.Extra["provider"].(map[string]any)
	if !ok {
		return nil
	}
	addr, _ := prov["address"].(string)
	list, _ := prov["addrs"].([]any)
	if !common.IsHexAddress(addr) || len(list) == 0 {
		return nil
	}
	var addrs []string
	for _, a := range list {
		if s, ok := a.(string); ok {
			addrs = append(addrs, s)
		}
	}
	return map[common.Address][]string{common.HexToAddress(addr): addrs}
}

// tokenAddr is the --token flag (or the context's), resolved when given.
func (f *pubFlags) tokenAddr() (common.Address, error) {
	if err := f.resolve(); err != nil || f.token == "" {
		return common.Address{}, err
	}
	return f.contract("token")
}

// providerAddress resolves a provider argument: an address, a dev account
// label, or an unambiguous prefix of a registered provider's address.
func (f *pubFlags) providerAddress(ctx context.Context, p *publisher.Publisher, name, v string) (common.Address, error) {
	var known []common.Address
	if isHexPrefix(v) && !common.IsHexAddress(v) {
		if offers, err := p.Providers(ctx, publisher.Filter{Inactive: true}, nil); err == nil {
			for _, o := range offers {
				known = append(known, o.Provider)
			}
		}
	}
	return f.address(name, v, known...)
}

// parseKV parses repeated NAME=VALUE flags.
func parseKV(flag string, vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, s := range vals {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" || v == "" {
			return nil, usagef("--%s %q: want NAME=PATH", flag, s)
		}
		m[k] = v
	}
	return m, nil
}

func newDeployCmd(g *globals) *cobra.Command {
	var (
		f                      pubFlags
		file, providerArg      string
		funds, maxPerSecond    string
		dispute                time.Duration
		policy                 string
		insecure, noApprove    bool
		images, secrets, peers []string
		resume                 string
		tee, region            string
	)
	cmd := &cobra.Command{
		Use:   "deploy -f POD.yaml [--provider ADDR|auto] [--image REF=PATH]... | deploy --resume ID [--funds N] [--peer MULTIADDR]",
		Short: "Deploy a pod: attest the provider, pay into a channel, provision; print its endpoints",
		Long: `Deploy a pod to a provider (docs/publisher.md).

Steps, each shown on stderr: connect to the provider's peer; fetch fresh
attestation evidence with a random nonce and verify it against the policy
(fail-closed; simulated evidence only with --insecure-allow-simulated); get a
quote; encrypt the bundle (manifest, images, secrets) to the attested enclave
key and add it to an ephemeral local IPFS node connected to the provider;
approve the token and create the payment channel pinning the attested enclave
signer and the quoted prices; provision; print the endpoints.

Amounts are whole tokens by symbol (5TPT, "0.25 TPT") or base units (1000,
5e15).

Every step is recorded in the deployment's state file. If the chain or the
provider goes away mid-way, deploy says what it waits for every few seconds
and gives up after --wait-timeout; nothing is lost: resume with
'tpod deploy --resume ID' (the provider's addresses are looked up in the
Registry again; --funds, --max-per-second and --peer correct the record
while no channel exists) or cancel with 'tpod pod cancel ID'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if resume == "" && file == "" {
				return usagef("-f POD.yaml is required (or --resume ID)")
			}
			var fundsQ, maxQ amount.Quantity
			var err error
			if funds != "" {
				if fundsQ, err = amount.ParseQuantity(funds); err != nil {
					return usagef("--funds %v", err)
				}
			}
			if maxPerSecond != "" {
				if maxQ, err = amount.ParseQuantity(maxPerSecond); err != nil {
					return usagef("--max-per-second %v", err)
				}
			}
			if resume != "" {
				for _, fl := range []string{"file", "provider", "image", "secret", "policy", "dispute-period", "tee", "region", "no-approve", "insecure-allow-simulated"} {
					if cmd.Flags().Changed(fl) {
						return usagef("--%s cannot change a deployment being resumed (it keeps its record's); --funds, --max-per-second and --peer can", fl)
					}
				}
			}
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			var rec *publisher.Record
			if resume != "" {
				rec, err = p.Resume(ctx, publisher.ResumeRequest{ID: resume, Funds: fundsQ, MaxPerSecond: maxQ, PeerAddrs: peers})
			} else {
				req := publisher.DeployRequest{Manifest: file, Policy: policy, InsecureSimulated: insecure, NoApprove: noApprove, DisputePeriod: dispute, PeerAddrs: peers,
					Funds: fundsQ, MaxPerSecond: maxQ}
				if providerArg != "" && providerArg != "auto" {
					if req.Provider, err = f.providerAddress(cmd.Context(), p, "--provider", providerArg); err != nil {
						return err
					}
				}
				if req.Token, err = f.tokenAddr(); err != nil {
					return err
				}
				req.Filter = publisher.Filter{Token: req.Token, TEE: tee, Region: region}
				if req.Images, err = parseKV("image", images); err != nil {
					return err
				}
				if req.Secrets, err = parseKV("secret", secrets); err != nil {
					return err
				}
				rec, err = p.Deploy(ctx, req)
			}
			if rec != nil && rec.Token != (common.Address{}) {
				f.tokenInfo(ctx, p.Chain(), rec.Token)
			}
			if err != nil {
				return err
			}
			return printDeployment(g, cmd.OutOrStdout(), rec)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "pod manifest (tpod, Kubernetes Pod/Deployment or Compose)")
	fl.StringVar(&providerArg, "provider", "auto", "provider account address (a unique prefix, or a dev account label of the network file), or auto: the cheapest that fits")
	fl.StringVar(&funds, "funds", "", "initial deposit: "+amount.Help+" (default: one hour of the estimate, at least the provider's minimum)")
	fl.StringVar(&maxPerSecond, "max-per-second", "", "most the provider may claim per second of receipt time: "+amount.Help+" (default: the pod at its limits + 10 MiB/s of egress)")
	fl.DurationVar(&dispute, "dispute-period", 0, "dispute period of the channel (default: the provider's minimum, at least 1m)")
	fl.StringVar(&policy, "policy", "", "attestation policy file replacing the default: the release policy built into this tpod (a development build: simulated only, any measurement) (docs/publisher.md)")
	fl.BoolVar(&insecure, "insecure-allow-simulated", false, "INSECURE: accept simulated TEE evidence, which anyone can forge (development networks only)")
	fl.BoolVar(&noApprove, "no-approve", false, "never raise the token allowance; fail when it is short")
	fl.StringArrayVar(&images, "image", nil, "REF=PATH: image for a container image reference (docker archive or OCI layout); repeatable")
	fl.StringArrayVar(&secrets, "secret", nil, "NAME=FILE: value of a secret, read from FILE; repeatable")
	fl.StringArrayVar(&peers, "peer", nil, "provider peer multiaddr (with /p2p/ID), replacing the registry's addresses; repeatable")
	fl.StringVar(&resume, "resume", "", "resume the interrupted deployment ID (a unique prefix works)")
	fl.StringVar(&tee, "tee", "", "with --provider auto: only providers of this TEE kind (sev-snp, tdx, simulated)")
	fl.StringVar(&region, "region", "", "with --provider auto: only providers whose region starts with this")
	f.register(g, cmd, true)
	return cmd
}

// deployResult is the --output json result of deploy.
type deployResult struct {
	*publisher.Record
}

func printDeployment(g *globals, w io.Writer, rec *publisher.Record) error {
	if g.json() {
		return writeJSON(w, deployResult{rec})
	}
	fmt.Fprintf(w, "deployment %s (%s): %s\n", rec.ID, rec.Name, rec.Step)
	fmt.Fprintf(w, "  provider  %s (%s, peer %s)\n", rec.Provider.Address, rec.TEE, rec.Provider.PeerID)
	fmt.Fprintf(w, "  enclave   %s\n", rec.EnclaveSigner)
	printAttestation(w, rec)
	fmt.Fprintf(w, "  channel   %s\n", rec.ChannelID)
	fmt.Fprintf(w, "  funds     %s (at most %s, dispute period %s)\n", g.fmtAmount(rec.Funds), perHourOf(g, rec.MaxPerSecond.String()), amount.Duration(time.Duration(rec.DisputePeriod)*time.Second))
	if rec.MaxPerSecondNote != "" {
		fmt.Fprintf(w, "  max/s     %s\n", rec.MaxPerSecondNote)
	}
	fmt.Fprintf(w, "  bundle    %s\n", rec.BundleCID)
	for _, e := range rec.Endpoints {
		fmt.Fprintf(w, "  endpoint  %s %s %s\n", e.Name, e.Protocol, e.Address)
	}
	return nil
}

// perHourOf formats a rate in base units per second as an amount per hour.
func perHourOf(g *globals, perSecond string) string { return rateOf(g, perSecond, amount.PerHour) }

// rateOf formats a rate in base units per second with format ("-" when
// it is not a number; base units per second with --raw).
func rateOf(g *globals, perSecond string, format func(*big.Int, amount.Token) string) string {
	v, ok := new(big.Int).SetString(perSecond, 10)
	if !ok {
		return "-"
	}
	if g.raw {
		return v.String() + "/s"
	}
	return format(v, g.token)
}

// printAttestation says what the deployment's attestation pinned: the policy,
// the launch measurement and the provider's committed configuration.
func printAttestation(w io.Writer, rec *publisher.Record) {
	if rec.PolicyUsed != "" {
		fmt.Fprintf(w, "  policy    %s\n", rec.PolicyUsed)
	}
	if rec.Measurement != "" {
		fmt.Fprintf(w, "  measured  %s\n", rec.Measurement)
	}
	if rec.ConfigSHA256 != "" {
		fmt.Fprintf(w, "  config    sha256 %s\n", rec.ConfigSHA256)
		for _, e := range rec.Config {
			if !strings.HasPrefix(e.Path, "operator.") {
				fmt.Fprintf(w, "            %s = %s\n", e.Path, e.Value)
			}
		}
	}
}

// runE is a RunE that opens the publisher (with the wallet when sign is
// set) for run, and closes it when run returns.
func (f *pubFlags) runE(g *globals, sign bool, run func(cmd *cobra.Command, args []string, p *publisher.Publisher) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		p, closeFn, err := f.open(cmd, g, sign)
		if err != nil {
			return err
		}
		defer closeFn()
		return run(cmd, args, p)
	}
}
