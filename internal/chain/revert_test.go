package chain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
)

func decoder() *chain.ErrorDecoder {
	d := chain.NewErrorDecoder()
	pa := contracts.NewPayment().GetABI()
	ra := contracts.NewRegistry().GetABI()
	d.Register("Payment", &pa)
	d.Register("Registry", &ra)
	return d
}

func TestDecodeRevert(t *testing.T) {
	d := decoder()
	pa := contracts.NewPayment().GetABI()
	sel := pa.Errors["DisputePeriodNotOver"].ID
	data := append(append(sel[:4:4], common.LeftPadBytes([]byte{7}, 32)...), common.LeftPadBytes([]byte{1, 0}, 32)...)
	re := d.Decode(nil, data)
	if got, want := re.Error(), "reverted: Payment: DisputePeriodNotOver(channelId=0x"+strings.Repeat("0", 62)+"07, unlockAt=256)"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Error(string) and Panic(uint256).
	reason := common.FromHex("0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020" + "0000000000000000000000000000000000000000000000000000000000000003" + "6e6f700000000000000000000000000000000000000000000000000000000000")
	if got := d.Decode(nil, reason).Error(); got != `reverted: Error("nop")` {
		t.Fatalf("Error(string): %q", got)
	}
	panicData := common.FromHex("0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000011")
	if got := d.Decode(nil, panicData).Error(); got != "reverted: Panic(code=17)" {
		t.Fatalf("Panic: %q", got)
	}
	if got := d.Decode(nil, common.FromHex("0xdeadbeef")).Error(); got != "reverted: unknown error 0xdeadbeef" {
		t.Fatalf("unknown: %q", got)
	}
	if got := d.Decode(nil, nil).Error(); got != "reverted: no reason given" {
		t.Fatalf("empty: %q", got)
	}
}

// FuzzDecodeRevert: revert data comes from the node, so it is untrusted.
func FuzzDecodeRevert(f *testing.F) {
	pa := contracts.NewPayment().GetABI()
	for _, e := range pa.Errors {
		f.Add(append(e.ID[:4:4], make([]byte, 64)...))
	}
	f.Add(common.FromHex("0x08c379a0ffffffff"))
	f.Add(common.FromHex("0x4e487b71"))
	f.Add([]byte{})
	d := decoder()
	f.Fuzz(func(t *testing.T, data []byte) {
		re := d.Decode(nil, data)
		_ = re.Error()
	})
}

// Every reason claimMany skips a claim for names a Payment error, so a
// renamed error in the contract fails here rather than reading as unknown.
func TestSkipReasonNames(t *testing.T) {
	a := contracts.NewPayment().GetABI()
	for r := chain.SkipUnknownChannel; r < chain.SkipUnknown; r++ {
		if _, ok := a.Errors[r.String()]; !ok {
			t.Errorf("skip reason %d is %q, not a Payment error", r, r)
		}
	}
	if chain.NotSkipped.String() != "" || chain.SkipReason(200).String() != "unknown reason" {
		t.Errorf("NotSkipped %q, out of range %q", chain.NotSkipped, chain.SkipReason(200))
	}
	// Each reason is an error of its own, named as the contract names it.
	if chain.NotSkipped.Err() != nil {
		t.Errorf("NotSkipped.Err() = %v", chain.NotSkipped.Err())
	}
	seen := map[error]chain.SkipReason{}
	for r := chain.SkipUnknownChannel; r <= chain.SkipUnknown; r++ {
		err := r.Err()
		if err == nil || (r != chain.SkipUnknown && !strings.HasPrefix(err.Error(), r.String()+":")) {
			t.Errorf("%v.Err() = %v", r, err)
		}
		if o, dup := seen[err]; dup {
			t.Errorf("%v and %v share the error %v", o, r, err)
		}
		seen[err] = r
	}
	if !errors.Is(fmt.Errorf("claim: %w", chain.SkipSeqNotIncreasing.Err()), payment.ErrSeqNotIncreasing) {
		t.Error("SkipSeqNotIncreasing is not payment.ErrSeqNotIncreasing")
	}
}
