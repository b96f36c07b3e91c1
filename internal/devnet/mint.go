package devnet

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/contracts"
)

// tokenMint returns a packer of TestToken.mint calls.
func tokenMint() func(common.Address, *big.Int) []byte {
	b := contracts.NewTestToken()
	return func(to common.Address, amount *big.Int) []byte { return b.PackMint(to, amount) }
}
