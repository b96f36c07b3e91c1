// Package explain turns errors into what a person at a terminal (or a web
// console) needs: one sentence saying what happened, one saying what to do,
// a stable code for scripts, and the raw error for -v. It knows every
// custom error of the Payment, Registry and token contracts, the common
// JSON-RPC client failures (no gas money, an endpoint that does not answer,
// no contract at an address) and the provider's protocol errors
// (docs/publisher.md § Errors).
package explain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
)

// Explanation is an error told for people. Message replaces the raw text of
// the cause it explains inside the whole error, so the context ("deployment
// X failed while …") stays.
type Explanation struct {
	// Code is stable for scripts: a contract error's name
	// ("DisputePeriodNotOver"), or a client failure ("no-gas",
	// "chain-unreachable", "no-contract", "provider-unreachable", ...);
	// "error" when nothing more is known.
	Code string `json:"code"`
	// Message says what happened.
	Message string `json:"message"`
	// Hint says what to do ("" when the message says it already).
	Hint string `json:"hint,omitempty"`
	// Raw is the error as the code produced it.
	Raw string `json:"raw"`
	// Details are the cause's fields (channel, times, amounts), in base
	// units and unix seconds.
	Details map[string]any `json:"details,omitempty"`
}

// Context is what makes a sentence concrete.
type Context struct {
	// Now is the wall clock (default time.Now()).
	Now time.Time
	// ChainNow is the chain head's time when known: the contracts count
	// dispute periods in chain time, which a devnet can move ahead.
	ChainNow time.Time
	// Location shows clock times (default time.Local).
	Location *time.Location
	// Sender is the signing wallet's address, when known.
	Sender string
	// Native is the chain's coin that pays gas (default ETH, 18 decimals).
	Native amount.Token
	// Token is the token the operation pays in, when known: a token
	// error's amounts are shown in it (else in base units).
	Token amount.Token
}

func (c *Context) defaults() {
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if !c.Native.Known() {
		c.Native = amount.Token{Symbol: "ETH", Decimals: 18}
	}
}

// Error explains err. It never returns nil for a non-nil err.
func Error(err error, c Context) *Explanation {
	if err == nil {
		return nil
	}
	c.defaults()
	raw := err.Error()
	e := &Explanation{Code: "error", Message: raw, Raw: raw}
	cause, what := explainCause(err, &c)
	if cause == nil {
		return e
	}
	e.Code, e.Hint, e.Details = cause.Code, cause.Hint, cause.Details
	if what != "" && strings.Contains(raw, what) {
		e.Message = strings.Replace(raw, what, cause.Message, 1)
	} else {
		e.Message = cause.Message
	}
	return e
}

// explainCause finds the first error in err's chain it can explain and
// returns its explanation and the raw text it replaces.
func explainCause(err error, c *Context) (*Explanation, string) {
	var re *chain.RevertError
	if errors.As(err, &re) {
		if x := revert(re, c); x != nil {
			return x, re.Error()
		}
	}
	var pe *p2p.Error
	if errors.As(err, &pe) {
		if x := protocol(pe); x != nil {
			return x, pe.Error()
		}
	}
	msg := err.Error()
	for _, f := range clientErrors {
		if x, what := f(err, msg, c); x != nil {
			return x, what
		}
	}
	// An error that knows what to do about itself says so.
	var h Hinter
	if errors.As(err, &h) {
		return &Explanation{Code: h.Code(), Message: msg, Hint: h.Hint()}, msg
	}
	return nil, ""
}

// Hinter is an error that says what to do about it and has a stable code
// (a library's own errors, such as a record of another network).
type Hinter interface {
	error
	Hint() string
	Code() string
}

// when renders a chain timestamp as "in 58 s (10:14:11)" or "58 s ago
// (10:14:11)", counting from the chain's clock when known.
func when(unix uint64, c *Context) string {
	ref := c.Now
	if !c.ChainNow.IsZero() {
		ref = c.ChainNow
	}
	d := time.Unix(int64(unix), 0).Sub(ref).Round(time.Second)
	at := c.Now.Add(d).In(c.Location)
	clock := at.Format("15:04:05")
	if y, m, dd := at.Date(); y != c.Now.Year() || m != c.Now.Month() || dd != c.Now.Day() {
		clock = at.Format("2006-01-02 15:04:05")
	}
	switch {
	case d > 0:
		return fmt.Sprintf("in %s (%s)", amount.Duration(d), clock)
	case d == 0:
		return "now (" + clock + ")"
	}
	return fmt.Sprintf("%s ago (%s)", amount.Duration(-d), clock)
}

