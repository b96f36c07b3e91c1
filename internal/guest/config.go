// Package guest is the provider's confidential VM from the inside: PID 1 of
// the guest image (`tpod guest init`), which mounts, loads the kernel
// modules, reads the operator's configuration disk, opens the encrypted
// data disk and starts the provider; and the split of the provider's
// configuration into what the image fixes (measured) and what the operator
// supplies at boot (hashed into the attestation statement). docs/image.md.
package guest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/config"
	"github.com/trustedpods/tpod/internal/provider"
)

// ImageConfig is /etc/tpod/image.json, inside the initrd and so part of the
// launch measurement: everything that decides how tenants are isolated.
type ImageConfig struct {
	Version int `json:"version"`
	// AllowSimulatedTEE lets the guest run with the simulated TEE where no
	// TEE hardware is found (development and the boot test; the evidence
	// then says "simulated", which publishers refuse by default). Where a
	// TEE is found it is always used.
	AllowSimulatedTEE bool `json:"allowSimulatedTEE"`
	// Runtime is the pod runtime: kind, sandbox, network.
	Runtime provider.RuntimeConfig `json:"runtime"`
	// DataDir is the provider's data directory, on the encrypted disk.
	DataDir string `json:"dataDir"`
	// LogFile receives the provider's log, on the encrypted disk.
	LogFile string `json:"logFile"`
}

