// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// PaymentBaseline is an auto generated low-level Go binding around an user-defined struct.
type PaymentBaseline struct {
	Seq   uint64
	Time  uint64
	Usage [7]uint64
}

// PaymentChannel is an auto generated low-level Go binding around an user-defined struct.
type PaymentChannel struct {
	Publisher         common.Address
	DisputePeriod     uint64
	Status            uint8
	PricingAccepted   bool
	Provider          common.Address
	UnlockAt          uint64
	Token             common.Address
	Balance           *big.Int
	Earned            *big.Int
	StateHash         [20]byte
	UnlockAmount      *big.Int
	PendingPricesHash [32]byte
}

// PaymentClaim is an auto generated low-level Go binding around an user-defined struct.
type PaymentClaim struct {
	Terms   PaymentPackedTerms
	Last    PaymentPackedBaseline
	Receipt PaymentPackedReceipt
	SigR    [32]byte
	SigVS   [32]byte
}

// PaymentPackedBaseline is an auto generated low-level Go binding around an user-defined struct.
type PaymentPackedBaseline struct {
	SeqTime *big.Int
	Usage   [2]*big.Int
}

// PaymentPackedReceipt is an auto generated low-level Go binding around an user-defined struct.
type PaymentPackedReceipt struct {
	ChannelId [32]byte
	SeqTime   *big.Int
	Usage     [2]*big.Int
}

// PaymentPackedTerms is an auto generated low-level Go binding around an user-defined struct.
type PaymentPackedTerms struct {
	EnclaveSigner common.Address
	Rates         [4]*big.Int
}

// PaymentReceipt is an auto generated low-level Go binding around an user-defined struct.
type PaymentReceipt struct {
	ChannelId [32]byte
	Seq       uint64
	Time      uint64
	Usage     [7]uint64
}

// PaymentTerms is an auto generated low-level Go binding around an user-defined struct.
type PaymentTerms struct {
	EnclaveSigner common.Address
	MaxPerSecond  *big.Int
	Prices        [7]*big.Int
}

