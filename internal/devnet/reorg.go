package devnet

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Reorg reorganises the chain the way a real one does now and then: the
// last depth blocks stop being canonical, the head goes back to the block
// below them, and their transactions return to the pool (go-ethereum
// re-injects the transactions of blocks a reorganisation drops), to be
// sealed again into new blocks at the same heights with other hashes. It
// returns the hashes of the dropped blocks. For the fault suite: clients
// that waited for fewer confirmations than depth saw blocks that are gone.
//
// On a chain with a block period it waits for a fresh head first, so that
// the producer, which seals in its own goroutine, is between two blocks,
// and returns once the new chain is longer than the old one was, as after a
// real reorganisation; it fails if the producer sealed on the old head
// after all (call it again).
func (d *Devnet) Reorg(depth int) ([]common.Hash, error) {
	bc := d.eth.BlockChain()
	if d.cfg.BlockPeriod > 0 {
		start := bc.CurrentBlock().Number.Uint64()
		deadline := time.Now().Add(time.Duration(d.cfg.BlockPeriod)*time.Second + 5*time.Second)
		for bc.CurrentBlock().Number.Uint64() == start {
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("reorg: no new block within %v", time.Until(deadline))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	head := bc.CurrentBlock().Number.Uint64()
	if depth < 1 || uint64(depth) >= head {
		return nil, fmt.Errorf("reorg: depth %d at head %d", depth, head)
	}
	ancestor := bc.GetBlockByNumber(head - uint64(depth))
	var dropped []common.Hash
	for n := head - uint64(depth) + 1; n <= head; n++ {
		dropped = append(dropped, bc.GetCanonicalHash(n))
	}
	if _, err := bc.SetCanonical(ancestor); err != nil {
		return nil, fmt.Errorf("reorg: %w", err)
	}
	if d.cfg.BlockPeriod > 0 {
		deadline := time.Now().Add(time.Duration(uint64(depth+2)*d.cfg.BlockPeriod)*time.Second + 5*time.Second)
		for bc.CurrentBlock().Number.Uint64() <= head {
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("reorg: the new chain did not grow past block %d", head)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for i, h := range dropped {
			if bc.GetCanonicalHash(head-uint64(depth)+1+uint64(i)) == h {
				return nil, fmt.Errorf("reorg: the block producer sealed on the old head; try again")
			}
		}
	}
	d.log.Info("reorganised the chain", "depth", depth, "from", head-uint64(depth))
	return dropped, nil
}