// ParseImageConfig reads the image-fixed configuration.
func ParseImageConfig(b []byte) (*ImageConfig, error) {
	var c ImageConfig
	if err := strictJSON(b, &c); err != nil {
		return nil, fmt.Errorf("image configuration: %w", err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("image configuration: version %d, want 1", c.Version)
	}
	if c.Runtime.Kind != "containerd" || c.Runtime.Containerd.Address != "" {
		return nil, errors.New("image configuration: the runtime must be a private containerd")
	}
	if !strings.HasPrefix(c.DataDir, DataMount+"/") || !strings.HasPrefix(c.LogFile, DataMount+"/") {
		return nil, fmt.Errorf("image configuration: dataDir and logFile must be on the data disk (%s)", DataMount)
	}
	return &c, nil
}

// OperatorConfig is what the operator supplies at boot on the configuration
// disk (config.json): where the chain is, what to charge, where to listen.
// It decodes strictly: a field it does not know (runtime, sandbox, TEE,
// data paths, ...) is refused, so the operator cannot weaken isolation.
type OperatorConfig struct {
	Version int    `json:"version"`
	Region  string `json:"region"`
	Chain   struct {
		RPC           string `json:"rpc"`
		Payment       string `json:"payment"`
		Registry      string `json:"registry"`
		Confirmations uint64 `json:"confirmations"`
		FromBlock     uint64 `json:"fromBlock"`
	} `json:"chain"`
	// WalletAddress is not read from the disk: it is set from the payout
	// wallet's key (wallet.key beside config.json) so that the hash shows
	// which account is paid without the key.
	WalletAddress string                   `json:"walletAddress,omitempty"`
	Pricing       []provider.PricingConfig `json:"pricing"`
	Capacity      provider.Reservation     `json:"capacity"`
	MinRunway     config.Duration          `json:"minRunway"`
	LowFunds      config.Duration          `json:"lowFunds"`
	BillingCycle  config.Duration          `json:"billingCycle"`
	StopGrace     config.Duration          `json:"stopGrace"`
	PricingNotice config.Duration          `json:"pricingNotice"`
	MaxBundleMiB  int64                    `json:"maxBundleMiB"`
	P2P           struct {
		// Listen are the libp2p listen addresses (default /ip4/0.0.0.0/tcp/4001).
		Listen []string `json:"listen"`
		// Announce replaces the addresses published in the registry (the
		// host's forwarded ports).
		Announce []string `json:"announce"`
	} `json:"p2p"`
	IPFS struct {
		Public    bool     `json:"public"`
		Bootstrap []string `json:"bootstrap"`
	} `json:"ipfs"`
	Gateway provider.GatewayConfig `json:"gateway"`
	Network Network                `json:"network"`
	// EraseDataDisk allows formatting a data disk that does not open with
	// this image's key (written by the host, another image or chip). A
	// disk that opens is never erased.
	EraseDataDisk bool `json:"eraseDataDisk"`
}

// Network is the guest's IPv4 configuration (no DHCP client in the image).
type Network struct {
	Interface   string   `json:"interface"`   // default eth0
	Address     string   `json:"address"`     // CIDR, default 10.0.2.15/24 (QEMU user networking)
	Gateway     string   `json:"gateway"`     // default 10.0.2.2
	Nameservers []string `json:"nameservers"` // written to /etc/resolv.conf
}

// MaxOperatorConfig caps config.json.
const MaxOperatorConfig = 256 << 10

// ParseOperatorConfig decodes and checks config.json, fills defaults, and
// sets WalletAddress from the wallet key (hex, as a key file holds it).
func ParseOperatorConfig(b []byte, walletKey []byte) (*OperatorConfig, error) {
	if len(b) > MaxOperatorConfig {
		return nil, fmt.Errorf("config.json is larger than %d bytes", MaxOperatorConfig)
	}
	var c OperatorConfig
	if err := strictJSON(b, &c); err != nil {
		return nil, fmt.Errorf("config.json: %w", err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("config.json: version %d, want 1", c.Version)
	}
	if c.WalletAddress != "" {
		return nil, errors.New("config.json: walletAddress is derived from wallet.key, not given")
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(string(walletKey)), "0x"))
	if err != nil {
		return nil, errors.New("wallet.key: not a hex secp256k1 private key")
	}
	c.WalletAddress = crypto.PubkeyToAddress(key.PublicKey).Hex()
	if c.Chain.RPC == "" || c.Chain.Payment == "" {
		return nil, errors.New("config.json: chain.rpc and chain.payment are required")
	}
	if len(c.Pricing) == 0 {
		return nil, errors.New("config.json: at least one pricing table is required")
	}
	if len(c.P2P.Listen) == 0 {
		c.P2P.Listen = []string{"/ip4/0.0.0.0/tcp/4001"}
	}
	n := &c.Network
	if n.Interface == "" {
		n.Interface = "eth0"
	}
	if n.Address == "" {
		n.Address = "10.0.2.15/24"
	}
	if n.Gateway == "" {
		n.Gateway = "10.0.2.2"
	}
	if _, err := netip.ParsePrefix(n.Address); err != nil {
		return nil, fmt.Errorf("config.json: network.address: %w", err)
	}
	if _, err := netip.ParseAddr(n.Gateway); err != nil {
		return nil, fmt.Errorf("config.json: network.gateway: %w", err)
	}
	for _, ns := range n.Nameservers {
		if _, err := netip.ParseAddr(ns); err != nil {
			return nil, fmt.Errorf("config.json: network.nameservers: %w", err)
		}
	}
	if strings.ContainsAny(n.Interface, "/\x00") || len(n.Interface) > 15 {
		return nil, fmt.Errorf("config.json: network.interface %q is not an interface name", n.Interface)
	}
	return &c, nil
}

// Hash is the SHA-256 of the canonical operator configuration: its JSON
// encoding with the fields in declaration order, no insignificant space,
// map keys sorted, the wallet as its address and no secret. The provider
// exposes it for the attestation statement (docs/image.md).
func (c *OperatorConfig) Hash() [32]byte {
	b, err := c.Canonical()
	if err != nil {
		panic(err) // every field marshals
	}
	return sha256.Sum256(b)
}

// Canonical is the configuration as hashed.
func (c *OperatorConfig) Canonical() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ProviderConfig merges the image's and the operator's parts into the
// daemon's configuration. keyFile is where the wallet key was written.
func ProviderConfig(img *ImageConfig, op *OperatorConfig, tee, keyFile string) *provider.FileConfig {
	canon, err := op.Canonical()
	if err != nil {
		panic(err) // every field marshals
	}
	h := sha256.Sum256(canon)
	return &provider.FileConfig{
		DataDir: img.DataDir,
		Region:  op.Region,
		TEE:     tee,
		Chain: provider.ChainConfig{RPC: op.Chain.RPC, Payment: op.Chain.Payment, Registry: op.Chain.Registry,
			Confirmations: op.Chain.Confirmations, FromBlock: op.Chain.FromBlock, KeyFile: keyFile},
		IPFS:               provider.IPFSConfig{Mode: "embedded", Listen: op.P2P.Listen, Announce: op.P2P.Announce, Public: op.IPFS.Public, Bootstrap: op.IPFS.Bootstrap},
		Runtime:            img.Runtime,
		Pricing:            op.Pricing,
		Capacity:           op.Capacity,
		MinRunway:          op.MinRunway,
		LowFunds:           op.LowFunds,
		BillingCycle:       op.BillingCycle,
		StopGrace:          op.StopGrace,
		PricingNotice:      op.PricingNotice,
		MaxBundleMiB:       op.MaxBundleMiB,
		Gateway:            op.Gateway,
		ClaimOnStop:        true,
		OperatorConfigHash: fmt.Sprintf("%x", h[:]),
		// The evidence carries it, byte for byte.
		OperatorConfig: string(canon),
	}
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}