// PaymentMetaData contains all meta data concerning the Payment contract.
var PaymentMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"BalanceOverflow\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelAlreadyClosed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelIsClosing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"DisputePeriodNotOver\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidTerms\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NoPendingPricing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NoPendingUnlock\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"NotAContract\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NotProvider\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NotPublisher\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"PricingMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"PricingNotAccepted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ReceiptFromFuture\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ReceiptMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"SeqNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"StateMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"TimeNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"UnknownChannel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"UsageDecreased\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelClosed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"ChannelClosing\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"indexed\":false,\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"startTime\",\"type\":\"uint64\"}],\"name\":\"ChannelCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"ChannelReleased\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes4\",\"name\":\"reason\",\"type\":\"bytes4\"}],\"name\":\"ClaimSkipped\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Deposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"EarningsWithdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"pricesHash\",\"type\":\"bytes32\"}],\"name\":\"PricingAccepted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"name\":\"PricingApplied\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"pricesHash\",\"type\":\"bytes32\"}],\"name\":\"PricingProposed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"UnlockRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_BALANCE\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_DISPUTE_PERIOD\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"RECEIPT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"USAGE_LEN\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"}],\"name\":\"acceptPricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint256[4]\",\"name\":\"rates\",\"type\":\"uint256[4]\"}],\"internalType\":\"structPayment.PackedTerms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"seqTime\",\"type\":\"uint256\"},{\"internalType\":\"uint256[2]\",\"name\":\"usage\",\"type\":\"uint256[2]\"}],\"internalType\":\"structPayment.PackedBaseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"seqTime\",\"type\":\"uint256\"},{\"internalType\":\"uint256[2]\",\"name\":\"usage\",\"type\":\"uint256[2]\"}],\"internalType\":\"structPayment.PackedReceipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigVS\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Claim\",\"name\":\"lastOld\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"firstNew\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"sigNew\",\"type\":\"bytes\"},{\"internalType\":\"uint128[7]\",\"name\":\"newPrices\",\"type\":\"uint128[7]\"}],\"name\":\"applyPricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"}],\"name\":\"channelIdOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint256[4]\",\"name\":\"rates\",\"type\":\"uint256[4]\"}],\"internalType\":\"structPayment.PackedTerms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"seqTime\",\"type\":\"uint256\"},{\"internalType\":\"uint256[2]\",\"name\":\"usage\",\"type\":\"uint256[2]\"}],\"internalType\":\"structPayment.PackedBaseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"seqTime\",\"type\":\"uint256\"},{\"internalType\":\"uint256[2]\",\"name\":\"usage\",\"type\":\"uint256[2]\"}],\"internalType\":\"structPayment.PackedReceipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigVS\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Claim\",\"name\":\"c\",\"type\":\"tuple\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint256[4]\",\"name\":\"rates\",\"type\":\"uint256[4]\"}],\"internalType\":\"structPayment.PackedTerms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"seqTime\",\"type\":\"uint256\"},{\"internalType\":\"uint256[2]\",\"name\":\"usage\",\"type\":\"uint256[2]\"}],\"internalType\":\"structPayment.PackedBaseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"seqTime\",\"type\":\"uint256\"},{\"internalType\":\"uint256[2]\",\"name\":\"usage\",\"type\":\"uint256[2]\"}],\"internalType\":\"structPayment.PackedReceipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigVS\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Claim[]\",\"name\":\"cs\",\"type\":\"tuple[]\"}],\"name\":\"claimMany\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"totalPaid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"createChannel\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"v\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"r\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"createChannelWithPermit\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"getChannel\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"enumPayment.Status\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"pricingAccepted\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"balance\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"earned\",\"type\":\"uint128\"},{\"internalType\":\"bytes20\",\"name\":\"stateHash\",\"type\":\"bytes20\"},{\"internalType\":\"uint128\",\"name\":\"unlockAmount\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"pendingPricesHash\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Channel\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"name\":\"getChannels\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"enumPayment.Status\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"pricingAccepted\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"balance\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"earned\",\"type\":\"uint128\"},{\"internalType\":\"bytes20\",\"name\":\"stateHash\",\"type\":\"bytes20\"},{\"internalType\":\"uint128\",\"name\":\"unlockAmount\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"pendingPricesHash\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Channel[]\",\"name\":\"out\",\"type\":\"tuple[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"}],\"name\":\"hashState\",\"outputs\":[{\"internalType\":\"bytes20\",\"name\":\"\",\"type\":\"bytes20\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"name\":\"pricesHash\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"name\":\"proposePricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"providerRelease\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"r\",\"type\":\"tuple\"}],\"name\":\"receiptDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"requestUnlock\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"name\":\"withdrawEarnings\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"withdrawUnlocked\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Payment",
	Bin: "0x6101606040523461012b5760405161001860408261012f565b600b815260208101906a54727573746564506f647360a81b82526040519161004160408461012f565b600183526020830191603160f81b835261005a81610166565b6101205261006784610166565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a081526100d060c08261012f565b5190206080523060c05260405161428290816101d28239608051816135f1015260a051816136a8015260c051816135c2015260e051816136400152610100518161366601526101205181611289015261014051816112b30152f35b5f80fd5b601f909101601f19168101906001600160401b0382119082101761015257604052565b634e487b7160e01b5f52604160045260245ffd5b601f815111610191576020815191015160208210610182571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe60806040526004361015610011575f80fd5b5f5f3560e01c8063023490c514612a0c578063051e24cd146129c3578063111e3af4146129a8578063145d4775146126235780631de26e16146125c6578063245df8851461246b57806333cd5ffe1461203d57806339c79e0c14611ec8578063440f4566146119875780635d2fdd811461181157806362732fcb146117ab5780636cb93d321461178c5780637ac134271461167c5780637f04cc92146113ca578063831c2b821461138757806384b0196e1461126f578063881e98c2146110ed57806395850f59146110b2578063b0586b9614610f7b578063cc2bdc0c14610d11578063cf52697414610beb578063def92c6914610bc4578063f1286b4a146101d15763f625ea8b14610122575f80fd5b346101ce576101c06003193601126101ce5761013c613101565b6101446135ab565b906101515f9260046136ce565b9290806101be575b507fffffffff0000000000000000000000000000000000000000000000000000000081166101af57602083837f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b60249250815261010435600452fd5b6101c891506140ce565b5f610159565b80fd5b50346101ce5760031936016104008112610bc0576101c0136101ce576101407ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe3c3601126101ce57610304359067ffffffffffffffff82116101ce57366023830112156101ce5781600401359167ffffffffffffffff8311610bc0573660248483010111610bc0573661040411610bc057610269613101565b610104359061027782613ebe565b6102818184613214565b600581019081548015610b945760405160208101906102a282610324612c9d565b60e081526102b261010082612cdd565b51902003610b6857600181019260ff845460e81c1615610b3c576101243567ffffffffffffffff8160401c1660a4358060401c82145f14610ad6576bffffffffffffffffffffffff19610100604051816004823720166bffffffffffffffffffffffff1986541603610aaa576fffffffffffffffffffffffffffffffff831614801590610a9b575b8015610a6a575b610a3e575b866101c43503610a3e5767ffffffffffffffff610361612dce565b161115610a125767ffffffffffffffff8061037a612de6565b9216911611156109e65761038c612de6565b67ffffffffffffffff429116116109ba57855b60078110156104b3578060051b610224013567ffffffffffffffff811681036104af57600282811c101561048257610144600383901b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0160160c08360061b1660c0039060c082116104555735901c67ffffffffffffffff9081169116106104295760010161039f565b602487877f176677e3000000000000000000000000000000000000000000000000000000008252600452fd5b60248a7f4e487b710000000000000000000000000000000000000000000000000000000081526011600452fd5b6024887f4e487b710000000000000000000000000000000000000000000000000000000081526032600452fd5b5f80fd5b50610516876104c0612d8e565b92610511602460a060405160e0610224823760e081207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c0150825260606101c46020840137608082015220920191613c94565b61401c565b73ffffffffffffffffffffffffffffffffffffffff80831691160361098e57908592916102243567ffffffffffffffff8116810361098a576102443567ffffffffffffffff8116810361098657610264359167ffffffffffffffff83168303610947576102843567ffffffffffffffff81169384820361097a576fffffffffffffffff000000000000000077ffffffffffffffff00000000000000000000000000000000917fffffffffffffffff000000000000000000000000000000000000000000000000935060401b169360801b169160c01b161717176102a43567ffffffffffffffff81168103610986576102c4359067ffffffffffffffff82168203610947576102e43567ffffffffffffffff811681036109825777ffffffffffffffff000000000000000000000000000000006fffffffffffffffff0000000000000000827fffffffffffffffff000000000000000000000000000000000000000000000000935060401b169360801b169160c01b1617179060809260405161069e8582612cdd565b84368237610324356fffffffffffffffffffffffffffffffff8116810361097a57610344356fffffffffffffffffffffffffffffffff81169182820361097e576fffffffffffffffffffffffffffffffff199150871b16178152610364356fffffffffffffffffffffffffffffffff8116810361097a57610384356fffffffffffffffffffffffffffffffff81169182820361097e576fffffffffffffffffffffffffffffffff199150871b161760208201526103a4356fffffffffffffffffffffffffffffffff8116810361097a576103c4356fffffffffffffffffffffffffffffffff81169182820361097e576fffffffffffffffffffffffffffffffff199150871b161760408201526103e435946fffffffffffffffffffffffffffffffff8616860361097a576fffffffffffffffffffffffffffffffff198661083597506fffffffffffffffffffffffffffffffff60843516921b16176060820152610806612dce565b6fffffffffffffffff000000000000000067ffffffffffffffff610828612de6565b169160401b161791613092565b6bffffffffffffffffffffffff196bffffffffffffffffffffffff8354169116179055557fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8154169055610887612dce565b61088f612de6565b6040519161032485845b6007821061094b5750505067ffffffffffffffff90811660e0840152166101008201528261022461012083015b6007831061091d575050506102007f9c4af84758ae8d65b5d6f3c46d0d0bb9b3982c4d98a9d95d159d5ccee6f801c191a2807f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d80f35b81359067ffffffffffffffff821680920361094757602081600193829352019201920191906108c6565b8680fd5b6020806001926fffffffffffffffffffffffffffffffff61096b87612c80565b16815201930191019091610899565b8880fd5b8a80fd5b8780fd5b8580fd5b8480fd5b602486867f666b7cba000000000000000000000000000000000000000000000000000000008252600452fd5b602486867f6713e64d000000000000000000000000000000000000000000000000000000008252600452fd5b602486867f8dd88fbb000000000000000000000000000000000000000000000000000000008252600452fd5b602487877f8c829089000000000000000000000000000000000000000000000000000000008252600452fd5b602488887f79d62e06000000000000000000000000000000000000000000000000000000008252600452fd5b5060e4357fffffffffffffffffffffffffffffffffffffffffffffffff000000000000000061016435161415610341565b5060c43561014435141561033a565b602489897fd29bb164000000000000000000000000000000000000000000000000000000008252600452fd5b50610adf6135ab565b610aeb5f9160046136ce565b5080610b2c575b507fffffffff000000000000000000000000000000000000000000000000000000008116610b205750610346565b88886024928252600452fd5b610b3691506140ce565b5f610af2565b602486867f6dfa8592000000000000000000000000000000000000000000000000000000008252600452fd5b602485857f7e490d81000000000000000000000000000000000000000000000000000000008252600452fd5b602486867f59319137000000000000000000000000000000000000000000000000000000008252600452fd5b5080fd5b50346101ce57806003193601126101ce5760206040516bffffffffffffffffffffffff8152f35b50346101ce576101006003193601126101ce576004353661010411610bc057610c12613101565b610c1b81613ebe565b610c258183613214565b60016040516020810190610c3a826024612c9d565b60e08152610c4a61010082612cdd565b51902060058301819055910180547fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff16905560405190602484835b60078210610ce257505050816101009160e07f9395bff9518fbf0e2518c3675129885f7c902c202f39b30492f2326f41a0effe940152a2807f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d80f35b6020806001926fffffffffffffffffffffffffffffffff610d0287612c80565b16815201930191019091610c85565b50346101ce5760206003193601126101ce57600435610d2e613101565b610d3781613175565b90600182019060ff825460e01c166004811015610ebe57600314610f5057600483019182548060801c938415610f2457600286019167ffffffffffffffff835460a01c16804210610ef45750906fffffffffffffffffffffffffffffffff610dd060ff959493610dc38a54996bffffffffffffffffffffffff8b168082105f14610eeb5750809a612f5f565b8a5582808a169116612f2d565b166fffffffffffffffffffffffffffffffff16905580547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff169055604051848152339084907f04eda370f8b8612fa7266d7ebbd41af9d694e19793fe9d9ff31b3ddbd99b08e190602090a35460e01c166004811015610ebe576002849114610eae575b505080610e82575b82807f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d80f35b610ea79173ffffffffffffffffffffffffffffffffffffffff60033392015416613df4565b5f80610e5b565b610eb791613f5f565b5f82610e53565b6024857f4e487b710000000000000000000000000000000000000000000000000000000081526021600452fd5b9050809a612f5f565b88604491877f5272e290000000000000000000000000000000000000000000000000000000008352600452602452fd5b602487857fc77e5b47000000000000000000000000000000000000000000000000000000008252600452fd5b7fc634fd03000000000000000000000000000000000000000000000000000000008452600452602483fd5b50346101ce5760406003193601126101ce57600435602435610f9b613101565b610fa482613175565b610fae8184613214565b6005810154801561108657820361105a577f68bf2ba8403fe768f9df290289ff193762ac7300fe35525fc93927eb8ba5984f916001602092017d0100000000000000000000000000000000000000000000000000000000007fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff825416179055604051908152a2807f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d80f35b602484847f7e490d81000000000000000000000000000000000000000000000000000000008252600452fd5b602485857f59319137000000000000000000000000000000000000000000000000000000008252600452fd5b50346101ce57806003193601126101ce5760206040517fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508152f35b50346101ce5760206003193601126101ce5760043561110a613101565b61111381613ebe565b906001820160ff815460e01c166004811015610ebe57600314611243576111e6838054936111506bffffffffffffffffffffffff86168096612f5f565b8255600482016fffffffffffffffffffffffffffffffff6111748782845416612f2d565b166fffffffffffffffffffffffffffffffff1690556002820180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff16905560405185815281907f3f8e9d6610895fa35e9ac7f11cc94b2b87eaac83dd49ac7f72f4a31dc8c118e190602090a2613f5f565b81611213575b83807f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d80f35b73ffffffffffffffffffffffffffffffffffffffff80600361123b9501541691541690613df4565b5f80806111ec565b602484837fc634fd03000000000000000000000000000000000000000000000000000000008252600452fd5b50346101ce57806003193601126101ce5761132b906112ad7f000000000000000000000000000000000000000000000000000000000000000061422b565b906112d77f000000000000000000000000000000000000000000000000000000000000000061422b565b906020611339604051936112eb8386612cdd565b8385525f3681376040519687967f0f00000000000000000000000000000000000000000000000000000000000000885260e08589015260e0880190612c3d565b908682036040880152612c3d565b904660608601523060808601528260a086015284820360c08601528080855193848152019401925b82811061137057505050500390f35b835185528695509381019392810192600101611361565b50346101ce5760206003193601126101ce576113bb6040610180926113aa612e72565b506004358152600260205220613cd5565b6113c86040518092612b1c565bf35b50346101ce576113d936612ac8565b906113e2613101565b82918390849285915b80831061147257505050821561144a57602093916114209173ffffffffffffffffffffffffffffffffffffffff339116613df4565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b6004847fd0d04f60000000000000000000000000000000000000000000000000000000008152fd5b909193611480858385612edc565b35908188526002602052604088209660ff600189015460e01c16600481101561164f5715611623573373ffffffffffffffffffffffffffffffffffffffff60028a015416036115f7576bffffffffffffffffffffffff88541692600489016fffffffffffffffffffffffffffffffff6114fc8682845416612f2d565b169485156115e85773ffffffffffffffffffffffffffffffffffffffff9360039361157f936fffffffffffffffffffffffffffffffff8994166fffffffffffffffffffffffffffffffff19825416179055604051908382527f6ddc9c38b5a916011378e9c33460515e0af7101e010db13fdfd6656c82ae575360203393a3612e4d565b9801541673ffffffffffffffffffffffffffffffffffffffff86168082036115ba575b50506001916115b091612e4d565b945b0191906113eb565b6001939650826115b0936115d6575b50509488918193506115a2565b6115e1913390613df4565b5f806115c9565b505050965094600191506115b2565b602489847fc9126aae000000000000000000000000000000000000000000000000000000008252600452fd5b602489847fb08fc1cb000000000000000000000000000000000000000000000000000000008252600452fd5b60248a7f4e487b710000000000000000000000000000000000000000000000000000000081526021600452fd5b50346101ce5761168b36612ac8565b9061169582612e5a565b916116a36040519384612cdd565b8083527fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe06116d082612e5a565b01845b818110611775575050835b818110611737578385604051918291602083016020845282518091526020604085019301915b818110611712575050500390f35b919350916020610180826117296001948851612b1c565b019401910191849392611704565b806117456001928486612edc565b358652600260205261175960408720613cd5565b6117638287612f19565b5261176e8186612f19565b50016116de565b602090611780612e72565b828288010152016116d3565b50346101ce57806003193601126101ce5760206040516301e285008152f35b50346101ce576101406003193601126101ce5750602061180960a060405160e06064823760e081207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c015082526060600486840137608082015220613c94565b604051908152f35b50346101ce5760206003193601126101ce576004359067ffffffffffffffff82116101ce57366023830112156101ce5781600401359067ffffffffffffffff82116101ce573660246101c08402850101116101ce5761186e613101565b80821561195f5761187d6135ab565b815b8481101561193157826101c0820287017fffffffff000000000000000000000000000000000000000000000000000000006118bd85602484016136ce565b939080611921575b501691821561190b5750907fac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e29602061012460019594604051948552013592a25b0161187f565b905061191b915060019295612e4d565b93611905565b61192b91506140ce565b5f6118c5565b602084847f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b807fc2e5347d0000000000000000000000000000000000000000000000000000000060049252fd5b50346104af576102406003193601126104af576119a2612a54565b90602435916119af612a77565b916101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9c3601126104af576119e3612ab0565b926101a435906101e4359560ff87168097036104af57611a01613101565b73ffffffffffffffffffffffffffffffffffffffff85169081158015611eaa575b8015611e80575b611e58578315611e30576084356fffffffffffffffffffffffffffffffff8116968782036104af5787158015611e19575b611df157843b15611daf5782611a709133612d4b565b97885f52600260205260405f20976001890160ff815460e01c166004811015611d8257611d565780547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff33167fffffffff000000000000000000000000000000000000000000000000000000009091161760a084901b7bffffffffffffffff0000000000000000000000000000000000000000161781557c01000000000000000000000000000000000000000000000000000000007fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff82541617905560028901857fffffffffffffffffffffffff00000000000000000000000000000000000000008254161790556003890173ffffffffffffffffffffffffffffffffffffffff87167fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905567ffffffffffffffff4216926064359673ffffffffffffffffffffffffffffffffffffffff8816908189036104af5773ffffffffffffffffffffffffffffffffffffffff906bffffffffffffffffffffffff19611c2288611c1c60a488612f6c565b8d613025565b168d5560405197885216978860208801525060408601525060608401526080830160a4905f905b60078210611d275750505067ffffffffffffffff16610160830152610180820152867f8c02ab9fd28617cdb80f46cbaac562344f6aea5426b5559e44ab93471d49fa886101a03393a4803b156104af575f809160e460209860405194859384927fd505accf0000000000000000000000000000000000000000000000000000000084523360048501523060248501528860448501526101c435606485015260848401526102043560a48401526102243560c48401525af1611d11575b50611420919284613292565b61142092505f611d2091612cdd565b5f91611d05565b6020806001926fffffffffffffffffffffffffffffffff611d4787612c80565b16815201930191019091611c49565b8a7fa940c060000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b73ffffffffffffffffffffffffffffffffffffffff857f8a8b41ec000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b7f0256965f000000000000000000000000000000000000000000000000000000005f5260045ffd5b506301e2850067ffffffffffffffff8a1611611a5a565b7f1f2a2005000000000000000000000000000000000000000000000000000000005f5260045ffd5b7fd92e233d000000000000000000000000000000000000000000000000000000005f5260045ffd5b5060643573ffffffffffffffffffffffffffffffffffffffff8116908181036104af575015611a29565b5073ffffffffffffffffffffffffffffffffffffffff831615611a22565b346104af5760206003193601126104af57600435611ee4613101565b7f61aac2c01c0510599a78111d6a5d32abc5495a909864d2e698b2491367d7870d6020611f1083613175565b611f1a8185613214565b612007600182016002611f4567ffffffffffffffff835460a01c1667ffffffffffffffff4216612dfe565b82547fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff167c0200000000000000000000000000000000000000000000000000000000179092556004840180546fffffffffffffffffffffffffffffffff166fffffffffffffffffffffffffffffffff1917905590920180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff1660a084901b7bffffffffffffffff000000000000000000000000000000000000000016179055565b67ffffffffffffffff60405191168152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b346104af576101c06003193601126104af57612057612a54565b60243590612063612a77565b916101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9c3601126104af57612097612ab0565b926101a435916120a5613101565b73ffffffffffffffffffffffffffffffffffffffff8416908115801561244d575b8015612423575b611e58578315611e3057608435926fffffffffffffffffffffffffffffffff8416958685036104af578615801561240c575b611df157813b156123ca57826121159133612d4b565b95865f52600260205260405f20946001860160ff815460e01c166004811015611d825761239e5780547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff33167fffffffff000000000000000000000000000000000000000000000000000000009091161760a08b901b7bffffffffffffffff0000000000000000000000000000000000000000161781557c01000000000000000000000000000000000000000000000000000000007fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff82541617905560028601857fffffffffffffffffffffffff00000000000000000000000000000000000000008254161790556003860173ffffffffffffffffffffffffffffffffffffffff84167fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905567ffffffffffffffff42169260643573ffffffffffffffffffffffffffffffffffffffff8116918282036104af5773ffffffffffffffffffffffffffffffffffffffff906bffffffffffffffffffffffff196122c6886122c060a489612f6c565b86613025565b168a55604051978852166020870152506040850152506060830152608082019660a4975f905b6007821061236f576020896123448a8a8a8a8a67ffffffffffffffff8b16610160830152610180820152857f8c02ab9fd28617cdb80f46cbaac562344f6aea5426b5559e44ab93471d49fa886101a03393a483613292565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b6020806001926fffffffffffffffffffffffffffffffff61238f8e612c80565b168152019a01910190986122ec565b887fa940c060000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b73ffffffffffffffffffffffffffffffffffffffff827f8a8b41ec000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b506301e2850067ffffffffffffffff8916116120ff565b5060643573ffffffffffffffffffffffffffffffffffffffff8116908181036104af5750156120cd565b5073ffffffffffffffffffffffffffffffffffffffff8316156120c6565b346104af5761247936612a9a565b612481613101565b8061248b83613175565b916124968385613214565b8115611e30577f8186b43841062565ab3c73dcdf2f0849aff00382c21cb84e182d22ea3a4c5494926fffffffffffffffffffffffffffffffff604093116125ae575b600261257d826124fc67ffffffffffffffff60018196015460a01c16854216612dfe565b6004820180546fffffffffffffffffffffffffffffffff16608088901b6fffffffffffffffffffffffffffffffff1916179055920180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff1660a084901b7bffffffffffffffff000000000000000000000000000000000000000016179055565b8351928352166020820152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b6fffffffffffffffffffffffffffffffff91506124d8565b346104af576125d436612a9a565b6125dc613101565b6125e582613175565b6125ef8184613214565b8115611e30576125fe92613292565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b346104af57600319360161024081126104af57610120136104af576101207ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedc3601126104af576101643567ffffffffffffffff811681036104af576101843567ffffffffffffffff811681036104af576101a4359167ffffffffffffffff831683036104af576101c43567ffffffffffffffff8116938482036104af576fffffffffffffffff000000000000000077ffffffffffffffff00000000000000000000000000000000917fffffffffffffffff000000000000000000000000000000000000000000000000935060401b169360801b169160c01b161717176101e43567ffffffffffffffff811681036104af57610204359067ffffffffffffffff821682036104af576102243567ffffffffffffffff811681036104af5777ffffffffffffffff000000000000000000000000000000006fffffffffffffffff0000000000000000827fffffffffffffffff000000000000000000000000000000000000000000000000935060401b169360801b169160c01b161717906127c6612d8e565b602435926fffffffffffffffffffffffffffffffff8416938481036104af57506040519360806127f68187612cdd565b803687376044356fffffffffffffffffffffffffffffffff811681036104af576064356fffffffffffffffffffffffffffffffff8116918282036104af576fffffffffffffffffffffffffffffffff199150831b161786526084356fffffffffffffffffffffffffffffffff811681036104af5760a4356fffffffffffffffffffffffffffffffff8116918282036104af576fffffffffffffffffffffffffffffffff199150831b1617602087015260c4356fffffffffffffffffffffffffffffffff811681036104af5760e4356fffffffffffffffffffffffffffffffff8116918282036104af576fffffffffffffffffffffffffffffffff199150831b16176040870152610104356fffffffffffffffffffffffffffffffff811681036104af576fffffffffffffffffffffffffffffffff19911b16176060850152610124359267ffffffffffffffff841684036104af57610144359267ffffffffffffffff841684036104af576020956bffffffffffffffffffffffff19956fffffffffffffffff000000000000000067ffffffffffffffff8761299f9850169160401b161791613092565b16604051908152f35b346104af575f6003193601126104af57602060405160078152f35b346104af5760606003193601126104af576129dc612a54565b60243573ffffffffffffffffffffffffffffffffffffffff811681036104af576020916118099160443591612d4b565b346104af5760e06003193601126104af573660e4116104af57602060405181810190612a39826004612c9d565b60e08152612a4961010082612cdd565b519020604051908152f35b6004359073ffffffffffffffffffffffffffffffffffffffff821682036104af57565b6044359073ffffffffffffffffffffffffffffffffffffffff821682036104af57565b60031960409101126104af576004359060243590565b610184359067ffffffffffffffff821682036104af57565b9060206003198301126104af5760043567ffffffffffffffff81116104af57826023820112156104af5780600401359267ffffffffffffffff84116104af5760248460051b830101116104af576024019190565b73ffffffffffffffffffffffffffffffffffffffff815116825267ffffffffffffffff602082015116602083015260408101516004811015611d8257610160918291604085015260608101511515606085015273ffffffffffffffffffffffffffffffffffffffff608082015116608085015267ffffffffffffffff60a08201511660a085015273ffffffffffffffffffffffffffffffffffffffff60c08201511660c08501526fffffffffffffffffffffffffffffffff60e08201511660e08501526fffffffffffffffffffffffffffffffff610100820151166101008501526bffffffffffffffffffffffff19610120820151166101208501526fffffffffffffffffffffffffffffffff610140820151166101408501520151910152565b907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f602080948051918291828752018686015e5f8582860101520116010190565b35906fffffffffffffffffffffffffffffffff821682036104af57565b905f905b60078210612cae57505050565b6020806001926fffffffffffffffffffffffffffffffff612cce87612c80565b16815201930191019091612ca1565b90601f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0910116810190811067ffffffffffffffff821117612d1e57604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b9173ffffffffffffffffffffffffffffffffffffffff60405192816020850195168552166040830152606082015260608152612d88608082612cdd565b51902090565b60043573ffffffffffffffffffffffffffffffffffffffff811681036104af5790565b356fffffffffffffffffffffffffffffffff811681036104af5790565b6101e43567ffffffffffffffff811681036104af5790565b6102043567ffffffffffffffff811681036104af5790565b9067ffffffffffffffff8091169116019067ffffffffffffffff8211612e2057565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b91908201809211612e2057565b67ffffffffffffffff8111612d1e5760051b60200190565b60405190610180820182811067ffffffffffffffff821117612d1e576040525f610160838281528260208201528260408201528260608201528260808201528260a08201528260c08201528260e08201528261010082015282610120820152826101408201520152565b9190811015612eec5760051b0190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b8051821015612eec5760209160051b010190565b906fffffffffffffffffffffffffffffffff809116911603906fffffffffffffffffffffffffffffffff8211612e2057565b91908203918211612e2057565b91909160606080916fffffffffffffffffffffffffffffffff6fffffffffffffffffffffffffffffffff1960405194612fa58187612cdd565b8036873761301a60c0879984612fba82612db1565b851b1686612fca60208401612db1565b1617895284612fdb60408301612db1565b851b1686612fea8a8401612db1565b161760208a015284612ffd858301612db1565b851b168661300d60a08401612db1565b161760408a015201612db1565b901b16911617910152565b916040519173ffffffffffffffffffffffffffffffffffffffff6020840194168452604083015f905b6004821061307c5750505060c08201525f60e08201525f6101008201526101008152612d8861012082612cdd565b602080600192855181520193019101909161304e565b93919290926040519373ffffffffffffffffffffffffffffffffffffffff6020860196168652604085015f905b600482106130eb5750505060c084015260e08301526101008201526101008152612d8861012082612cdd565b60208060019285518152019301910190916130bf565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c61314d5760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b90815f52600260205260405f2091600183015460ff8160e01c166004811015611d8257156131e85773ffffffffffffffffffffffffffffffffffffffff339116036131bd5750565b7fadb4bcce000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b90600160ff91015460e01c166004811015611d8257600281146132665760031461323b5750565b7fc634fd03000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507f0b70c7f9000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b909173ffffffffffffffffffffffffffffffffffffffff600384015416604051907f70a08231000000000000000000000000000000000000000000000000000000008252306004830152602082602481845afa918215613522575f92613577575b50604051927f23b872dd000000000000000000000000000000000000000000000000000000005f52336004523060245260445260205f60648180855af160015f5114811615613558575b836040525f6060521561352d57826024816020937f70a082310000000000000000000000000000000000000000000000000000000082523060048301525afa8015613522575f906134ee575b6133939250612f5f565b918215611e3057805460048201916fffffffffffffffffffffffffffffffff835416916bffffffffffffffffffffffff81166bffffffffffffffffffffffff036bffffffffffffffffffffffff8111612e2057861180156134aa575b61348257856133fd91612e4d565b90556fffffffffffffffffffffffffffffffff8416016fffffffffffffffffffffffffffffffff8111612e20576fffffffffffffffffffffffffffffffff166fffffffffffffffffffffffffffffffff198254161790556040519182527f87d4c0b5e30d6808bc8a94ba1c4d839b29d664151551a31753387ee9ef48429b60203393a3565b7f89560ca1000000000000000000000000000000000000000000000000000000005f5260045ffd5b50826fffffffffffffffffffffffffffffffff036fffffffffffffffffffffffffffffffff8111612e20576fffffffffffffffffffffffffffffffff1686116133ef565b506020823d60201161351a575b8161350860209383612cdd565b810103126104af576133939151613389565b3d91506134fb565b6040513d5f823e3d90fd5b7f5274afe7000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b600181151661356e57813b15153d15161661333d565b833d5f823e3d90fd5b9091506020813d6020116135a3575b8161359360209383612cdd565b810103126104af5751905f6132f3565b3d9150613586565b73ffffffffffffffffffffffffffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000163014806136a5575b15613613577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a08152612d8860c082612cdd565b507f000000000000000000000000000000000000000000000000000000000000000046146135ea565b915f5f936101008101355f52600260205260405f2080548060601c938415613c885760018514613c7c5760405194610100858737610100862060601c03613c705760a08401359667ffffffffffffffff88169760401c67ffffffffffffffff61012087013560401c161115613c63578767ffffffffffffffff610120870135161115613c56574267ffffffffffffffff6101208701351611613c495761014085013560c01c61010087015267ffffffffffffffff61014086013560801c1661012087015267ffffffffffffffff61014086013560401c1661014087015267ffffffffffffffff6101408601351661016087015261016085013560c01c61018087015267ffffffffffffffff61016086013560801c166101a087015267ffffffffffffffff61016086013560401c166101c087015267ffffffffffffffff60e086013560401c1667ffffffffffffffff61016087013560401c161067ffffffffffffffff60e087013560801c1667ffffffffffffffff61016088013560801c161060e087013560c01c61016088013560c01c1067ffffffffffffffff60c08901351667ffffffffffffffff6101408a0135161067ffffffffffffffff60c08a013560401c1667ffffffffffffffff6101408b013560401c161067ffffffffffffffff60c08b013560801c1667ffffffffffffffff6101408c013560801c161060c08b013560c01c6101408c013560c01c10171717171717613c3c5760e06101008701207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c015061010088015261010086013561012088015267ffffffffffffffff61012087013560401c1661014088015267ffffffffffffffff6101208701351661016088015261018087015260a0610100870120907f190100000000000000000000000000000000000000000000000000000000000061010088015261010287015261012286015260426101008601206101a08501357f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8116917f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a08311613c2c5790601b9161010089015260ff1c016101208701526101808501356101408701526101608601525f805260205f6080610100880160015afa505f518435811415901517613c20575060c08084013580821c61014086013580841c919091036020870135608081811c9290920284831c67ffffffffffffffff90811685851c8216036fffffffffffffffffffffffffffffffff9384160291909101604086811c831686821c841603818c013580871c919091029290920196831695831695909503908316029490940160e089013580871c6101608b01359788901c0360608b013580861c919091029290920181851c871688861c881603928416929092029190910190841c85169590931c841694909403878201359182901c02919091019892166101208601359091169190910302868110613c0c575b506bffffffffffffffffffffffff16858110613c04575b8260609287610100936fffffffffffffffffffffffffffffffff6101207f0c641e480d7987b9c5056603b6b88780b74c3605ee0c6d854642e5dda0431b849801351660a089015261014084013560c08901527fffffffffffffffffffffffffffffffffffffffffffffffff00000000000000006101608501351660e0890152036bffffffffffffffffffffffff198488201617905567ffffffffffffffff61012082013560401c16855267ffffffffffffffff610120820135166020860152866040860152013592a2565b945084613b39565b95506bffffffffffffffffffffffff613b22565b60089750955050505050565b5050509550505050509150600891565b5060079750955050505050565b5060069750955050505050565b5060059750955050505050565b5060049750955050505050565b60039750955050505050565b60029750955050505050565b60019750955050505050565b604290613c9f6135ab565b90604051917f19010000000000000000000000000000000000000000000000000000000000008352600283015260228201522090565b90613cde612e72565b9180549060018101549173ffffffffffffffffffffffffffffffffffffffff8316855267ffffffffffffffff8360a01c16602086015260ff8360e01c166004811015611d825760059360ff91604088015260e81c161515606086015267ffffffffffffffff600283015473ffffffffffffffffffffffffffffffffffffffff8116608088015260a01c1660a086015273ffffffffffffffffffffffffffffffffffffffff60038301541660c08601526bffffffffffffffffffffffff196bffffffffffffffffffffffff8216918260e08801526fffffffffffffffffffffffffffffffff613dd3600486015494828616612f2d565b166101008801521661012086015260801c6101408501520154610160830152565b9173ffffffffffffffffffffffffffffffffffffffff604051927fa9059cbb000000000000000000000000000000000000000000000000000000005f521660045260245260205f60448180865af19060015f5114821615613e9d575b60405215613e5b5750565b73ffffffffffffffffffffffffffffffffffffffff907f5274afe7000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b906001811516613eb557823b15153d15161690613e50565b503d5f823e3d90fd5b90815f52600260205260405f209160ff600184015460e01c166004811015611d825715613f345773ffffffffffffffffffffffffffffffffffffffff6002840154163303613f095750565b7fc9126aae000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b905f600560018301927c03000000000000000000000000000000000000000000000000000000007fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff8554161784556bffffffffffffffffffffffff8154166c0100000000000000000000000017815501557fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff81541690557fceeab2eef998c17fe96f30f83fbf3c55fc5047f6e40c55a0cf72d236e9d2ba725f80a2565b917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffbf016140c85760208101359160408201355f1a907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084116140b557601b821415806140bd575b6140b5576020935f9360809360405193845286840152356040830152606082015282805260015afa15613522575f5190565b505050505f90565b50601c821415614083565b50505f90565b6001811461420657600281146141e157600381146141bc57600481146141975760058114614172576006811461414d57600714614129577f666b7cba0000000000000000000000000000000000000000000000000000000090565b7f176677e30000000000000000000000000000000000000000000000000000000090565b507f6713e64d0000000000000000000000000000000000000000000000000000000090565b507f8dd88fbb0000000000000000000000000000000000000000000000000000000090565b507f8c8290890000000000000000000000000000000000000000000000000000000090565b507fd29bb1640000000000000000000000000000000000000000000000000000000090565b507fc634fd030000000000000000000000000000000000000000000000000000000090565b507fb08fc1cb0000000000000000000000000000000000000000000000000000000090565b60ff811690601f821161425a5760405191614247604084612cdd565b6020808452838101919036833783525290565b7fb3512b0c000000000000000000000000000000000000000000000000000000005f5260045ffd",
}

