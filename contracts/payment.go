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
	Terms     PaymentTerms
	Last      PaymentBaseline
	Receipt   PaymentReceipt
	Signature []byte
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
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"BalanceOverflow\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelAlreadyClosed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelIsClosing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"DisputePeriodNotOver\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyBatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidTerms\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NoPendingPricing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NoPendingUnlock\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NotProvider\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"NotPublisher\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"PricingMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"PricingNotAccepted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ReceiptFromFuture\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ReceiptMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"SeqNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"StateMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"TimeNotIncreasing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"UnknownChannel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"UsageDecreased\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"ChannelClosed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"ChannelClosing\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"indexed\":false,\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"startTime\",\"type\":\"uint64\"}],\"name\":\"ChannelCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"ChannelReleased\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes4\",\"name\":\"reason\",\"type\":\"bytes4\"}],\"name\":\"ClaimSkipped\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Deposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"EarningsWithdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"pricesHash\",\"type\":\"bytes32\"}],\"name\":\"PricingAccepted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"name\":\"PricingApplied\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"pricesHash\",\"type\":\"bytes32\"}],\"name\":\"PricingProposed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"}],\"name\":\"UnlockRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"RECEIPT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"USAGE_LEN\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"}],\"name\":\"acceptPricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"internalType\":\"structPayment.Claim\",\"name\":\"lastOld\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"firstNew\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"sigNew\",\"type\":\"bytes\"},{\"internalType\":\"uint128[7]\",\"name\":\"newPrices\",\"type\":\"uint128[7]\"}],\"name\":\"applyPricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"}],\"name\":\"channelIdOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"internalType\":\"structPayment.Claim\",\"name\":\"c\",\"type\":\"tuple\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"internalType\":\"structPayment.Claim[]\",\"name\":\"cs\",\"type\":\"tuple[]\"}],\"name\":\"claimMany\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"totalPaid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"podId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"createChannel\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"getChannel\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"enumPayment.Status\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"pricingAccepted\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"balance\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"earned\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"stateHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint128\",\"name\":\"unlockAmount\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"pendingPricesHash\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Channel\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"name\":\"getChannels\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"publisher\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"disputePeriod\",\"type\":\"uint64\"},{\"internalType\":\"enumPayment.Status\",\"name\":\"status\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"pricingAccepted\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unlockAt\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"balance\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"earned\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"stateHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint128\",\"name\":\"unlockAmount\",\"type\":\"uint128\"},{\"internalType\":\"bytes32\",\"name\":\"pendingPricesHash\",\"type\":\"bytes32\"}],\"internalType\":\"structPayment.Channel[]\",\"name\":\"out\",\"type\":\"tuple[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"enclaveSigner\",\"type\":\"address\"},{\"internalType\":\"uint128\",\"name\":\"maxPerSecond\",\"type\":\"uint128\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"internalType\":\"structPayment.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Baseline\",\"name\":\"last\",\"type\":\"tuple\"}],\"name\":\"hashState\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"name\":\"pricesHash\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"}],\"name\":\"proposePricing\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"providerRelease\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"time\",\"type\":\"uint64\"},{\"internalType\":\"uint64[7]\",\"name\":\"usage\",\"type\":\"uint64[7]\"}],\"internalType\":\"structPayment.Receipt\",\"name\":\"r\",\"type\":\"tuple\"}],\"name\":\"receiptDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"requestUnlock\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"channelIds\",\"type\":\"bytes32[]\"}],\"name\":\"withdrawEarnings\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"channelId\",\"type\":\"bytes32\"}],\"name\":\"withdrawUnlocked\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Payment",
	Bin: "0x6101606040523461012b5760405161001860408261012f565b600b815260208101906a54727573746564506f647360a81b82526040519161004160408461012f565b600183526020830191603160f81b835261005a81610166565b6101205261006784610166565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a081526100d060c08261012f565b5190206080523060c05260405161345090816101d282396080518161331c015260a051816133d3015260c051816132ed015260e0518161336b01526101005181613391015261012051816109550152610140518161097e0152f35b5f80fd5b601f909101601f19168101906001600160401b0382119082101761015257604052565b634e487b7160e01b5f52604160045260245ffd5b601f815111610191576020815191015160208210610182571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe60806040526004361015610011575f80fd5b5f3560e01c8063023490c514612141578063051e24cd146120f8578063111e3af4146120dd578063145d4775146120755780631de26e161461203d578063245df88514611eda5780632956686014611e2c57806333cd5ffe14611a6257806339c79e0c146118e4578063462a8d441461108e57806362732fcb1461102a5780637ac1342714610df85780637f04cc9214610b95578063831c2b8214610a5157806384b0196e1461093d578063881e98c2146107e457806395850f59146107aa578063a83849391461064c578063b0586b961461051a578063cc2bdc0c146102235763cf52697414610100575f80fd5b3461021f5761010060031936011261021f57600435366101041161021f576101266126f6565b61012f81612ffd565b6101398183612806565b604051602081019061014c82602461237a565b60e0815261015c610100826123f3565b5190206006820181905581547fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff169091556040519060245f835b600782106101f057857f9395bff9518fbf0e2518c3675129885f7c902c202f39b30492f2326f41a0effe610100878760e0820152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b6020806001926fffffffffffffffffffffffffffffffff6102108761235d565b16815201930191019091610196565b5f80fd5b3461021f57602060031936011261021f5760043561023f6126f6565b6102488161276a565b9060ff825460e01c166004811015610422576003146104ef5760058201906fffffffffffffffffffffffffffffffff8254169182156104c357600184019067ffffffffffffffff825460a01c1680421061049457506003850180546fffffffffffffffffffffffffffffffff16948581101561047c576fffffffffffffffffffffffffffffffff905b168095036fffffffffffffffffffffffffffffffff811161044f576fffffffffffffffffffffffffffffffff167fffffffffffffffffffffffffffffffff000000000000000000000000000000008254161790557fffffffffffffffffffffffffffffffff0000000000000000000000000000000081541690557fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff8154169055604051828152817f04eda370f8b8612fa7266d7ebbd41af9d694e19793fe9d9ff31b3ddbd99b08e160203393a360ff835460e01c166004811015610422576002849114610412575b5050806103e6575b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b61040b9173ffffffffffffffffffffffffffffffffffffffff6002339201541661318e565b80806103c1565b61041b91613258565b82826103b9565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b506fffffffffffffffffffffffffffffffff856102d1565b837f5272e290000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b507fc77e5b47000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fc634fd03000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461021f57604060031936011261021f576004356024356105396126f6565b6105428261276a565b61054c8184612806565b600681015480156106205782036105f4577f68bf2ba8403fe768f9df290289ff193762ac7300fe35525fc93927eb8ba5984f91817d0100000000000000000000000000000000000000000000000000000000007fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6020945416179055604051908152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b827f7e490d81000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b837f59319137000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461021f57602060031936011261021f5760043567ffffffffffffffff811161021f5761067d9036906004016121d7565b6106856126f6565b5f8115610782575f7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc6184360301905b83811015610754578060051b8501358281121561021f577fffffffff000000000000000000000000000000000000000000000000000000009086016106f881612b15565b921691821561073e5750907fac5a957b725c6a92027fd73e8878b43b02e70f0c6f2b5d3e7e8cc75a00a43e29602061024060019594604051948552013592a25b016106b4565b905061074e9150600192946126d3565b92610738565b6020835f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b7fc2e5347d000000000000000000000000000000000000000000000000000000005f5260045ffd5b3461021f575f60031936011261021f5760206040517fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508152f35b3461021f57602060031936011261021f576004356108006126f6565b61080981612ffd565b9060ff825460e01c166004811015610422576003146104ef576108ea8260038101926fffffffffffffffffffffffffffffffff845416937fffffffffffffffffffffffffffffffff000000000000000000000000000000008154169055600582017fffffffffffffffffffffffffffffffff000000000000000000000000000000008154169055600182017fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff8154169055807f3f8e9d6610895fa35e9ac7f11cc94b2b87eaac83dd49ac7f72f4a31dc8c118e16020604051878152a2613258565b80610914575f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b8173ffffffffffffffffffffffffffffffffffffffff80600261040b950154169154169061318e565b3461021f575f60031936011261021f576109f56109797f00000000000000000000000000000000000000000000000000000000000000006133f9565b6109a27f00000000000000000000000000000000000000000000000000000000000000006133f9565b6020610a03604051926109b583856123f3565b5f84525f3681376040519586957f0f00000000000000000000000000000000000000000000000000000000000000875260e08588015260e087019061231a565b90858203604087015261231a565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b828110610a3a57505050500390f35b835185528695509381019392810192600101610a2b565b3461021f57602060031936011261021f57610a6a612657565b506004355f52600260205260405f20604051610a85816123d6565b815473ffffffffffffffffffffffffffffffffffffffff8116825267ffffffffffffffff8160a01c16602083015260ff8160e01c169260048410156104225760ff60069261018095604086015260e81c161515606084015267ffffffffffffffff600182015473ffffffffffffffffffffffffffffffffffffffff8116608086015260a01c1660a084015273ffffffffffffffffffffffffffffffffffffffff60028201541660c084015260038101546fffffffffffffffffffffffffffffffff811660e085015260801c61010084015260048101546101208401526fffffffffffffffffffffffffffffffff6005820154166101408401520154610160820152610b936040518092612208565bf35b3461021f57602060031936011261021f5760043567ffffffffffffffff811161021f57610bc69036906004016121d7565b610bce6126f6565b5f905f905f935f915b808310610c5e575050508115610c3657602092610c0b9173ffffffffffffffffffffffffffffffffffffffff33911661318e565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b7fd0d04f60000000000000000000000000000000000000000000000000000000005f5260045ffd5b909194610c6c8683856126af565b3590815f52600260205260405f209560ff875460e01c1660048110156104225715610dcc573373ffffffffffffffffffffffffffffffffffffffff60018901541603610da0576003870192835460801c938415610d92578473ffffffffffffffffffffffffffffffffffffffff93600293836fffffffffffffffffffffffffffffffff610d299554169055604051908382527f6ddc9c38b5a916011378e9c33460515e0af7101e010db13fdfd6656c82ae575360203393a36126d3565b9701541673ffffffffffffffffffffffffffffffffffffffff8616808203610d64575b5050600191610d5a916126d3565b955b019190610bd7565b600193965082610d5a93610d80575b5050945f91819350610d4c565b610d8b91339061318e565b8880610d73565b505095509560019150610d5c565b827fc9126aae000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b827fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461021f57602060031936011261021f5760043567ffffffffffffffff811161021f57610e299036906004016121d7565b90610e338261263f565b91610e4160405193846123f3565b8083527fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0610e6e8261263f565b015f5b8181106110135750505f5b818110610ed457836040518091602082016020835281518091526020604084019201905f5b818110610eaf575050500390f35b91935091602061018082610ec66001948851612208565b019401910191849392610ea1565b610edf8183856126af565b355f52600260205260405f2090604051610ef8816123d6565b825473ffffffffffffffffffffffffffffffffffffffff8116825267ffffffffffffffff8160a01c16602083015260ff8160e01c169360048510156104225760ff600692600196604086015260e81c161515606084015267ffffffffffffffff8582015473ffffffffffffffffffffffffffffffffffffffff8116608086015260a01c1660a084015273ffffffffffffffffffffffffffffffffffffffff60028201541660c084015260038101546fffffffffffffffffffffffffffffffff811660e085015260801c61010084015260048101546101208401526fffffffffffffffffffffffffffffffff600582015416610140840152015461016082015261100182876126bf565b5261100c81866126bf565b5001610e7c565b60209061101e612657565b82828801015201610e71565b3461021f5761014060031936011261021f57602061108660a060405160e06064823760e081207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508252606060048684013760808201522061314d565b604051908152f35b3461021f5761026060031936011261021f5760043567ffffffffffffffff811161021f578060040160031982360301916103a0831261021f576101407fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc36011261021f57610164359067ffffffffffffffff821161021f573660238301121561021f5781600401359267ffffffffffffffff841161021f57366024858501011161021f57366102641161021f576111436126f6565b6102448201359461115386612ffd565b9161115e8388612806565b6006830191825480156118b857604051602081019061117f8261018461237a565b60e0815261118f610100826123f3565b5190200361188c5760ff845460e81c1615611860576102648501906111b3826125b4565b9161012487019267ffffffffffffffff806111cd866125b4565b169116145f1461181d576111e183856126e0565b6004870154036117f1576111f861028488016125b4565b67ffffffffffffffff8061120f6101448b016125b4565b16911614801590611797575b61176b575b896024350361176b5767ffffffffffffffff8061124461123e612586565b936125b4565b169116111561173f5761125561259d565b67ffffffffffffffff8061126c6102848a016125b4565b16911611156117135761127d61259d565b67ffffffffffffffff429116116116e75795966102a4860196905f5b600781101561130a578867ffffffffffffffff806112ce6112c9856112c38160051b6084016125b4565b95612601565b6125b4565b169116106112de57600101611299565b8a7f176677e3000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b50899697506113669089611361602460a060405160e06084823760e081207fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508252606084602084013760808201522092019161314d565b61309b565b73ffffffffffffffffffffffffffffffffffffffff8061138586612499565b169116036116bb576101201361021f57604051916113a2836123ba565b3573ffffffffffffffffffffffffffffffffffffffff8116810361021f5782526113ce6024870161235d565b90602083019182523660638801121561021f576040519660e091906113f3838a6123f3565b889036831161021f57604401905b8282106116a3575050506040830196875261141f60405191826123f3565b610184815b610264821061165e5750508652611439612586565b9567ffffffffffffffff61144b61259d565b81604051996114598b6123ba565b16895216602088015260405161147060e0826123f3565b80366101641161021f576084905b610164821061164657505060408801526fffffffffffffffffffffffffffffffff6040519273ffffffffffffffffffffffffffffffffffffffff602085019551168552511660408301525195606082015f905b6007821061161e575050906114ee5f94939261014083019061252c565b61024081526114ff610260826123f3565b5190206004840155557fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8154169055611536612586565b61153e61259d565b604051916101845f845b600782106115ef5750505067ffffffffffffffff90811660e08401521661010082015260845f61012083015b600782106115c857847f9c4af84758ae8d65b5d6f3c46d0d0bb9b3982c4d98a9d95d159d5ccee6f801c161020086a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b60208060019267ffffffffffffffff6115e0876121c2565b16815201930191019091611574565b6020806001926fffffffffffffffffffffffffffffffff61160f8761235d565b16815201930191019091611548565b6020806001926fffffffffffffffffffffffffffffffff8c51168152019901910190976114d1565b60208091611653846121c2565b81520191019061147e565b6020809161166b8461235d565b815201910190611424565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b602080916116b08461235d565b815201910190611401565b857f666b7cba000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b887f6713e64d000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b887f8dd88fbb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b887f8c829089000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b897f79d62e06000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b5060405160208101906117ae826102a48b016125c9565b60e081526117be610100826123f3565b51902060405160208101906117d7826101648c016125c9565b60e081526117e7610100826123f3565b519020141561121b565b897fd29bb164000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b61182684612b15565b507fffffffff0000000000000000000000000000000000000000000000000000000081166118545750611220565b8a905f5260045260245ffd5b877f6dfa8592000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b877f7e490d81000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b887f59319137000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461021f57602060031936011261021f576004356119006126f6565b7f61aac2c01c0510599a78111d6a5d32abc5495a909864d2e698b2491367d7870d60206001611a2c6119318561276a565b61193b8187612806565b61195d67ffffffffffffffff825460a01c1667ffffffffffffffff4216612477565b81547fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff167c02000000000000000000000000000000000000000000000000000000001782556005820180547fffffffffffffffffffffffffffffffff00000000000000000000000000000000166fffffffffffffffffffffffffffffffff179055920180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff1660a084901b7bffffffffffffffff000000000000000000000000000000000000000016179055565b67ffffffffffffffff60405191168152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b3461021f576101c060031936011261021f57611a7c612189565b602435906044359073ffffffffffffffffffffffffffffffffffffffff821680920361021f576101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9c36011261021f57610184359067ffffffffffffffff82169384830361021f576101a43593611af26126f6565b73ffffffffffffffffffffffffffffffffffffffff83169283158015611e24575b8015611dfa575b611dd2578515611daa576084356fffffffffffffffffffffffffffffffff81169081810361021f575015611d825782611b539133612434565b95865f52600260205260405f209460ff865460e01c16600481101561042257611d565785547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff33167fffffffff000000000000000000000000000000000000000000000000000000009091161760a09190911b7bffffffffffffffff00000000000000000000000000000000000000001617855560209695610c0b9590949093909290917c01000000000000000000000000000000000000000000000000000000007fffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffff86541617855560018501847fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905560028501827fffffffffffffffffffffffff000000000000000000000000000000000000000082541617905567ffffffffffffffff421691604051611cac816123ba565b5f8152838b82015f8152604051611cc460e0826123f3565b60e0368237604084015252604051611ced8c820192611ce2846124d7565b61014083019061252c565b6102408152611cfe610260826123f3565b519020600487015560405193845289840152611d1c604084016124d7565b610160830152610180820152857f8c02ab9fd28617cdb80f46cbaac562344f6aea5426b5559e44ab93471d49fa886101a03393a483612855565b877fa940c060000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7f0256965f000000000000000000000000000000000000000000000000000000005f5260045ffd5b7f1f2a2005000000000000000000000000000000000000000000000000000000005f5260045ffd5b7fd92e233d000000000000000000000000000000000000000000000000000000005f5260045ffd5b5060643573ffffffffffffffffffffffffffffffffffffffff81169081810361021f575015611b1a565b508115611b13565b3461021f57602060031936011261021f5760043567ffffffffffffffff811161021f576103a0600319823603011261021f57611e666126f6565b611e7281600401612b15565b91907fffffffff000000000000000000000000000000000000000000000000000000008116611ec9576020835f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b61024492505f52013560045260245ffd5b3461021f57611ee8366121ac565b611ef06126f6565b80611efa8361276a565b91611f058385612806565b8115611daa577f8186b43841062565ab3c73dcdf2f0849aff00382c21cb84e182d22ea3a4c5494926fffffffffffffffffffffffffffffffff60409311612025575b6001611ff482611f6867ffffffffffffffff80955460a01c16854216612477565b6005820180547fffffffffffffffffffffffffffffffff00000000000000000000000000000000166fffffffffffffffffffffffffffffffff8816179055920180547fffffffff0000000000000000ffffffffffffffffffffffffffffffffffffffff1660a084901b7bffffffffffffffff000000000000000000000000000000000000000016179055565b8351928352166020820152a25f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b6fffffffffffffffffffffffffffffffff9150611f47565b3461021f5761204b366121ac565b6120536126f6565b61205c8261276a565b6120668184612806565b8115611daa576103c192612855565b3461021f576003193601610240811261021f576101201361021f576101207ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedc36011261021f576020610240604051610120600482376101206101248183013720604051908152f35b3461021f575f60031936011261021f57602060405160078152f35b3461021f57606060031936011261021f57612111612189565b60243573ffffffffffffffffffffffffffffffffffffffff8116810361021f576020916110869160443591612434565b3461021f5760e060031936011261021f573660e41161021f5760206040518181019061216e82600461237a565b60e0815261217e610100826123f3565b519020604051908152f35b6004359073ffffffffffffffffffffffffffffffffffffffff8216820361021f57565b600319604091011261021f576004359060243590565b359067ffffffffffffffff8216820361021f57565b9181601f8401121561021f5782359167ffffffffffffffff831161021f576020808501948460051b01011161021f57565b73ffffffffffffffffffffffffffffffffffffffff815116825267ffffffffffffffff60208201511660208301526040810151600481101561042257610160918291604085015260608101511515606085015273ffffffffffffffffffffffffffffffffffffffff608082015116608085015267ffffffffffffffff60a08201511660a085015273ffffffffffffffffffffffffffffffffffffffff60c08201511660c08501526fffffffffffffffffffffffffffffffff60e08201511660e08501526fffffffffffffffffffffffffffffffff610100820151166101008501526101208101516101208501526fffffffffffffffffffffffffffffffff610140820151166101408501520151910152565b907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f602080948051918291828752018686015e5f8582860101520116010190565b35906fffffffffffffffffffffffffffffffff8216820361021f57565b905f905b6007821061238b57505050565b6020806001926fffffffffffffffffffffffffffffffff6123ab8761235d565b1681520193019101909161237e565b6060810190811067ffffffffffffffff82111761167657604052565b610180810190811067ffffffffffffffff82111761167657604052565b90601f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0910116810190811067ffffffffffffffff82111761167657604052565b9173ffffffffffffffffffffffffffffffffffffffff604051928160208501951685521660408301526060820152606081526124716080826123f3565b51902090565b9067ffffffffffffffff8091169116019067ffffffffffffffff821161044f57565b3573ffffffffffffffffffffffffffffffffffffffff8116810361021f5790565b356fffffffffffffffffffffffffffffffff8116810361021f5790565b60643573ffffffffffffffffffffffffffffffffffffffff811680910361021f5781526084356fffffffffffffffffffffffffffffffff811680910361021f57602082015261252a9060400160a461237a565b565b6040809167ffffffffffffffff815116845267ffffffffffffffff6020820151166020850152015191015f905b6007821061256657505050565b60208060019267ffffffffffffffff865116815201930191019091612559565b60443567ffffffffffffffff8116810361021f5790565b60643567ffffffffffffffff8116810361021f5790565b3567ffffffffffffffff8116810361021f5790565b905f905b600782106125da57505050565b60208060019267ffffffffffffffff6125f2876121c2565b168152019301910190916125cd565b9060078110156126125760051b0190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b67ffffffffffffffff81116116765760051b60200190565b60405190612664826123d6565b5f610160838281528260208201528260408201528260608201528260808201528260a08201528260c08201528260e08201528261010082015282610120820152826101408201520152565b91908110156126125760051b0190565b80518210156126125760209160051b010190565b9190820180921161044f57565b6101206102409281604051938437818301372090565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c6127425760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b90815f52600260205260405f2091825460ff8160e01c16600481101561042257156127da5773ffffffffffffffffffffffffffffffffffffffff339116036127af5750565b7fadb4bcce000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b905460e01c60ff1660048110156104225760028114612829576003146104ef5750565b507f0b70c7f9000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b9073ffffffffffffffffffffffffffffffffffffffff600282015416604051907f70a08231000000000000000000000000000000000000000000000000000000008252306004830152602082602481845afa918215612a57575f92612aac575b50604051947f23b872dd000000000000000000000000000000000000000000000000000000005f52336004523060245260445260205f60648180855af160015f5114811615612a8d575b856040525f60605215612a6257846024816020937f70a082310000000000000000000000000000000000000000000000000000000082523060048301525afa938415612a57575f94612a23575b508084039380851161044f5714611daa5760030180546fffffffffffffffffffffffffffffffff61298c612982868385166126d3565b9260801c836126d3565b116129fb576fffffffffffffffffffffffffffffffff809116167fffffffffffffffffffffffffffffffff000000000000000000000000000000008254161790556040519182527f87d4c0b5e30d6808bc8a94ba1c4d839b29d664151551a31753387ee9ef48429b60203393a3565b7f89560ca1000000000000000000000000000000000000000000000000000000005f5260045ffd5b9093506020813d602011612a4f575b81612a3f602093836123f3565b8101031261021f5751925f61294c565b3d9150612a32565b6040513d5f823e3d90fd5b7f5274afe7000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6001811516612aa357813b15153d1516166128ff565b853d5f823e3d90fd5b9091506020813d602011612ad8575b81612ac8602093836123f3565b8101031261021f5751905f6128b5565b3d9150612abb565b9067ffffffffffffffff8091169116039067ffffffffffffffff821161044f57565b8181029291811591840414171561044f57565b5f916102408201803590815f52600260205260405f2093600485018054918215612fd05760018314612fa357610120810192612b5184836126e0565b03612f765761026081019267ffffffffffffffff80612b7261123e876125b4565b1691161115612f4957610280810193612b8a856125b4565b61014083019067ffffffffffffffff80612ba3846125b4565b1691161115612f1a57612bb5866125b4565b67ffffffffffffffff42911611612eeb575f916102a0840190836101608601604087015b60078310612e2d57505050612c2d9160a09160e0604051928337606060e08320917fa52ef6d75a5ce2a98c962712da852503d4a7ed1b9a47b728d9472fc4161c01508452602084013760808201522061314d565b6103808401357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe18536030181121561021f57840180359067ffffffffffffffff821161021f57602001813603811361021f57612c889261309b565b73ffffffffffffffffffffffffffffffffffffffff80612ca786612499565b16911603612dfe57612cfd9067ffffffffffffffff612cf66fffffffffffffffffffffffffffffffff612cdc602088016124ba565b1692612cf0612cea8b6125b4565b916125b4565b90612ae0565b1690612b02565b80821015612df757505b6003819801906fffffffffffffffffffffffffffffffff825416809111612def575b81546fffffffffffffffffffffffffffffffff8a811692839003167fffffffffffffffffffffffffffffffff000000000000000000000000000000009182168117608090811c90930190921b161790556040517f0c641e480d7987b9c5056603b6b88780b74c3605ee0c6d854642e5dda0431b8494606094909367ffffffffffffffff93612dd893612dd2939291610240919061012090823761012084818301372090556125b4565b926125b4565b8160405193168352166020820152856040820152a2565b975087612d29565b9050612d07565b507f666b7cba0000000000000000000000000000000000000000000000000000000098505f9750505050505050565b909195612e3d6112c98887612601565b612e4a6112c98986612601565b9067ffffffffffffffff821667ffffffffffffffff821610612eb55791612ea667ffffffffffffffff612e82612eac94600196612ae0565b166fffffffffffffffffffffffffffffffff612cf6612ea18d89612601565b6124ba565b906126d3565b96019190612bd9565b507f176677e3000000000000000000000000000000000000000000000000000000009f505f9e5050505050505050505050505050565b507f6713e64d0000000000000000000000000000000000000000000000000000000098505f9750505050505050565b507f8dd88fbb0000000000000000000000000000000000000000000000000000000098505f9750505050505050565b507f8c8290890000000000000000000000000000000000000000000000000000000096505f955050505050565b507fd29bb1640000000000000000000000000000000000000000000000000000000096505f955050505050565b507fc634fd030000000000000000000000000000000000000000000000000000000096505f955050505050565b507fb08fc1cb0000000000000000000000000000000000000000000000000000000096505f955050505050565b90815f52600260205260405f209160ff835460e01c16600481101561042257156130705773ffffffffffffffffffffffffffffffffffffffff60018401541633036130455750565b7fc9126aae000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fb08fc1cb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffbf016131475760208101359160408201355f1a907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841161313457601b8214158061313c575b613134576020935f9360809360405193845286840152356040830152606082015282805260015afa15612a57575f5190565b505050505f90565b50601c821415613102565b50505f90565b6042906131586132d6565b90604051917f19010000000000000000000000000000000000000000000000000000000000008352600283015260228201522090565b9173ffffffffffffffffffffffffffffffffffffffff604051927fa9059cbb000000000000000000000000000000000000000000000000000000005f521660045260245260205f60448180865af19060015f5114821615613237575b604052156131f55750565b73ffffffffffffffffffffffffffffffffffffffff907f5274afe7000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b90600181151661324f57823b15153d151616906131ea565b503d5f823e3d90fd5b8154600160048401555f600684018190557fffff0000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff9091167c030000000000000000000000000000000000000000000000000000000017909255907fceeab2eef998c17fe96f30f83fbf3c55fc5047f6e40c55a0cf72d236e9d2ba729080a2565b73ffffffffffffffffffffffffffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000163014806133d0575b1561333e577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a0815261247160c0826123f3565b507f00000000000000000000000000000000000000000000000000000000000000004614613315565b60ff811690601f821161342857604051916134156040846123f3565b6020808452838101919036833783525290565b7fb3512b0c000000000000000000000000000000000000000000000000000000005f5260045ffd",
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
// the contract method with ID 0x462a8d44.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function applyPricing(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes) lastOld, (bytes32,uint64,uint64,uint64[7]) firstNew, bytes sigNew, uint128[7] newPrices) returns()
func (payment *Payment) PackApplyPricing(lastOld PaymentClaim, firstNew PaymentReceipt, sigNew []byte, newPrices [7]*big.Int) []byte {
	enc, err := payment.abi.Pack("applyPricing", lastOld, firstNew, sigNew, newPrices)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApplyPricing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x462a8d44.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function applyPricing(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes) lastOld, (bytes32,uint64,uint64,uint64[7]) firstNew, bytes sigNew, uint128[7] newPrices) returns()
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
// the contract method with ID 0x29566860.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes) c) returns(uint256 paid)
func (payment *Payment) PackClaim(c PaymentClaim) []byte {
	enc, err := payment.abi.Pack("claim", c)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x29566860.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes) c) returns(uint256 paid)
func (payment *Payment) TryPackClaim(c PaymentClaim) ([]byte, error) {
	return payment.abi.Pack("claim", c)
}

// UnpackClaim is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x29566860.
//
// Solidity: function claim(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes) c) returns(uint256 paid)
func (payment *Payment) UnpackClaim(data []byte) (*big.Int, error) {
	out, err := payment.abi.Unpack("claim", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8384939.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimMany(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes)[] cs) returns(uint256 totalPaid)
func (payment *Payment) PackClaimMany(cs []PaymentClaim) []byte {
	enc, err := payment.abi.Pack("claimMany", cs)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8384939.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimMany(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes)[] cs) returns(uint256 totalPaid)
func (payment *Payment) TryPackClaimMany(cs []PaymentClaim) ([]byte, error) {
	return payment.abi.Pack("claimMany", cs)
}

// UnpackClaimMany is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa8384939.
//
// Solidity: function claimMany(((address,uint128,uint128[7]),(uint64,uint64,uint64[7]),(bytes32,uint64,uint64,uint64[7]),bytes)[] cs) returns(uint256 totalPaid)
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
