package publisher

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/usage"
)

// Filter selects providers.
type Filter struct {
	// Token keeps providers with a pricing table in this token (zero: any).
	Token common.Address
	// TEE keeps providers of this TEE kind ("" any).
	TEE string
	// Region keeps providers whose region starts with this ("" any), case-insensitively.
	Region string
	// Inactive includes deactivated providers.
	Inactive bool
}

// Offer is one provider's pricing table, with the estimated cost of the
// publisher's pod when a manifest was given.
type Offer struct {
	Provider         common.Address      `json:"provider"`
	Active           bool                `json:"active"`
	PeerID           string              `json:"peerId"`
	Addrs            []string            `json:"addrs"`
	TEE              string              `json:"tee"`
	Region           string              `json:"region"`
	Capacity         Resources           `json:"capacity"`
	AttestationCID   string              `json:"attestationCid,omitempty"`
	Token            common.Address      `json:"token"`
	Prices           [usage.Len]*big.Int `json:"prices"`
	MinDisputePeriod time.Duration       `json:"-"`
	// MinDisputeSeconds is MinDisputePeriod in seconds (JSON).
	MinDisputeSeconds uint64 `json:"minDisputePeriodSeconds"`
	// ReservedPerSecond is what the pod's reserved resources cost a second.
	ReservedPerSecond *big.Int `json:"reservedPerSecond,omitempty"`
	// Hourly is the estimated cost of an hour: reserved resources plus CPU
	// and memory used at the full reservation (egress is not estimated).
	Hourly *big.Int `json:"hourly,omitempty"`
	// Fits is false when the pod is larger than the provider's capacity.
	Fits bool `json:"fits"`
}

// Estimate returns the reserved cost per second and the estimated hourly
// cost of totals under prices.
func Estimate(t manifest.Totals, prices [usage.Len]*big.Int) (perSecond, hourly *big.Int) {
	rate := t.ReservedRate()
	perSecond = new(big.Int)
	for i, r := range rate {
		if prices[i] != nil && r != 0 {
			perSecond.Add(perSecond, new(big.Int).Mul(prices[i], new(big.Int).SetUint64(r)))
		}
	}
	// Used counters at the full reservation: CPU core·ms per second equals
	// the millicores; memory MiB·s per second equals the MiB.
	used := new(big.Int).Set(perSecond)
	if p := prices[usage.CPUUsed]; p != nil {
		used.Add(used, new(big.Int).Mul(p, new(big.Int).SetUint64(t.CPUMilli)))
	}
	if p := prices[usage.MemoryUsed]; p != nil {
		used.Add(used, new(big.Int).Mul(p, new(big.Int).SetUint64(t.MemoryMiB)))
	}
	return perSecond, used.Mul(used, big.NewInt(3600))
}

// Providers lists the Registry's providers that pass f, one Offer per
// pricing table, cheapest first for totals (when given), else by address.
func (p *Publisher) Providers(ctx context.Context, f Filter, totals *manifest.Totals) ([]Offer, error) {
	if p.cfg.Registry == nil {
		return nil, fmt.Errorf("no registry contract: %w", ErrInvalid)
	}
	all, err := p.cfg.Registry.ListAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("list registry: %w", err)
	}
	var out []Offer
	for _, rp := range all {
		out = append(out, offersOf(rp, f, totals)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Fits != b.Fits {
			return a.Fits
		}
		if a.Hourly != nil && b.Hourly != nil && a.Hourly.Cmp(b.Hourly) != 0 {
			return a.Hourly.Cmp(b.Hourly) < 0
		}
		return strings.ToLower(a.Provider.Hex()) < strings.ToLower(b.Provider.Hex())
	})
	return out, nil
}

func offersOf(rp chain.ProviderEntry, f Filter, totals *manifest.Totals) []Offer {
	if !rp.Active && !f.Inactive {
		return nil
	}
	if f.TEE != "" && !strings.EqualFold(rp.Info.TeeType, f.TEE) {
		return nil
	}
	if f.Region != "" && !strings.HasPrefix(strings.ToLower(rp.Info.Region), strings.ToLower(f.Region)) {
		return nil
	}
	c := rp.Info.Capacity
	capRes := Resources{CPUMilli: c.CpuMillicores, MemoryMiB: c.MemoryMiB, StorageMiB: c.StorageMiB, GPUMilli: c.GpuMilli}
	var out []Offer
	for _, t := range rp.Pricing {
		if f.Token != (common.Address{}) && t.Token != f.Token {
			continue
		}
		o := Offer{
			Provider: rp.Owner, Active: rp.Active, PeerID: rp.Info.PeerId, Addrs: rp.Info.Addrs,
			TEE: rp.Info.TeeType, Region: rp.Info.Region, Capacity: capRes, AttestationCID: rp.Info.AttestationCid,
			Token: t.Token, MinDisputePeriod: time.Duration(t.MinDisputePeriod) * time.Second, MinDisputeSeconds: t.MinDisputePeriod, Fits: true,
		}
		for i := range o.Prices {
			o.Prices[i] = new(big.Int)
			if t.Prices[i] != nil {
				o.Prices[i].Set(t.Prices[i])
			}
		}
		if totals != nil {
			o.ReservedPerSecond, o.Hourly = Estimate(*totals, o.Prices)
			o.Fits = totals.CPUMilli <= capRes.CPUMilli && totals.MemoryMiB <= capRes.MemoryMiB &&
				totals.StorageMiB <= capRes.StorageMiB && totals.GPUMilli <= capRes.GPUMilli
		}
		out = append(out, o)
	}
	return out
}

// Provider returns one provider's offers (all its tables).
func (p *Publisher) Provider(ctx context.Context, addr common.Address, totals *manifest.Totals) ([]Offer, error) {
	if p.cfg.Registry == nil {
		return nil, fmt.Errorf("no registry contract: %w", ErrInvalid)
	}
	rp, err := p.cfg.Registry.Provider(ctx, addr)
	if err != nil || rp.Owner != addr {
		return nil, fmt.Errorf("provider %s is not in the registry: %w", addr.Hex(), ErrNotFound)
	}
	return offersOf(rp, Filter{Inactive: true}, totals), nil
}