// Payment is an auto generated Go binding around an Ethereum contract.
type Payment struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Payment) GetABI() abi.ABI {
	return c.abi
}

// NewPayment creates a new instance of Payment.
func NewPayment() *Payment {
	parsed, err := PaymentMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Payment{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Payment) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackMAXBALANCE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdef92c69.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_BALANCE() view returns(uint256)
func (payment *Payment) PackMAXBALANCE() []byte {
	enc, err := payment.abi.Pack("MAX_BALANCE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXBALANCE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdef92c69.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_BALANCE() view returns(uint256)
func (payment *Payment) TryPackMAXBALANCE() ([]byte, error) {
	return payment.abi.Pack("MAX_BALANCE")
}

// UnpackMAXBALANCE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdef92c69.
//
// Solidity: function MAX_BALANCE() view returns(uint256)
func (payment *Payment) UnpackMAXBALANCE(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("MAX_BALANCE", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXDISPUTEPERIOD is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6cb93d32.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_DISPUTE_PERIOD() view returns(uint64)
func (payment *Payment) PackMAXDISPUTEPERIOD() []byte {
	enc, err := payment.abi.Pack("MAX_DISPUTE_PERIOD")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXDISPUTEPERIOD is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6cb93d32.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_DISPUTE_PERIOD() view returns(uint64)
func (payment *Payment) TryPackMAXDISPUTEPERIOD() ([]byte, error) {
	return payment.abi.Pack("MAX_DISPUTE_PERIOD")
}

// UnpackMAXDISPUTEPERIOD is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6cb93d32.
//
// Solidity: function MAX_DISPUTE_PERIOD() view returns(uint64)
func (payment *Payment) UnpackMAXDISPUTEPERIOD(data []byte) (uint64, error) {
	out, err := payment.abi.Unpack("MAX_DISPUTE_PERIOD", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackRECEIPTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95850f59.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (payment *Payment) PackRECEIPTTYPEHASH() []byte {
	enc, err := payment.abi.Pack("RECEIPT_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRECEIPTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95850f59.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (payment *Payment) TryPackRECEIPTTYPEHASH() ([]byte, error) {
	return payment.abi.Pack("RECEIPT_TYPEHASH")
}

// UnpackRECEIPTTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95850f59.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (payment *Payment) UnpackRECEIPTTYPEHASH(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("RECEIPT_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackUSAGELEN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x111e3af4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function USAGE_LEN() view returns(uint256)
func (payment *Payment) PackUSAGELEN() []byte {
	enc, err := payment.abi.Pack("USAGE_LEN")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUSAGELEN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x111e3af4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function USAGE_LEN() view returns(uint256)
func (payment *Payment) TryPackUSAGELEN() ([]byte, error) {
	return payment.abi.Pack("USAGE_LEN")
}

// UnpackUSAGELEN is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x111e3af4.
//
// Solidity: function USAGE_LEN() view returns(uint256)
func (payment *Payment) UnpackUSAGELEN(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("USAGE_LEN", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAcceptPricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb0586b96.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function acceptPricing(bytes32 channelId, bytes32 hash) returns()
func (payment *Payment) PackAcceptPricing(channelId [32]byte, hash [32]byte) []byte {
	enc, err := payment.abi.Pack("acceptPricing", channelId, hash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAcceptPricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb0586b96.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function acceptPricing(bytes32 channelId, bytes32 hash) returns()
func (payment *Payment) TryPackAcceptPricing(channelId [32]byte, hash [32]byte) ([]byte, error) {
	return payment.abi.Pack("acceptPricing", channelId, hash)
}

// PackApplyPricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf1286b4a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function applyPricing(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32) lastOld, (bytes32,uint64,uint64,uint64[7]) firstNew, bytes sigNew, uint128[7] newPrices) returns()
func (payment *Payment) PackApplyPricing(lastOld PaymentClaim, firstNew PaymentReceipt, sigNew []byte, newPrices [7]*big.Int) []byte {
	enc, err := payment.abi.Pack("applyPricing", lastOld, firstNew, sigNew, newPrices)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApplyPricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf1286b4a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function applyPricing(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32) lastOld, (bytes32,uint64,uint64,uint64[7]) firstNew, bytes sigNew, uint128[7] newPrices) returns()
func (payment *Payment) TryPackApplyPricing(lastOld PaymentClaim, firstNew PaymentReceipt, sigNew []byte, newPrices [7]*big.Int) ([]byte, error) {
	return payment.abi.Pack("applyPricing", lastOld, firstNew, sigNew, newPrices)
}

// PackChannelIdOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x051e24cd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function channelIdOf(address publisher, address provider, bytes32 podId) pure returns(bytes32)
func (payment *Payment) PackChannelIdOf(publisher common.Address, provider common.Address, podId [32]byte) []byte {
	enc, err := payment.abi.Pack("channelIdOf", publisher, provider, podId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackChannelIdOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x051e24cd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function channelIdOf(address publisher, address provider, bytes32 podId) pure returns(bytes32)
func (payment *Payment) TryPackChannelIdOf(publisher common.Address, provider common.Address, podId [32]byte) ([]byte, error) {
	return payment.abi.Pack("channelIdOf", publisher, provider, podId)
}

// UnpackChannelIdOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x051e24cd.
//
// Solidity: function channelIdOf(address publisher, address provider, bytes32 podId) pure returns(bytes32)
func (payment *Payment) UnpackChannelIdOf(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("channelIdOf", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf625ea8b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32) c) returns(uint256 paid)
func (payment *Payment) PackClaim(c PaymentClaim) []byte {
	enc, err := payment.abi.Pack("claim", c)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf625ea8b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32) c) returns(uint256 paid)
func (payment *Payment) TryPackClaim(c PaymentClaim) ([]byte, error) {
	return payment.abi.Pack("claim", c)
}

// UnpackClaim is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf625ea8b.
//
// Solidity: function claim(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32) c) returns(uint256 paid)
func (payment *Payment) UnpackClaim(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("claim", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5d2fdd81.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimMany(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32)[] cs) returns(uint256 totalPaid)
func (payment *Payment) PackClaimMany(cs []PaymentClaim) []byte {
	enc, err := payment.abi.Pack("claimMany", cs)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5d2fdd81.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimMany(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32)[] cs) returns(uint256 totalPaid)
func (payment *Payment) TryPackClaimMany(cs []PaymentClaim) ([]byte, error) {
	return payment.abi.Pack("claimMany", cs)
}

// UnpackClaimMany is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5d2fdd81.
//
// Solidity: function claimMany(((address,uint256[4]),(uint256,uint256[2]),(bytes32,uint256,uint256[2]),bytes32,bytes32)[] cs) returns(uint256 totalPaid)
func (payment *Payment) UnpackClaimMany(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("claimMany", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x39c79e0c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function close(bytes32 channelId) returns()
func (payment *Payment) PackClose(channelId [32]byte) []byte {
	enc, err := payment.abi.Pack("close", channelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x39c79e0c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function close(bytes32 channelId) returns()
func (payment *Payment) TryPackClose(channelId [32]byte) ([]byte, error) {
	return payment.abi.Pack("close", channelId)
}

// PackCreateChannel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x33cd5ffe.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function createChannel(address provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint256 amount) returns(bytes32 channelId)
func (payment *Payment) PackCreateChannel(provider common.Address, podId [32]byte, token common.Address, terms PaymentTerms, disputePeriod uint64, amount *big.Int) []byte {
	enc, err := payment.abi.Pack("createChannel", provider, podId, token, terms, disputePeriod, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreateChannel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x33cd5ffe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function createChannel(address provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint256 amount) returns(bytes32 channelId)
func (payment *Payment) TryPackCreateChannel(provider common.Address, podId [32]byte, token common.Address, terms PaymentTerms, disputePeriod uint64, amount *big.Int) ([]byte, error) {
	return payment.abi.Pack("createChannel", provider, podId, token, terms, disputePeriod, amount)
}

// UnpackCreateChannel is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x33cd5ffe.
//
// Solidity: function createChannel(address provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint256 amount) returns(bytes32 channelId)
func (payment *Payment) UnpackCreateChannel(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("createChannel", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackCreateChannelWithPermit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x440f4566.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function createChannelWithPermit(address provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns(bytes32 channelId)
func (payment *Payment) PackCreateChannelWithPermit(provider common.Address, podId [32]byte, token common.Address, terms PaymentTerms, disputePeriod uint64, amount *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) []byte {
	enc, err := payment.abi.Pack("createChannelWithPermit", provider, podId, token, terms, disputePeriod, amount, deadline, v, r, s)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreateChannelWithPermit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x440f4566.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function createChannelWithPermit(address provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns(bytes32 channelId)
func (payment *Payment) TryPackCreateChannelWithPermit(provider common.Address, podId [32]byte, token common.Address, terms PaymentTerms, disputePeriod uint64, amount *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) ([]byte, error) {
	return payment.abi.Pack("createChannelWithPermit", provider, podId, token, terms, disputePeriod, amount, deadline, v, r, s)
}

// UnpackCreateChannelWithPermit is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x440f4566.
//
// Solidity: function createChannelWithPermit(address provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns(bytes32 channelId)
func (payment *Payment) UnpackCreateChannelWithPermit(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("createChannelWithPermit", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1de26e16.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deposit(bytes32 channelId, uint256 amount) returns()
func (payment *Payment) PackDeposit(channelId [32]byte, amount *big.Int) []byte {
	enc, err := payment.abi.Pack("deposit", channelId, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1de26e16.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deposit(bytes32 channelId, uint256 amount) returns()
func (payment *Payment) TryPackDeposit(channelId [32]byte, amount *big.Int) ([]byte, error) {
	return payment.abi.Pack("deposit", channelId, amount)
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (payment *Payment) PackEip712Domain() []byte {
	enc, err := payment.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (payment *Payment) TryPackEip712Domain() ([]byte, error) {
	return payment.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (payment *Payment) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := payment.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackGetChannel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x831c2b82.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getChannel(bytes32 channelId) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes20,uint128,bytes32))
func (payment *Payment) PackGetChannel(channelId [32]byte) []byte {
	enc, err := payment.abi.Pack("getChannel", channelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetChannel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x831c2b82.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getChannel(bytes32 channelId) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes20,uint128,bytes32))
func (payment *Payment) TryPackGetChannel(channelId [32]byte) ([]byte, error) {
	return payment.abi.Pack("getChannel", channelId)
}

// UnpackGetChannel is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x831c2b82.
//
// Solidity: function getChannel(bytes32 channelId) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes20,uint128,bytes32))
func (payment *Payment) UnpackGetChannel(data []byte) (PaymentChannel, error) {
	out, err := payment.abi.Unpack("getChannel", data)
	if err != nil {
		return *new(PaymentChannel), err
	}
	out0 := *abi.ConvertType(out[0], new(PaymentChannel)).(*PaymentChannel)
	return out0, nil
}

// PackGetChannels is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ac13427.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getChannels(bytes32[] channelIds) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes20,uint128,bytes32)[] out)
func (payment *Payment) PackGetChannels(channelIds [][32]byte) []byte {
	enc, err := payment.abi.Pack("getChannels", channelIds)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetChannels is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ac13427.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getChannels(bytes32[] channelIds) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes20,uint128,bytes32)[] out)
func (payment *Payment) TryPackGetChannels(channelIds [][32]byte) ([]byte, error) {
	return payment.abi.Pack("getChannels", channelIds)
}

// UnpackGetChannels is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7ac13427.
//
// Solidity: function getChannels(bytes32[] channelIds) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes20,uint128,bytes32)[] out)
func (payment *Payment) UnpackGetChannels(data []byte) ([]PaymentChannel, error) {
	out, err := payment.abi.Unpack("getChannels", data)
	if err != nil {
		return *new([]PaymentChannel), err
	}
	out0 := *abi.ConvertType(out[0], new([]PaymentChannel)).(*[]PaymentChannel)
	return out0, nil
}

// PackHashState is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x145d4775.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashState((address,uint128,uint128[7]) terms, (uint64,uint64,uint64[7]) last) pure returns(bytes20)
func (payment *Payment) PackHashState(terms PaymentTerms, last PaymentBaseline) []byte {
	enc, err := payment.abi.Pack("hashState", terms, last)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashState is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x145d4775.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashState((address,uint128,uint128[7]) terms, (uint64,uint64,uint64[7]) last) pure returns(bytes20)
func (payment *Payment) TryPackHashState(terms PaymentTerms, last PaymentBaseline) ([]byte, error) {
	return payment.abi.Pack("hashState", terms, last)
}

// UnpackHashState is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x145d4775.
//
// Solidity: function hashState((address,uint128,uint128[7]) terms, (uint64,uint64,uint64[7]) last) pure returns(bytes20)
func (payment *Payment) UnpackHashState(data []byte) ([20]byte, error) {
	out, err := payment.abi.Unpack("hashState", data)
	if err != nil {
		return *new([20]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([20]byte)).(*[20]byte)
	return out0, nil
}

// PackPricesHash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x023490c5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pricesHash(uint128[7] prices) pure returns(bytes32)
func (payment *Payment) PackPricesHash(prices [7]*big.Int) []byte {
	enc, err := payment.abi.Pack("pricesHash", prices)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPricesHash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x023490c5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pricesHash(uint128[7] prices) pure returns(bytes32)
func (payment *Payment) TryPackPricesHash(prices [7]*big.Int) ([]byte, error) {
	return payment.abi.Pack("pricesHash", prices)
}

// UnpackPricesHash is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x023490c5.
//
// Solidity: function pricesHash(uint128[7] prices) pure returns(bytes32)
func (payment *Payment) UnpackPricesHash(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("pricesHash", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackProposePricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf526974.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposePricing(bytes32 channelId, uint128[7] prices) returns()
func (payment *Payment) PackProposePricing(channelId [32]byte, prices [7]*big.Int) []byte {
	enc, err := payment.abi.Pack("proposePricing", channelId, prices)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposePricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf526974.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposePricing(bytes32 channelId, uint128[7] prices) returns()
func (payment *Payment) TryPackProposePricing(channelId [32]byte, prices [7]*big.Int) ([]byte, error) {
	return payment.abi.Pack("proposePricing", channelId, prices)
}

// PackProviderRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x881e98c2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function providerRelease(bytes32 channelId) returns()
func (payment *Payment) PackProviderRelease(channelId [32]byte) []byte {
	enc, err := payment.abi.Pack("providerRelease", channelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProviderRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x881e98c2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function providerRelease(bytes32 channelId) returns()
func (payment *Payment) TryPackProviderRelease(channelId [32]byte) ([]byte, error) {
	return payment.abi.Pack("providerRelease", channelId)
}

// PackReceiptDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x62732fcb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function receiptDigest((bytes32,uint64,uint64,uint64[7]) r) view returns(bytes32)
func (payment *Payment) PackReceiptDigest(r PaymentReceipt) []byte {
	enc, err := payment.abi.Pack("receiptDigest", r)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReceiptDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x62732fcb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function receiptDigest((bytes32,uint64,uint64,uint64[7]) r) view returns(bytes32)
func (payment *Payment) TryPackReceiptDigest(r PaymentReceipt) ([]byte, error) {
	return payment.abi.Pack("receiptDigest", r)
}

// UnpackReceiptDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x62732fcb.
//
// Solidity: function receiptDigest((bytes32,uint64,uint64,uint64[7]) r) view returns(bytes32)
func (payment *Payment) UnpackReceiptDigest(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("receiptDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackRequestUnlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x245df885.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function requestUnlock(bytes32 channelId, uint256 amount) returns()
func (payment *Payment) PackRequestUnlock(channelId [32]byte, amount *big.Int) []byte {
	enc, err := payment.abi.Pack("requestUnlock", channelId, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRequestUnlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x245df885.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function requestUnlock(bytes32 channelId, uint256 amount) returns()
func (payment *Payment) TryPackRequestUnlock(channelId [32]byte, amount *big.Int) ([]byte, error) {
	return payment.abi.Pack("requestUnlock", channelId, amount)
}

// PackWithdrawEarnings is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7f04cc92.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawEarnings(bytes32[] channelIds) returns(uint256 total)
func (payment *Payment) PackWithdrawEarnings(channelIds [][32]byte) []byte {
	enc, err := payment.abi.Pack("withdrawEarnings", channelIds)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawEarnings is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7f04cc92.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawEarnings(bytes32[] channelIds) returns(uint256 total)
func (payment *Payment) TryPackWithdrawEarnings(channelIds [][32]byte) ([]byte, error) {
	return payment.abi.Pack("withdrawEarnings", channelIds)
}

// UnpackWithdrawEarnings is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7f04cc92.
//
// Solidity: function withdrawEarnings(bytes32[] channelIds) returns(uint256 total)
func (payment *Payment) UnpackWithdrawEarnings(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("withdrawEarnings", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackWithdrawUnlocked is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcc2bdc0c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawUnlocked(bytes32 channelId) returns()
func (payment *Payment) PackWithdrawUnlocked(channelId [32]byte) []byte {
	enc, err := payment.abi.Pack("withdrawUnlocked", channelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawUnlocked is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcc2bdc0c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawUnlocked(bytes32 channelId) returns()
func (payment *Payment) TryPackWithdrawUnlocked(channelId [32]byte) ([]byte, error) {
	return payment.abi.Pack("withdrawUnlocked", channelId)
}

// PaymentChannelClosed represents a ChannelClosed event raised by the Payment contract.
type PaymentChannelClosed struct {
	ChannelId [32]byte
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentChannelClosedEventName = "ChannelClosed"

// ContractEventName returns the user-defined event name.
func (PaymentChannelClosed) ContractEventName() string {
	return PaymentChannelClosedEventName
}

// UnpackChannelClosedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChannelClosed(bytes32 indexed channelId)
func (payment *Payment) UnpackChannelClosedEvent(log *types.Log) (*PaymentChannelClosed, error) {
	event := "ChannelClosed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelClosed)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentChannelClosing represents a ChannelClosing event raised by the Payment contract.
type PaymentChannelClosing struct {
	ChannelId [32]byte
	UnlockAt  uint64
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentChannelClosingEventName = "ChannelClosing"

// ContractEventName returns the user-defined event name.
func (PaymentChannelClosing) ContractEventName() string {
	return PaymentChannelClosingEventName
}

// UnpackChannelClosingEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChannelClosing(bytes32 indexed channelId, uint64 unlockAt)
func (payment *Payment) UnpackChannelClosingEvent(log *types.Log) (*PaymentChannelClosing, error) {
	event := "ChannelClosing"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelClosing)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentChannelCreated represents a ChannelCreated event raised by the Payment contract.
type PaymentChannelCreated struct {
	ChannelId     [32]byte
	Publisher     common.Address
	Provider      common.Address
	PodId         [32]byte
	Token         common.Address
	Terms         PaymentTerms
	DisputePeriod uint64
	StartTime     uint64
	Raw           *types.Log // Blockchain specific contextual infos
}

const PaymentChannelCreatedEventName = "ChannelCreated"

// ContractEventName returns the user-defined event name.
func (PaymentChannelCreated) ContractEventName() string {
	return PaymentChannelCreatedEventName
}

// UnpackChannelCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChannelCreated(bytes32 indexed channelId, address indexed publisher, address indexed provider, bytes32 podId, address token, (address,uint128,uint128[7]) terms, uint64 disputePeriod, uint64 startTime)
func (payment *Payment) UnpackChannelCreatedEvent(log *types.Log) (*PaymentChannelCreated, error) {
	event := "ChannelCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelCreated)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentChannelReleased represents a ChannelReleased event raised by the Payment contract.
type PaymentChannelReleased struct {
	ChannelId [32]byte
	Refunded  *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentChannelReleasedEventName = "ChannelReleased"

// ContractEventName returns the user-defined event name.
func (PaymentChannelReleased) ContractEventName() string {
	return PaymentChannelReleasedEventName
}

// UnpackChannelReleasedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChannelReleased(bytes32 indexed channelId, uint256 refunded)
func (payment *Payment) UnpackChannelReleasedEvent(log *types.Log) (*PaymentChannelReleased, error) {
	event := "ChannelReleased"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentChannelReleased)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentClaimSkipped represents a ClaimSkipped event raised by the Payment contract.
type PaymentClaimSkipped struct {
	ChannelId [32]byte
	Reason    [4]byte
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentClaimSkippedEventName = "ClaimSkipped"

// ContractEventName returns the user-defined event name.
func (PaymentClaimSkipped) ContractEventName() string {
	return PaymentClaimSkippedEventName
}

// UnpackClaimSkippedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ClaimSkipped(bytes32 indexed channelId, bytes4 reason)
func (payment *Payment) UnpackClaimSkippedEvent(log *types.Log) (*PaymentClaimSkipped, error) {
	event := "ClaimSkipped"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentClaimSkipped)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentClaimed represents a Claimed event raised by the Payment contract.
type PaymentClaimed struct {
	ChannelId [32]byte
	Seq       uint64
	Time      uint64
	Paid      *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentClaimedEventName = "Claimed"

// ContractEventName returns the user-defined event name.
func (PaymentClaimed) ContractEventName() string {
	return PaymentClaimedEventName
}

// UnpackClaimedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Claimed(bytes32 indexed channelId, uint64 seq, uint64 time, uint256 paid)
func (payment *Payment) UnpackClaimedEvent(log *types.Log) (*PaymentClaimed, error) {
	event := "Claimed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentClaimed)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentDeposited represents a Deposited event raised by the Payment contract.
type PaymentDeposited struct {
	ChannelId [32]byte
	From      common.Address
	Amount    *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentDepositedEventName = "Deposited"

// ContractEventName returns the user-defined event name.
func (PaymentDeposited) ContractEventName() string {
	return PaymentDepositedEventName
}

// UnpackDepositedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Deposited(bytes32 indexed channelId, address indexed from, uint256 amount)
func (payment *Payment) UnpackDepositedEvent(log *types.Log) (*PaymentDeposited, error) {
	event := "Deposited"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentDeposited)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentEIP712DomainChanged represents a EIP712DomainChanged event raised by the Payment contract.
type PaymentEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const PaymentEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (PaymentEIP712DomainChanged) ContractEventName() string {
	return PaymentEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (payment *Payment) UnpackEIP712DomainChangedEvent(log *types.Log) (*PaymentEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentEarningsWithdrawn represents a EarningsWithdrawn event raised by the Payment contract.
type PaymentEarningsWithdrawn struct {
	ChannelId [32]byte
	Provider  common.Address
	Amount    *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentEarningsWithdrawnEventName = "EarningsWithdrawn"

// ContractEventName returns the user-defined event name.
func (PaymentEarningsWithdrawn) ContractEventName() string {
	return PaymentEarningsWithdrawnEventName
}

// UnpackEarningsWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EarningsWithdrawn(bytes32 indexed channelId, address indexed provider, uint256 amount)
func (payment *Payment) UnpackEarningsWithdrawnEvent(log *types.Log) (*PaymentEarningsWithdrawn, error) {
	event := "EarningsWithdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentEarningsWithdrawn)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentPricingAccepted represents a PricingAccepted event raised by the Payment contract.
type PaymentPricingAccepted struct {
	ChannelId  [32]byte
	PricesHash [32]byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const PaymentPricingAcceptedEventName = "PricingAccepted"

// ContractEventName returns the user-defined event name.
func (PaymentPricingAccepted) ContractEventName() string {
	return PaymentPricingAcceptedEventName
}

// UnpackPricingAcceptedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PricingAccepted(bytes32 indexed channelId, bytes32 pricesHash)
func (payment *Payment) UnpackPricingAcceptedEvent(log *types.Log) (*PaymentPricingAccepted, error) {
	event := "PricingAccepted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentPricingAccepted)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentPricingApplied represents a PricingApplied event raised by the Payment contract.
type PaymentPricingApplied struct {
	ChannelId [32]byte
	Prices    [7]*big.Int
	Seq       uint64
	Time      uint64
	Usage     [7]uint64
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentPricingAppliedEventName = "PricingApplied"

// ContractEventName returns the user-defined event name.
func (PaymentPricingApplied) ContractEventName() string {
	return PaymentPricingAppliedEventName
}

// UnpackPricingAppliedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PricingApplied(bytes32 indexed channelId, uint128[7] prices, uint64 seq, uint64 time, uint64[7] usage)
func (payment *Payment) UnpackPricingAppliedEvent(log *types.Log) (*PaymentPricingApplied, error) {
	event := "PricingApplied"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentPricingApplied)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentPricingProposed represents a PricingProposed event raised by the Payment contract.
type PaymentPricingProposed struct {
	ChannelId  [32]byte
	Prices     [7]*big.Int
	PricesHash [32]byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const PaymentPricingProposedEventName = "PricingProposed"

// ContractEventName returns the user-defined event name.
func (PaymentPricingProposed) ContractEventName() string {
	return PaymentPricingProposedEventName
}

// UnpackPricingProposedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PricingProposed(bytes32 indexed channelId, uint128[7] prices, bytes32 pricesHash)
func (payment *Payment) UnpackPricingProposedEvent(log *types.Log) (*PaymentPricingProposed, error) {
	event := "PricingProposed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentPricingProposed)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentUnlockRequested represents a UnlockRequested event raised by the Payment contract.
type PaymentUnlockRequested struct {
	ChannelId [32]byte
	Amount    *big.Int
	UnlockAt  uint64
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentUnlockRequestedEventName = "UnlockRequested"

// ContractEventName returns the user-defined event name.
func (PaymentUnlockRequested) ContractEventName() string {
	return PaymentUnlockRequestedEventName
}

// UnpackUnlockRequestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UnlockRequested(bytes32 indexed channelId, uint256 amount, uint64 unlockAt)
func (payment *Payment) UnpackUnlockRequestedEvent(log *types.Log) (*PaymentUnlockRequested, error) {
	event := "UnlockRequested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentUnlockRequested)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PaymentWithdrawn represents a Withdrawn event raised by the Payment contract.
type PaymentWithdrawn struct {
	ChannelId [32]byte
	Publisher common.Address
	Amount    *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PaymentWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (PaymentWithdrawn) ContractEventName() string {
	return PaymentWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(bytes32 indexed channelId, address indexed publisher, uint256 amount)
func (payment *Payment) UnpackWithdrawnEvent(log *types.Log) (*PaymentWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != payment.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PaymentWithdrawn)
	if len(log.Data) > 0 {
		if err := payment.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range payment.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (payment *Payment) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], payment.abi.Errors["BalanceOverflow"].ID.Bytes()[:4]) {
		return payment.UnpackBalanceOverflowError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ChannelAlreadyClosed"].ID.Bytes()[:4]) {
		return payment.UnpackChannelAlreadyClosedError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ChannelExists"].ID.Bytes()[:4]) {
		return payment.UnpackChannelExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ChannelIsClosing"].ID.Bytes()[:4]) {
		return payment.UnpackChannelIsClosingError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["DisputePeriodNotOver"].ID.Bytes()[:4]) {
		return payment.UnpackDisputePeriodNotOverError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["EmptyBatch"].ID.Bytes()[:4]) {
		return payment.UnpackEmptyBatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return payment.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["InvalidSignature"].ID.Bytes()[:4]) {
		return payment.UnpackInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["InvalidTerms"].ID.Bytes()[:4]) {
		return payment.UnpackInvalidTermsError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["NoPendingPricing"].ID.Bytes()[:4]) {
		return payment.UnpackNoPendingPricingError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["NoPendingUnlock"].ID.Bytes()[:4]) {
		return payment.UnpackNoPendingUnlockError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["NotAContract"].ID.Bytes()[:4]) {
		return payment.UnpackNotAContractError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["NotProvider"].ID.Bytes()[:4]) {
		return payment.UnpackNotProviderError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["NotPublisher"].ID.Bytes()[:4]) {
		return payment.UnpackNotPublisherError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return payment.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["PricingMismatch"].ID.Bytes()[:4]) {
		return payment.UnpackPricingMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["PricingNotAccepted"].ID.Bytes()[:4]) {
		return payment.UnpackPricingNotAcceptedError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ReceiptFromFuture"].ID.Bytes()[:4]) {
		return payment.UnpackReceiptFromFutureError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ReceiptMismatch"].ID.Bytes()[:4]) {
		return payment.UnpackReceiptMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return payment.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return payment.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["SeqNotIncreasing"].ID.Bytes()[:4]) {
		return payment.UnpackSeqNotIncreasingError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["StateMismatch"].ID.Bytes()[:4]) {
		return payment.UnpackStateMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return payment.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["TimeNotIncreasing"].ID.Bytes()[:4]) {
		return payment.UnpackTimeNotIncreasingError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["UnknownChannel"].ID.Bytes()[:4]) {
		return payment.UnpackUnknownChannelError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["UsageDecreased"].ID.Bytes()[:4]) {
		return payment.UnpackUsageDecreasedError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return payment.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], payment.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return payment.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// PaymentBalanceOverflow represents a BalanceOverflow error raised by the Payment contract.
type PaymentBalanceOverflow struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BalanceOverflow()
func PaymentBalanceOverflowErrorID() common.Hash {
	return common.HexToHash("0x89560ca179de587f7cde21350ea3b3107bc2c395f00f00f5a5d9131f8e274b90")
}

// UnpackBalanceOverflowError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BalanceOverflow()
func (payment *Payment) UnpackBalanceOverflowError(raw []byte) (*PaymentBalanceOverflow, error) {
	out := new(PaymentBalanceOverflow)
	if err := payment.abi.UnpackIntoInterface(out, "BalanceOverflow", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelAlreadyClosed represents a ChannelAlreadyClosed error raised by the Payment contract.
type PaymentChannelAlreadyClosed struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ChannelAlreadyClosed(bytes32 channelId)
func PaymentChannelAlreadyClosedErrorID() common.Hash {
	return common.HexToHash("0xc634fd03776386c38121e17263862e7a3a79dad4104bc205d8f36f502155cec6")
}

// UnpackChannelAlreadyClosedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ChannelAlreadyClosed(bytes32 channelId)
func (payment *Payment) UnpackChannelAlreadyClosedError(raw []byte) (*PaymentChannelAlreadyClosed, error) {
	out := new(PaymentChannelAlreadyClosed)
	if err := payment.abi.UnpackIntoInterface(out, "ChannelAlreadyClosed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelExists represents a ChannelExists error raised by the Payment contract.
type PaymentChannelExists struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ChannelExists(bytes32 channelId)
func PaymentChannelExistsErrorID() common.Hash {
	return common.HexToHash("0xa940c060494e4a8725ceaaeed5009635eed00c41d329b627de1735c400b10517")
}

// UnpackChannelExistsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ChannelExists(bytes32 channelId)
func (payment *Payment) UnpackChannelExistsError(raw []byte) (*PaymentChannelExists, error) {
	out := new(PaymentChannelExists)
	if err := payment.abi.UnpackIntoInterface(out, "ChannelExists", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentChannelIsClosing represents a ChannelIsClosing error raised by the Payment contract.
type PaymentChannelIsClosing struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ChannelIsClosing(bytes32 channelId)
func PaymentChannelIsClosingErrorID() common.Hash {
	return common.HexToHash("0x0b70c7f9b17237b76f6a1ebf3acf932337b1a0955aa9feeace0b20f0d2a79160")
}

// UnpackChannelIsClosingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ChannelIsClosing(bytes32 channelId)
func (payment *Payment) UnpackChannelIsClosingError(raw []byte) (*PaymentChannelIsClosing, error) {
	out := new(PaymentChannelIsClosing)
	if err := payment.abi.UnpackIntoInterface(out, "ChannelIsClosing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentDisputePeriodNotOver represents a DisputePeriodNotOver error raised by the Payment contract.
type PaymentDisputePeriodNotOver struct {
	ChannelId [32]byte
	UnlockAt  uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DisputePeriodNotOver(bytes32 channelId, uint64 unlockAt)
func PaymentDisputePeriodNotOverErrorID() common.Hash {
	return common.HexToHash("0x5272e29053f1e45e2b95993d26764c3d65d1f9454d3125c3402d69f1d3273ca2")
}

// UnpackDisputePeriodNotOverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DisputePeriodNotOver(bytes32 channelId, uint64 unlockAt)
func (payment *Payment) UnpackDisputePeriodNotOverError(raw []byte) (*PaymentDisputePeriodNotOver, error) {
	out := new(PaymentDisputePeriodNotOver)
	if err := payment.abi.UnpackIntoInterface(out, "DisputePeriodNotOver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentEmptyBatch represents a EmptyBatch error raised by the Payment contract.
type PaymentEmptyBatch struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyBatch()
func PaymentEmptyBatchErrorID() common.Hash {
	return common.HexToHash("0xc2e5347df6cf8d1bf68f8a9651642312bd381b900d857d97cd665976180d6ae0")
}

// UnpackEmptyBatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyBatch()
func (payment *Payment) UnpackEmptyBatchError(raw []byte) (*PaymentEmptyBatch, error) {
	out := new(PaymentEmptyBatch)
	if err := payment.abi.UnpackIntoInterface(out, "EmptyBatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentInvalidShortString represents a InvalidShortString error raised by the Payment contract.
type PaymentInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func PaymentInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (payment *Payment) UnpackInvalidShortStringError(raw []byte) (*PaymentInvalidShortString, error) {
	out := new(PaymentInvalidShortString)
	if err := payment.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentInvalidSignature represents a InvalidSignature error raised by the Payment contract.
type PaymentInvalidSignature struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidSignature(bytes32 channelId)
func PaymentInvalidSignatureErrorID() common.Hash {
	return common.HexToHash("0x666b7cba1c1e18e9729cc96bc32dad18492fd8ee8fcb6327b7a2337ed37534f6")
}

// UnpackInvalidSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidSignature(bytes32 channelId)
func (payment *Payment) UnpackInvalidSignatureError(raw []byte) (*PaymentInvalidSignature, error) {
	out := new(PaymentInvalidSignature)
	if err := payment.abi.UnpackIntoInterface(out, "InvalidSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentInvalidTerms represents a InvalidTerms error raised by the Payment contract.
type PaymentInvalidTerms struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidTerms()
func PaymentInvalidTermsErrorID() common.Hash {
	return common.HexToHash("0x0256965f9b387bc8ec6c98cf0ff582eaf117751bcb03b5eac94f4b122d4a5fc9")
}

// UnpackInvalidTermsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidTerms()
func (payment *Payment) UnpackInvalidTermsError(raw []byte) (*PaymentInvalidTerms, error) {
	out := new(PaymentInvalidTerms)
	if err := payment.abi.UnpackIntoInterface(out, "InvalidTerms", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentNoPendingPricing represents a NoPendingPricing error raised by the Payment contract.
type PaymentNoPendingPricing struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoPendingPricing(bytes32 channelId)
func PaymentNoPendingPricingErrorID() common.Hash {
	return common.HexToHash("0x59319137df1f0d0d6a2cf25b744718bc68f2422e6385e16e57e41ac6ae0266ae")
}

// UnpackNoPendingPricingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoPendingPricing(bytes32 channelId)
func (payment *Payment) UnpackNoPendingPricingError(raw []byte) (*PaymentNoPendingPricing, error) {
	out := new(PaymentNoPendingPricing)
	if err := payment.abi.UnpackIntoInterface(out, "NoPendingPricing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentNoPendingUnlock represents a NoPendingUnlock error raised by the Payment contract.
type PaymentNoPendingUnlock struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoPendingUnlock(bytes32 channelId)
func PaymentNoPendingUnlockErrorID() common.Hash {
	return common.HexToHash("0xc77e5b477113e7a3e40677e665fae6f6deca8d8415117866e0dd4ab346bdfffa")
}

// UnpackNoPendingUnlockError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoPendingUnlock(bytes32 channelId)
func (payment *Payment) UnpackNoPendingUnlockError(raw []byte) (*PaymentNoPendingUnlock, error) {
	out := new(PaymentNoPendingUnlock)
	if err := payment.abi.UnpackIntoInterface(out, "NoPendingUnlock", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentNotAContract represents a NotAContract error raised by the Payment contract.
type PaymentNotAContract struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAContract(address token)
func PaymentNotAContractErrorID() common.Hash {
	return common.HexToHash("0x8a8b41ec6b8382733436ac0321a506b0d1e41dc29c8650d1fd1ff17e726ab809")
}

// UnpackNotAContractError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAContract(address token)
func (payment *Payment) UnpackNotAContractError(raw []byte) (*PaymentNotAContract, error) {
	out := new(PaymentNotAContract)
	if err := payment.abi.UnpackIntoInterface(out, "NotAContract", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentNotProvider represents a NotProvider error raised by the Payment contract.
type PaymentNotProvider struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotProvider(bytes32 channelId)
func PaymentNotProviderErrorID() common.Hash {
	return common.HexToHash("0xc9126aaeb6fef2c112a69f94d2d6ec19ca7322b382d8fe1020ab7b51043c0d29")
}

// UnpackNotProviderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotProvider(bytes32 channelId)
func (payment *Payment) UnpackNotProviderError(raw []byte) (*PaymentNotProvider, error) {
	out := new(PaymentNotProvider)
	if err := payment.abi.UnpackIntoInterface(out, "NotProvider", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentNotPublisher represents a NotPublisher error raised by the Payment contract.
type PaymentNotPublisher struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPublisher(bytes32 channelId)
func PaymentNotPublisherErrorID() common.Hash {
	return common.HexToHash("0xadb4bccee6137bd95f7a5f812b4afc17ce0c666376bedbce69b179820d99edfb")
}

// UnpackNotPublisherError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPublisher(bytes32 channelId)
func (payment *Payment) UnpackNotPublisherError(raw []byte) (*PaymentNotPublisher, error) {
	out := new(PaymentNotPublisher)
	if err := payment.abi.UnpackIntoInterface(out, "NotPublisher", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentNothingToWithdraw represents a NothingToWithdraw error raised by the Payment contract.
type PaymentNothingToWithdraw struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw()
func PaymentNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0xd0d04f60bf4f7629141a1f00f5d2908fa0f3e15bf4cbf8bb8edc6fcbdf2509fa")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw()
func (payment *Payment) UnpackNothingToWithdrawError(raw []byte) (*PaymentNothingToWithdraw, error) {
	out := new(PaymentNothingToWithdraw)
	if err := payment.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentPricingMismatch represents a PricingMismatch error raised by the Payment contract.
type PaymentPricingMismatch struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PricingMismatch(bytes32 channelId)
func PaymentPricingMismatchErrorID() common.Hash {
	return common.HexToHash("0x7e490d81408d3dcbe9cfe910c077ccb3a4a990eebf7c03b6a9384cd6f241ecec")
}

// UnpackPricingMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PricingMismatch(bytes32 channelId)
func (payment *Payment) UnpackPricingMismatchError(raw []byte) (*PaymentPricingMismatch, error) {
	out := new(PaymentPricingMismatch)
	if err := payment.abi.UnpackIntoInterface(out, "PricingMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentPricingNotAccepted represents a PricingNotAccepted error raised by the Payment contract.
type PaymentPricingNotAccepted struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PricingNotAccepted(bytes32 channelId)
func PaymentPricingNotAcceptedErrorID() common.Hash {
	return common.HexToHash("0x6dfa8592d3afdad05ffefa6a7e50bbf8e7187ea41f5af25498a127122a70cc89")
}

// UnpackPricingNotAcceptedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PricingNotAccepted(bytes32 channelId)
func (payment *Payment) UnpackPricingNotAcceptedError(raw []byte) (*PaymentPricingNotAccepted, error) {
	out := new(PaymentPricingNotAccepted)
	if err := payment.abi.UnpackIntoInterface(out, "PricingNotAccepted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentReceiptFromFuture represents a ReceiptFromFuture error raised by the Payment contract.
type PaymentReceiptFromFuture struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReceiptFromFuture(bytes32 channelId)
func PaymentReceiptFromFutureErrorID() common.Hash {
	return common.HexToHash("0x6713e64dea6c3175b85a9b82b610b2b9780c42cba900615d39cc97c12dad3c50")
}

// UnpackReceiptFromFutureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReceiptFromFuture(bytes32 channelId)
func (payment *Payment) UnpackReceiptFromFutureError(raw []byte) (*PaymentReceiptFromFuture, error) {
	out := new(PaymentReceiptFromFuture)
	if err := payment.abi.UnpackIntoInterface(out, "ReceiptFromFuture", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentReceiptMismatch represents a ReceiptMismatch error raised by the Payment contract.
type PaymentReceiptMismatch struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReceiptMismatch(bytes32 channelId)
func PaymentReceiptMismatchErrorID() common.Hash {
	return common.HexToHash("0x79d62e06e1d5bb4b53359b35d9a56d140c0dbd3c892d40fd6e38db382cfbec79")
}

// UnpackReceiptMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReceiptMismatch(bytes32 channelId)
func (payment *Payment) UnpackReceiptMismatchError(raw []byte) (*PaymentReceiptMismatch, error) {
	out := new(PaymentReceiptMismatch)
	if err := payment.abi.UnpackIntoInterface(out, "ReceiptMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the Payment contract.
type PaymentReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func PaymentReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (payment *Payment) UnpackReentrancyGuardReentrantCallError(raw []byte) (*PaymentReentrancyGuardReentrantCall, error) {
	out := new(PaymentReentrancyGuardReentrantCall)
	if err := payment.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the Payment contract.
type PaymentSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func PaymentSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (payment *Payment) UnpackSafeERC20FailedOperationError(raw []byte) (*PaymentSafeERC20FailedOperation, error) {
	out := new(PaymentSafeERC20FailedOperation)
	if err := payment.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentSeqNotIncreasing represents a SeqNotIncreasing error raised by the Payment contract.
type PaymentSeqNotIncreasing struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SeqNotIncreasing(bytes32 channelId)
func PaymentSeqNotIncreasingErrorID() common.Hash {
	return common.HexToHash("0x8c8290892038896ab83dafbda26ba443cfbf7861c75b81e45204c69c0f3bdde5")
}

// UnpackSeqNotIncreasingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SeqNotIncreasing(bytes32 channelId)
func (payment *Payment) UnpackSeqNotIncreasingError(raw []byte) (*PaymentSeqNotIncreasing, error) {
	out := new(PaymentSeqNotIncreasing)
	if err := payment.abi.UnpackIntoInterface(out, "SeqNotIncreasing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentStateMismatch represents a StateMismatch error raised by the Payment contract.
type PaymentStateMismatch struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StateMismatch(bytes32 channelId)
func PaymentStateMismatchErrorID() common.Hash {
	return common.HexToHash("0xd29bb1642df307f8c751756629a0688e976ff9d027e5d580dd5b596aeced9044")
}

// UnpackStateMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StateMismatch(bytes32 channelId)
func (payment *Payment) UnpackStateMismatchError(raw []byte) (*PaymentStateMismatch, error) {
	out := new(PaymentStateMismatch)
	if err := payment.abi.UnpackIntoInterface(out, "StateMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentStringTooLong represents a StringTooLong error raised by the Payment contract.
type PaymentStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func PaymentStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (payment *Payment) UnpackStringTooLongError(raw []byte) (*PaymentStringTooLong, error) {
	out := new(PaymentStringTooLong)
	if err := payment.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentTimeNotIncreasing represents a TimeNotIncreasing error raised by the Payment contract.
type PaymentTimeNotIncreasing struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TimeNotIncreasing(bytes32 channelId)
func PaymentTimeNotIncreasingErrorID() common.Hash {
	return common.HexToHash("0x8dd88fbbc295650e5588cfe7e9971b36bb6f23d01275170887a0f974237a4d6f")
}

// UnpackTimeNotIncreasingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TimeNotIncreasing(bytes32 channelId)
func (payment *Payment) UnpackTimeNotIncreasingError(raw []byte) (*PaymentTimeNotIncreasing, error) {
	out := new(PaymentTimeNotIncreasing)
	if err := payment.abi.UnpackIntoInterface(out, "TimeNotIncreasing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentUnknownChannel represents a UnknownChannel error raised by the Payment contract.
type PaymentUnknownChannel struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownChannel(bytes32 channelId)
func PaymentUnknownChannelErrorID() common.Hash {
	return common.HexToHash("0xb08fc1cb7d4c5a62cfc36d1d52273872c8ad5c540953a2c17c0a39912130100d")
}

// UnpackUnknownChannelError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownChannel(bytes32 channelId)
func (payment *Payment) UnpackUnknownChannelError(raw []byte) (*PaymentUnknownChannel, error) {
	out := new(PaymentUnknownChannel)
	if err := payment.abi.UnpackIntoInterface(out, "UnknownChannel", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentUsageDecreased represents a UsageDecreased error raised by the Payment contract.
type PaymentUsageDecreased struct {
	ChannelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UsageDecreased(bytes32 channelId)
func PaymentUsageDecreasedErrorID() common.Hash {
	return common.HexToHash("0x176677e36123c2516fa9fcda396ff0458bc29b2ed837a5637f36fd900ce65b42")
}

// UnpackUsageDecreasedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UsageDecreased(bytes32 channelId)
func (payment *Payment) UnpackUsageDecreasedError(raw []byte) (*PaymentUsageDecreased, error) {
	out := new(PaymentUsageDecreased)
	if err := payment.abi.UnpackIntoInterface(out, "UsageDecreased", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentZeroAddress represents a ZeroAddress error raised by the Payment contract.
type PaymentZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func PaymentZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (payment *Payment) UnpackZeroAddressError(raw []byte) (*PaymentZeroAddress, error) {
	out := new(PaymentZeroAddress)
	if err := payment.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PaymentZeroAmount represents a ZeroAmount error raised by the Payment contract.
type PaymentZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func PaymentZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (payment *Payment) UnpackZeroAmountError(raw []byte) (*PaymentZeroAmount, error) {
	out := new(PaymentZeroAmount)
	if err := payment.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