// ShortHex abbreviates a long hex value as people copy it: 0x1fd1…24e9.
func ShortHex(s string) string {
	if len(s) > 14 && strings.HasPrefix(s, "0x") {
		return s[:6] + "…" + s[len(s)-4:]
	}
	return s
}

func arg(re *chain.RevertError, name string) any {
	for i, n := range re.ArgNames {
		if n == name && i < len(re.Args) {
			return re.Args[i]
		}
	}
	return nil
}

func hexArg(re *chain.RevertError, name string) string {
	switch v := arg(re, name).(type) {
	case [32]byte:
		return hexutil.Encode(v[:])
	case common.Address:
		return v.Hex()
	}
	return ""
}

func bigArg(re *chain.RevertError, name string) *big.Int {
	switch v := arg(re, name).(type) {
	case *big.Int:
		return v
	case uint64:
		return new(big.Int).SetUint64(v)
	}
	return nil
}

// withdrawLater is the hint of an unlock that is not due yet.
const withdrawLater = "withdraw then (`tpod funds withdraw ID`), or let `tpod channel withdraw --wait CHANNEL` wait for it; on a devnet, `tpod devnet advance DURATION` moves the chain's clock"

// revert explains a custom error of our contracts or of the token.
func revert(re *chain.RevertError, c *Context) *Explanation {
	ch := hexArg(re, "channelId")
	chs := "channel " + ShortHex(ch)
	x := &Explanation{Code: re.Name, Details: map[string]any{}}
	for i, n := range re.ArgNames {
		if i < len(re.Args) && n != "" {
			switch v := re.Args[i].(type) {
			case [32]byte:
				x.Details[n] = hexutil.Encode(v[:])
			case common.Address:
				x.Details[n] = v.Hex()
			case *big.Int:
				x.Details[n] = v.String()
			default:
				x.Details[n] = v
			}
		}
	}
	tok := c.Token
	switch re.Name {
	// Payment: channels.
	case "UnknownChannel":
		x.Message = chs + " does not exist on this chain"
		x.Hint = "a record made on another network, or on a devnet that was restarted since, is stale: `tpod pod list` flags it and `tpod pod prune` removes it"
	case "ChannelExists":
		x.Message = chs + " exists already (same publisher, provider and pod ID)"
		x.Hint = "resume the deployment that created it (`tpod deploy --resume ID`) instead of creating it again"
	case "ChannelAlreadyClosed":
		x.Message = chs + " is closed: it was settled and holds nothing"
		x.Hint = "nothing is left to do with it; `tpod pod prune` removes finished records"
	case "ChannelIsClosing":
		x.Message = chs + " is closing: its whole balance is being unlocked, so it takes no deposits or new unlocks"
		x.Hint = "withdraw the rest once the dispute period is over (`tpod funds withdraw ID`)"
	case "NotPublisher":
		x.Message = "only the publisher of " + chs + " may do this, and the signing wallet" + sender(c) + " is another account"
		x.Hint = walletHint
	case "NotProvider":
		x.Message = "only the provider of " + chs + " may do this, and the signing wallet" + sender(c) + " is another account"
		x.Hint = walletHint
	case "NoPendingUnlock":
		x.Message = "nothing is being unlocked in " + chs
		x.Hint = "request an unlock first (`tpod funds unlock ID AMOUNT`, or `tpod funds close ID` for everything), then withdraw after the dispute period"
	case "DisputePeriodNotOver":
		at, _ := arg(re, "unlockAt").(uint64)
		x.Message = "the dispute period of " + chs + " ends " + when(at, c)
		x.Hint = withdrawLater
	case "NothingToWithdraw":
		x.Message = "there are no earnings to withdraw in these channels"
		x.Hint = "`tpod provider status` shows what each channel has earned"
	case "ZeroAmount":
		x.Message = "the amount is zero"
		x.Hint = "give a positive amount, e.g. 5TPT or 1000 (base units)"
	case "ZeroAddress":
		x.Message = "an address given to the contract is zero"
	case "NotAContract":
		x.Message = "token " + hexArg(re, "token") + " is not a contract on this chain"
		x.Hint = "check --token, or the network of the current context"
	case "InvalidTerms":
		x.Message = "the channel terms are invalid: the cap per second is zero or the dispute period is longer than the contract allows"
		x.Hint = "check --max-per-second and --dispute-period"
	case "BalanceOverflow":
		x.Message = "the channel's balance would exceed 2¹²⁸−1 base units"
	case "EmptyBatch":
		x.Message = "no receipts were given to claim"
	case "SafeERC20FailedOperation":
		x.Message = "token " + hexArg(re, "token") + " refused a transfer"
		x.Hint = "check the wallet's token balance and allowance (`tpod token balance`)"
	case "ReentrancyGuardReentrantCall":
		x.Message = "the token called back into the Payment contract during a transfer, which the contract refuses"
	// Payment: pricing changes.
	case "NoPendingPricing":
		x.Message = "the provider of " + chs + " has proposed no new prices"
	case "PricingMismatch":
		x.Message = "the prices accepted for " + chs + " are not the ones the provider proposed"
		x.Hint = "read the proposal again (`tpod channel show CHANNEL`) and accept exactly it"
	case "PricingNotAccepted":
		x.Message = "the publisher of " + chs + " has not accepted the proposed prices"
	// Payment: receipts.
	case "StateMismatch":
		x.Message = "the receipt's baseline is not " + chs + "'s last accepted receipt: it was claimed already (a replay) or another receipt was claimed since"
		x.Hint = "claim the newest receipt; nothing was paid twice"
	case "SeqNotIncreasing":
		x.Message = "the receipt's sequence number is not above the last one accepted for " + chs + " (a replay or an old receipt)"
	case "TimeNotIncreasing":
		x.Message = "the receipt's time is not after the last one accepted for " + chs
	case "UsageDecreased":
		x.Message = "a usage counter of the receipt is below the last accepted one for " + chs
	case "ReceiptFromFuture":
		x.Message = "the receipt's time is after the latest block's time"
		x.Hint = "wait for the chain's clock to pass it (`tpod channel claim --wait-time`)"
	case "InvalidSignature":
		x.Message = "the receipt is not signed by the enclave key " + chs + " pins"
	case "ReceiptMismatch":
		x.Message = "the receipt does not belong to " + chs
	// Registry.
	case "AlreadyRegistered":
		x.Message = "provider " + hexArg(re, "provider") + " is registered already"
		x.Hint = "update its entry instead"
	case "NotRegistered":
		x.Message = "provider " + hexArg(re, "provider") + " is not in the Registry"
		x.Hint = "`tpod providers list --all` shows who is"
	case "ProviderInactive":
		x.Message = "provider " + hexArg(re, "provider") + " is deactivated"
		x.Hint = "pick another provider (`tpod providers list`)"
	case "MissingPeerInfo":
		x.Message = "the provider entry has no libp2p peer ID or addresses"
	case "NoPricing":
		x.Message = "the provider entry has no pricing table"
	case "TooManyPricingTables":
		x.Message = fmt.Sprintf("the provider entry has %v pricing tables, more than the Registry keeps", arg(re, "count"))
	case "TooManyAddresses":
		x.Message = fmt.Sprintf("the provider entry has %v addresses, more than the Registry keeps", arg(re, "count"))
	case "FieldTooLong":
		x.Message = fmt.Sprintf("the provider entry's %v is longer than the Registry allows", arg(re, "field"))
	case "ZeroToken":
		x.Message = "a pricing table names the zero address as its token"
	case "DuplicateToken":
		x.Message = "two pricing tables name token " + hexArg(re, "token")
	// ERC-20 (OpenZeppelin) and permits.
	case "ERC20InsufficientBalance":
		x.Message = fmt.Sprintf("%s holds %s of the token, and this needs %s", hexArg(re, "sender"), amount.Format(bigArg(re, "balance"), tok), amount.Format(bigArg(re, "needed"), tok))
		x.Hint = "get more of the token (on a devnet: `tpod token mint ACCOUNT --amount 1000TPT --account deployer`)"
	case "ERC20InsufficientAllowance":
		x.Message = fmt.Sprintf("the token allowance of %s is %s, and this needs %s", hexArg(re, "spender"), amount.Format(bigArg(re, "allowance"), tok), amount.Format(bigArg(re, "needed"), tok))
		x.Hint = "raise it (`tpod token approve SPENDER --amount N`); deploy and `funds deposit` do it themselves unless --no-approve"
	case "ERC20InvalidReceiver", "ERC20InvalidSender", "ERC20InvalidApprover", "ERC20InvalidSpender":
		x.Message = "the token refused the zero address in a transfer or approval"
	case "ERC2612ExpiredSignature":
		x.Message = "the token permit expired before the transaction was mined"
		x.Hint = "try again; resume a deploy with `tpod deploy --resume ID`"
	case "ERC2612InvalidSigner", "InvalidAccountNonce", "ECDSAInvalidSignature", "ECDSAInvalidSignatureLength", "ECDSAInvalidSignatureS":
		x.Message = "the token did not accept the permit signature"
		x.Hint = "try again: a deploy then approves in a separate transaction"
	case "InvalidShortString", "StringTooLong":
		x.Message = "a contract refused a string that is too long"
	case "Error":
		x.Code = "revert"
		x.Message = fmt.Sprintf("the contract refused: %v", arg0(re))
	case "Panic":
		x.Code = "panic"
		x.Message = fmt.Sprintf("the contract failed (panic code %v): a bug, or a call to the wrong contract", arg0(re))
		x.Hint = "check the contract addresses of the current network"
	default:
		return nil
	}
	if len(x.Details) == 0 {
		x.Details = nil
	}
	return x
}

