package chain

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// RevertError is a decoded revert: a custom error of a known contract
// ("Payment: InvalidSignature()"), Solidity's Error(string) or Panic(uint256),
// or raw data when the selector is unknown.
type RevertError struct {
	Contract string   // contract that declares the error, if known
	Name     string   // error name; "" when unknown or no data
	Args     []any    // decoded arguments
	ArgNames []string // their names from the ABI
	Data     []byte   // raw revert data
}

// Error renders e.g. `reverted: Payment: InsufficientBalance(have=1, want=2)`.
func (e *RevertError) Error() string {
	var b strings.Builder
	b.WriteString("reverted")
	if e.Name == "" {
		if len(e.Data) >= 4 {
			fmt.Fprintf(&b, ": unknown error %s", hexutil.Encode(e.Data[:4]))
		} else if e.Contract != "" {
			fmt.Fprintf(&b, ": %s: no reason given", e.Contract)
		} else {
			b.WriteString(": no reason given")
		}
		return b.String()
	}
	b.WriteString(": ")
	if e.Contract != "" {
		b.WriteString(e.Contract + ": ")
	}
	b.WriteString(e.Name + "(")
	for i, a := range e.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if i < len(e.ArgNames) && e.ArgNames[i] != "" {
			b.WriteString(e.ArgNames[i] + "=")
		}
		b.WriteString(formatArg(a))
	}
	b.WriteString(")")
	return b.String()
}

// Is makes errors.Is(err, ErrReverted) true.
func (e *RevertError) Is(target error) bool { return target == ErrReverted }

// IsRevert reports whether err is a revert with the given custom error name.
func IsRevert(err error, name string) bool {
	var re *RevertError
	return errors.As(err, &re) && re.Name == name
}

func formatArg(a any) string {
	switch v := a.(type) {
	case common.Address:
		return v.Hex()
	case *big.Int:
		return v.String()
	case [32]byte:
		return hexutil.Encode(v[:])
	case []byte:
		return hexutil.Encode(v)
	case string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprint(a)
}

var (
	errorStringSel = [4]byte{0x08, 0xc3, 0x79, 0xa0} // Error(string)
	panicSel       = [4]byte{0x4e, 0x48, 0x7b, 0x71} // Panic(uint256)
)

// ErrorDecoder maps error selectors of registered ABIs to names. When two
// contracts declare the same selector, the contract at the called address wins.
type ErrorDecoder struct {
	mu     sync.RWMutex
	bySel  map[[4]byte][]decl
	byAddr map[common.Address]string
}

type decl struct {
	contract string
	err      abi.Error
}

// NewErrorDecoder returns an empty decoder.
func NewErrorDecoder() *ErrorDecoder {
	return &ErrorDecoder{bySel: map[[4]byte][]decl{}, byAddr: map[common.Address]string{}}
}

// Register adds the custom errors of a contract's ABI, and notes the
// addresses where that contract is deployed.
func (d *ErrorDecoder) Register(contract string, a *abi.ABI, at ...common.Address) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, addr := range at {
		d.byAddr[addr] = contract
	}
	for _, e := range a.Errors {
		var sel [4]byte
		copy(sel[:], e.ID[:4])
		dup := false
		for _, x := range d.bySel[sel] {
			dup = dup || x.contract == contract
		}
		if !dup {
			d.bySel[sel] = append(d.bySel[sel], decl{contract, e})
		}
	}
}

func (d *ErrorDecoder) contractAt(to *common.Address) string {
	if to == nil {
		return ""
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.byAddr[*to]
}

// Decode names revert data from a call to `to` (nil for a deployment).
func (d *ErrorDecoder) Decode(to *common.Address, data []byte) *RevertError {
	re := &RevertError{Contract: d.contractAt(to), Data: data}
	if len(data) < 4 {
		return re
	}
	var sel [4]byte
	copy(sel[:], data[:4])
	switch sel {
	case errorStringSel:
		if reason, err := abi.UnpackRevert(data); err == nil {
			re.Name, re.Args = "Error", []any{reason}
		}
		return re
	case panicSel:
		if len(data) == 36 {
			re.Name, re.Args, re.ArgNames = "Panic", []any{new(big.Int).SetBytes(data[4:])}, []string{"code"}
		}
		return re
	}
	d.mu.RLock()
	cands := d.bySel[sel]
	d.mu.RUnlock()
	if len(cands) == 0 {
		return re
	}
	pick := cands[0]
	for _, c := range cands {
		if c.contract == re.Contract {
			pick = c
		}
	}
	args, err := pick.err.Inputs.Unpack(data[4:])
	if err != nil {
		return re
	}
	re.Contract, re.Name, re.Args = pick.contract, pick.err.Name, args
	for _, in := range pick.err.Inputs {
		re.ArgNames = append(re.ArgNames, in.Name)
	}
	return re
}

// FromError decodes the revert carried by an RPC error (eth_call or
// eth_estimateGas), or returns nil if err is not a revert.
func (d *ErrorDecoder) FromError(to *common.Address, err error) *RevertError {
	if err == nil {
		return nil
	}
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok {
			if data, derr := hexutil.Decode(s); derr == nil {
				return d.Decode(to, data)
			}
		}
	}
	if strings.Contains(err.Error(), "execution reverted") {
		return &RevertError{Contract: d.contractAt(to)}
	}
	return nil
}
