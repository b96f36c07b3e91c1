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
	StateHash         [32]byte
	UnlockAmount      *big.Int
	PendingPricesHash [32]byte
}

// PaymentClaim is an auto generated low-level Go binding around an user-defined struct.
type PaymentClaim struct {
	Terms   PaymentTerms
	Last    PaymentBaseline
	Receipt PaymentReceipt
	SigR    [32]byte
	SigVS   [32]byte
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
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"BalanceOverflow\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelAlreadyClosed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelIsClosing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"DisputePeriodNotOver\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidTerms\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NoPendingPricing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NoPendingUnlock\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"NotAContract\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NotProvider\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NotPublisher\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"PricingMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"PricingNotAccepted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ReceiptFromFuture\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ReceiptMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"SeqNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"StateMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"TimeNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"UnknownChannel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"UsageDecreased\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelClosed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"ChannelClosing\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"indexed\":false,\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"startTime\",\"type\":\"uint64\"}],\"name\":\"ChannelCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"ChannelReleased\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes4\",\"name\":\"reason\",\"type\":\"bytes4\"}],\"name\":\"ClaimSkipped\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Deposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"EarningsWithdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"pricesHash\",\"type\":\"bytes32\"}],\"name\":\"PricingAccepted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"name\":\"PricingApplied\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"pricesHash\",\"type\":\"bytes32\"}],\"name\":\"PricingProposed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"UnlockRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_DISPUTE_PERIOD\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"RECEIPT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"USAGE_LEN\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"}],\"name\":\"acceptPricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigVS\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Claim\",\"name\":\"lastOld\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"firstNew\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"sigNew\",\"type\":\"bytes\"},{\"internalType\":\"uint128[7]\",\"name\":\"newPrices\",\"type\":\"uint128[7]\"}],\"name\":\"applyPricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"}],\"name\":\"channelIdOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigVS\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Claim\",\"name\":\"c\",\"type\":\"tuple\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32\",\"name\":\"sigR\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sigVS\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Claim[]\",\"name\":\"cs\",\"type\":\"tuple[]\"}],\"name\":\"claimMany\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"totalPaid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"createChannel\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"getChannel\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"enumPayment.Status\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"pricingAccepted\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"balance\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"earned\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"stateHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint128\",\"name\":\"unlockAmount\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"pendingPricesHash\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Channel\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"name\":\"getChannels\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"enumPayment.Status\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"pricingAccepted\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"balance\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"earned\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"stateHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint128\",\"name\":\"unlockAmount\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"pendingPricesHash\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Channel[]\",\"name\":\"out\",\"type\":\"tuple[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"}],\"name\":\"hashState\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"name\":\"pricesHash\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"name\":\"proposePricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"providerRelease\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"r\",\"type\":\"tuple\"}],\"name\":\"receiptDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"requestUnlock\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"name\":\"withdrawEarnings\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"withdrawUnlocked\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Payment",
	Bin: "0x6101606040523461012b5760405161001860408261012f565b600b815260208101906a54727573746564506f647360a81b82526040519161004160408461012f565b600183526020830191603160f81b835261005a81610166565b6101205261006784610166565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a081526100d060c08261012f565b5190206080523060c0526040516133ce90816101d2823960805181612802015260a051816128b9015260c051816127d3015260e0518161285101526101005181612877015261012051816108020152610140518161082b0152f35b5f80fd5b601f909101601f19168101906001600160401b0382119082101761015257604052565b634e487b7160e01b5f52604160045260245ffd5b601f815111610191576020815191015160208210610182571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe60806040526004361015610011575f80fd5b5f3560e01c8063023490c5146121c0578063051e24cd14612177578063111e3af41461215c578063145d47751461210c5780631afa6265146120605780631de26e1614612028578063245df88514611ec557806333cd5ffe14611ab657806339c79e0c146119385780633f417292146117c557806362732fcb1461176157806365ae47d914610eb55780636cb93d3214610e975780637ac1342714610c885780637f04cc9214610a42578063831c2b82146108fe57806384b0196e146107ea578063881e98c21461069157806395850f5914610657578063b0586b9614610525578063cc2bdc0c1461022e5763cf5269741461010b575f80fd5b3461022a5761010060031936011261022a57600435366101041161022a57610131612748565b61013a81612f82565b6101448183612c67565b604051602081019061015782602461241c565b60e0815261016761010082612495565b5190206006820181905581547fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff169091556040519060245f835b600782106101fb57857f9395bff9518fbf0e2518c3675129885f7c902c202f39b30492f2326f41a0effe610100878760e0820152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b6020806001926fffffffffffffffffffffffffffffffff61021b876123ff565b168152019301910190916101a1565b5f80fd5b3461022a57602060031936011261022a5760043561024a612748565b61025381612bcb565b9060ff825460e01c16600481101561042d576003146104fa5760058201906fffffffffffffffffffffffffffffffff8254169182156104ce57600184019067ffffffffffffffff825460a01c1680421061049f57506003850180546fffffffffffffffffffffffffffffffff169485811015610487576fffffffffffffffffffffffffffffffff905b168095036fffffffffffffffffffffffffffffffff811161045a576fffffffffffffffffffffffffffffffff167fffffffffffffffffffffffffffffffff000000000000000000000000000000008254161790557fffffffffffffffffffffffffffffffff0000000000000000000000000000000081541690557fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff8154169055604051828152817f04eda370f8b8612fa7266d7ebbd41af9d694e19793fe9d9ff31b3ddbd99b08e160203393a360ff835460e01c16600481101561042d57600284911461041d575b5050806103f1575b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b6104169173ffffffffffffffffffffffffffffffffffffffff600233920154166130d2565b80806103cc565b6104269161319c565b82826103c4565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b506fffffffffffffffffffffffffffffffff856102dc565b837f5272e290000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b507fc77e5b47000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fc634fd03000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461022a57604060031936011261022a57600435602435610544612748565b61054d82612bcb565b6105578184612c67565b6006810154801561062b5782036105ff577f68bf2ba8403fe768f9df290289ff193762ac7300fe35525fc93927eb8ba5984f91817d0100000000000000000000000000000000000000000000000000000000007fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6020945416179055604051908152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b827f7e490d81000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b837f59319137000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461022a575f60031936011261022a5760206040517fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508152f35b3461022a57602060031936011261022a576004356106ad612748565b6106b681612f82565b9060ff825460e01c16600481101561042d576003146104fa576107978260038101926fffffffffffffffffffffffffffffffff845416937fffffffffffffffffffffffffffffffff000000000000000000000000000000008154169055600582017fffffffffffffffffffffffffffffffff000000000000000000000000000000008154169055600182017fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff8154169055807f3f8e9d6610895fa35e9ac7f11cc94b2b87eaac83dd49ac7f72f4a31dc8c118e16020604051878152a261319c565b806107c1575f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b8173ffffffffffffffffffffffffffffffffffffffff80600261041695015416915416906130d2565b3461022a575f60031936011261022a576108a26108267f0000000000000000000000000000000000000000000000000000000000000000613377565b61084f7f0000000000000000000000000000000000000000000000000000000000000000613377565b60206108b0604051926108628385612495565b5f84525f3681376040519586957f0f00000000000000000000000000000000000000000000000000000000000000875260e08588015260e08701906123bc565b9085820360408701526123bc565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b8281106108e757505050500390f35b8351855286955093810193928101926001016108d8565b3461022a57602060031936011261022a57610917612684565b506004355f52600260205260405f2060405161093281612478565b815473ffffffffffffffffffffffffffffffffffffffff8116825267ffffffffffffffff8160a01c16602083015260ff8160e01c1692600484101561042d5760ff60069261018095604086015260e81c161515606084015267ffffffffffffffff600182015473ffffffffffffffffffffffffffffffffffffffff8116608086015260a01c1660a084015273ffffffffffffffffffffffffffffffffffffffff60028201541660c084015260038101546fffffffffffffffffffffffffffffffff811660e085015260801c61010084015260048101546101208401526fffffffffffffffffffffffffffffffff6005820154166101408401520154610160820152610a4060405180926122aa565bf35b3461022a57610a5036612256565b610a58612748565b5f905f905f935f915b808310610ae8575050508115610ac057602092610a959173ffffffffffffffffffffffffffffffffffffffff3391166130d2565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b7fd0d04f60000000000000000000000000000000000000000000000000000000005f5260045ffd5b9093929194610af88683876126dc565b3590815f52600260205260405f209460ff865460e01c16600481101561042d5715610c5c573373ffffffffffffffffffffffffffffffffffffffff60018801541603610c305760038601928354938460801c948515610c215773ffffffffffffffffffffffffffffffffffffffff93600293610bb6936fffffffffffffffffffffffffffffffff8994169055604051908382527f6ddc9c38b5a916011378e9c33460515e0af7101e010db13fdfd6656c82ae575360203393a36125ea565b9601541673ffffffffffffffffffffffffffffffffffffffff8516808203610bf3575b5050600191610be7916125ea565b955b0191929390610a61565b600193955082610be793610c0f575b5050935f91819350610bd9565b610c1a9133906130d2565b8880610c02565b50505094509560019150610be9565b827fc9126aae000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b827fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461022a57610c9636612256565b90610ca08261266c565b91610cae6040519384612495565b8083527fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0610cdb8261266c565b015f5b818110610e805750505f5b818110610d4157836040518091602082016020835281518091526020604084019201905f5b818110610d1c575050500390f35b91935091602061018082610d3360019488516122aa565b019401910191849392610d0e565b610d4c8183856126dc565b355f52600260205260405f2090604051610d6581612478565b825473ffffffffffffffffffffffffffffffffffffffff8116825267ffffffffffffffff8160a01c16602083015260ff8160e01c1693600485101561042d5760ff600692600196604086015260e81c161515606084015267ffffffffffffffff8582015473ffffffffffffffffffffffffffffffffffffffff8116608086015260a01c1660a084015273ffffffffffffffffffffffffffffffffffffffff60028201541660c084015260038101546fffffffffffffffffffffffffffffffff811660e085015260801c61010084015260048101546101208401526fffffffffffffffffffffffffffffffff6005820154166101408401520154610160820152610e6e8287612719565b52610e798186612719565b5001610ce9565b602090610e8b612684565b82828801015201610cde565b3461022a575f60031936011261022a5760206040516301e285008152f35b3461022a576003193601610600811261022a576103c0811261022a576101407ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc3c36011261022a576105043567ffffffffffffffff811161022a573660238201121561022a57806004013567ffffffffffffffff811161022a57366024828401011161022a57366106041161022a57610f4b612748565b6102443592610f5984612f82565b90610f648286612c67565b600682019283548015611735576040516020810190610f858261052461241c565b60e08152610f9561010082612495565b519020036117095760ff835460e81c16156116dd57610fb26125f7565b6101243567ffffffffffffffff81169182820361022a5767ffffffffffffffff915016145f1461167857610fe461272d565b60048401540361164c57610ff661260f565b6101443567ffffffffffffffff81169182820361022a5767ffffffffffffffff9150161480159061159e575b611572575b856103c4350361157257611039612627565b67ffffffffffffffff8061104b6125f7565b16911611156115465761105c61263f565b67ffffffffffffffff8061106e61260f565b169116111561151a5761107f61263f565b67ffffffffffffffff429116116114ee575f5b60078110156110ff578060051b67ffffffffffffffff806110c36110b98461042401612657565b936102a401612657565b169116106110d357600101611092565b867f176677e3000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b5061115c90869495611157602460a060405160e0610424823760e081207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c0150825260606103c46020840137608082015220920191612f41565b613020565b60043573ffffffffffffffffffffffffffffffffffffffff81169182820361022a5773ffffffffffffffffffffffffffffffffffffffff915016036114c2576101201361022a57604051926111b08461245c565b6111b8612208565b8452602435936fffffffffffffffffffffffffffffffff8516850361022a5760208101948552366063121561022a576040519460e06111f78188612495565b86366101241161022a576044905b61012482106114aa575050604083019687526112246040519182612495565b610524815b6106048210611465575050865261123e612627565b9567ffffffffffffffff61125061263f565b816040519961125e8b61245c565b16895216602088015260405161127560e082612495565b80366105041161022a57610424905b610504821061144d57505060408801526fffffffffffffffffffffffffffffffff6040519273ffffffffffffffffffffffffffffffffffffffff602085019551168552511660408301525195606082015f905b60078210611425575050906112f45f949392610140830190612590565b610240815261130561026082612495565b5190206004840155557fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff815416905561133c612627565b61134461263f565b604051916105245f845b600782106113f65750505067ffffffffffffffff90811660e0840152166101008201526104245f61012083015b600782106113cf57847f9c4af84758ae8d65b5d6f3c46d0d0bb9b3982c4d98a9d95d159d5ccee6f801c161020086a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b60208060019267ffffffffffffffff6113e787612241565b1681520193019101909161137b565b6020806001926fffffffffffffffffffffffffffffffff611416876123ff565b1681520193019101909161134e565b6020806001926fffffffffffffffffffffffffffffffff8c51168152019901910190976112d7565b6020809161145a84612241565b815201910190611284565b60208091611472846123ff565b815201910190611229565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b602080916114b7846123ff565b815201910190611205565b827f666b7cba000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b857f6713e64d000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b857f8dd88fbb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b857f8c829089000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b857f79d62e06000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b5060405160208101906102a45f835b600782106116255750505060e081526115c861010082612495565b51902060405160208101906101645f835b600782106115fe5750505060e081526115f461010082612495565b5190201415611022565b60208060019267ffffffffffffffff61161687612241565b168152019301910190916115d9565b60208060019267ffffffffffffffff61163d87612241565b168152019301910190916115ad565b857fd29bb164000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6116806127bc565b61168c5f9160046128df565b50806116cd575b507fffffffff0000000000000000000000000000000000000000000000000000000081166116c15750611027565b86905f5260045260245ffd5b6116d7915061321a565b87611693565b857f6dfa8592000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b857f7e490d81000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b867f59319137000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461022a5761014060031936011261022a5760206117bd60a060405160e06064823760e081207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c015082526060600486840137608082015220612f41565b604051908152f35b3461022a57602060031936011261022a5760043567ffffffffffffffff811161022a573660238201121561022a57806004013567ffffffffffffffff811161022a573660246103c083028401011161022a5761181f612748565b5f81156119105761182e6127bc565b5f5b838110156118e2575f6103c0820286017fffffffff0000000000000000000000000000000000000000000000000000000061186e85602484016128df565b9390806118d2575b50169182156118bc5750907fac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e29602061026460019594604051948552013592a25b01611830565b90506118cc9150600192946125ea565b926118b6565b6118dc915061321a565b89611876565b6020835f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b7fc2e5347d000000000000000000000000000000000000000000000000000000005f5260045ffd5b3461022a57602060031936011261022a57600435611954612748565b7f61aac2c01c0510599a78111d6a5d32abc5495a909864d2e698b2491367d7870d60206001611a8061198585612bcb565b61198f8187612c67565b6119b167ffffffffffffffff825460a01c1667ffffffffffffffff4216612519565b81547fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff167c02000000000000000000000000000000000000000000000000000000001782556005820180547fffffffffffffffffffffffffffffffff00000000000000000000000000000000166fffffffffffffffffffffffffffffffff179055920180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff1660a084901b7bffffffffffffffff000000000000000000000000000000000000000016179055565b67ffffffffffffffff60405191168152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b3461022a576101c060031936011261022a57611ad0612208565b602435906044359173ffffffffffffffffffffffffffffffffffffffff83169283810361022a576101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9c36011261022a57610184359167ffffffffffffffff83169485840361022a576101a43594611b47612748565b73ffffffffffffffffffffffffffffffffffffffff81169384158015611ebd575b8015611e93575b611e6b578615611e43576084356fffffffffffffffffffffffffffffffff811680910361022a57158015611e36575b611e0e573b15611de25782611bb391336124d6565b95865f52600260205260405f209460ff865460e01c16600481101561042d57611db65785547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff33167fffffffff000000000000000000000000000000000000000000000000000000009091161760a09190911b7bffffffffffffffff00000000000000000000000000000000000000001617855560209695610a959590949093909290917c01000000000000000000000000000000000000000000000000000000007fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff86541617855560018501847fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905560028501827fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905567ffffffffffffffff421691604051611d0c8161245c565b5f8152838b82015f8152604051611d2460e082612495565b60e0368237604084015252604051611d4d8c820192611d428461253b565b610140830190612590565b6102408152611d5e61026082612495565b519020600487015560405193845289840152611d7c6040840161253b565b610160830152610180820152857f8c02ab9fd28617cdb80f46cbaac562344f6aea5426b5559e44ab93471d49fa886101a03393a483612cb6565b877fa940c060000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507f8a8b41ec000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7f0256965f000000000000000000000000000000000000000000000000000000005f5260045ffd5b506301e285008811611b9e565b7f1f2a2005000000000000000000000000000000000000000000000000000000005f5260045ffd5b7fd92e233d000000000000000000000000000000000000000000000000000000005f5260045ffd5b5060643573ffffffffffffffffffffffffffffffffffffffff81169081810361022a575015611b6f565b508215611b68565b3461022a57611ed33661222b565b611edb612748565b80611ee583612bcb565b91611ef08385612c67565b8115611e43577f8186b43841062565ab3c73dcdf2f0849aff00382c21cb84e182d22ea3a4c5494926fffffffffffffffffffffffffffffffff60409311612010575b6001611fdf82611f5367ffffffffffffffff80955460a01c16854216612519565b6005820180547fffffffffffffffffffffffffffffffff00000000000000000000000000000000166fffffffffffffffffffffffffffffffff8816179055920180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff1660a084901b7bffffffffffffffff000000000000000000000000000000000000000016179055565b8351928352166020820152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b6fffffffffffffffffffffffffffffffff9150611f32565b3461022a576120363661222b565b61203e612748565b61204782612bcb565b6120518184612c67565b8115611e43576103cc92612cb6565b3461022a576103c060031936011261022a5761207a612748565b6120826127bc565b61208e5f9160046128df565b90806120fa575b507fffffffff0000000000000000000000000000000000000000000000000000000082166120eb576020905f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b505f526102443560045260245ffd5b61210591925061321a565b9082612095565b3461022a576003193601610240811261022a576101201361022a576101207ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedc36011261022a5760206117bd61272d565b3461022a575f60031936011261022a57602060405160078152f35b3461022a57606060031936011261022a57612190612208565b60243573ffffffffffffffffffffffffffffffffffffffff8116810361022a576020916117bd91604435916124d6565b3461022a5760e060031936011261022a573660e41161022a576020604051818101906121ed82600461241c565b60e081526121fd61010082612495565b519020604051908152f35b6004359073ffffffffffffffffffffffffffffffffffffffff8216820361022a57565b600319604091011261022a576004359060243590565b359067ffffffffffffffff8216820361022a57565b90602060031983011261022a5760043567ffffffffffffffff811161022a578260238201121561022a5780600401359267ffffffffffffffff841161022a5760248460051b8301011161022a576024019190565b73ffffffffffffffffffffffffffffffffffffffff815116825267ffffffffffffffff60208201511660208301526040810151600481101561042d57610160918291604085015260608101511515606085015273ffffffffffffffffffffffffffffffffffffffff608082015116608085015267ffffffffffffffff60a08201511660a085015273ffffffffffffffffffffffffffffffffffffffff60c08201511660c08501526fffffffffffffffffffffffffffffffff60e08201511660e08501526fffffffffffffffffffffffffffffffff610100820151166101008501526101208101516101208501526fffffffffffffffffffffffffffffffff610140820151166101408501520151910152565b907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f602080948051918291828752018686015e5f8582860101520116010190565b35906fffffffffffffffffffffffffffffffff8216820361022a57565b905f905b6007821061242d57505050565b6020806001926fffffffffffffffffffffffffffffffff61244d876123ff565b16815201930191019091612420565b6060810190811067ffffffffffffffff82111761147d57604052565b610180810190811067ffffffffffffffff82111761147d57604052565b90601f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0910116810190811067ffffffffffffffff82111761147d57604052565b9173ffffffffffffffffffffffffffffffffffffffff60405192816020850195168552166040830152606082015260608152612513608082612495565b51902090565b9067ffffffffffffffff8091169116019067ffffffffffffffff821161045a57565b60643573ffffffffffffffffffffffffffffffffffffffff811680910361022a5781526084356fffffffffffffffffffffffffffffffff811680910361022a57602082015261258e9060400160a461241c565b565b6040809167ffffffffffffffff815116845267ffffffffffffffff6020820151166020850152015191015f905b600782106125ca57505050565b60208060019267ffffffffffffffff8651168152019301910190916125bd565b9190820180921161045a57565b6102643567ffffffffffffffff8116810361022a5790565b6102843567ffffffffffffffff8116810361022a5790565b6103e43567ffffffffffffffff8116810361022a5790565b6104043567ffffffffffffffff8116810361022a5790565b3567ffffffffffffffff8116810361022a5790565b67ffffffffffffffff811161147d5760051b60200190565b6040519061269182612478565b5f610160838281528260208201528260408201528260608201528260808201528260a08201528260c08201528260e08201528261010082015282610120820152826101408201520152565b91908110156126ec5760051b0190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b80518210156126ec5760209160051b010190565b61024060405161012060048237610120610124818301372090565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c6127945760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b73ffffffffffffffffffffffffffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000163014806128b6575b15612824577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a0815261251360c082612495565b507f000000000000000000000000000000000000000000000000000000000000000046146127fb565b90915f5f93610240840191823592835f52600260205260405f209060048201938454948515612bbc5760018614612bad57604051956102408a8837610240872003612b9e57610280890135936101408a013599610260810191823594610120830135861115612b8b578c881115612b7857428811612b65575f905f5b60e08110612b23575060e06102a085018c3760e08b207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508c52606060208d01998a3760808c015260a08b20907f19010000000000000000000000000000000000000000000000000000000000008c5260028c015260228b015260428a20986103a08401357f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff81169a7f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a08c11612b0d5790601b918d5260ff1c01885260408b01996103808501358b5260608c01525f805260205f60808d60015afa505f518435811415901517612afa5750809c8803602084013502908110612af1575b5060030180546fffffffffffffffffffffffffffffffff81168d8110612ae9575b508c969361012060609a97947f0c641e480d7987b9c5056603b6b88780b74c3605ee0c6d854642e5dda0431b849c9a979482948b8060801b91030190558a37818901376102408720905585525252a2565b9c505f612a98565b9b506003612a77565b60089e509c505050505050505050505050565b50509c5050505050505050505050509150600891565b918285016102a08101359061016081013590818310612b4d5760400135910302019160200161295b565b50505050505050505050505050935050509150600791565b5050505050505050935050509150600691565b5050505050505050935050509150600591565b5050505050505050935050509150600491565b50505050935050509150600391565b50505050935050509150600291565b50505050935050509150600191565b90815f52600260205260405f2091825460ff8160e01c16600481101561042d5715612c3b5773ffffffffffffffffffffffffffffffffffffffff33911603612c105750565b7fadb4bcce000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b905460e01c60ff16600481101561042d5760028114612c8a576003146104fa5750565b507f0b70c7f9000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b9073ffffffffffffffffffffffffffffffffffffffff600282015416604051907f70a08231000000000000000000000000000000000000000000000000000000008252306004830152602082602481845afa918215612eb8575f92612f0d575b50604051947f23b872dd000000000000000000000000000000000000000000000000000000005f52336004523060245260445260205f60648180855af160015f5114811615612eee575b856040525f60605215612ec357846024816020937f70a082310000000000000000000000000000000000000000000000000000000082523060048301525afa938415612eb8575f94612e84575b508084039380851161045a5714611e435760030180546fffffffffffffffffffffffffffffffff612ded612de3868385166125ea565b9260801c836125ea565b11612e5c576fffffffffffffffffffffffffffffffff809116167fffffffffffffffffffffffffffffffff000000000000000000000000000000008254161790556040519182527f87d4c0b5e30d6808bc8a94ba1c4d839b29d664151551a31753387ee9ef48429b60203393a3565b7f89560ca1000000000000000000000000000000000000000000000000000000005f5260045ffd5b9093506020813d602011612eb0575b81612ea060209383612495565b8101031261022a5751925f612dad565b3d9150612e93565b6040513d5f823e3d90fd5b7f5274afe7000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6001811516612f0457813b15153d151616612d60565b853d5f823e3d90fd5b9091506020813d602011612f39575b81612f2960209383612495565b8101031261022a5751905f612d16565b3d9150612f1c565b604290612f4c6127bc565b90604051917f19010000000000000000000000000000000000000000000000000000000000008352600283015260228201522090565b90815f52600260205260405f209160ff835460e01c16600481101561042d5715612ff55773ffffffffffffffffffffffffffffffffffffffff6001840154163303612fca5750565b7fc9126aae000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffbf016130cc5760208101359160408201355f1a907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084116130b957601b821415806130c1575b6130b9576020935f9360809360405193845286840152356040830152606082015282805260015afa15612eb8575f5190565b505050505f90565b50601c821415613087565b50505f90565b9173ffffffffffffffffffffffffffffffffffffffff604051927fa9059cbb000000000000000000000000000000000000000000000000000000005f521660045260245260205f60448180865af19060015f511482161561317b575b604052156131395750565b73ffffffffffffffffffffffffffffffffffffffff907f5274afe7000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b90600181151661319357823b15153d1516169061312e565b503d5f823e3d90fd5b8154600160048401555f600684018190557fffff0000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff9091167c030000000000000000000000000000000000000000000000000000000017909255907fceeab2eef998c17fe96f30f83fbf3c55fc5047f6e40c55a0cf72d236e9d2ba729080a2565b60018114613352576002811461332d576003811461330857600481146132e357600581146132be576006811461329957600714613275577f666b7cba0000000000000000000000000000000000000000000000000000000090565b7f176677e30000000000000000000000000000000000000000000000000000000090565b507f6713e64d0000000000000000000000000000000000000000000000000000000090565b507f8dd88fbb0000000000000000000000000000000000000000000000000000000090565b507f8c8290890000000000000000000000000000000000000000000000000000000090565b507fd29bb1640000000000000000000000000000000000000000000000000000000090565b507fc634fd030000000000000000000000000000000000000000000000000000000090565b507fb08fc1cb0000000000000000000000000000000000000000000000000000000090565b60ff811690601f82116133a65760405191613393604084612495565b6020808452838101919036833783525290565b7fb3512b0c000000000000000000000000000000000000000000000000000000005f5260045ffd",
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
// the contract method with ID 0x65ae47d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function applyPricing(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32) lastOld, (bytes32,uint64,uint64,uint64[7]) firstNew, bytes sigNew, uint128[7] newPrices) returns()
func (payment *Payment) PackApplyPricing(lastOld PaymentClaim, firstNew PaymentReceipt, sigNew []byte, newPrices [7]*big.Int) []byte {
	enc, err := payment.abi.Pack("applyPricing", lastOld, firstNew, sigNew, newPrices)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApplyPricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x65ae47d9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function applyPricing(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32) lastOld, (bytes32,uint64,uint64,uint64[7]) firstNew, bytes sigNew, uint128[7] newPrices) returns()
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
// the contract method with ID 0x1afa6265.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32) c) returns(uint256 paid)
func (payment *Payment) PackClaim(c PaymentClaim) []byte {
	enc, err := payment.abi.Pack("claim", c)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1afa6265.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32) c) returns(uint256 paid)