func arg0(re *chain.RevertError) any {
	if len(re.Args) > 0 {
		return re.Args[0]
	}
	return ""
}

const walletHint = "sign with that account's wallet: --account LABEL on a devnet, --key-file, --keystore, TPOD_PRIVATE_KEY, or a context whose wallet it is (`tpod context list`)"

func sender(c *Context) string {
	if c.Sender == "" {
		return ""
	}
	return " (" + c.Sender + ")"
}

// protocol explains a provider's answer over libp2p.
func protocol(pe *p2p.Error) *Explanation {
	x := &Explanation{Code: "provider-" + strings.ReplaceAll(pe.Code.String(), " ", "-")}
	msg := strings.TrimPrefix(pe.Message, "provider: ")
	switch pe.Code {
	case p2p.CodeUnauthorized:
		x.Message = "the provider refused the request: it is not signed by the channel's publisher (" + msg + ")"
		x.Hint = walletHint
	case p2p.CodeNotFound:
		x.Message = "the provider has no such pod (" + msg + ")"
		x.Hint = "it may have been deleted or stopped for lack of funds: `tpod pod events ID` tells"
	case p2p.CodeInsufficientFunds:
		x.Message = "the provider refused: the channel does not pay enough (" + msg + ")"
		x.Hint = "deposit more (`tpod funds deposit ID 5TPT`) or give a larger --funds"
	case p2p.CodeNoCapacity:
		x.Message = "the provider has no capacity left for this pod (" + msg + ")"
		x.Hint = "pick another provider (`tpod providers list -f POD.yaml`)"
	case p2p.CodeBusy:
		x.Message = "the provider is busy with this pod (" + msg + ")"
		x.Hint = "try again in a few seconds"
	case p2p.CodeInternal:
		x.Message = "the provider failed with an internal error; its operator's log has the cause"
		x.Hint = "try again later, or cancel (`tpod pod cancel ID`)"
	default:
		return nil
	}
	return x
}

