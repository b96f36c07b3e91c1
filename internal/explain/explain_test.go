package explain

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
)

// Every custom error of Payment, Registry and the test token has a sentence.
func TestEveryContractErrorExplained(t *testing.T) {
	abis := map[string]abi.ABI{"Payment": contracts.NewPayment().GetABI(), "Registry": contracts.NewRegistry().GetABI(), "Token": contracts.NewTestToken().GetABI()}
	for name, a := range abis {
		for _, e := range a.Errors {
			re := &chain.RevertError{Contract: name, Name: e.Name}
			for _, in := range e.Inputs {
				re.ArgNames = append(re.ArgNames, in.Name)
				re.Args = append(re.Args, zeroOf(in.Type))
			}
			x := Error(fmt.Errorf("do something: %w", re), Context{})
			if x.Code != e.Name || x.Message == "" || strings.Contains(x.Message, "reverted:") {
				t.Errorf("%s.%s: %+v", name, e.Name, x)
			}
		}
	}
}

func zeroOf(t abi.Type) any {
	switch t.T {
	case abi.AddressTy:
		return common.HexToAddress("0x8Ce5000000000000000000000000000000001234")
	case abi.FixedBytesTy:
		return [32]byte{1}
	case abi.StringTy:
		return "x"
	case abi.UintTy:
		if t.Size == 64 {
			return uint64(0)
		}
	}
	return big.NewInt(0)
}

func TestDisputePeriod(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 13, 13, 0, time.UTC)
	re := &chain.RevertError{Contract: "Payment", Name: "DisputePeriodNotOver", ArgNames: []string{"channelId", "unlockAt"},
		Args: []any{[32]byte{0x1f, 0xd1}, uint64(now.Unix() + 58)}}
	err := fmt.Errorf("withdraw: %w", re)
	x := Error(err, Context{Now: now, Location: time.UTC})
	want := "withdraw: the dispute period of channel 0x1fd1…0000 ends in 58 s (10:14:11)"
	if x.Message != want {
		t.Fatalf("message %q, want %q", x.Message, want)
	}
	if x.Raw != err.Error() || !strings.Contains(x.Raw, "DisputePeriodNotOver") || x.Hint == "" {
		t.Fatalf("%+v", x)
	}
	if x.Details["unlockAt"] != uint64(now.Unix()+58) {
		t.Fatalf("details %v", x.Details)
	}
	// The chain's clock counts (a devnet moved ahead by a minute).
	x = Error(err, Context{Now: now, ChainNow: now.Add(time.Minute), Location: time.UTC})
	if !strings.Contains(x.Message, "ended 2 s ago (10:13:11)") && !strings.Contains(x.Message, "2 s ago") {
		t.Fatalf("chain time: %q", x.Message)
	}
}

func TestNoGas(t *testing.T) {
	err := errors.New("send transaction: insufficient funds for gas * price + value: balance 0, tx cost 193695711702, overshot 193695711702")
	x := Error(err, Context{Sender: "0x8Ce5000000000000000000000000000000001234"})
	if x.Code != "no-gas" || !strings.Contains(x.Message, "0x8Ce5000000000000000000000000000000001234 has not enough ETH to pay for gas (needs ≈ 0.0000002 ETH more)") {
		t.Fatalf("%+v", x)
	}
	err = errors.New("estimate gas: insufficient funds for gas * price + value: address 0x71562b71999873DB5b286dF957af199Ec94617F7 have 1000 want 250000000000000")
	x = Error(err, Context{})
	if !strings.Contains(x.Message, "0x71562b71999873DB5b286dF957af199Ec94617F7 has not enough ETH") || !strings.Contains(x.Message, "0.00025 ETH") {
		t.Fatalf("%+v", x)
	}
}

func TestClientErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		code string
		in   string
	}{
		{fmt.Errorf("read channel: %w", &chain.NoContractError{Address: common.HexToAddress("0x01"), Kind: "Payment"}), "no-contract", "there is no Payment contract at 0x0000000000000000000000000000000000000001"},
		{fmt.Errorf("connect to http://127.0.0.1:1: %w: dial tcp: connection refused", chain.ErrUnavailable), "chain-unreachable", "the chain does not answer: connection refused"},
		{fmt.Errorf("status: %w", &p2p.Error{Code: p2p.CodeNoCapacity, Message: "provider: cpu"}), "provider-no-capacity", "no capacity"},
		{errors.New("something new"), "error", "something new"},
	} {
		x := Error(c.err, Context{})
		if x.Code != c.code || !strings.Contains(x.Message, c.in) {
			t.Errorf("%v: %+v", c.err, x)
		}
	}
}

func TestTokenAmounts(t *testing.T) {
	re := &chain.RevertError{Contract: "Token", Name: "ERC20InsufficientBalance", ArgNames: []string{"sender", "balance", "needed"},
		Args: []any{common.HexToAddress("0x02"), big.NewInt(0), new(big.Int).Mul(big.NewInt(5), big.NewInt(1e18))}}
	x := Error(re, Context{Token: amount.Token{Symbol: "TPT", Decimals: 18}})
	if !strings.Contains(x.Message, "holds 0 TPT of the token, and this needs 5 TPT") {
		t.Fatalf("%+v", x)
	}
}
