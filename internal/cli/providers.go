package cli

import (
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/publisher"
	"github.com/trustedpods/tpod/internal/usage"
)

func newProvidersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "Find providers in the registry, ranked by what your pod would cost",
	}
	cmd.AddCommand(newProvidersListCmd(g), newProvidersShowCmd(g))
	return cmd
}

func providersTotals(file string) (*manifest.Totals, error) {
	if file == "" {
		return nil, nil
	}
	pod, _, err := manifestLoadFile(file)
	if err != nil {
		return nil, err
	}
	t := pod.Totals()
	return &t, nil
}

func newProvidersListCmd(g *globals) *cobra.Command {
	var f pubFlags
	var file, tee, region string
	var all bool
	cmd := &cobra.Command{
		Use:   "list [-f POD.yaml] [--token ADDR] [--tee KIND] [--region R]",
		Short: "List providers (one row per pricing table), cheapest for your manifest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			totals, err := providersTotals(file)
			if err != nil {
				return err
			}
			p, closeFn, err := f.open(cmd, g, false)
			if err != nil {
				return err
			}
			defer closeFn()
			tok, err := f.tokenAddr()
			if err != nil {
				return err
			}
			offers, err := p.Providers(cmd.Context(), publisher.Filter{Token: tok, TEE: tee, Region: region, Inactive: all}, totals)
			if err != nil {
				return err
			}
			tokenOf := func(a common.Address) amount.Token { return f.tokenInfo(cmd.Context(), p.Chain(), a) }
			return printOffers(g, cmd.OutOrStdout(), offers, totals != nil, tokenOf)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "rank by the estimated cost of this pod manifest")
	fl.StringVar(&tee, "tee", "", "only providers of this TEE kind (sev-snp, tdx, simulated)")
	fl.StringVar(&region, "region", "", "only providers whose region starts with this")
	fl.BoolVar(&all, "all", false, "include deactivated providers")
	f.register(g, cmd, false)
	return cmd
}

func newProvidersShowCmd(g *globals) *cobra.Command {
	var f pubFlags
	var file string
	cmd := &cobra.Command{
		Use:   "show PROVIDER [-f POD.yaml]",
		Short: "Show one provider's registry entry and pricing tables",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			totals, err := providersTotals(file)
			if err != nil {
				return err
			}
			p, closeFn, err := f.open(cmd, g, false)
			if err != nil {
				return err
			}
			defer closeFn()
			addr, err := f.providerAddress(cmd.Context(), p, "PROVIDER", args[0])
			if err != nil {
				return err
			}
			offers, err := p.Provider(cmd.Context(), addr, totals)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				return writeJSON(w, offers)
			}
			if len(offers) == 0 {
				fmt.Fprintf(w, "provider %s has no pricing tables\n", addr.Hex())
				return nil
			}
			o := offers[0]
			fmt.Fprintf(w, "provider  %s (active: %v)\n", o.Provider.Hex(), o.Active)
			fmt.Fprintf(w, "peer      %s\n", o.PeerID)
			for _, a := range o.Addrs {
				fmt.Fprintf(w, "address   %s\n", a)
			}
			fmt.Fprintf(w, "tee       %s\nregion    %s\n", o.TEE, o.Region)
			fmt.Fprintf(w, "capacity  %d millicores, %d MiB memory, %d MiB storage, %d milliGPU\n", o.Capacity.CPUMilli, o.Capacity.MemoryMiB, o.Capacity.StorageMiB, o.Capacity.GPUMilli)
			if o.AttestationCID != "" {
				fmt.Fprintf(w, "evidence  %s\n", o.AttestationCID)
			}
			for _, t := range offers {
				tok := f.tokenInfo(cmd.Context(), p.Chain(), t.Token)
				name := t.Token.Hex()
				if tok.Known() {
					name = tok.Symbol + " (" + t.Token.Hex() + ")"
				}
				fmt.Fprintf(w, "pricing in %s, min dispute period %s:\n", name, amount.Duration(t.MinDisputePeriod))
				for i, pr := range t.Prices {
					fmt.Fprintf(w, "  %-16s %s per %s (%s per hour of one unit/s)\n", usage.Labels[i], g.fmtIn(pr, tok), usage.Units[i], amountPerHour(g, pr, tok))
				}
				if t.Hourly != nil {
					fits := "fits"
					if !t.Fits {
						fits = "does NOT fit its capacity"
					}
					fmt.Fprintf(w, "  your pod: %s reserved, about %s in all (%s)\n", amountPerHour(g, t.ReservedPerSecond, tok), g.fmtIn(t.Hourly, tok)+"/h", fits)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "estimate the cost of this pod manifest")
	f.register(g, cmd, false)
	return cmd
}

func printOffers(g *globals, w io.Writer, offers []publisher.Offer, ranked bool, tokenOf func(common.Address) amount.Token) error {
	if g.output == "json" {
		if offers == nil {
			offers = []publisher.Offer{}
		}
		return writeJSON(w, offers)
	}
	if len(offers) == 0 {
		fmt.Fprintln(w, "no providers match")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	if ranked {
		fmt.Fprintln(tw, "RANK\tPROVIDER\tTEE\tREGION\tTOKEN\tPER HOUR\tFITS\tMIN DISPUTE")
	} else {
		fmt.Fprintln(tw, "PROVIDER\tTEE\tREGION\tTOKEN\tCPU (1 core)\tMEMORY (1 MiB)\tCAPACITY\tMIN DISPUTE")
	}
	for i, o := range offers {
		region := o.Region
		if region == "" {
			region = "-"
		}
		ti := tokenOf(o.Token)
		tok := ti.Symbol
		if !ti.Known() {
			tok = shortAddr(o.Token.Hex())
		}
		if ranked {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%v\t%s\n", i+1, o.Provider.Hex(), o.TEE, region, tok, g.fmtIn(o.Hourly, ti), o.Fits, amount.Duration(o.MinDisputePeriod))
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%dm %dMiB\t%s\n", o.Provider.Hex(), o.TEE, region, tok,
				amountPerHour(g, scaled(o.Prices[usage.CPUReserved], 1000), ti), amountPerHour(g, scaled(o.Prices[usage.MemoryReserved], 1024), ti), o.Capacity.CPUMilli, o.Capacity.MemoryMiB, amount.Duration(o.MinDisputePeriod))
		}
	}
	tw.Flush()
	if !ranked {
		fmt.Fprintln(w, strings.TrimSpace("(give -f POD.yaml to rank by the cost of your pod)"))
	}
	return nil
}

// scaled is v × n (a price per millicore or MiB as one per core or GiB).
func scaled(v *big.Int, n int64) *big.Int {
	if v == nil {
		return nil
	}
	return new(big.Int).Mul(v, big.NewInt(n))
}
