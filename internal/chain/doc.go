// Package chain is Trusted Pods' client for any EVM JSON-RPC endpoint: it
// dials HTTP or WebSocket endpoints, loads wallets (keystore file or raw key,
// never from a flag), sends transactions with gas estimation and a nonce
// manager that is safe under concurrency, waits for receipts with a
// configurable number of confirmations, decodes reverts into the contracts'
// custom error names, watches events from a stored cursor while tolerating
// reorgs shallower than the confirmation depth, and wraps the Payment,
// Registry and ERC-20 contracts in typed methods.
package chain
