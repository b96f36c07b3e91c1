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

// RegistryCapacity is an auto generated low-level Go binding around an user-defined struct.
type RegistryCapacity struct {
	CpuMillicores uint64
	MemoryMiB     uint64
	StorageMiB    uint64
	GpuMilli      uint64
}

// RegistryPricingTable is an auto generated low-level Go binding around an user-defined struct.
type RegistryPricingTable struct {
	Token            common.Address
	Prices           [7]*big.Int
	MinDisputePeriod uint64
}

// RegistryProvider is an auto generated low-level Go binding around an user-defined struct.
type RegistryProvider struct {
	Owner        common.Address
	Active       bool
	RegisteredAt uint64
	UpdatedAt    uint64
	Info         RegistryProviderInfo
	Pricing      []RegistryPricingTable
}

// RegistryProviderInfo is an auto generated low-level Go binding around an user-defined struct.
type RegistryProviderInfo struct {
	PeerId          string
	Addrs           []string
	HostInfoCid     string
	TeeType         string
	AttestationHash [32]byte
	AttestationCid  string
	Region          string
	Capacity        RegistryCapacity
}

// RegistryMetaData contains all meta data concerning the Registry contract.
var RegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"AlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"DuplicateToken\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"field\",\"type\":\"string\"}],\"name\":\"FieldTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"MissingPeerInfo\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoPricing\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"NotRegistered\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"ProviderInactive\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"TooManyAddresses\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"TooManyPricingTables\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroToken\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"ProviderDeactivated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"hostInfoCid\",\"type\":\"string\"}],\"name\":\"ProviderRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"hostInfoCid\",\"type\":\"string\"}],\"name\":\"ProviderUpdated\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_ADDRS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_FIELD_LENGTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PAGE\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PRICING_TABLES\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deactivate\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"getProvider\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"},{\"internalType\":\"uint64\",\"name\":\"registeredAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"updatedAt\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"internalType\":\"string[]\",\"name\":\"addrs\",\"type\":\"string[]\"},{\"internalType\":\"string\",\"name\":\"hostInfoCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"teeType\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"attestationHash\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"attestationCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"region\",\"type\":\"string\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"cpuMillicores\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"memoryMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"storageMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"gpuMilli\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.Capacity\",\"name\":\"capacity\",\"type\":\"tuple\"}],\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"info\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"internalType\":\"uint64\",\"name\":\"minDisputePeriod\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.PricingTable[]\",\"name\":\"pricing\",\"type\":\"tuple[]\"}],\"internalType\":\"structRegistry.Provider\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"isActive\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"offset\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"limit\",\"type\":\"uint256\"}],\"name\":\"listProviders\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"},{\"internalType\":\"uint64\",\"name\":\"registeredAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"updatedAt\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"internalType\":\"string[]\",\"name\":\"addrs\",\"type\":\"string[]\"},{\"internalType\":\"string\",\"name\":\"hostInfoCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"teeType\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"attestationHash\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"attestationCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"region\",\"type\":\"string\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"cpuMillicores\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"memoryMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"storageMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"gpuMilli\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.Capacity\",\"name\":\"capacity\",\"type\":\"tuple\"}],\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"info\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"internalType\":\"uint64\",\"name\":\"minDisputePeriod\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.PricingTable[]\",\"name\":\"pricing\",\"type\":\"tuple[]\"}],\"internalType\":\"structRegistry.Provider[]\",\"name\":\"page\",\"type\":\"tuple[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"providerCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"internalType\":\"string[]\",\"name\":\"addrs\",\"type\":\"string[]\"},{\"internalType\":\"string\",\"name\":\"hostInfoCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"teeType\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"attestationHash\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"attestationCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"region\",\"type\":\"string\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"cpuMillicores\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"memoryMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"storageMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"gpuMilli\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.Capacity\",\"name\":\"capacity\",\"type\":\"tuple\"}],\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"info\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"internalType\":\"uint64\",\"name\":\"minDisputePeriod\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.PricingTable[]\",\"name\":\"pricing\",\"type\":\"tuple[]\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"internalType\":\"string[]\",\"name\":\"addrs\",\"type\":\"string[]\"},{\"internalType\":\"string\",\"name\":\"hostInfoCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"teeType\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"attestationHash\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"attestationCid\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"region\",\"type\":\"string\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"cpuMillicores\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"memoryMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"storageMiB\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"gpuMilli\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.Capacity\",\"name\":\"capacity\",\"type\":\"tuple\"}],\"internalType\":\"structRegistry.ProviderInfo\",\"name\":\"info\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint128[7]\",\"name\":\"prices\",\"type\":\"uint128[7]\"},{\"internalType\":\"uint64\",\"name\":\"minDisputePeriod\",\"type\":\"uint64\"}],\"internalType\":\"structRegistry.PricingTable[]\",\"name\":\"pricing\",\"type\":\"tuple[]\"}],\"name\":\"update\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Registry",
	Bin: "0x60808060405234601557611fd6908161001a8239f35b5f80fdfe60806040526004361015610011575f80fd5b5f3560e01c80631bbb7d5c146105a557806351b42b00146104dc57806355f21eb7146104295780635e1b84f51461024257806369fc09b91461022757806374c832681461020a5780638b03bc47146101ee57806394fc6422146100925780639f8a13d71461019f578063d55ee349146100975763edcd25c014610092575f80fd5b6109b1565b3461019b576100a536610938565b335f525f60205260405f2091825473ffffffffffffffffffffffffffffffffffffffff81161561016f5760a01c60ff161561014357836100ef936100ea848484611132565b611567565b7f5984471a2890c20d45f6e9343afb076aacc13d9ad3543f58df2099e14b523b3761013e61012d6101208480611011565b9190946040810190611011565b604093919351938493339785611082565b0390a2005b7f44638ed3000000000000000000000000000000000000000000000000000000005f523360045260245ffd5b7fbfc6c337000000000000000000000000000000000000000000000000000000005f523360045260245ffd5b5f80fd5b3461019b57602060031936011261019b5760043573ffffffffffffffffffffffffffffffffffffffff811680910361019b575f525f602052602060ff60405f205460a01c166040519015158152f35b3461019b575f60031936011261019b5760206040516101008152f35b3461019b575f60031936011261019b576020600154604051908152f35b3461019b575f60031936011261019b57602060405160648152f35b3461019b5761025036610938565b335f525f60205260405f2091825460ff8160a01c166103fd5773ffffffffffffffffffffffffffffffffffffffff859161028b858585611132565b1615610309575b83740100000000000000000000000000000000000000007fffffffffffffffffffffff00ffffffffffffffffffffffffffffffffffffffff6102d8965416178155611567565b7f6b1aa1e318762b7b04f60cd1d318222049b2c70c1c7daad0af5276d5f3b2525a61013e61012d6101208480611011565b5082547fffffff0000000000000000ffffffffffffffffffffffffffffffffffffffffff33167fffffff0000000000000000ff0000000000000000000000000000000000000000909116174260a81b7cffffffffffffffff00000000000000000000000000000000000000000016178355600154680100000000000000008110156103d0576102d8936103a3826001889401600155610b1b565b81549060031b9073ffffffffffffffffffffffffffffffffffffffff33831b921b19161790559350610292565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b7f45ed80e9000000000000000000000000000000000000000000000000000000005f523360045260245ffd5b3461019b57602060031936011261019b5760043573ffffffffffffffffffffffffffffffffffffffff811680910361019b57610463610a96565b50805f525f60205260405f209073ffffffffffffffffffffffffffffffffffffffff825416156104b1576104ad61049983610c83565b60405191829160208352602083019061066b565b0390f35b7fbfc6c337000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b3461019b575f60031936011261019b57335f525f60205260405f2080549073ffffffffffffffffffffffffffffffffffffffff82161561016f5760ff8260a01c1615610143577fffffffffffffffffffffff00ffffffffffffffffffffffffffffffffffffffff6001921681550167ffffffffffffffff804216167fffffffffffffffffffffffffffffffffffffffffffffffff0000000000000000825416179055337f3584a4db7306d80246748a1c4bc6188505b8053684afee0c79670dade4db205c5f80a2005b3461019b57604060031936011261019b576105c4602435600435610f0b565b6040518091602082016020835281518091526040830190602060408260051b8601019301915f905b8282106105fb57505050500390f35b91936020610636827fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc06001959799849503018652885161066b565b96019201920185949391926105ec565b90601f19601f602080948051918291828752018686015e5f8582860101520116010190565b73ffffffffffffffffffffffffffffffffffffffff815116825260208101511515602083015267ffffffffffffffff604082015116604083015267ffffffffffffffff606082015116606083015260808101519060c060808401526106de825161016060c0860152610220850190610646565b6020830151907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff408582030160e0860152815180825260208201916020808360051b8301019401925f915b83831061090b5750505050509067ffffffffffffffff606060e061082f6107fa6107bb61078760a09860408b01518c6101007fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff4082850301910152610646565b858a01517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff408c8303016101208d0152610646565b60808901516101408b0152878901517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff408b8303016101608c0152610646565b60c08801517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff408a8303016101808b0152610646565b950151828151166101a0880152826020820151166101c0880152826040820151166101e088015201511661020085015201519160a0818303910152602080835192838152019201905f5b8181106108865750505090565b909192835173ffffffffffffffffffffffffffffffffffffffff8151168252602081015160208301905f915b600783106108e3575050506040015167ffffffffffffffff1661010082015261012001926020019190600101610879565b6020806001926fffffffffffffffffffffffffffffffff8551168152019201920191906108b2565b909192939460208061092983601f1986600196030187528951610646565b97019301930191939290610728565b604060031982011261019b5760043567ffffffffffffffff811161019b57610160600319828403011261019b576004019160243567ffffffffffffffff811161019b578260238201121561019b5780600401359267ffffffffffffffff841161019b57602461012085028301011161019b576024019190565b3461019b575f60031936011261019b57602060405160108152f35b919082039182116109d957565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b60c0810190811067ffffffffffffffff8211176103d057604052565b610100810190811067ffffffffffffffff8211176103d057604052565b6080810190811067ffffffffffffffff8211176103d057604052565b90601f601f19910116810190811067ffffffffffffffff8211176103d057604052565b67ffffffffffffffff81116103d05760051b60200190565b60405190610aa382610a06565b606060a0835f81525f60208201525f60408201525f83820152604051610ac881610a22565b83815283602082015283604082015283808201525f608082015283838201528360c0820152604051610af981610a3f565b5f81525f60208201525f60408201525f8582015260e082015260808201520152565b600154811015610b335760015f5260205f2001905f90565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b8051821015610b335760209160051b010190565b90600182811c92168015610bbb575b6020831014610b8e57565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602260045260245ffd5b91607f1691610b83565b9060405191825f825492610bd884610b74565b8084529360018116908115610c435750600114610bff575b50610bfd92500383610a5b565b565b90505f9291925260205f20905f915b818310610c27575050906020610bfd928201015f610bf0565b6020919350806001915483858901015201910190918492610c0e565b60209350610bfd9592507fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0091501682840152151560051b8201015f610bf0565b90604051610c9081610a06565b809267ffffffffffffffff815473ffffffffffffffffffffffffffffffffffffffff8116845260ff8160a01c161515602085015260a81c16604083015267ffffffffffffffff6001820154166060830152604051610ced81610a22565b610cf960028301610bc5565b8152600382018054610d0a81610a7e565b91610d186040519384610a5b565b81835260208301905f5260205f205f915b838310610eee57505050506020820152600a9190610d4960048301610bc5565b6040820152610d5a60058301610bc5565b606082015260068201546080820152610d7560078301610bc5565b60a0820152610d8660088301610bc5565b60c0820152604051610d9781610a3f565b600983015467ffffffffffffffff8116825267ffffffffffffffff8160401c16602083015267ffffffffffffffff8160801c16604083015260c01c606082015260e082015260808401520190815491610def83610a7e565b92610dfd6040519485610a5b565b80845260208401915f5260205f20915f905b828210610e20575050505060a00152565b6040516060810181811067ffffffffffffffff8211176103d05760405273ffffffffffffffffffffffffffffffffffffffff855416815260405180600187015f5b60076001820110610ebc5750546fffffffffffffffffffffffffffffffff169052600192600692602092610e9660e082610a5b565b8382015267ffffffffffffffff6005890154166040820152815201940191019092610e0f565b90916001604060029285546fffffffffffffffffffffffffffffffff8116825260801c60208201520193019101610e61565b600160208192610efd85610bc5565b815201920192019190610d29565b919060015490818410156110095760648111611001575b8301908184116109d957808211610ff9575b50610f3f83826109cc565b92601f19610f65610f4f86610a7e565b95610f5d6040519788610a5b565b808752610a7e565b015f5b818110610fe257505083815b838110610f815750505050565b8073ffffffffffffffffffffffffffffffffffffffff610fa2600193610b1b565b90549060031b1c165f525f602052610fdb60405f20610fca610fc487856109cc565b91610c83565b610fd48287610b60565b5284610b60565b5001610f74565b602090610fed610a96565b82828901015201610f68565b90505f610f34565b506064610f22565b506060925050565b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe18136030182121561019b570180359067ffffffffffffffff821161019b5760200191813603831361019b57565b601f8260209493601f1993818652868601375f8582860101520116010190565b929061109b906110a99593604086526040860191611062565b926020818503910152611062565b90565b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe18136030182121561019b570180359067ffffffffffffffff821161019b57602001918160051b3603831361019b57565b9190811015610b3357610120020190565b3573ffffffffffffffffffffffffffffffffffffffff8116810361019b5790565b91909161113f8180611011565b90501580611504575b6114dc576111976111598280611011565b60405191611168604084610a5b565b600683527f70656572496400000000000000000000000000000000000000000000000000006020840152611f88565b6111e56111a76040830183611011565b604051916111b6604084610a5b565b600b83527f686f7374496e666f4369640000000000000000000000000000000000000000006020840152611f88565b6112336111f56060830183611011565b60405191611204604084610a5b565b600783527f74656554797065000000000000000000000000000000000000000000000000006020840152611f88565b61128161124360a0830183611011565b60405191611252604084610a5b565b600e83527f6174746573746174696f6e4369640000000000000000000000000000000000006020840152611f88565b6112cf61129160c0830183611011565b604051916112a0604084610a5b565b600683527f726567696f6e00000000000000000000000000000000000000000000000000006020840152611f88565b602081019160106112e084846110ac565b9050116114a5575f5b6112f384846110ac565b90508110156113685761130684846110ac565b8291921015610b33576113626113246001938360051b810190611011565b60405191611333604084610a5b565b600583527f61646472730000000000000000000000000000000000000000000000000000006020840152611f88565b016112e9565b5092915050811561147d5760108211611451575f5b82811061138957505050565b73ffffffffffffffffffffffffffffffffffffffff6113b16113ac838686611100565b611111565b168015611429575f5b8281106113cb57505060010161137d565b8173ffffffffffffffffffffffffffffffffffffffff6113ef6113ac848989611100565b16146113fd576001016113ba565b507f22ae4494000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fad1991f5000000000000000000000000000000000000000000000000000000005f5260045ffd5b507f6f4a15eb000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fcef42724000000000000000000000000000000000000000000000000000000005f5260045ffd5b6114af83836110ac565b90507fddf4f84b000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fe446d686000000000000000000000000000000000000000000000000000000005f5260045ffd5b506115126040820182611011565b905015611148565b5f5b82811061152857505050565b5f8282015560010161151c565b3567ffffffffffffffff8116810361019b5790565b356fffffffffffffffffffffffffffffffff8116810361019b5790565b6001810180547fffffffffffffffffffffffffffffffffffffffffffffffff0000000000000000164267ffffffffffffffff161790559093919290600281016115b08680611011565b9067ffffffffffffffff82116103d0576115ca8354610b74565b601f8111611f4e575b505f90601f8311600114611eea5761160192915f9183611ac6575b50505f198260011b9260031b1c19161790565b90555b6003810161161560208701876110ac565b906801000000000000000082116103d0578254828455808310611e6c575b505f928352602083209290805b838310611d575750505050506004810161165d6040870187611011565b9067ffffffffffffffff82116103d0576116778354610b74565b601f8111611d1d575b505f90601f8311600114611cb9576116ad92915f9183611ac65750505f198260011b9260031b1c19161790565b90555b600581016116c16060870187611011565b9067ffffffffffffffff82116103d0576116db8354610b74565b601f8111611c7f575b505f90601f8311600114611c1b5761171192915f9183611ac65750505f198260011b9260031b1c19161790565b90555b608085013560068201556007810161172f60a0870187611011565b9067ffffffffffffffff82116103d0576117498354610b74565b601f8111611be1575b505f90601f8311600114611b7d5761177f92915f9183611ac65750505f198260011b9260031b1c19161790565b90555b600881019461179460c0820182611011565b67ffffffffffffffff81989298116103d0576117b08254610b74565b601f8111611b3a575b505f601f8211600114611ad15790806117eb92600a9798999a5f92611ac65750505f198260011b9260031b1c19161790565b90555b600982019067ffffffffffffffff61180860e08301611535565b167fffffffffffffffffffffffffffffffffffffffffffffffff000000000000000083541617825561183d6101008201611535565b90825467ffffffffffffffff6fffffffffffffffff00000000000000007fffffffffffffffff0000000000000000000000000000000000000000000000006118b261014077ffffffffffffffff000000000000000000000000000000006118a76101208901611535565b60801b169601611535565b60c01b169460401b1691161717179055019081545f835580611a71575b505f5b8181106118e0575050509050565b6118eb818387611100565b8354680100000000000000008110156103d05760018101808655811015610b3357845f52600660205f209102019073ffffffffffffffffffffffffffffffffffffffff61193782611111565b167fffffffffffffffffffffffff0000000000000000000000000000000000000000835416178255602081015f5b60038110611a1257505f905f5b600181106119cf575050600561199e610100859467ffffffffffffffff94600460019998015501611535565b920191167fffffffffffffffffffffffffffffffffffffffffffffffff0000000000000000825416179055016118d2565b90916020611a096001926119e28661154a565b908560041b6fffffffffffffffffffffffffffffffff809160031b9316831b921b19161790565b93019101611972565b5f5f5b60028110611a2e57509060019182828701015501611965565b92906020611a68600192611a418561154a565b908760041b6fffffffffffffffffffffffffffffffff809160031b9316831b921b19161790565b92019301611a15565b806006029060068204036109d957825f5260205f205f5b828110611a965750506118cf565b8082015f81555f5b60048110611ab65750905f6005600693015501611a88565b805f600180938501015501611a9e565b013590505f806115ee565b601f19821690835f5260205f20915f5b818110611b22575099839291600194600a999a9b9c10611b09575b505050811b0190556117ee565b5f1960f88560031b161c199101351690555f8080611afc565b9192602060018192868f013581550194019201611ae1565b818111156117b957611b6f90835f5260205f2090601f840160051c9060208510611b75575b601f82910160051c03910161151a565b5f6117b9565b5f9150611b5f565b601f19831691845f5260205f20925f5b818110611bc95750908460019594939210611bb0575b505050811b019055611782565b5f1960f88560031b161c199101351690555f8080611ba3565b91936020600181928787013581550195019201611b8d565b8281111561175257611c1590845f5260205f2090601f850160051c9060208610611b7557601f82910160051c03910161151a565b5f611752565b601f19831691845f5260205f20925f5b818110611c675750908460019594939210611c4e575b505050811b019055611714565b5f1960f88560031b161c199101351690555f8080611c41565b91936020600181928787013581550195019201611c2b565b828111156116e457611cb390845f5260205f2090601f850160051c9060208610611b7557601f82910160051c03910161151a565b5f6116e4565b601f19831691845f5260205f20925f5b818110611d055750908460019594939210611cec575b505050811b0190556116b0565b5f1960f88560031b161c199101351690555f8080611cdf565b91936020600181928787013581550195019201611cc9565b8281111561168057611d5190845f5260205f2090601f850160051c9060208610611b7557601f82910160051c03910161151a565b5f611680565b611d618183611011565b9067ffffffffffffffff82116103d057611d7b8754610b74565b601f8111611e32575b505f90601f8311600114611dc85792611db9836001959460209487965f92611ac65750505f198260011b9260031b1c19161790565b88555b01950192019193611640565b601f19831691885f5260205f20925f5b818110611e1a5750936020936001969387969383889510611e01575b505050811b018855611dbc565b5f1960f88560031b161c199101351690555f8080611df4565b91936020600181928787013581550195019201611dd8565b82811115611d8457611e6690885f5260205f2090601f850160051c9060208610611b7557601f82910160051c03910161151a565b5f611d84565b835f52828060205f20019103905f5b828110611e89575050611633565b806001918301611e998154610b74565b9081611ea8575b505001611e7b565b81601f5f93118514611ebe5750555b5f80611ea0565b81835260208320611eda91601f0160051c5f190190860161151a565b8082528160208120915555611eb7565b601f19831691845f5260205f20925f5b818110611f365750908460019594939210611f1d575b505050811b019055611604565b5f1960f88560031b161c199101351690555f8080611f10565b91936020600181928787013581550195019201611efa565b828111156115d357611f8290845f5260205f2090601f850160051c9060208610611b7557601f82910160051c03910161151a565b5f6115d3565b5061010010611f945750565b611fd2906040519182917f35ed3053000000000000000000000000000000000000000000000000000000008352602060048401526024830190610646565b0390fd",
}