func (payment *Payment) TryPackClaim(c PaymentClaim) ([]byte, error) {
	return payment.abi.Pack("claim", c)
}

// UnpackClaim is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1afa6265.
//
// Solidity: function claim(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32) c) returns(uint256 paid)
func (payment *Payment) UnpackClaim(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("claim", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f417292.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimMany(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32)[] cs) returns(uint256 totalPaid)
func (payment *Payment) PackClaimMany(cs []PaymentClaim) []byte {
	enc, err := payment.abi.Pack("claimMany", cs)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f417292.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimMany(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32)[] cs) returns(uint256 totalPaid)
func (payment *Payment) TryPackClaimMany(cs []PaymentClaim) ([]byte, error) {
	return payment.abi.Pack("claimMany", cs)
}

// UnpackClaimMany is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3f417292.
//
// Solidity: function claimMany(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes32,bytes32)[] cs) returns(uint256 totalPaid)
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
// Solidity: function getChannel(bytes32 channelId) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes32,uint128,bytes32))
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
// Solidity: function getChannel(bytes32 channelId) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes32,uint128,bytes32))
func (payment *Payment) TryPackGetChannel(channelId [32]byte) ([]byte, error) {
	return payment.abi.Pack("getChannel", channelId)
}

// UnpackGetChannel is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x831c2b82.
//
// Solidity: function getChannel(bytes32 channelId) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes32,uint128,bytes32))
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
// Solidity: function getChannels(bytes32[] channelIds) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes32,uint128,bytes32)[] out)
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
// Solidity: function getChannels(bytes32[] channelIds) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes32,uint128,bytes32)[] out)
func (payment *Payment) TryPackGetChannels(channelIds [][32]byte) ([]byte, error) {
	return payment.abi.Pack("getChannels", channelIds)
}

// UnpackGetChannels is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7ac13427.
//
// Solidity: function getChannels(bytes32[] channelIds) view returns((address,uint64,uint8,bool,address,uint64,address,uint128,uint128,bytes32,uint128,bytes32)[] out)
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
// Solidity: function hashState((address,uint128,uint128[7]) terms, (uint64,uint64,uint64[7]) last) pure returns(bytes32)
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
// Solidity: function hashState((address,uint128,uint128[7]) terms, (uint64,uint64,uint64[7]) last) pure returns(bytes32)
func (payment *Payment) TryPackHashState(terms PaymentTerms, last PaymentBaseline) ([]byte, error) {
	return payment.abi.Pack("hashState", terms, last)
}

// UnpackHashState is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x145d4775.
//
// Solidity: function hashState((address,uint128,uint128[7]) terms, (uint64,uint64,uint64[7]) last) pure returns(bytes32)
func (payment *Payment) UnpackHashState(data []byte) ([32]byte, error) {
	out, err := payment.abi.Unpack("hashState", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
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
