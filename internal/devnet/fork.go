package devnet

import (
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/params/forks"
)

// ChainConfig is the devnet's chain configuration: go-ethereum's developer
// chain with exactly the forks Ethereum mainnet has in go-ethereum's mainnet
// spec (params.MainnetChainConfig), all active from genesis, and mainnet's
// blob schedule. go-ethereum's own dev default also enables forks no public
// network runs yet (Bogota, with draft repricings of state access), under
// which the same transactions cost 30–300 % more gas; on this configuration
// devnet gas is what users pay on mainnet (docs/devnet.md).
func ChainConfig() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	m := params.MainnetChainConfig
	atGenesis := func(mainnet *uint64) *uint64 {
		if mainnet == nil {
			return nil
		}
		return new(uint64)
	}
	c.ShanghaiTime = atGenesis(m.ShanghaiTime)
	c.CancunTime = atGenesis(m.CancunTime)
	c.PragueTime = atGenesis(m.PragueTime)
	c.OsakaTime = atGenesis(m.OsakaTime)
	c.BPO1Time = atGenesis(m.BPO1Time)
	c.BPO2Time = atGenesis(m.BPO2Time)
	c.BPO3Time = atGenesis(m.BPO3Time)
	c.BPO4Time = atGenesis(m.BPO4Time)
	c.BPO5Time = atGenesis(m.BPO5Time)
	c.AmsterdamTime = atGenesis(m.AmsterdamTime)
	c.BogotaTime = atGenesis(m.BogotaTime)
	c.UBTTime = nil
	blobs := *m.BlobScheduleConfig
	c.BlobScheduleConfig = &blobs
	return &c
}

// Fork names the rules the devnet runs: its latest fork that changes the EVM
// or gas (blob-parameter-only forks, BPO1…BPO5, change neither and are not
// named), e.g. "Osaka".
func Fork() string {
	f := ChainConfig().LatestFork(0)
	for f >= forks.BPO1 && f <= forks.BPO5 {
		f--
	}
	return f.String()
}