// Registry is an auto generated Go binding around an Ethereum contract.
type Registry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Registry) GetABI() abi.ABI {
	return c.abi
}

// NewRegistry creates a new instance of Registry.
func NewRegistry() *Registry {
	parsed, err := RegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Registry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Registry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackMAXADDRS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94fc6422.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_ADDRS() view returns(uint256)
func (registry *Registry) PackMAXADDRS() []byte {
	enc, err := registry.abi.Pack("MAX_ADDRS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXADDRS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94fc6422.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_ADDRS() view returns(uint256)
func (registry *Registry) TryPackMAXADDRS() ([]byte, error) {
	return registry.abi.Pack("MAX_ADDRS")
}

// UnpackMAXADDRS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x94fc6422.
//
// Solidity: function MAX_ADDRS() view returns(uint256)
func (registry *Registry) UnpackMAXADDRS(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_ADDRS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXFIELDLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8b03bc47.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_FIELD_LENGTH() view returns(uint256)
func (registry *Registry) PackMAXFIELDLENGTH() []byte {
	enc, err := registry.abi.Pack("MAX_FIELD_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXFIELDLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8b03bc47.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_FIELD_LENGTH() view returns(uint256)
func (registry *Registry) TryPackMAXFIELDLENGTH() ([]byte, error) {
	return registry.abi.Pack("MAX_FIELD_LENGTH")
}

// UnpackMAXFIELDLENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8b03bc47.
//
// Solidity: function MAX_FIELD_LENGTH() view returns(uint256)
func (registry *Registry) UnpackMAXFIELDLENGTH(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_FIELD_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPAGE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fc09b9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PAGE() view returns(uint256)
func (registry *Registry) PackMAXPAGE() []byte {
	enc, err := registry.abi.Pack("MAX_PAGE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPAGE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x69fc09b9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PAGE() view returns(uint256)
func (registry *Registry) TryPackMAXPAGE() ([]byte, error) {
	return registry.abi.Pack("MAX_PAGE")
}

// UnpackMAXPAGE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x69fc09b9.
//
// Solidity: function MAX_PAGE() view returns(uint256)
func (registry *Registry) UnpackMAXPAGE(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_PAGE", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPRICINGTABLES is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xedcd25c0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PRICING_TABLES() view returns(uint256)
func (registry *Registry) PackMAXPRICINGTABLES() []byte {
	enc, err := registry.abi.Pack("MAX_PRICING_TABLES")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPRICINGTABLES is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xedcd25c0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PRICING_TABLES() view returns(uint256)
func (registry *Registry) TryPackMAXPRICINGTABLES() ([]byte, error) {
	return registry.abi.Pack("MAX_PRICING_TABLES")
}

// UnpackMAXPRICINGTABLES is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xedcd25c0.
//
// Solidity: function MAX_PRICING_TABLES() view returns(uint256)
func (registry *Registry) UnpackMAXPRICINGTABLES(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("MAX_PRICING_TABLES", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDeactivate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51b42b00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deactivate() returns()
func (registry *Registry) PackDeactivate() []byte {
	enc, err := registry.abi.Pack("deactivate")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeactivate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51b42b00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deactivate() returns()
func (registry *Registry) TryPackDeactivate() ([]byte, error) {
	return registry.abi.Pack("deactivate")
}

// PackGetProvider is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x55f21eb7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getProvider(address provider) view returns((address,bool,uint64,uint64,(string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)),(address,uint128[7],uint64)[]))
func (registry *Registry) PackGetProvider(provider common.Address) []byte {
	enc, err := registry.abi.Pack("getProvider", provider)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetProvider is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x55f21eb7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getProvider(address provider) view returns((address,bool,uint64,uint64,(string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)),(address,uint128[7],uint64)[]))
func (registry *Registry) TryPackGetProvider(provider common.Address) ([]byte, error) {
	return registry.abi.Pack("getProvider", provider)
}

// UnpackGetProvider is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x55f21eb7.
//
// Solidity: function getProvider(address provider) view returns((address,bool,uint64,uint64,(string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)),(address,uint128[7],uint64)[]))
func (registry *Registry) UnpackGetProvider(data []byte) (RegistryProvider, error) {
	out, err := registry.abi.Unpack("getProvider", data)
	if err != nil {
		return *new(RegistryProvider), err
	}
	out0 := *abi.ConvertType(out[0], new(RegistryProvider)).(*RegistryProvider)
	return out0, nil
}

// PackIsActive is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9f8a13d7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isActive(address provider) view returns(bool)
func (registry *Registry) PackIsActive(provider common.Address) []byte {
	enc, err := registry.abi.Pack("isActive", provider)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsActive is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9f8a13d7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isActive(address provider) view returns(bool)
func (registry *Registry) TryPackIsActive(provider common.Address) ([]byte, error) {
	return registry.abi.Pack("isActive", provider)
}

// UnpackIsActive is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9f8a13d7.
//
// Solidity: function isActive(address provider) view returns(bool)
func (registry *Registry) UnpackIsActive(data []byte) (bool, error) {
	out, err := registry.abi.Unpack("isActive", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackListProviders is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1bbb7d5c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function listProviders(uint256 offset, uint256 limit) view returns((address,bool,uint64,uint64,(string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)),(address,uint128[7],uint64)[])[] page)
func (registry *Registry) PackListProviders(offset *big.Int, limit *big.Int) []byte {
	enc, err := registry.abi.Pack("listProviders", offset, limit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackListProviders is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1bbb7d5c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function listProviders(uint256 offset, uint256 limit) view returns((address,bool,uint64,uint64,(string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)),(address,uint128[7],uint64)[])[] page)
func (registry *Registry) TryPackListProviders(offset *big.Int, limit *big.Int) ([]byte, error) {
	return registry.abi.Pack("listProviders", offset, limit)
}

// UnpackListProviders is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1bbb7d5c.
//
// Solidity: function listProviders(uint256 offset, uint256 limit) view returns((address,bool,uint64,uint64,(string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)),(address,uint128[7],uint64)[])[] page)
func (registry *Registry) UnpackListProviders(data []byte) ([]RegistryProvider, error) {
	out, err := registry.abi.Unpack("listProviders", data)
	if err != nil {
		return *new([]RegistryProvider), err
	}
	out0 := *abi.ConvertType(out[0], new([]RegistryProvider)).(*[]RegistryProvider)
	return out0, nil
}

// PackProviderCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x74c83268.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function providerCount() view returns(uint256)
func (registry *Registry) PackProviderCount() []byte {
	enc, err := registry.abi.Pack("providerCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProviderCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x74c83268.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function providerCount() view returns(uint256)
func (registry *Registry) TryPackProviderCount() ([]byte, error) {
	return registry.abi.Pack("providerCount")
}

// UnpackProviderCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x74c83268.
//
// Solidity: function providerCount() view returns(uint256)
func (registry *Registry) UnpackProviderCount(data []byte) (*big.Int, error) {
	out, err := registry.abi.Unpack("providerCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5e1b84f5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register((string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)) info, (address,uint128[7],uint64)[] pricing) returns()
func (registry *Registry) PackRegister(info RegistryProviderInfo, pricing []RegistryPricingTable) []byte {
	enc, err := registry.abi.Pack("register", info, pricing)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5e1b84f5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register((string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)) info, (address,uint128[7],uint64)[] pricing) returns()
func (registry *Registry) TryPackRegister(info RegistryProviderInfo, pricing []RegistryPricingTable) ([]byte, error) {
	return registry.abi.Pack("register", info, pricing)
}

// PackUpdate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd55ee349.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function update((string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)) info, (address,uint128[7],uint64)[] pricing) returns()
func (registry *Registry) PackUpdate(info RegistryProviderInfo, pricing []RegistryPricingTable) []byte {
	enc, err := registry.abi.Pack("update", info, pricing)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd55ee349.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function update((string,string[],string,string,bytes32,string,string,(uint64,uint64,uint64,uint64)) info, (address,uint128[7],uint64)[] pricing) returns()
func (registry *Registry) TryPackUpdate(info RegistryProviderInfo, pricing []RegistryPricingTable) ([]byte, error) {
	return registry.abi.Pack("update", info, pricing)
}

// RegistryProviderDeactivated represents a ProviderDeactivated event raised by the Registry contract.
type RegistryProviderDeactivated struct {
	Provider common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const RegistryProviderDeactivatedEventName = "ProviderDeactivated"

// ContractEventName returns the user-defined event name.
func (RegistryProviderDeactivated) ContractEventName() string {
	return RegistryProviderDeactivatedEventName
}

// UnpackProviderDeactivatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProviderDeactivated(address indexed provider)
func (registry *Registry) UnpackProviderDeactivatedEvent(log *types.Log) (*RegistryProviderDeactivated, error) {
	event := "ProviderDeactivated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryProviderDeactivated)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
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

// RegistryProviderRegistered represents a ProviderRegistered event raised by the Registry contract.
type RegistryProviderRegistered struct {
	Provider    common.Address
	PeerId      string
	HostInfoCid string
	Raw         *types.Log // Blockchain specific contextual infos
}

const RegistryProviderRegisteredEventName = "ProviderRegistered"

// ContractEventName returns the user-defined event name.
func (RegistryProviderRegistered) ContractEventName() string {
	return RegistryProviderRegisteredEventName
}

// UnpackProviderRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProviderRegistered(address indexed provider, string peerId, string hostInfoCid)
func (registry *Registry) UnpackProviderRegisteredEvent(log *types.Log) (*RegistryProviderRegistered, error) {
	event := "ProviderRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryProviderRegistered)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
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

// RegistryProviderUpdated represents a ProviderUpdated event raised by the Registry contract.
type RegistryProviderUpdated struct {
	Provider    common.Address
	PeerId      string
	HostInfoCid string
	Raw         *types.Log // Blockchain specific contextual infos
}

const RegistryProviderUpdatedEventName = "ProviderUpdated"

// ContractEventName returns the user-defined event name.
func (RegistryProviderUpdated) ContractEventName() string {
	return RegistryProviderUpdatedEventName
}

// UnpackProviderUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProviderUpdated(address indexed provider, string peerId, string hostInfoCid)
func (registry *Registry) UnpackProviderUpdatedEvent(log *types.Log) (*RegistryProviderUpdated, error) {
	event := "ProviderUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RegistryProviderUpdated)
	if len(log.Data) > 0 {
		if err := registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range registry.abi.Events[event].Inputs {
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
func (registry *Registry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], registry.abi.Errors["AlreadyRegistered"].ID.Bytes()[:4]) {
		return registry.UnpackAlreadyRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["DuplicateToken"].ID.Bytes()[:4]) {
		return registry.UnpackDuplicateTokenError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["FieldTooLong"].ID.Bytes()[:4]) {
		return registry.UnpackFieldTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["MissingPeerInfo"].ID.Bytes()[:4]) {
		return registry.UnpackMissingPeerInfoError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["NoPricing"].ID.Bytes()[:4]) {
		return registry.UnpackNoPricingError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["NotRegistered"].ID.Bytes()[:4]) {
		return registry.UnpackNotRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ProviderInactive"].ID.Bytes()[:4]) {
		return registry.UnpackProviderInactiveError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["TooManyAddresses"].ID.Bytes()[:4]) {
		return registry.UnpackTooManyAddressesError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["TooManyPricingTables"].ID.Bytes()[:4]) {
		return registry.UnpackTooManyPricingTablesError(raw[4:])
	}
	if bytes.Equal(raw[:4], registry.abi.Errors["ZeroToken"].ID.Bytes()[:4]) {
		return registry.UnpackZeroTokenError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// RegistryAlreadyRegistered represents a AlreadyRegistered error raised by the Registry contract.
type RegistryAlreadyRegistered struct {
	Provider common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyRegistered(address provider)
func RegistryAlreadyRegisteredErrorID() common.Hash {
	return common.HexToHash("0x45ed80e9399c87887ea54f615514a1e3dde31e9b6c027ddceb4ffd503b70e428")
}

// UnpackAlreadyRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyRegistered(address provider)
func (registry *Registry) UnpackAlreadyRegisteredError(raw []byte) (*RegistryAlreadyRegistered, error) {
	out := new(RegistryAlreadyRegistered)
	if err := registry.abi.UnpackIntoInterface(out, "AlreadyRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryDuplicateToken represents a DuplicateToken error raised by the Registry contract.
type RegistryDuplicateToken struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DuplicateToken(address token)
func RegistryDuplicateTokenErrorID() common.Hash {
	return common.HexToHash("0x22ae4494cad2b947445fa58ce749bdc803b95d5de0aba7052552ccf1df5cf312")
}

// UnpackDuplicateTokenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DuplicateToken(address token)
func (registry *Registry) UnpackDuplicateTokenError(raw []byte) (*RegistryDuplicateToken, error) {
	out := new(RegistryDuplicateToken)
	if err := registry.abi.UnpackIntoInterface(out, "DuplicateToken", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryFieldTooLong represents a FieldTooLong error raised by the Registry contract.
type RegistryFieldTooLong struct {
	Field string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error FieldTooLong(string field)
func RegistryFieldTooLongErrorID() common.Hash {
	return common.HexToHash("0x35ed305357156be642ee2c239055a582af47cd349bca029423cbc3a1ccab8b6a")
}

// UnpackFieldTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error FieldTooLong(string field)
func (registry *Registry) UnpackFieldTooLongError(raw []byte) (*RegistryFieldTooLong, error) {
	out := new(RegistryFieldTooLong)
	if err := registry.abi.UnpackIntoInterface(out, "FieldTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryMissingPeerInfo represents a MissingPeerInfo error raised by the Registry contract.
type RegistryMissingPeerInfo struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error MissingPeerInfo()
func RegistryMissingPeerInfoErrorID() common.Hash {
	return common.HexToHash("0xe446d6869ba53c2baff8401cd8e181d811b255275c201446441e9e9bd8c4d76a")
}

// UnpackMissingPeerInfoError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error MissingPeerInfo()
func (registry *Registry) UnpackMissingPeerInfoError(raw []byte) (*RegistryMissingPeerInfo, error) {
	out := new(RegistryMissingPeerInfo)
	if err := registry.abi.UnpackIntoInterface(out, "MissingPeerInfo", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryNoPricing represents a NoPricing error raised by the Registry contract.
type RegistryNoPricing struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoPricing()
func RegistryNoPricingErrorID() common.Hash {
	return common.HexToHash("0xcef42724d1664e769898a54af395ac12bd634e1cffe0072edf5c4d2bd8d4cc86")
}

// UnpackNoPricingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoPricing()
func (registry *Registry) UnpackNoPricingError(raw []byte) (*RegistryNoPricing, error) {
	out := new(RegistryNoPricing)
	if err := registry.abi.UnpackIntoInterface(out, "NoPricing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryNotRegistered represents a NotRegistered error raised by the Registry contract.
type RegistryNotRegistered struct {
	Provider common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotRegistered(address provider)
func RegistryNotRegisteredErrorID() common.Hash {
	return common.HexToHash("0xbfc6c337a80b7b8201f77f0a2a54c6e5f7c6fd9124a749804a482fa16ee8a895")
}

// UnpackNotRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotRegistered(address provider)
func (registry *Registry) UnpackNotRegisteredError(raw []byte) (*RegistryNotRegistered, error) {
	out := new(RegistryNotRegistered)
	if err := registry.abi.UnpackIntoInterface(out, "NotRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryProviderInactive represents a ProviderInactive error raised by the Registry contract.
type RegistryProviderInactive struct {
	Provider common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ProviderInactive(address provider)
func RegistryProviderInactiveErrorID() common.Hash {
	return common.HexToHash("0x44638ed3fe9838cb8835680d4a08f2183cbf27949e42071bcb6545773a7a7425")
}

// UnpackProviderInactiveError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ProviderInactive(address provider)
func (registry *Registry) UnpackProviderInactiveError(raw []byte) (*RegistryProviderInactive, error) {
	out := new(RegistryProviderInactive)
	if err := registry.abi.UnpackIntoInterface(out, "ProviderInactive", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryTooManyAddresses represents a TooManyAddresses error raised by the Registry contract.
type RegistryTooManyAddresses struct {
	Count *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyAddresses(uint256 count)
func RegistryTooManyAddressesErrorID() common.Hash {
	return common.HexToHash("0xddf4f84bdb67bc0783e264814ac8892021951418b9bad995b0e8f7fae6e819b1")
}

// UnpackTooManyAddressesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyAddresses(uint256 count)
func (registry *Registry) UnpackTooManyAddressesError(raw []byte) (*RegistryTooManyAddresses, error) {
	out := new(RegistryTooManyAddresses)
	if err := registry.abi.UnpackIntoInterface(out, "TooManyAddresses", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryTooManyPricingTables represents a TooManyPricingTables error raised by the Registry contract.
type RegistryTooManyPricingTables struct {
	Count *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyPricingTables(uint256 count)
func RegistryTooManyPricingTablesErrorID() common.Hash {
	return common.HexToHash("0x6f4a15eb5ef35dd771fa398cea47984a997acc0a6221dd4fcaa7b34255476a7e")
}

// UnpackTooManyPricingTablesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyPricingTables(uint256 count)
func (registry *Registry) UnpackTooManyPricingTablesError(raw []byte) (*RegistryTooManyPricingTables, error) {
	out := new(RegistryTooManyPricingTables)
	if err := registry.abi.UnpackIntoInterface(out, "TooManyPricingTables", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistryZeroToken represents a ZeroToken error raised by the Registry contract.
type RegistryZeroToken struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroToken()
func RegistryZeroTokenErrorID() common.Hash {
	return common.HexToHash("0xad1991f5b668db6ba8bd803a982b422e706e04bb48af3e23f18a7ddfa8e56f4d")
}

// UnpackZeroTokenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroToken()
func (registry *Registry) UnpackZeroTokenError(raw []byte) (*RegistryZeroToken, error) {
	out := new(RegistryZeroToken)
	if err := registry.abi.UnpackIntoInterface(out, "ZeroToken", raw); err != nil {
		return nil, err
	}
	return out, nil
}
