// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Trusted Pods payment channels
/// @notice A publisher funds a channel to a provider for one pod. The provider is
/// paid against usage receipts signed by the enclave key the publisher pinned
/// (DESIGN §3; the full specification is docs/contracts.md).
///
/// Gas design: a claim touches two storage slots of its channel. The channel's
/// terms (enclave signer, price cap, prices) and its last accepted receipt
/// (seq, time, usage) are held as one commitment, `stateHash`; the caller passes
/// them in calldata and the contract checks them against it. Claims credit the
/// channel's `earned` instead of transferring; the provider withdraws earnings.
contract Payment is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// Number of usage counters (v1 usage vector).
    uint256 public constant USAGE_LEN = 7;

    /// Longest dispute period a channel may have (so unlock times cannot overflow).
    uint64 public constant MAX_DISPUTE_PERIOD = 366 days;

    /// EIP-712 type hash of a usage receipt.
    bytes32 public constant RECEIPT_TYPEHASH =
        keccak256("Receipt(bytes32 channelId,uint64 seq,uint64 time,uint64[7] usage)");

    /// `stateHash` of a channel that is closed for good.
    bytes32 internal constant CLOSED = bytes32(uint256(1));

    /// What the publisher agreed to pay: the enclave key whose receipts are
    /// honoured, the most that may be paid per second of receipt time, and the
    /// price of one unit of each usage counter in token base units.
    struct Terms {
        address enclaveSigner;
        uint128 maxPerSecond;
        uint128[7] prices;
    }

    /// The last accepted receipt of a channel (the baseline of the next claim).
    struct Baseline {
        uint64 seq;
        uint64 time;
        uint64[7] usage;
    }

    /// A usage receipt, signed by the enclave as EIP-712 typed data.
    struct Receipt {
        bytes32 channelId;
        uint64 seq;
        uint64 time;
        uint64[7] usage;
    }

    /// One claim: the channel's current terms and baseline (checked against
    /// its stateHash), the new receipt and the enclave's signature in the
    /// EIP-2098 compact form (r, vs = s | (v − 27) << 255). Claim is a static
    /// struct, so a batch carries no offsets.
    struct Claim {
        Terms terms;
        Baseline last;
        Receipt receipt;
        bytes32 sigR;
        bytes32 sigVS;
    }

    enum Status {
        None,
        Open,
        Closing,
        Closed
    }

    struct Channel {
        // slot 0
        address publisher;
        uint64 disputePeriod;
        Status status;
        bool pricingAccepted;
        // slot 1
        address provider;
        uint64 unlockAt;
        // slot 2
        address token;
        // slot 3: the only slots a claim touches are this one and the next.
        uint128 balance;
        uint128 earned;
        // slot 4: keccak256(abi.encode(Terms, Baseline)), CLOSED once closed.
        bytes32 stateHash;
        // slot 5
        uint128 unlockAmount;
        // slot 6: keccak256(abi.encode(uint128[7] prices)) proposed by the provider.
        bytes32 pendingPricesHash;
    }

    mapping(bytes32 => Channel) private _channels;

    // ---- events ----

    event ChannelCreated(
        bytes32 indexed channelId,
        address indexed publisher,
        address indexed provider,
        bytes32 podId,
        address token,
        Terms terms,
        uint64 disputePeriod,
        uint64 startTime
    );
    event Deposited(bytes32 indexed channelId, address indexed from, uint256 amount);
    /// A receipt was accepted: it is the channel's new baseline (its usage is
    /// in the claim's calldata; the provider keeps its receipts).
    event Claimed(bytes32 indexed channelId, uint64 seq, uint64 time, uint256 paid);
    /// claimMany skipped an invalid receipt; reason is the selector of the
    /// error claim() would have reverted with.
    event ClaimSkipped(bytes32 indexed channelId, bytes4 reason);
    event UnlockRequested(bytes32 indexed channelId, uint256 amount, uint64 unlockAt);
    event Withdrawn(bytes32 indexed channelId, address indexed publisher, uint256 amount);
    event ChannelClosing(bytes32 indexed channelId, uint64 unlockAt);
    event ChannelReleased(bytes32 indexed channelId, uint256 refunded);
    event ChannelClosed(bytes32 indexed channelId);
    event EarningsWithdrawn(bytes32 indexed channelId, address indexed provider, uint256 amount);
    event PricingProposed(bytes32 indexed channelId, uint128[7] prices, bytes32 pricesHash);
    event PricingAccepted(bytes32 indexed channelId, bytes32 pricesHash);
    event PricingApplied(bytes32 indexed channelId, uint128[7] prices, uint64 seq, uint64 time, uint64[7] usage);

    // ---- errors ----

    error ZeroAddress();
    error NotAContract(address token);
    error ZeroAmount();
    error InvalidTerms();
    error BalanceOverflow();
    error EmptyBatch();
    error NothingToWithdraw();
    error ChannelExists(bytes32 channelId);
    error UnknownChannel(bytes32 channelId);
    error ChannelAlreadyClosed(bytes32 channelId);
    error ChannelIsClosing(bytes32 channelId);
    error NotPublisher(bytes32 channelId);
    error NotProvider(bytes32 channelId);
    error NoPendingUnlock(bytes32 channelId);
    error DisputePeriodNotOver(bytes32 channelId, uint64 unlockAt);
    error NoPendingPricing(bytes32 channelId);
    error PricingMismatch(bytes32 channelId);
    error PricingNotAccepted(bytes32 channelId);
    // Claim errors (all carry the channel id; claimMany reports their selector).
    error StateMismatch(bytes32 channelId);
    error SeqNotIncreasing(bytes32 channelId);
    error TimeNotIncreasing(bytes32 channelId);
    error UsageDecreased(bytes32 channelId);
    error ReceiptFromFuture(bytes32 channelId);
    error InvalidSignature(bytes32 channelId);
    error ReceiptMismatch(bytes32 channelId);

    constructor() EIP712("TrustedPods", "1") {}

    // ---- publisher ----

    /// Opens a channel from msg.sender (the publisher) to `provider` for pod
    /// `podId` and funds it with `amount` of `token` (credited as received).
    function createChannel(
        address provider,
        bytes32 podId,
        address token,
        Terms calldata terms,
        uint64 disputePeriod,
        uint256 amount
    ) external nonReentrant returns (bytes32 channelId) {
        if (provider == address(0) || token == address(0) || terms.enclaveSigner == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        if (terms.maxPerSecond == 0 || disputePeriod > MAX_DISPUTE_PERIOD) revert InvalidTerms();
        if (token.code.length == 0) revert NotAContract(token);
        channelId = channelIdOf(msg.sender, provider, podId);
        Channel storage ch = _channels[channelId];
        if (ch.status != Status.None) revert ChannelExists(channelId);
        ch.publisher = msg.sender;
        ch.disputePeriod = disputePeriod;
        ch.status = Status.Open;
        ch.provider = provider;
        ch.token = token;
        uint64 start = uint64(block.timestamp);
        Baseline memory b;
        b.time = start;
        ch.stateHash = keccak256(abi.encode(terms, b));
        emit ChannelCreated(channelId, msg.sender, provider, podId, token, terms, disputePeriod, start);
        _pull(channelId, ch, amount);
    }

    /// Adds `amount` of the channel's token (credited as received).
    function deposit(bytes32 channelId, uint256 amount) external nonReentrant {
        Channel storage ch = _publisherChannel(channelId);
        _requireOpen(channelId, ch);
        if (amount == 0) revert ZeroAmount();
        _pull(channelId, ch, amount);
    }

    /// Asks to take back `amount`; withdrawUnlocked pays it after the dispute
    /// period. Replaces an earlier request. The provider may still claim.
    function requestUnlock(bytes32 channelId, uint256 amount) external nonReentrant {
        Channel storage ch = _publisherChannel(channelId);
        _requireOpen(channelId, ch);
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) amount = type(uint128).max;
        uint64 until = uint64(block.timestamp) + ch.disputePeriod;
        ch.unlockAmount = uint128(amount);
        ch.unlockAt = until;
        emit UnlockRequested(channelId, amount, until);
    }

    /// Pays min(unlocked amount, balance) to the publisher once the dispute
    /// period is over. After close() this empties and closes the channel.
    function withdrawUnlocked(bytes32 channelId) external nonReentrant {
        Channel storage ch = _publisherChannel(channelId);
        if (ch.status == Status.Closed) revert ChannelAlreadyClosed(channelId);
        uint128 want = ch.unlockAmount;
        if (want == 0) revert NoPendingUnlock(channelId);
        uint64 until = ch.unlockAt;
        if (block.timestamp < until) revert DisputePeriodNotOver(channelId, until);
        uint128 bal = ch.balance;
        uint128 pay = want < bal ? want : bal;
        ch.balance = bal - pay;
        ch.unlockAmount = 0;
        ch.unlockAt = 0;
        emit Withdrawn(channelId, msg.sender, pay);
        if (ch.status == Status.Closing) {
            _close(channelId, ch);
        }
        if (pay != 0) IERC20(ch.token).safeTransfer(msg.sender, pay);
    }

    /// Unlocks the whole balance; after the dispute period withdrawUnlocked
    /// pays it and closes the channel.
    function close(bytes32 channelId) external nonReentrant {
        Channel storage ch = _publisherChannel(channelId);
        _requireOpen(channelId, ch);
        uint64 until = uint64(block.timestamp) + ch.disputePeriod;
        ch.status = Status.Closing;
        ch.unlockAmount = type(uint128).max;
        ch.unlockAt = until;
        emit ChannelClosing(channelId, until);
    }

    /// Accepts the provider's pending pricing proposal identified by its hash.
    function acceptPricing(bytes32 channelId, bytes32 hash) external nonReentrant {
        Channel storage ch = _publisherChannel(channelId);
        _requireOpen(channelId, ch);
        bytes32 pending = ch.pendingPricesHash;
        if (pending == 0) revert NoPendingPricing(channelId);
        if (pending != hash) revert PricingMismatch(channelId);
        ch.pricingAccepted = true;
        emit PricingAccepted(channelId, hash);
    }

    // ---- provider ----

    /// Settles one receipt. Anyone may submit; proceeds are credited to the
    /// channel's earnings, which only the provider can withdraw.
    function claim(Claim calldata c) external nonReentrant returns (uint256 paid) {
        bytes4 err;
        (err, paid) = _claim(c, _domainSeparatorV4());
        if (err != 0) _revertClaim(err, c.receipt.channelId);
    }

    /// Settles a batch. An invalid receipt does not revert the batch: it is
    /// skipped with a ClaimSkipped event naming the error claim() would raise,
    /// and moves no funds. Receipts are processed in order, so a batch may hold
    /// consecutive receipts of one channel.
    function claimMany(Claim[] calldata cs) external nonReentrant returns (uint256 totalPaid) {
        uint256 n = cs.length;
        if (n == 0) revert EmptyBatch();
        bytes32 sep = _domainSeparatorV4();
        for (uint256 i; i < n; ++i) {
            Claim calldata c = cs[i];
            (bytes4 err, uint256 paid) = _claim(c, sep);
            if (err != 0) {
                emit ClaimSkipped(c.receipt.channelId, err);
            } else {
                totalPaid += paid;
            }
        }
    }

    /// Transfers the earnings of the given channels (all the caller's) to the caller.
    function withdrawEarnings(bytes32[] calldata channelIds) external nonReentrant returns (uint256 total) {
        address token;
        uint256 pending;
        for (uint256 i; i < channelIds.length; ++i) {
            bytes32 id = channelIds[i];
            Channel storage ch = _channels[id];
            if (ch.status == Status.None) revert UnknownChannel(id);
            if (ch.provider != msg.sender) revert NotProvider(id);
            uint128 amt = ch.earned;
            if (amt == 0) continue;
            ch.earned = 0;
            emit EarningsWithdrawn(id, msg.sender, amt);
            total += amt;
            address t = ch.token;
            if (t != token) {
                if (pending != 0) IERC20(token).safeTransfer(msg.sender, pending);
                token = t;
                pending = 0;
            }
            pending += amt;
        }
        if (total == 0) revert NothingToWithdraw();
        IERC20(token).safeTransfer(msg.sender, pending);
    }

    /// Ends the channel at once: the whole balance goes back to the
    /// publisher, no further claims are possible; earnings stay withdrawable.
    function providerRelease(bytes32 channelId) external nonReentrant {
        Channel storage ch = _providerChannel(channelId);
        if (ch.status == Status.Closed) revert ChannelAlreadyClosed(channelId);
        uint128 refund = ch.balance;
        ch.balance = 0;
        ch.unlockAmount = 0;
        ch.unlockAt = 0;
        emit ChannelReleased(channelId, refund);
        _close(channelId, ch);
        if (refund != 0) IERC20(ch.token).safeTransfer(ch.publisher, refund);
    }

    /// Proposes new prices; the publisher accepts them by hash, then the
    /// provider applies them with applyPricing. Replaces an earlier proposal.
    function proposePricing(bytes32 channelId, uint128[7] calldata prices) external nonReentrant {
        Channel storage ch = _providerChannel(channelId);
        _requireOpen(channelId, ch);
        bytes32 h = pricesHash(prices);
        ch.pendingPricesHash = h;
        ch.pricingAccepted = false;
        emit PricingProposed(channelId, prices, h);
    }

    /// Switches an accepted pricing proposal in. `lastOld` is settled at the
    /// old prices (it may also be exactly the current baseline, then nothing is
    /// paid); `firstNew`, a later receipt, becomes the baseline of the new
    /// prices without being paid for.
    function applyPricing(
        Claim calldata lastOld,
        Receipt calldata firstNew,
        bytes calldata sigNew,
        uint128[7] calldata newPrices
    ) external nonReentrant {
        bytes32 id = lastOld.receipt.channelId;
        Channel storage ch = _providerChannel(id);
        _requireOpen(id, ch);
        bytes32 pending = ch.pendingPricesHash;
        if (pending == 0) revert NoPendingPricing(id);
        if (pending != pricesHash(newPrices)) revert PricingMismatch(id);
        if (!ch.pricingAccepted) revert PricingNotAccepted(id);

        Receipt calldata old = lastOld.receipt;
        if (old.seq == lastOld.last.seq) {
            // The last old receipt is the current baseline: nothing to settle.
            if (_hashState(lastOld.terms, lastOld.last) != ch.stateHash) revert StateMismatch(id);
            if (old.time != lastOld.last.time || keccak256(abi.encode(old.usage)) != keccak256(abi.encode(lastOld.last.usage)))
            {
                revert ReceiptMismatch(id);
            }
        } else {
            (bytes4 err,) = _claim(lastOld, _domainSeparatorV4());
            if (err != 0) _revertClaim(err, id);
        }
        if (firstNew.channelId != id) revert ReceiptMismatch(id);
        if (firstNew.seq <= old.seq) revert SeqNotIncreasing(id);
        if (firstNew.time <= old.time) revert TimeNotIncreasing(id);
        if (firstNew.time > block.timestamp) revert ReceiptFromFuture(id);
        for (uint256 i; i < USAGE_LEN; ++i) {
            if (firstNew.usage[i] < old.usage[i]) revert UsageDecreased(id);
        }
        if (_recover(receiptDigest(firstNew), sigNew) != lastOld.terms.enclaveSigner) revert InvalidSignature(id);

        Terms memory t = lastOld.terms;
        t.prices = newPrices;
        Baseline memory b = Baseline(firstNew.seq, firstNew.time, firstNew.usage);
        ch.stateHash = keccak256(abi.encode(t, b));
        ch.pendingPricesHash = 0;
        ch.pricingAccepted = false;
        emit PricingApplied(id, newPrices, firstNew.seq, firstNew.time, firstNew.usage);
    }

    // ---- views ----

    function channelIdOf(address publisher, address provider, bytes32 podId) public pure returns (bytes32) {
        return keccak256(abi.encode(publisher, provider, podId));
    }

    function getChannel(bytes32 channelId) external view returns (Channel memory) {
        return _channels[channelId];
    }

    /// Reads several channels at once (unknown ones come back zeroed).
    function getChannels(bytes32[] calldata channelIds) external view returns (Channel[] memory out) {
        out = new Channel[](channelIds.length);
        for (uint256 i; i < channelIds.length; ++i) {
            out[i] = _channels[channelIds[i]];
        }
    }

    /// The EIP-712 digest the enclave signs for a receipt.
    function receiptDigest(Receipt calldata r) public view returns (bytes32) {
        return _hashTypedDataV4(_receiptStructHash(r));
    }

    /// The commitment a channel holds to its terms and last receipt.
    function hashState(Terms calldata terms, Baseline calldata last) external pure returns (bytes32) {
        return _hashState(terms, last);
    }

    function pricesHash(uint128[7] calldata prices) public pure returns (bytes32) {
        return keccak256(abi.encode(prices));
    }

    // ---- internals ----

    /// Checks and settles one claim; returns the selector of the error that
    /// refuses it (0 if accepted) and the amount paid. Written in assembly
    /// for gas (docs/contracts.md § Gas); the rules it applies, in order:
    ///  1. the receipt's channel exists (UnknownChannel) and is not closed
    ///     (ChannelAlreadyClosed);
    ///  2. keccak256(abi.encode(terms, last)) equals the channel's stateHash
    ///     (StateMismatch);
    ///  3. receipt.seq > last.seq (SeqNotIncreasing), last.time < receipt.time
    ///     (TimeNotIncreasing) ≤ block.timestamp (ReceiptFromFuture), and
    ///     every usage counter ≥ the last one (UsageDecreased);
    ///  4. the EIP-712 signature recovers to terms.enclaveSigner, low s
    ///     (InvalidSignature);
    ///  5. paid = min(Σ (usage[i] − last[i]) × prices[i],
    ///     maxPerSecond × (time − lastTime), balance); balance −= paid,
    ///     earned += paid, stateHash = keccak256(abi.encode(terms, receipt
    ///     seq/time/usage)); emit Claimed.
    /// Terms and last are raw calldata words checked by hash against values
    /// that were clean when committed; receipt words are covered by the
    /// enclave's signature over clean values. So no value is used with dirty
    /// high bits, and the arithmetic cannot overflow (Δusage < 2^64,
    /// prices and maxPerSecond < 2^128, balance + earned < 2^128).
    function _claim(Claim calldata c, bytes32 domainSeparator) private returns (bytes4 err, uint256 paid) {
        uint256 code;
        bytes32 typeHash = RECEIPT_TYPEHASH;
        bytes32 topic = Claimed.selector;
        assembly ("memory-safe") {
            function run(cl, base, sep, th, tp) -> rc, pd {
                // Calldata layout of a Claim (30 words): terms @0 (signer,
                // maxPerSecond, prices[7]), last @288 (seq, time, usage[7]),
                // receipt @576 (channelId, seq, time, usage[7]), sigR @896, sigVS @928.
                let id := calldataload(add(cl, 576))
                mstore(0, id)
                mstore(32, base)
                let chs := keccak256(0, 64)
                let h := sload(add(chs, 4))
                if iszero(h) {
                    rc := 1
                    leave
                }
                if eq(h, 1) {
                    rc := 2
                    leave
                }
                let p := mload(0x40)
                calldatacopy(p, cl, 576)
                if iszero(eq(keccak256(p, 576), h)) {
                    rc := 3
                    leave
                }
                let rtime := calldataload(add(cl, 640))
                let ltime := calldataload(add(cl, 320))
                if iszero(gt(calldataload(add(cl, 608)), calldataload(add(cl, 288)))) {
                    rc := 4
                    leave
                }
                if iszero(gt(rtime, ltime)) {
                    rc := 5
                    leave
                }
                if gt(rtime, timestamp()) {
                    rc := 6
                    leave
                }
                let cost := 0
                for { let i := 0 } lt(i, 224) { i := add(i, 32) } {
                    let u := calldataload(add(add(cl, 672), i))
                    let l := calldataload(add(add(cl, 352), i))
                    if lt(u, l) {
                        rc := 7
                        leave
                    }
                    cost := add(cost, mul(sub(u, l), calldataload(add(add(cl, 64), i))))
                }
                {
                    // EIP-712: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(receipt)).
                    calldatacopy(p, add(cl, 672), 224)
                    let usageHash := keccak256(p, 224)
                    mstore(p, th)
                    calldatacopy(add(p, 32), add(cl, 576), 96)
                    mstore(add(p, 128), usageHash)
                    let structHash := keccak256(p, 160)
                    mstore(p, 0x1901000000000000000000000000000000000000000000000000000000000000)
                    mstore(add(p, 2), sep)
                    mstore(add(p, 34), structHash)
                    let digest := keccak256(p, 66)
                    let vs := calldataload(add(cl, 928))
                    let s := and(vs, 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff)
                    if gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0) {
                        rc := 8
                        leave
                    }
                    mstore(p, digest)
                    mstore(add(p, 32), add(shr(255, vs), 27))
                    mstore(add(p, 64), calldataload(add(cl, 896)))
                    mstore(add(p, 96), s)
                    mstore(0, 0)
                    pop(staticcall(gas(), 1, p, 128, 0, 32))
                    let signer := mload(0)
                    if or(iszero(signer), iszero(eq(signer, calldataload(cl)))) {
                        rc := 8
                        leave
                    }
                }
                pd := cost
                let capv := mul(calldataload(add(cl, 32)), sub(rtime, ltime))
                if lt(capv, pd) { pd := capv }
                let fundsSlot := add(chs, 3)
                let funds := sload(fundsSlot)
                let bal := and(funds, 0xffffffffffffffffffffffffffffffff)
                if lt(bal, pd) { pd := bal }
                // balance (low 128 bits) −= paid; earned (high 128 bits) += paid.
                sstore(fundsSlot, add(sub(funds, pd), shl(128, pd)))
                calldatacopy(p, cl, 288)
                calldatacopy(add(p, 288), add(cl, 608), 288)
                sstore(add(chs, 4), keccak256(p, 576))
                mstore(p, calldataload(add(cl, 608)))
                mstore(add(p, 32), rtime)
                mstore(add(p, 64), pd)
                log2(p, 96, tp, id)
            }
            code, paid := run(c, _channels.slot, domainSeparator, typeHash, topic)
        }
        if (code != 0) err = _claimError(code);
    }

    function _claimError(uint256 code) private pure returns (bytes4) {
        if (code == 1) return UnknownChannel.selector;
        if (code == 2) return ChannelAlreadyClosed.selector;
        if (code == 3) return StateMismatch.selector;
        if (code == 4) return SeqNotIncreasing.selector;
        if (code == 5) return TimeNotIncreasing.selector;
        if (code == 6) return ReceiptFromFuture.selector;
        if (code == 7) return UsageDecreased.selector;
        return InvalidSignature.selector;
    }

    // The hashes below read calldata directly: Terms, Baseline and Receipt are
    // static structs, so abi.encode of them is their calldata bytes. Values
    // with dirty high bits hash differently from the clean ones that were
    // committed or signed, and Solidity reverts on reading such a value anyway.

    /// keccak256(abi.encode(terms, last)).
    function _hashState(Terms calldata terms, Baseline calldata last) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            calldatacopy(p, terms, 288)
            calldatacopy(add(p, 288), last, 288)
            h := keccak256(p, 576)
        }
    }

    /// EIP-712 hashStruct(Receipt): the uint64[7] array is hashed as 7 words.
    function _receiptStructHash(Receipt calldata r) private pure returns (bytes32 h) {
        bytes32 typeHash = RECEIPT_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            calldatacopy(p, add(r, 96), 224)
            let usageHash := keccak256(p, 224)
            mstore(p, typeHash)
            calldatacopy(add(p, 32), r, 96)
            mstore(add(p, 128), usageHash)
            h := keccak256(p, 160)
        }
    }

    /// Recovers the signer of a 65-byte (r, s, v) signature; address(0) if malformed.
    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(sig.offset)
            s := calldataload(add(sig.offset, 32))
            v := byte(0, calldataload(add(sig.offset, 64)))
        }
        // Reject malleable signatures (EIP-2).
        if (uint256(s) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0) return address(0);
        if (v != 27 && v != 28) return address(0);
        return ecrecover(digest, v, r, s);
    }

    function _revertClaim(bytes4 err, bytes32 channelId) private pure {
        assembly ("memory-safe") {
            mstore(0, err)
            mstore(4, channelId)
            revert(0, 0x24)
        }
    }

    function _pull(bytes32 channelId, Channel storage ch, uint256 amount) private {
        IERC20 token = IERC20(ch.token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        uint256 newBalance = uint256(ch.balance) + received;
        if (newBalance + ch.earned > type(uint128).max) revert BalanceOverflow();
        ch.balance = uint128(newBalance);
        emit Deposited(channelId, msg.sender, received);
    }

    function _close(bytes32 channelId, Channel storage ch) private {
        ch.status = Status.Closed;
        ch.stateHash = CLOSED;
        ch.pendingPricesHash = 0;
        ch.pricingAccepted = false;
        emit ChannelClosed(channelId);
    }

    function _publisherChannel(bytes32 channelId) private view returns (Channel storage ch) {
        ch = _channels[channelId];
        if (ch.status == Status.None) revert UnknownChannel(channelId);
        if (ch.publisher != msg.sender) revert NotPublisher(channelId);
    }

    function _providerChannel(bytes32 channelId) private view returns (Channel storage ch) {
        ch = _channels[channelId];
        if (ch.status == Status.None) revert UnknownChannel(channelId);
        if (ch.provider != msg.sender) revert NotProvider(channelId);
    }

    function _requireOpen(bytes32 channelId, Channel storage ch) private view {
        Status s = ch.status;
        if (s == Status.Closing) revert ChannelIsClosing(channelId);
        if (s == Status.Closed) revert ChannelAlreadyClosed(channelId);
    }
}
