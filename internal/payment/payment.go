// Package payment holds what the enclave, the provider and the publisher share
// about the Payment contract (docs/contracts.md): channel IDs, usage receipts
// and their EIP-712 signatures, the commitment a channel keeps to its terms
// and last receipt, and the settlement rule the contract applies to a claim,
// so that clients can predict what a claim pays before sending it.
package payment

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/usage"
)

// EIP-712 names of the Payment contract's domain.
const (
	DomainName    = "TrustedPods"
	DomainVersion = "1"
)

// ReceiptType is the EIP-712 type of a usage receipt.
const ReceiptType = "Receipt(bytes32 channelId,uint64 seq,uint64 time,uint64[7] usage)"

var (
	domainTypeHash  = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	receiptTypeHash = crypto.Keccak256Hash([]byte(ReceiptType))
	nameHash        = crypto.Keccak256Hash([]byte(DomainName))
	versionHash     = crypto.Keccak256Hash([]byte(DomainVersion))
)

// Errors a claim can fail with; each matches the contract's custom error of
// the same name.
var (
	ErrSeqNotIncreasing  = errors.New("SeqNotIncreasing: receipt seq is not greater than the last accepted one")
	ErrTimeNotIncreasing = errors.New("TimeNotIncreasing: receipt time is not later than the last accepted one")
	ErrUsageDecreased    = errors.New("UsageDecreased: a usage counter is below the last accepted one")
	ErrReceiptFromFuture = errors.New("ReceiptFromFuture: receipt time is after the block time")
	ErrInvalidSignature  = errors.New("InvalidSignature: receipt is not signed by the channel's enclave signer")
)

// Receipt is a usage receipt: cumulative usage of one channel's pod at time
// Time (unix seconds), numbered Seq. The enclave signs it as EIP-712 data.
type Receipt struct {
	ChannelID [32]byte
	Seq       uint64
	Time      uint64
	Usage     usage.Vector
}

// SignedReceipt is a receipt with the enclave's 65-byte (r, s, v) signature
// over its EIP-712 digest: what a claim carries and the provider stores.
type SignedReceipt struct {
	Receipt
	Signature []byte
}

// Baseline is a channel's last accepted receipt, the point the next claim is
// priced from.
type Baseline struct {
	Seq   uint64
	Time  uint64
	Usage usage.Vector
}

// Baseline returns the receipt as the baseline it becomes once accepted.
func (r Receipt) Baseline() Baseline { return Baseline{Seq: r.Seq, Time: r.Time, Usage: r.Usage} }

// InitialBaseline is a new channel's baseline: seq 0, no usage, the block
// time of createChannel (the ChannelCreated event's startTime).
func InitialBaseline(startTime uint64) Baseline { return Baseline{Time: startTime} }

// Terms are what the publisher pinned when opening the channel: the enclave
// key whose receipts count, the most paid per second of receipt time, and the
// price per unit of each usage counter, in token base units (each < 2^128).
type Terms struct {
	EnclaveSigner common.Address
	MaxPerSecond  *big.Int
	Prices        [usage.Len]*big.Int
}

// Domain identifies the Payment contract a receipt is for.
type Domain struct {
	ChainID  *big.Int
	Contract common.Address
}

// Separator returns the EIP-712 domain separator.
func (d Domain) Separator() [32]byte {
	return crypto.Keccak256Hash(
		domainTypeHash[:], nameHash[:], versionHash[:],
		word(d.ChainID), common.LeftPadBytes(d.Contract[:], 32),
	)
}

// ReceiptDigest returns the EIP-712 digest of r, the 32 bytes the enclave signs.
func (d Domain) ReceiptDigest(r Receipt) [32]byte {
	sep := d.Separator()
	h := receiptStructHash(r)
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], h[:])
}

func receiptStructHash(r Receipt) [32]byte {
	var u []byte
	for _, v := range r.Usage {
		u = append(u, uint64Word(v)...)
	}
	uh := crypto.Keccak256(u)
	return crypto.Keccak256Hash(receiptTypeHash[:], r.ChannelID[:], uint64Word(r.Seq), uint64Word(r.Time), uh)
}

// Signer signs 32-byte digests with a secp256k1 key. SignDigest returns 65
// bytes r ‖ s ‖ v with v 27 or 28 and s in the lower half of the curve order,
// the form the contract accepts.
type Signer interface {
	SignDigest(digest [32]byte) ([]byte, error)
	Address() common.Address
}

// SignReceipt signs r for the contract of d.
func SignReceipt(s Signer, d Domain, r Receipt) ([]byte, error) {
	sig, err := s.SignDigest(d.ReceiptDigest(r))
	if err != nil {
		return nil, fmt.Errorf("sign receipt %d: %w", r.Seq, err)
	}
	return sig, nil
}

