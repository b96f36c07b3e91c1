package bundle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/payment"
)

// Binding names the order a bundle is for: the chain, the Payment contract,
// the channel that pays for the pod and who opened it with whom
// (docs/bundle.md, "Binding"). It is part of the core, so the data key's
// wrapping (HPKE with the core hash as associated data) and the header MAC
// cover it, and the publisher signs it.
type Binding struct {
	ChainID   uint64         `json:"chainId"`
	Payment   common.Address `json:"payment"`
	ChannelID common.Hash    `json:"channelId"` // keccak256(abi.encode(publisher, provider, podId))
	Publisher common.Address `json:"publisher"`
	Provider  common.Address `json:"provider"`
	PodID     common.Hash    `json:"podId"`
	// IssuedAt is when the publisher built the bundle (Unix seconds): of
	// two bundles bound to one channel, the later one is the newer.
	IssuedAt uint64 `json:"issuedAt"`
}

// BindingType is the EIP-712 struct the publisher signs, in the domain of
// the Payment contract (name "TrustedPods", version "1", chainId,
// verifyingContract = Payment). headerHash is SHA-256 of the header from its
// first byte to the end of the recipient stanzas.
const BindingType = "Bundle(bytes32 channelId,address publisher,address provider,bytes32 podId,uint64 issuedAt,bytes32 headerHash)"

var bindingTypeHash = crypto.Keccak256Hash([]byte(BindingType))

// Errors of CheckBinding. Every binding failure matches ErrBinding.
var (
	ErrBinding = errors.New("bundle is not bound to this order")
	// ErrUnbound: the bundle names no channel (built for local use, or
	// format 1). No provider deploys it.
	ErrUnbound = fmt.Errorf("%w: it is not bound to any channel", ErrBinding)
	// ErrBindingSignature: the binding is not signed by its publisher (a
	// forged or edited binding).
	ErrBindingSignature = fmt.Errorf("%w: the binding is not signed by the channel's publisher", ErrBinding)
)

// Domain is the EIP-712 domain the binding is signed in.
func (b *Binding) Domain() payment.Domain {
	return payment.Domain{ChainID: new(big.Int).SetUint64(b.ChainID), Contract: b.Payment}
}

// StructHash is the EIP-712 hashStruct of the binding over headerHash.
func (b *Binding) StructHash(headerHash [32]byte) [32]byte {
	var issued [32]byte
	binary.BigEndian.PutUint64(issued[24:], b.IssuedAt)
	return crypto.Keccak256Hash(
		bindingTypeHash[:],
		b.ChannelID[:],
		common.LeftPadBytes(b.Publisher[:], 32),
		common.LeftPadBytes(b.Provider[:], 32),
		b.PodID[:],
		issued[:],
		headerHash[:],
	)
}

// Digest is what the publisher signs: keccak256(0x19 0x01 ‖ domainSeparator
// ‖ StructHash(headerHash)).
func (b *Binding) Digest(headerHash [32]byte) [32]byte {
	sep := b.Domain().Separator()
	h := b.StructHash(headerHash)
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], h[:])
}

// validate checks the binding's own consistency (from an untrusted header).
func (b *Binding) validate() error {
	switch {
	case b.ChainID == 0:
		return fmt.Errorf("binding: chain ID 0")
	case b.Payment == (common.Address{}), b.Publisher == (common.Address{}), b.Provider == (common.Address{}):
		return fmt.Errorf("binding: zero address")
	case payment.ChannelID(b.Publisher, b.Provider, b.PodID) != [32]byte(b.ChannelID):
		return fmt.Errorf("binding: channel %s is not the channel of publisher %s, provider %s and pod %s", b.ChannelID.Hex(), b.Publisher.Hex(), b.Provider.Hex(), b.PodID.Hex())
	}
	return nil
}

// CheckBinding reports whether the bundle is bound to the given order: the
// chain, the Payment contract, the channel and that channel's publisher as
// the chain names it, with a valid signature by that publisher over the
// header. It needs no key and reads nothing but the header, so a provider
// (or a signing core, before it unwraps the data key) calls it before
// anything is decrypted. Failures match ErrBinding; an unbound bundle
// matches ErrUnbound, a signature by anyone else ErrBindingSignature.
func (h *Header) CheckBinding(chainID uint64, paymentContract common.Address, channelID [32]byte, publisher common.Address) error {
	b := h.Core.Binding
	if b == nil {
		return ErrUnbound
	}
	switch {
	case b.ChainID != chainID:
		return fmt.Errorf("%w: it is bound to chain %d, not %d", ErrBinding, b.ChainID, chainID)
	case b.Payment != paymentContract:
		return fmt.Errorf("%w: it is bound to Payment contract %s, not %s", ErrBinding, b.Payment.Hex(), paymentContract.Hex())
	case [32]byte(b.ChannelID) != channelID:
		return fmt.Errorf("%w: it is bound to channel %s, not %s", ErrBinding, b.ChannelID.Hex(), common.Hash(channelID).Hex())
	case b.Publisher != publisher:
		return fmt.Errorf("%w: it names publisher %s, the channel's publisher is %s", ErrBinding, b.Publisher.Hex(), publisher.Hex())
	}
	if err := b.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrBinding, err)
	}
	signer, err := payment.RecoverDigestSigner(b.Digest(h.HeaderHash), h.Signature[:])
	if err != nil {
		return fmt.Errorf("%w (malformed signature)", ErrBindingSignature)
	}
	if signer != publisher {
		return fmt.Errorf("%w (signed by %s, not %s)", ErrBindingSignature, signer.Hex(), publisher.Hex())
	}
	return nil
}
