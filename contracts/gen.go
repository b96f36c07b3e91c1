// Package contracts holds the Trusted Pods Solidity contracts (src/) and their
// Go bindings: Payment, Registry and TestToken (a mintable token for
// development networks). The semantics are specified in docs/contracts.md.
//
// Regenerate with `make contracts` (or `go generate ./contracts/...` with
// bin/tools on PATH and `npm ci` done in this directory): compile.js compiles
// src/ with the solc pinned in package-lock.json into build/, and abigen
// (go-ethereum v1.17.10, --v2) turns build/ into the bindings.
package contracts

//go:generate node compile.js
//go:generate abigen --v2 --abi build/Payment.abi --bin build/Payment.bin --pkg contracts --type Payment --out payment.go
//go:generate abigen --v2 --abi build/Registry.abi --bin build/Registry.bin --pkg contracts --type Registry --out registry.go
//go:generate abigen --v2 --abi build/TestToken.abi --bin build/TestToken.bin --pkg contracts --type TestToken --alias eip712Domain=tokenEip712Domain --out testtoken.go
//go:generate abigen --v2 --abi build/FeeToken.abi --bin build/FeeToken.bin --pkg testtokens --type FeeToken --out testtokens/feetoken.go
//go:generate abigen --v2 --abi build/ReentrantToken.abi --bin build/ReentrantToken.bin --pkg testtokens --type ReentrantToken --out testtokens/reentranttoken.go
