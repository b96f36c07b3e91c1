package chain

// SetClaimsPerTx lowers the largest claimMany batch of one transaction, so
// that tests can split batches without hundreds of channels.
func SetClaimsPerTx(p *Payment, n int) { p.claimsPerTx = n }
