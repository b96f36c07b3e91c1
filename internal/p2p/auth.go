package p2p

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// EIP-712 names of the request authorization (docs/protocol.md,
// "Authorization"). The domain is the one receipts use.
const (
	DomainName    = "TrustedPods"
	DomainVersion = "1"
	// RequestType is the EIP-712 encoding of the signed struct.
	RequestType = "Request(string provider,bytes32 podId,string op,bytes32 payloadHash,uint64 expiry,bytes32 nonce)"
)

var (
	domainTypeHash  = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	requestTypeHash = crypto.Keccak256Hash([]byte(RequestType))
)

// Domain is the EIP-712 domain: the chain and the Payment contract that holds
// the channels.
type Domain struct {
	ChainID         uint64
	PaymentContract common.Address
}

// Separator returns the EIP-712 domain separator.
func (d Domain) Separator() [32]byte {
	var chainID, contract [32]byte
	binary.BigEndian.PutUint64(chainID[24:], d.ChainID)
	copy(contract[12:], d.PaymentContract[:])
	return crypto.Keccak256Hash(
		domainTypeHash[:],
		crypto.Keccak256([]byte(DomainName)),
		crypto.Keccak256([]byte(DomainVersion)),
		chainID[:],
		contract[:],
	)
}

// Authorization is the signed struct Request of RequestType.
type Authorization struct {
	// Provider is the provider's libp2p peer ID string.
	Provider string
	PodID    [32]byte
	Op       string
	// PayloadHash is keccak256 of the serialized request body.
	PayloadHash [32]byte
	// Expiry is in Unix seconds.
	Expiry uint64
	Nonce  [32]byte
}

// StructHash returns the EIP-712 hashStruct of a.
func (a Authorization) StructHash() [32]byte {
	var expiry [32]byte
	binary.BigEndian.PutUint64(expiry[24:], a.Expiry)
	return crypto.Keccak256Hash(
		requestTypeHash[:],
		crypto.Keccak256([]byte(a.Provider)),
		a.PodID[:],
		crypto.Keccak256([]byte(a.Op)),
		a.PayloadHash[:],
		expiry[:],
		a.Nonce[:],
	)
}

// Digest returns the EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖
// hashStruct) that the publisher signs.
func (a Authorization) Digest(d Domain) [32]byte {
	sep := d.Separator()
	h := a.StructHash()
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], h[:])
}

// Signer signs request digests for a publisher. It is the publisher's wallet
// key; it never leaves the publisher.
type Signer interface {
	// SignDigest returns a 65-byte signature r ‖ s ‖ v with v = 27 or 28.
	SignDigest(digest [32]byte) ([]byte, error)
	// Address is the publisher's address, the one that created the channel.
	Address() common.Address
}

// KeySigner is a Signer holding a secp256k1 private key in memory.
type KeySigner struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

// NewKeySigner returns a Signer for key.
func NewKeySigner(key *ecdsa.PrivateKey) *KeySigner {
	return &KeySigner{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// SignDigest implements Signer.
func (s *KeySigner) SignDigest(digest [32]byte) ([]byte, error) {
	sig, err := crypto.Sign(digest[:], s.key)
	if err != nil {
		return nil, fmt.Errorf("sign request: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// Address implements Signer.
func (s *KeySigner) Address() common.Address { return s.addr }

// RecoverSigner returns the address that made sig over digest. sig is r ‖ s ‖
// v with v = 27 or 28 (0 or 1 is accepted too); a high s is refused, as
// Ethereum does since Homestead.
func RecoverSigner(digest [32]byte, sig []byte) (common.Address, error) {
	if len(sig) != 65 {
		return common.Address{}, errors.New("signature is not 65 bytes")
	}
	v := sig[64]
	if v >= 27 {
		v -= 27
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if v > 1 || !crypto.ValidateSignatureValues(v, r, s, true) {
		return common.Address{}, errors.New("malformed signature")
	}
	norm := make([]byte, 65)
	copy(norm, sig[:64])
	norm[64] = v
	pub, err := crypto.SigToPub(digest[:], norm)
	if err != nil {
		return common.Address{}, fmt.Errorf("recover signer: %w", err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}
