package devnet

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
)

// tokenMint returns a packer of TestToken.mint calls.
func tokenMint() func(common.Address, *big.Int) []byte {
	return chain.MintData
}