// clientErrors explain failures of the JSON-RPC client and of the network,
// recognised by type or by the node's (stable) message text.
var clientErrors = []func(err error, msg string, c *Context) (*Explanation, string){
	noGas, noContract, chainUnreachable, timedOut, providerUnreachable, canceled,
}

var (
	// txpool: "insufficient funds for gas * price + value: balance 0, tx cost 1, overshot 1"
	gasPool = regexp.MustCompile(`insufficient funds for gas \* price \+ value: balance (\d+), (?:queued cost \d+, )?tx cost (\d+)`)
	// state transition / estimateGas: "... : address 0x.. have 0 want 1"
	gasState = regexp.MustCompile(`insufficient funds for gas \* price \+ value: address (0x[0-9a-fA-F]{40}) have (\d+) want (\d+)`)
	gasAny   = regexp.MustCompile(`insufficient funds for gas \* price \+ value[^\n]*`)
)

func noGas(_ error, msg string, c *Context) (*Explanation, string) {
	what := gasAny.FindString(msg)
	if what == "" {
		return nil, ""
	}
	who, need := c.Sender, ""
	if m := gasState.FindStringSubmatch(msg); m != nil {
		who = m[1]
		have, _ := new(big.Int).SetString(m[2], 10)
		want, _ := new(big.Int).SetString(m[3], 10)
		need = about(new(big.Int).Sub(want, have), c.Native)
	} else if m := gasPool.FindStringSubmatch(msg); m != nil {
		have, _ := new(big.Int).SetString(m[1], 10)
		cost, _ := new(big.Int).SetString(m[2], 10)
		need = about(new(big.Int).Sub(cost, have), c.Native)
	}
	if who == "" {
		who = "the signing wallet"
	}
	x := &Explanation{Code: "no-gas", Message: fmt.Sprintf("%s has not enough %s to pay for gas", who, c.Native.Symbol)}
	if need != "" {
		x.Message += " (needs ≈ " + need + " more)"
	}
	x.Hint = "send it some " + c.Native.Symbol + "; on a devnet the dev accounts are funded (--account publisher), other keys are not"
	return x, what
}

