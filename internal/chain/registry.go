package chain

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/contracts"
)

// ProviderInfo is what a provider publishes about itself in the Registry
// (docs/contracts.md); the field names follow the contract's.
type ProviderInfo struct {
	PeerId          string
	Addrs           []string
	HostInfoCid     string
	TeeType         string
	AttestationHash [32]byte
	AttestationCid  string
	Region          string
	Capacity        Capacity
}

// Capacity is what a provider offers in total.
type Capacity struct {
	CpuMillicores uint64
	MemoryMiB     uint64
	StorageMiB    uint64
	GpuMilli      uint64
}

// PricingTable is a provider's prices in one token, per usage counter, and
// the shortest dispute period it accepts.
type PricingTable struct {
	Token            common.Address
	Prices           [7]*big.Int
	MinDisputePeriod uint64
}

// ProviderEntry is one provider entry of the Registry.
type ProviderEntry struct {
	Owner        common.Address
	Active       bool
	RegisteredAt uint64
	UpdatedAt    uint64
	Info         ProviderInfo
	Pricing      []PricingTable
}

func (i ProviderInfo) binding() contracts.RegistryProviderInfo {
	return contracts.RegistryProviderInfo{
		PeerId: i.PeerId, Addrs: i.Addrs, HostInfoCid: i.HostInfoCid, TeeType: i.TeeType,
		AttestationHash: i.AttestationHash, AttestationCid: i.AttestationCid, Region: i.Region,
		Capacity: contracts.RegistryCapacity(i.Capacity),
	}
}

func pricingBinding(ts []PricingTable) []contracts.RegistryPricingTable {
	out := make([]contracts.RegistryPricingTable, len(ts))
	for i, t := range ts {
		out[i] = contracts.RegistryPricingTable(t)
	}
	return out
}

func providerEntry(b contracts.RegistryProvider) ProviderEntry {
	e := ProviderEntry{Owner: b.Owner, Active: b.Active, RegisteredAt: b.RegisteredAt, UpdatedAt: b.UpdatedAt,
		Info: ProviderInfo{
			PeerId: b.Info.PeerId, Addrs: b.Info.Addrs, HostInfoCid: b.Info.HostInfoCid, TeeType: b.Info.TeeType,
			AttestationHash: b.Info.AttestationHash, AttestationCid: b.Info.AttestationCid, Region: b.Info.Region,
			Capacity: Capacity(b.Info.Capacity),
		},
		Pricing: make([]PricingTable, len(b.Pricing)),
	}
	for i, t := range b.Pricing {
		e.Pricing[i] = PricingTable(t)
	}
	return e
}

func providerEntries(bs []contracts.RegistryProvider) []ProviderEntry {
	out := make([]ProviderEntry, len(bs))
	for i, b := range bs {
		out[i] = providerEntry(b)
	}
	return out
}
