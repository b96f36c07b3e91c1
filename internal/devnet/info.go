package devnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
)

// InfoVersion is the version of the devnet JSON file format (docs/devnet.md).
const InfoVersion = 1

// Account labels in the devnet file.
const (
	LabelDeployer  = "deployer"  // deployed the contracts, may mint the test token
	LabelPublisher = "publisher" // pays for pods
	LabelProvider  = "provider"  // runs pods and claims
	LabelEnclave   = "enclave"   // dev stand-in for an enclave's receipt key
)

// Info is what the devnet file holds: how to reach the chain, where the
// contracts are and the dev keys. Other parts add sections under Extra
// (extra.provider: docs/devnet.md).
type Info struct {
	Version     int       `json:"version"`
	ChainID     uint64    `json:"chainId"`
	RPC         RPC       `json:"rpc"`
	BlockPeriod uint64    `json:"blockPeriod"`
	Fork        string    `json:"fork,omitempty"` // the rules the chain runs, as Ethereum mainnet (e.g. "Osaka")
	Contracts   Contracts `json:"contracts"`
	Token       Token     `json:"token"`
	Accounts    []Account `json:"accounts"`
	DataDir     string    `json:"dataDir,omitempty"`
	// Genesis is the hash of the chain's first block, GenesisTime its
	// time: a devnet started anew has another, so records made on an
	// earlier run are told apart (chain ID and addresses stay the same).
	Genesis     common.Hash    `json:"genesis"`
	GenesisTime uint64         `json:"genesisTime"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// RPC holds the JSON-RPC endpoints.
type RPC struct {
	HTTP string `json:"http"`
	WS   string `json:"ws"`
}

// Contracts holds the deployed addresses.
type Contracts struct {
	Payment  common.Address `json:"payment"`
	Registry common.Address `json:"registry"`
	Token    common.Address `json:"token"`
	Block    uint64         `json:"deployBlock"`
	// CodeHash identifies the contracts' build (CodeHash()): a restart with
	// a data dir reuses a deployment only of the same build.
	CodeHash string `json:"codeHash,omitempty"`
}

// CodeHash is keccak256 of the creation code of TestToken, Registry and
// Payment as this binary deploys them, in hex.
func CodeHash() string { return chain.CodeHash() }

// Token describes the test token.
type Token struct {
	Address  common.Address `json:"address"`
	Symbol   string         `json:"symbol"`
	Decimals uint8          `json:"decimals"`
}

// Account is one dev account with its private key (development only).
type Account struct {
	Label      string         `json:"label"`
	Address    common.Address `json:"address"`
	PrivateKey string         `json:"privateKey"`
}

// Account returns the account with the given label.
func (i *Info) Account(label string) (Account, bool) {
	for _, a := range i.Accounts {
		if a.Label == label {
			return a, true
		}
	}
	return Account{}, false
}

// Wallet loads the key of the labelled account.
func (i *Info) Wallet(label string) (*chain.Wallet, error) {
	a, ok := i.Account(label)
	if !ok {
		return nil, fmt.Errorf("devnet file has no account labelled %q", label)
	}
	w, err := chain.ParsePrivateKey(a.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("account %q: %w", label, err)
	}
	if w.Address() != a.Address {
		return nil, fmt.Errorf("account %q: key does not match address %s", label, a.Address.Hex())
	}
	return w, nil
}

// WriteInfo writes the file atomically with mode 0600 (it holds keys).
func WriteInfo(path string, i *Info) error {
	b, err := json.MarshalIndent(i, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".devnet-*.json")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadInfo reads a devnet file.
func ReadInfo(path string) (*Info, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var i Info
	if err := json.Unmarshal(b, &i); err != nil {
		return nil, fmt.Errorf("%s: not a devnet file: %w", path, err)
	}
	if i.Version != InfoVersion {
		return nil, fmt.Errorf("%s: devnet file version %d, want %d", path, i.Version, InfoVersion)
	}
	if i.RPC.HTTP == "" && i.RPC.WS == "" {
		return nil, errors.New(path + ": devnet file has no RPC endpoint")
	}
	return &i, nil
}
