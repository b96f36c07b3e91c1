package contracts_test

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/contracts"
)

func (e *env) provider(addr common.Address) (contracts.RegistryProvider, error) {
	return bind.Call(e.registry, nil, registryABI.PackGetProvider(addr), registryABI.UnpackGetProvider)
}

func TestRegistryLifecycle(t *testing.T) {
	e := newEnv(t, 2)
	p := e.accts[0]
	info, tables := sampleProvider()
	rc := e.mustSend(p, e.registry, registryABI.PackRegister(info, tables))
	ev, err := registryABI.UnpackProviderRegisteredEvent(rc.Logs[0])
	if err != nil || ev.Provider != p.addr || ev.PeerId != info.PeerId {
		t.Fatalf("ProviderRegistered %+v %v", ev, err)
	}
	got, err := e.provider(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	if got.Owner != p.addr || !got.Active || got.Info.PeerId != info.PeerId || len(got.Info.Addrs) != 2 || got.Info.Capacity != info.Capacity ||
		got.Info.AttestationHash != info.AttestationHash || len(got.Pricing) != 1 || got.Pricing[0].Prices[6].Int64() != 7 || got.Pricing[0].MinDisputePeriod != 3600 {
		t.Fatalf("stored provider %+v", got)
	}
	e.expectRevert("AlreadyRegistered", p, e.registry, registryABI.PackRegister(info, tables))

	// Update: new region and two pricing tables.
	info.Region = "us-east"
	info.Addrs = nil
	info.HostInfoCid = "bafyhostinfo"
	tables = append(tables, contracts.RegistryPricingTable{Token: common.Address{8}, Prices: prices(9), MinDisputePeriod: 60})
	rc = e.mustSend(p, e.registry, registryABI.PackUpdate(info, tables))
	if _, err := registryABI.UnpackProviderUpdatedEvent(rc.Logs[0]); err != nil {
		t.Fatal(err)
	}
	got, _ = e.provider(p.addr)
	if got.Info.Region != "us-east" || len(got.Info.Addrs) != 0 || len(got.Pricing) != 2 || got.Pricing[1].Token != (common.Address{8}) {
		t.Fatalf("after update %+v", got)
	}
	// Fewer tables replace the old ones.
	e.mustSend(p, e.registry, registryABI.PackUpdate(info, tables[:1]))
	if got, _ = e.provider(p.addr); len(got.Pricing) != 1 {
		t.Fatalf("pricing after shrinking %+v", got.Pricing)
	}

	rc = e.mustSend(p, e.registry, registryABI.PackDeactivate())
	if _, err := registryABI.UnpackProviderDeactivatedEvent(rc.Logs[0]); err != nil {
		t.Fatal(err)
	}
	if got, _ = e.provider(p.addr); got.Active {
		t.Fatal("still active after deactivate")
	}
	e.expectRevert("ProviderInactive", p, e.registry, registryABI.PackDeactivate())
	e.expectRevert("ProviderInactive", p, e.registry, registryABI.PackUpdate(info, tables))
	// Registering again re-activates without a second list entry.
	e.mustSend(p, e.registry, registryABI.PackRegister(info, tables))
	n, _ := bind.Call(e.registry, nil, registryABI.PackProviderCount(), registryABI.UnpackProviderCount)
	if got, _ = e.provider(p.addr); !got.Active || n.Int64() != 1 {
		t.Fatalf("re-register: active %v, count %v", got.Active, n)
	}

	stranger := e.accts[1]
	e.expectRevert("NotRegistered", stranger, e.registry, registryABI.PackUpdate(info, tables))
	e.expectRevert("NotRegistered", stranger, e.registry, registryABI.PackDeactivate())
	if _, err := e.provider(stranger.addr); revertName(err) != "NotRegistered" {
		t.Fatalf("getProvider of a stranger: %v", err)
	}
}

func TestRegistryValidation(t *testing.T) {
	e := newEnv(t, 1)
	p := e.accts[0]
	base, tables := sampleProvider()
	long := strings.Repeat("x", 257)
	cases := []struct {
		name   string
		mod    func(*contracts.RegistryProviderInfo, *[]contracts.RegistryPricingTable)
		errStr string
	}{
		{"no peer info", func(i *contracts.RegistryProviderInfo, _ *[]contracts.RegistryPricingTable) {
			i.PeerId, i.HostInfoCid = "", ""
		}, "MissingPeerInfo"},
		{"no pricing", func(_ *contracts.RegistryProviderInfo, t *[]contracts.RegistryPricingTable) { *t = nil }, "NoPricing"},
		{"zero token", func(_ *contracts.RegistryProviderInfo, t *[]contracts.RegistryPricingTable) {
			*t = []contracts.RegistryPricingTable{{Prices: prices()}}
		}, "ZeroToken"},
		{"duplicate token", func(_ *contracts.RegistryProviderInfo, t *[]contracts.RegistryPricingTable) { *t = append(*t, (*t)[0]) }, "DuplicateToken"},
		{"too many tables", func(_ *contracts.RegistryProviderInfo, t *[]contracts.RegistryPricingTable) {
			for i := range 17 {
				*t = append(*t, contracts.RegistryPricingTable{Token: common.Address{byte(i + 100)}, Prices: prices()})
			}
		}, "TooManyPricingTables"},
		{"too many addrs", func(i *contracts.RegistryProviderInfo, _ *[]contracts.RegistryPricingTable) {
			i.Addrs = make([]string, 17)
		}, "TooManyAddresses"},
		{"long region", func(i *contracts.RegistryProviderInfo, _ *[]contracts.RegistryPricingTable) { i.Region = long }, "FieldTooLong"},
		{"long addr", func(i *contracts.RegistryProviderInfo, _ *[]contracts.RegistryPricingTable) { i.Addrs = []string{long} }, "FieldTooLong"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			info := base
			info.Addrs = append([]string(nil), base.Addrs...)
			tb := append([]contracts.RegistryPricingTable(nil), tables...)
			tc.mod(&info, &tb)
			e.expectRevert(tc.errStr, p, e.registry, registryABI.PackRegister(info, tb))
		})
	}
	e.t = t
	// A host-info CID alone is enough.
	info := base
	info.PeerId, info.Addrs, info.HostInfoCid = "", nil, "bafyhostinfo"
	e.mustSend(p, e.registry, registryABI.PackRegister(info, tables))
}