// RecoverReceiptSigner returns the address that signed r for the contract of
// d. It applies the contract's rules: 65 bytes, v 27 or 28, low s.
func RecoverReceiptSigner(d Domain, r Receipt, sig []byte) (common.Address, error) {
	return RecoverDigestSigner(d.ReceiptDigest(r), sig)
}

// RecoverDigestSigner recovers the signer of a 65-byte (r, s, v) signature
// over digest with the contract's rules.
func RecoverDigestSigner(digest [32]byte, sig []byte) (common.Address, error) {
	if len(sig) != 65 {
		return common.Address{}, fmt.Errorf("%w: signature is %d bytes, want 65", ErrInvalidSignature, len(sig))
	}
	v := sig[64]
	if v != 27 && v != 28 {
		return common.Address{}, fmt.Errorf("%w: v is %d, want 27 or 28", ErrInvalidSignature, v)
	}
	rr := new(big.Int).SetBytes(sig[:32])
	ss := new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(0, rr, ss, true) {
		return common.Address{}, fmt.Errorf("%w: r or s out of range", ErrInvalidSignature)
	}
	norm := make([]byte, 65)
	copy(norm, sig)
	norm[64] = v - 27
	pub, err := crypto.SigToPub(digest[:], norm)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %w", ErrInvalidSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// ChannelID returns keccak256(abi.encode(publisher, provider, podID)).
func ChannelID(publisher, provider common.Address, podID [32]byte) [32]byte {
	return crypto.Keccak256Hash(common.LeftPadBytes(publisher[:], 32), common.LeftPadBytes(provider[:], 32), podID[:])
}

// StateHash returns the commitment a channel holds to its terms and last
// accepted receipt: the first 20 bytes of keccak256(abi.encode(PackedTerms,
// PackedBaseline)), the two in the packed form a claim carries them in.
func StateHash(t Terms, b Baseline) [20]byte {
	buf := make([]byte, 0, 8*32)
	buf = append(buf, common.LeftPadBytes(t.EnclaveSigner[:], 32)...)
	for _, w := range t.PackedRates() {
		buf = append(buf, word(w)...)
	}
	buf = append(buf, word(PackSeqTime(b.Seq, b.Time))...)
	for _, w := range PackUsage(b.Usage) {
		buf = append(buf, word(w)...)
	}
	return [20]byte(crypto.Keccak256(buf)[:20])
}

// PricesHash returns keccak256(abi.encode(uint128[7] prices)), the hash a
// pricing proposal is accepted by.
func PricesHash(prices [usage.Len]*big.Int) [32]byte {
	buf := make([]byte, 0, usage.Len*32)
	for _, p := range prices {
		buf = append(buf, word(p)...)
	}
	return crypto.Keccak256Hash(buf)
}

// Settlement is what a claim pays, computed as the contract does.
type Settlement struct {
	Cost *big.Int // Σ (usage[i] − last[i]) × price[i]
	Cap  *big.Int // maxPerSecond × (time − lastTime)
	Paid *big.Int // min(Cost, Cap, balance)
}

// Settle checks r against the baseline the way the contract does (except the
// signature) and returns what claiming it pays from a channel holding balance.
func Settle(t Terms, last Baseline, r Receipt, balance *big.Int) (Settlement, error) {
	if r.Seq <= last.Seq {
		return Settlement{}, ErrSeqNotIncreasing
	}
	if r.Time <= last.Time {
		return Settlement{}, ErrTimeNotIncreasing
	}
	delta, err := r.Usage.Sub(last.Usage)
	if err != nil {
		return Settlement{}, fmt.Errorf("%w: %w", ErrUsageDecreased, err)
	}
	cost := new(big.Int)
	for i, d := range delta {
		if t.Prices[i] != nil && d != 0 {
			cost.Add(cost, new(big.Int).Mul(new(big.Int).SetUint64(d), t.Prices[i]))
		}
	}
	capv := new(big.Int).Mul(orZero(t.MaxPerSecond), new(big.Int).SetUint64(r.Time-last.Time))
	paid := minBig(cost, capv)
	if balance != nil {
		paid = minBig(paid, balance)
	}
	return Settlement{Cost: cost, Cap: capv, Paid: new(big.Int).Set(paid)}, nil
}

// Verify applies every rule the contract applies to a claim of r against the
// baseline last (except the commitment check, which needs the chain): seq and
// time increasing, time not after blockTime, counters not decreasing, and a
// signature by t.EnclaveSigner. It returns what the claim pays from balance.
func Verify(d Domain, t Terms, last Baseline, r Receipt, sig []byte, blockTime uint64, balance *big.Int) (Settlement, error) {
	if r.Seq > last.Seq && r.Time > last.Time && r.Time > blockTime {
		return Settlement{}, ErrReceiptFromFuture
	}
	s, err := Settle(t, last, r, balance)
	if err != nil {
		return Settlement{}, err
	}
	signer, err := RecoverReceiptSigner(d, r, sig)
	if err != nil {
		return Settlement{}, err
	}
	if signer != t.EnclaveSigner {
		return Settlement{}, fmt.Errorf("%w: signed by %s, the channel pins %s", ErrInvalidSignature, signer, t.EnclaveSigner)
	}
	return s, nil
}

// DevSigner signs with a secp256k1 private key held in memory. It is for
// tests and development networks; an enclave keeps its key sealed instead.
type DevSigner struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

var _ Signer = (*DevSigner)(nil)

// NewDevSigner wraps key.
func NewDevSigner(key *ecdsa.PrivateKey) *DevSigner {
	return &DevSigner{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// GenerateDevSigner makes a signer with a fresh random key.
func GenerateDevSigner() (*DevSigner, error) {
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return NewDevSigner(k), nil
}

// Address returns the signer's Ethereum address.
func (s *DevSigner) Address() common.Address { return s.addr }

// SignDigest signs digest; v is 27 or 28.
func (s *DevSigner) SignDigest(digest [32]byte) ([]byte, error) {
	sig, err := crypto.Sign(digest[:], s.key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	return sig, nil
}

// A claim carries terms, baseline and receipt packed (docs/contracts.md §
// Claims in calldata): 128-bit prices two to a word, 64-bit counters four to
// a word, seq and time in one word, the first value in the highest bits.
// internal/chain puts these words into the contract binding's structs.

// PackedRates returns t's prices and maxPerSecond as a claim carries them:
// [p0‖p1, p2‖p3, p4‖p5, p6‖maxPerSecond], 128 bits each.
func (t Terms) PackedRates() [4]*big.Int {
	var rates [4]*big.Int
	v := [8]*big.Int{}
	copy(v[:7], t.Prices[:])
	v[7] = t.MaxPerSecond
	for i := range rates {
		rates[i] = new(big.Int).Lsh(orZero(v[2*i]), 128)
		rates[i].Or(rates[i], orZero(v[2*i+1]))
	}
	return rates
}

// UnpackSeqTime reads a word PackSeqTime made, as the contract reads it.
func UnpackSeqTime(w *big.Int) (seq, time uint64) {
	w = orZero(w)
	return lane(w, 1), lane(w, 0)
}

// UnpackUsage reads the words PackUsage made, as the contract reads them
// (the unused lane is ignored).
func UnpackUsage(w [2]*big.Int) usage.Vector {
	var u usage.Vector
	for i := range u {
		u[i] = lane(orZero(w[i/4]), uint(3-i%4))
	}
	return u
}

// PackSeqTime returns seq << 64 | time, the word a claim carries them in.
func PackSeqTime(seq, time uint64) *big.Int {
	x := new(big.Int).Lsh(new(big.Int).SetUint64(seq), 64)
	return x.Or(x, new(big.Int).SetUint64(time))
}

// PackUsage returns u four counters to a word, the first in the highest bits.
func PackUsage(u usage.Vector) [2]*big.Int {
	var w [2]*big.Int
	for k := range w {
		w[k] = new(big.Int)
		for i := 4 * k; i < 4*k+4; i++ {
			w[k].Lsh(w[k], 64)
			if i < len(u) {
				w[k].Or(w[k], new(big.Int).SetUint64(u[i]))
			}
		}
	}
	return w
}

// lane returns the n-th 64-bit lane of x, counted from the lowest.
func lane(x *big.Int, n uint) uint64 {
	return new(big.Int).Rsh(x, 64*n).Uint64()
}

// CompactSignature converts a 65-byte (r, s, v) signature, v 27 or 28, into
// the EIP-2098 form (r, vs = s | (v − 27) << 255).
func CompactSignature(sig []byte) (r, vs [32]byte, err error) {
	if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) || sig[32]&0x80 != 0 {
		return r, vs, fmt.Errorf("%w: not a 65-byte signature with v 27/28 and low s", ErrInvalidSignature)
	}
	copy(r[:], sig[:32])
	copy(vs[:], sig[32:64])
	if sig[64] == 28 {
		vs[0] |= 0x80
	}
	return r, vs, nil
}

func word(x *big.Int) []byte {
	return common.LeftPadBytes(orZero(x).Bytes(), 32)
}

func uint64Word(v uint64) []byte {
	return common.LeftPadBytes(new(big.Int).SetUint64(v).Bytes(), 32)
}

func orZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}

func minBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}
