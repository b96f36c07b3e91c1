package devnet

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// devNamespace is the JSON-RPC namespace of the devnet's own methods
// (tpoddev_advanceTime), served on its loopback endpoints only.
const devNamespace = "tpoddev"

// devAPI is served as tpoddev_*.
type devAPI struct{ d *Devnet }

// AdvanceTime (tpoddev_advanceTime) seals an empty block seconds after the
// head, moving the chain's clock forward; it returns the new head's time.
func (a *devAPI) AdvanceTime(seconds hexutil.Uint64) (hexutil.Uint64, error) {
	if seconds == 0 || seconds > 10*365*86400 {
		return 0, fmt.Errorf("advance by 1 s to 10 years, not %d s", uint64(seconds))
	}
	if err := a.d.AdjustTime(time.Duration(seconds) * time.Second); err != nil {
		return 0, err
	}
	return hexutil.Uint64(a.d.eth.BlockChain().CurrentBlock().Time), nil
}

// AdvanceTime asks the devnet at rpcURL to move its chain's clock forward
// by d (whole seconds) and returns the new head's time: dispute periods and
// other waits can be tried without waiting. Only a devnet answers it.
func AdvanceTime(ctx context.Context, rpcURL string, d time.Duration) (uint64, error) {
	c, err := rpc.DialContext(ctx, rpcURL)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var t hexutil.Uint64
	if err := c.CallContext(ctx, &t, devNamespace+"_advanceTime", hexutil.Uint64(d/time.Second)); err != nil {
		return 0, err
	}
	return uint64(t), nil
}
