package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/internal/payment"
)

// EIP-2612 permits let a publisher grant Payment its allowance with a
// signature instead of an approve transaction, so that a channel opens in one
// transaction (Payment.createChannelWithPermit; docs/chain.md § Permits).

// ErrNoPermit: the token has no EIP-2612 permit this client can sign for
// (no DOMAIN_SEPARATOR or nonces, or a domain it cannot reproduce).
var ErrNoPermit = errors.New("token has no usable EIP-2612 permit")

var (
	permitTypeHash = crypto.Keccak256Hash([]byte("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"))
	eip712TypeHash = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
)

// Permit is a signed EIP-2612 permit: Owner lets Spender take Value of the
// token until Deadline (unix seconds, compared with block time).
type Permit struct {
	Owner, Spender common.Address
	Value, Nonce   *big.Int
	Deadline       uint64
	V              uint8
	R, S           [32]byte
}

// PermitDigest returns the EIP-712 digest an owner signs for a permit of a
// token whose domain separator is sep.
func PermitDigest(sep [32]byte, owner, spender common.Address, value, nonce *big.Int, deadline uint64) [32]byte {
	h := crypto.Keccak256Hash(permitTypeHash[:], common.LeftPadBytes(owner[:], 32), common.LeftPadBytes(spender[:], 32),
		common.BigToHash(value).Bytes(), common.BigToHash(nonce).Bytes(), common.BigToHash(new(big.Int).SetUint64(deadline)).Bytes())
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], h[:])
}

// domainSeparator returns the EIP-712 separator of (name, version, chainID, contract).
func domainSeparator(name, version string, chainID *big.Int, contract common.Address) [32]byte {
	return crypto.Keccak256Hash(eip712TypeHash[:], crypto.Keccak256([]byte(name)), crypto.Keccak256([]byte(version)),
		common.BigToHash(chainID).Bytes(), common.LeftPadBytes(contract[:], 32))
}

// PermitDomain returns the token's EIP-2612 domain separator if the token
// has a permit this client can sign for, else an error wrapping ErrNoPermit.
// The token must answer DOMAIN_SEPARATOR() and nonces(owner), and its
// separator must be one this client rebuilds itself: from eip712Domain()
// (EIP-5267) when the token has it, else from name() with version "1" or
// "2", for this chain and the token's address. Signing for a separator
// taken on trust could produce a permit the token reads differently.
func (t *Token) PermitDomain(ctx context.Context, owner common.Address) (sep [32]byte, nonce *big.Int, err error) {
	noPermit := func(what string, err error) error {
		if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTimeout) || ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("%w: %s: %w", ErrNoPermit, what, err)
	}
	sep, err = call(ctx, t.c, t.addr, t.b.PackDOMAINSEPARATOR(), nil, t.b.UnpackDOMAINSEPARATOR)
	if err != nil {
		return sep, nil, noPermit("DOMAIN_SEPARATOR()", err)
	}
	data, err := t.b.TryPackNonces(owner)
	if nonce, err = call(ctx, t.c, t.addr, data, err, t.b.UnpackNonces); err != nil {
		return sep, nil, noPermit("nonces()", err)
	}
	chainID := t.c.ChainID()
	if d, err := call(ctx, t.c, t.addr, t.b.PackTokenEip712Domain(), nil, t.b.UnpackTokenEip712Domain); err == nil {
		// Fields 0x0f: name, version, chainId, verifyingContract, no salt or extensions.
		if d.Fields[0] == 0x0f && len(d.Extensions) == 0 && d.ChainId != nil && d.ChainId.Cmp(chainID) == 0 && d.VerifyingContract == t.addr &&
			domainSeparator(d.Name, d.Version, chainID, t.addr) == sep {
			return sep, nonce, nil
		}
		return sep, nil, fmt.Errorf("%w: eip712Domain() does not give its DOMAIN_SEPARATOR", ErrNoPermit)
	}
	name, err := call(ctx, t.c, t.addr, t.b.PackName(), nil, t.b.UnpackName)
	if err != nil {
		return sep, nil, noPermit("name()", err)
	}
	for _, version := range []string{"1", "2"} {
		if domainSeparator(name, version, chainID, t.addr) == sep {
			return sep, nonce, nil
		}
	}
	return sep, nil, fmt.Errorf("%w: DOMAIN_SEPARATOR is not (name %q, version 1 or 2, chain %v, token)", ErrNoPermit, name, chainID)
}

// SignPermit signs a permit of w for spender to take value of the token,
// valid for validFor from the chain head's time. It sends nothing. An error
// wrapping ErrNoPermit means the token has no permit to use (approve instead).
func (t *Token) SignPermit(ctx context.Context, w *Wallet, spender common.Address, value *big.Int, validFor time.Duration) (*Permit, error) {
	sep, nonce, err := t.PermitDomain(ctx, w.Address())
	if err != nil {
		return nil, err
	}
	head, err := t.c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	p := &Permit{Owner: w.Address(), Spender: spender, Value: new(big.Int).Set(value), Nonce: nonce, Deadline: head.Time + uint64(validFor/time.Second)}
	sig, err := w.SignDigest(PermitDigest(sep, p.Owner, spender, value, nonce, p.Deadline))
	if err != nil {
		return nil, fmt.Errorf("sign permit: %w", err)
	}
	copy(p.R[:], sig[:32])
	copy(p.S[:], sig[32:64])
	p.V = sig[64]
	return p, nil
}

// CreateChannelWithPermit opens and funds a channel from w with the
// allowance granted by p (w's permit for Payment of exactly amount) in the
// same transaction.
func (p *Payment) CreateChannelWithPermit(ctx context.Context, w *Wallet, provider common.Address, podID [32]byte, token common.Address, terms payment.Terms, disputePeriod uint64, amount *big.Int, pm *Permit) ([32]byte, *types.Receipt, error) {
	if pm.Owner != w.Address() || pm.Spender != p.addr || pm.Value.Cmp(amount) != 0 {
		return [32]byte{}, nil, fmt.Errorf("permit of %s for %s of %v does not fit a deposit of %v from %s to Payment", pm.Owner.Hex(), pm.Spender.Hex(), pm.Value, amount, w.Address().Hex())
	}
	data, err := p.b.TryPackCreateChannelWithPermit(provider, podID, token, TermsBinding(terms), disputePeriod, amount, new(big.Int).SetUint64(pm.Deadline), pm.V, pm.R, pm.S)
	rcpt, err := p.c.transact(ctx, w, p.addr, data, err)
	return payment.ChannelID(w.Address(), provider, podID), rcpt, err
}

// PermitValidity is how long a permit for a channel's deposit stays valid:
// long enough for a slow chain to include the transaction.
const PermitValidity = time.Hour

// PermitRefused reports whether err, from CreateChannelWithPermit, says the
// token did not take the permit (its transfer found no allowance), so that
// approve + createChannel is worth trying; a refusal by Payment itself (e.g.
// ChannelExists) would refuse that too.
func PermitRefused(err error) bool {
	var re *RevertError
	return errors.As(err, &re) && re.Contract != "Payment"
}
