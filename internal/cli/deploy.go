package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/publisher"
)

// pubFlags are the flags of the publisher commands: the network (a devnet
// file or explicit --rpc/--payment/--registry), the publisher wallet (file,
// keystore or environment, never a flag) and the deployment state directory.
type pubFlags struct {
	chainFlags
	stateDir string
}

func (f *pubFlags) register(cmd *cobra.Command, wallet bool) {
	f.chainFlags.register(cmd, wallet)
	cmd.Flags().StringVar(&f.stateDir, "state-dir", "", "deployment records directory (default: $TPOD_STATE_DIR or the user config dir's tpod/deployments)")
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
	payAddr, err := f.contract("payment", f.payment)
	if err != nil {
		return nil, nil, err
	}
	dir := f.stateDir
	if dir == "" {
		if dir, err = publisher.DefaultStateDir(); err != nil {
			return nil, nil, err
		}
	}
	c, err := f.dial(cmd)
	if err != nil {
		return nil, nil, err
	}
	pay := chain.NewPayment(c, payAddr)
	var reg *chain.Registry
	if regAddr, err := f.contract("registry", f.registry); err == nil {
		reg = chain.NewRegistry(c, regAddr)
	}
	if f.info != nil {
		pay.FromBlock = f.info.Contracts.Block
	}
	errw := cmd.ErrOrStderr()
	pol, polName, err := defaultPolicy()
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	p, err := publisher.New(publisher.Config{
		Chain: c, Payment: pay, Registry: reg, Wallet: w, State: &publisher.State{Dir: dir}, PeerHints: f.peerHints(),
		Policy: pol, PolicyName: polName,
		Progress: func(e publisher.Event) {
			if e.Step == "pick" {
				fmt.Fprintf(errw, "  ! %s\n", e.Message)
				return
			}
			if e.Total > 0 {
				fmt.Fprintf(errw, "  … %s\n", e.Message)
				return
			}
			if e.Done {
				fmt.Fprintf(errw, "  ✓ %s (%s)\n", e.Message, e.Elapsed.Round(time.Millisecond))
			} else {
				fmt.Fprintf(errw, "→ %s…\n", e.Message)
			}
		},
	})
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return p, c.Close, nil
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

// tokenFilter is the --token flag, resolved when given.
func (f *pubFlags) tokenAddr() (common.Address, error) {
	if f.token == "" {
		return common.Address{}, nil
	}
	return f.contract("token", f.token)
}

func pubWriteJSON(w io.Writer, v any) error { return chainWriteJSON(w, v) }

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
		Use:   "deploy -f POD.yaml [--provider ADDR|auto] [--image REF=PATH]... | deploy --resume ID",
		Short: "Deploy a pod: attest the provider, pay into a channel, provision; print its endpoints",
		Long: `Deploy a pod to a provider (docs/publisher.md).

Steps, each shown on stderr: connect to the provider's peer; fetch fresh
attestation evidence with a random nonce and verify it against the policy
(fail-closed; simulated evidence only with --insecure-allow-simulated); get a
quote; encrypt the bundle (manifest, images, secrets) to the attested enclave
key and add it to an ephemeral local IPFS node connected to the provider;
approve the token and create the payment channel pinning the attested enclave
signer and the quoted prices; provision; print the endpoints.

Every step is recorded in the deployment's state file. If the chain or the
provider goes away mid-way, nothing is lost: resume with
'tpod deploy --resume ID' or cancel with 'tpod pod cancel ID'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if resume == "" && file == "" {
				return usagef("-f POD.yaml is required (or --resume ID)")
			}
			p, closeFn, err := f.open(cmd, g, true)
			if err != nil {
				return err
			}
			defer closeFn()
			var rec *publisher.Record
			if resume != "" {
				rec, err = p.Resume(ctx, resume)
			} else {
				req := publisher.DeployRequest{Manifest: file, Policy: policy, InsecureSimulated: insecure, NoApprove: noApprove, DisputePeriod: dispute, PeerAddrs: peers}
				if providerArg != "" && providerArg != "auto" {
					if req.Provider, err = f.address("--provider", providerArg); err != nil {
						return err
					}
				}
				if req.Token, err = f.tokenAddr(); err != nil {
					return err
				}
				req.Filter = publisher.Filter{Token: req.Token, TEE: tee, Region: region}
				if funds != "" {
					if req.Funds, err = parseAmount(funds); err != nil {
						return usagef("--funds: %v", err)
					}
				}
				if maxPerSecond != "" {
					if req.MaxPerSecond, err = parseAmount(maxPerSecond); err != nil {
						return usagef("--max-per-second: %v", err)
					}
				}
				if req.Images, err = parseKV("image", images); err != nil {
					return err
				}
				if req.Secrets, err = parseKV("secret", secrets); err != nil {
					return err
				}
				rec, err = p.Deploy(ctx, req)
			}
			if err != nil {
				return err
			}
			return printDeployment(g, cmd.OutOrStdout(), rec)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "pod manifest (tpod, Kubernetes Pod/Deployment or Compose)")
	fl.StringVar(&providerArg, "provider", "auto", "provider account address (or a dev account label of --network), or auto: the cheapest that fits")
	fl.StringVar(&funds, "funds", "", "initial deposit in token base units (default: one hour of the estimate, at least the provider's minimum)")
	fl.StringVar(&maxPerSecond, "max-per-second", "", "most the provider may claim per second of receipt time (default: the pod at its limits + 10 MiB/s of egress)")
	fl.DurationVar(&dispute, "dispute-period", 0, "dispute period of the channel (default: the provider's minimum, at least 1m)")
	fl.StringVar(&policy, "policy", "", "attestation policy file replacing the default: the release policy built into this tpod (a development build: simulated only, any measurement) (docs/publisher.md)")
	fl.BoolVar(&insecure, "insecure-allow-simulated", false, "INSECURE: accept simulated TEE evidence, which anyone can forge (development networks only)")
	fl.BoolVar(&noApprove, "no-approve", false, "never raise the token allowance; fail when it is short")
	fl.StringArrayVar(&images, "image", nil, "REF=PATH: image for a container image reference (docker archive or OCI layout); repeatable")
	fl.StringArrayVar(&secrets, "secret", nil, "NAME=FILE: value of a secret, read from FILE; repeatable")
	fl.StringArrayVar(&peers, "peer", nil, "provider peer multiaddr (with /p2p/ID), replacing the registry's addresses; repeatable")
	fl.StringVar(&resume, "resume", "", "resume the interrupted deployment ID")
	fl.StringVar(&tee, "tee", "", "with --provider auto: only providers of this TEE kind (sev-snp, tdx, simulated)")
	fl.StringVar(&region, "region", "", "with --provider auto: only providers whose region starts with this")
	f.register(cmd, true)
	return cmd
}

// deployResult is the --output json result of deploy.
type deployResult struct {
	*publisher.Record
}

func printDeployment(g *globals, w io.Writer, rec *publisher.Record) error {
	if g.output == "json" {
		return pubWriteJSON(w, deployResult{rec})
	}
	fmt.Fprintf(w, "deployment %s (%s): %s\n", rec.ID, rec.Name, rec.Step)
	fmt.Fprintf(w, "  provider  %s (%s, peer %s)\n", rec.Provider.Address, rec.TEE, rec.Provider.PeerID)
	fmt.Fprintf(w, "  enclave   %s\n", rec.EnclaveSigner)
	printAttestation(w, rec)
	fmt.Fprintf(w, "  channel   %s\n", rec.ChannelID)
	fmt.Fprintf(w, "  funds     %s (max %s/s, dispute period %ds)\n", rec.Funds, rec.MaxPerSecond, rec.DisputePeriod)
	if rec.MaxPerSecondNote != "" {
		fmt.Fprintf(w, "  max/s     %s\n", rec.MaxPerSecondNote)
	}
	fmt.Fprintf(w, "  bundle    %s\n", rec.BundleCID)
	for _, e := range rec.Endpoints {
		fmt.Fprintf(w, "  endpoint  %s %s %s\n", e.Name, e.Protocol, e.Address)
	}
	return nil
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
