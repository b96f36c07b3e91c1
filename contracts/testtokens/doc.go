// Package testtokens holds Go bindings of ERC-20 tokens that misbehave on
// purpose, for tests of the Payment contract only: FeeToken (burns a fee on
// every transfer) and ReentrantToken (calls back into a target on transfer).
// Their sources are contracts/src/test; contracts/gen.go generates this package.
package testtokens