// about rounds an amount up to two significant digits: "≈ 0.00019 ETH".
func about(v *big.Int, tok amount.Token) string {
	if v.Sign() <= 0 {
		return amount.Format(v, tok)
	}
	s := v.String()
	if len(s) > 2 {
		head, _ := new(big.Int).SetString(s[:2], 10)
		head.Add(head, big.NewInt(1))
		v = new(big.Int).Mul(head, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(s)-2)), nil))
	}
	return amount.Format(v, tok)
}

func noContract(err error, msg string, _ *Context) (*Explanation, string) {
	var nc *chain.NoContractError
	if errors.As(err, &nc) {
		kind := "contract"
		if nc.Kind != "" {
			kind = nc.Kind + " contract"
		}
		return &Explanation{Code: "no-contract",
			Message: fmt.Sprintf("there is no %s at %s on this chain", kind, nc.Address.Hex()),
			Hint:    "check the contract addresses (--payment, --registry, --token) or the network of the current context; a devnet restarted without --datadir has new contracts, and its records are stale",
			Details: map[string]any{"address": nc.Address.Hex()},
		}, nc.Error()
	}
	return nil, ""
}

func chainUnreachable(err error, msg string, _ *Context) (*Explanation, string) {
	if !errors.Is(err, chain.ErrUnavailable) {
		return nil, ""
	}
	inner := innermost(err, chain.ErrUnavailable)
	x := &Explanation{Code: "chain-unreachable", Message: "the chain does not answer: " + lastCause(inner.Error())}
	if errors.Is(err, chain.ErrTimeout) {
		x.Code = "chain-timeout"
		x.Message = "the chain stopped answering while a transaction was pending (" + strings.TrimSuffix(inner.Error(), ": "+chain.ErrUnavailable.Error()) + ")"
		x.Hint = "the transaction may still be mined: a resume checks the chain first and never pays twice"
		return x, inner.Error()
	}
	x.Hint = "is the node running (on a devnet: `tpod devnet up`)? check --rpc, --network or the current context (`tpod context show`)"
	return x, inner.Error()
}

func timedOut(err error, msg string, _ *Context) (*Explanation, string) {
	if !errors.Is(err, chain.ErrTimeout) {
		return nil, ""
	}
	inner := innermost(err, chain.ErrTimeout)
	return &Explanation{Code: "chain-timeout", Message: inner.Error(),
		Hint: "the transaction may still be mined: a resume checks the chain first and never pays twice"}, inner.Error()
}

// innermost returns the deepest error of err's chain that wraps target
// (not target itself): the one whose text says what failed and why.
func innermost(err, target error) error {
	best := err
	for e := err; e != nil; {
		if e != target && errors.Is(e, target) {
			best = e
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			var next error
			for _, c := range u.Unwrap() {
				if errors.Is(c, target) {
					next = c
					break
				}
			}
			e = next
		default:
			e = nil
		}
	}
	return best
}

func providerUnreachable(err error, msg string, _ *Context) (*Explanation, string) {
	if !strings.Contains(msg, "provider offline") {
		return nil, ""
	}
	return &Explanation{Code: "provider-unreachable", Message: msg,
		Hint: "the provider may be down or have moved: a resume looks its addresses up in the Registry again; --peer MULTIADDR names one"}, ""
}

func canceled(err error, msg string, _ *Context) (*Explanation, string) {
	if !errors.Is(err, context.Canceled) {
		return nil, ""
	}
	return &Explanation{Code: "interrupted", Message: msg}, ""
}

// lastCause is the text after the last ": " of a wrapped error chain.
func lastCause(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}