func TestRegistryPagination(t *testing.T) {
	e := newEnv(t, 7)
	info, tables := sampleProvider()
	for i, a := range e.accts {
		info.PeerId = fmt.Sprintf("peer-%d", i)
		e.mustSend(a, e.registry, registryABI.PackRegister(info, tables))
	}
	e.mustSend(e.accts[2], e.registry, registryABI.PackDeactivate())
	page := func(off, lim int64) []contracts.RegistryProvider {
		ps, err := bind.Call(e.registry, nil, registryABI.PackListProviders(bigInt(off), bigInt(lim)), registryABI.UnpackListProviders)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	var all []contracts.RegistryProvider
	for off := int64(0); ; off += 3 {
		p := page(off, 3)
		if len(p) == 0 {
			break
		}
		all = append(all, p...)
	}
	if len(all) != 7 {
		t.Fatalf("paged %d providers, want 7", len(all))
	}
	for i, p := range all {
		if p.Owner != e.accts[i].addr || p.Info.PeerId != fmt.Sprintf("peer-%d", i) || p.Active != (i != 2) {
			t.Fatalf("entry %d: %+v", i, p)
		}
	}
	if len(page(5, 1000)) != 2 || len(page(100, 10)) != 0 {
		t.Fatal("page bounds")
	}
	if ok, _ := bind.Call(e.registry, nil, registryABI.PackIsActive(e.accts[2].addr), registryABI.UnpackIsActive); ok {
		t.Fatal("deactivated provider is active")
	}
}

func bigInt(v int64) *big.Int { return big.NewInt(v) }
