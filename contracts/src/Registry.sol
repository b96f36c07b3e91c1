// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Trusted Pods provider registry
/// @notice Providers publish how to reach them, their TEE and attestation
/// evidence, region, capacity and pricing tables (DESIGN §4; specified in
/// docs/contracts.md). Publishers page through the list and filter
/// client-side. One entry per provider address.
contract Registry {
    uint256 public constant MAX_PRICING_TABLES = 16;
    uint256 public constant MAX_ADDRS = 16;
    uint256 public constant MAX_FIELD_LENGTH = 256;
    uint256 public constant MAX_PAGE = 100;

    /// Prices (token base units per usage unit, same order as the usage
    /// vector) a provider accepts in one token, with the shortest dispute
    /// period it accepts for a channel.
    struct PricingTable {
        address token;
        uint128[7] prices;
        uint64 minDisputePeriod;
    }

    /// What the provider can offer in total (a summary, not a reservation).
    struct Capacity {
        uint64 cpuMillicores;
        uint64 memoryMiB;
        uint64 storageMiB;
        uint64 gpuMilli;
    }

    struct ProviderInfo {
        string peerId; // libp2p peer ID
        string[] addrs; // libp2p multiaddrs
        string hostInfoCid; // CID of a host-info document (alternative to peerId+addrs)
        string teeType; // e.g. "sev-snp", "tdx", "simulated"
        bytes32 attestationHash; // sha256 of the attestation evidence
        string attestationCid; // CID of the attestation evidence
        string region; // free form, e.g. "eu-central"
        Capacity capacity;
    }

    struct Provider {
        address owner;
        bool active;
        uint64 registeredAt;
        uint64 updatedAt;
        ProviderInfo info;
        PricingTable[] pricing;
    }

    mapping(address => Provider) private _providers;
    address[] private _list;

    event ProviderRegistered(address indexed provider, string peerId, string hostInfoCid);
    event ProviderUpdated(address indexed provider, string peerId, string hostInfoCid);
    event ProviderDeactivated(address indexed provider);

    error AlreadyRegistered(address provider);
    error NotRegistered(address provider);
    error ProviderInactive(address provider);
    error MissingPeerInfo();
    error NoPricing();
    error TooManyPricingTables(uint256 count);
    error TooManyAddresses(uint256 count);
    error FieldTooLong(string field);
    error ZeroToken();
    error DuplicateToken(address token);

    /// Registers msg.sender, or re-activates and overwrites a deactivated entry.
    function register(ProviderInfo calldata info, PricingTable[] calldata pricing) external {
        Provider storage p = _providers[msg.sender];
        if (p.active) revert AlreadyRegistered(msg.sender);
        _validate(info, pricing);
        if (p.owner == address(0)) {
            p.owner = msg.sender;
            p.registeredAt = uint64(block.timestamp);
            _list.push(msg.sender);
        }
        p.active = true;
        _store(p, info, pricing);
        emit ProviderRegistered(msg.sender, info.peerId, info.hostInfoCid);
    }

    /// Replaces msg.sender's entry.
    function update(ProviderInfo calldata info, PricingTable[] calldata pricing) external {
        Provider storage p = _providers[msg.sender];
        if (p.owner == address(0)) revert NotRegistered(msg.sender);
        if (!p.active) revert ProviderInactive(msg.sender);
        _validate(info, pricing);
        _store(p, info, pricing);
        emit ProviderUpdated(msg.sender, info.peerId, info.hostInfoCid);
    }

    /// Marks msg.sender's entry inactive; it stays listed with active = false.
    function deactivate() external {
        Provider storage p = _providers[msg.sender];
        if (p.owner == address(0)) revert NotRegistered(msg.sender);
        if (!p.active) revert ProviderInactive(msg.sender);
        p.active = false;
        p.updatedAt = uint64(block.timestamp);
        emit ProviderDeactivated(msg.sender);
    }

    function getProvider(address provider) external view returns (Provider memory) {
        Provider storage p = _providers[provider];
        if (p.owner == address(0)) revert NotRegistered(provider);
        return p;
    }

    function isActive(address provider) external view returns (bool) {
        return _providers[provider].active;
    }

    /// Number of entries ever registered (active or not).
    function providerCount() external view returns (uint256) {
        return _list.length;
    }

    /// Entries [offset, offset+limit) in registration order; limit is capped at MAX_PAGE.
    function listProviders(uint256 offset, uint256 limit) external view returns (Provider[] memory page) {
        uint256 n = _list.length;
        if (offset >= n) return page;
        if (limit > MAX_PAGE) limit = MAX_PAGE;
        uint256 end = offset + limit;
        if (end > n) end = n;
        page = new Provider[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _providers[_list[i]];
        }
    }

    function _store(Provider storage p, ProviderInfo calldata info, PricingTable[] calldata pricing) private {
        p.updatedAt = uint64(block.timestamp);
        p.info = info;
        delete p.pricing;
        for (uint256 i; i < pricing.length; ++i) {
            p.pricing.push(pricing[i]);
        }
    }

    function _validate(ProviderInfo calldata info, PricingTable[] calldata pricing) private pure {
        if (bytes(info.peerId).length == 0 && bytes(info.hostInfoCid).length == 0) revert MissingPeerInfo();
        _len(info.peerId, "peerId");
        _len(info.hostInfoCid, "hostInfoCid");
        _len(info.teeType, "teeType");
        _len(info.attestationCid, "attestationCid");
        _len(info.region, "region");
        if (info.addrs.length > MAX_ADDRS) revert TooManyAddresses(info.addrs.length);
        for (uint256 i; i < info.addrs.length; ++i) {
            _len(info.addrs[i], "addrs");
        }
        if (pricing.length == 0) revert NoPricing();
        if (pricing.length > MAX_PRICING_TABLES) revert TooManyPricingTables(pricing.length);
        for (uint256 i; i < pricing.length; ++i) {
            address t = pricing[i].token;
            if (t == address(0)) revert ZeroToken();
            for (uint256 j; j < i; ++j) {
                if (pricing[j].token == t) revert DuplicateToken(t);
            }
        }
    }

    function _len(string calldata s, string memory field) private pure {
        if (bytes(s).length > MAX_FIELD_LENGTH) revert FieldTooLong(field);
    }
}
