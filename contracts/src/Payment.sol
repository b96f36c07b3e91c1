// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Trusted Pods payment channels
/// @notice A publisher funds a channel to a provider for one pod. The provider is
/// paid against usage receipts signed by the enclave key the publisher pinned
/// (DESIGN §3; the full specification is docs/contracts.md).
///
/// Gas design: a claim reads and writes one storage slot of its channel,
/// which holds the channel's balance (96 bits) and a 160-bit commitment to
/// its terms (enclave signer, price cap, prices) and its last accepted receipt
/// (seq, time, usage). The caller passes terms and receipt in calldata,
/// packed (14 words), and the contract checks them against the commitment.
/// Claims credit earnings implicitly: the channel also stores what Payment
/// holds for it (balance + earned), which only deposits and payouts change.
contract Payment is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// Number of usage counters (v1 usage vector).
    uint256 public constant USAGE_LEN = 7;

    /// Longest dispute period a channel may have (so unlock times cannot overflow).
    uint64 public constant MAX_DISPUTE_PERIOD = 366 days;

    /// Largest balance a channel may hold (the balance shares a slot with the commitment).
    uint256 public constant MAX_BALANCE = type(uint96).max;

    /// EIP-712 type hash of a usage receipt.
    bytes32 public constant RECEIPT_TYPEHASH =
        keccak256("Receipt(bytes32 channelId,uint64 seq,uint64 time,uint64[7] usage)");

    /// The commitment of a channel that is closed for good.
    bytes20 internal constant CLOSED = bytes20(uint160(1));

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

    /// Terms packed for a claim: prices two to a word, each 128 bits, the
    /// first in the high half; maxPerSecond in the low half of the last word:
    /// rates = [p0‖p1, p2‖p3, p4‖p5, p6‖maxPerSecond].
    struct PackedTerms {
        address enclaveSigner;
        uint256[4] rates;
    }

    /// A baseline or receipt's seq, time and usage packed: seqTime = seq << 64 | time;
    /// usage four 64-bit counters to a word, the first in the highest bits:
    /// usage = [u0‖u1‖u2‖u3, u4‖u5‖u6‖0].
    struct PackedBaseline {
        uint256 seqTime;
        uint256[2] usage;
    }

    struct PackedReceipt {
        bytes32 channelId;
        uint256 seqTime;
        uint256[2] usage;
    }

    /// One claim: the channel's current terms and baseline (checked against
    /// its commitment), the new receipt and the enclave's signature in the
    /// EIP-2098 compact form (r, vs = s | (v − 27) << 255). Packed, a claim
    /// is 14 calldata words; the enclave still signs the EIP-712 Receipt.
    struct Claim {
        PackedTerms terms;
        PackedBaseline last;
        PackedReceipt receipt;
        bytes32 sigR;
        bytes32 sigVS;
    }

    enum Status {
        None,
        Open,
        Closing,
        Closed
    }

    /// A channel as getChannel returns it.
    struct Channel {
        address publisher;
        uint64 disputePeriod;
        Status status;
        bool pricingAccepted;
        address provider;
        uint64 unlockAt;
        address token;
        uint128 balance;
        uint128 earned;
        /// The first 20 bytes of keccak256(abi.encode(PackedTerms, PackedBaseline)); CLOSED once closed.
        bytes20 stateHash;
        uint128 unlockAmount;
        bytes32 pendingPricesHash;
    }

    /// A channel in storage.
    struct Record {
        // slot 0, the only slot a claim touches: the commitment (stateHash)
        // in the high 160 bits, the balance in the low 96.
        uint256 state;
        // slot 1
        address publisher;
        uint64 disputePeriod;
        Status status;
        bool pricingAccepted;
        // slot 2
        address provider;
        uint64 unlockAt;
        // slot 3
        address token;
        // slot 4: held = balance + earned, what Payment holds for the channel.
        uint128 held;
        uint128 unlockAmount;
        // slot 5: keccak256(abi.encode(uint128[7] prices)) proposed by the provider.
        bytes32 pendingPricesHash;
    }

    mapping(bytes32 => Record) private _channels;

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
    /// `podId` and funds it with `amount` of `token` (credited as received);
    /// msg.sender must have approved `amount` to Payment.
    function createChannel(
        address provider,
        bytes32 podId,
        address token,
        Terms calldata terms,
        uint64 disputePeriod,
        uint256 amount
    ) external nonReentrant returns (bytes32 channelId) {
        Record storage ch;
        (channelId, ch) = _open(provider, podId, token, terms, disputePeriod, amount);
        _pull(channelId, ch, amount);
    }

    /// createChannel with the allowance granted in the same transaction by
    /// msg.sender's EIP-2612 permit of `amount` to Payment until `deadline`.
    /// A failing permit is ignored: if someone submitted the same permit first
    /// (it is public in the mempool), the allowance is already there and the
    /// deposit goes through; otherwise the token refuses the transfer.
    function createChannelWithPermit(
        address provider,
        bytes32 podId,
        address token,
        Terms calldata terms,
        uint64 disputePeriod,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 channelId) {
        Record storage ch;
        (channelId, ch) = _open(provider, podId, token, terms, disputePeriod, amount);
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _pull(channelId, ch, amount);
    }

    /// Adds `amount` of the channel's token (credited as received).
    function deposit(bytes32 channelId, uint256 amount) external nonReentrant {
        Record storage ch = _publisherChannel(channelId);
        _requireOpen(channelId, ch);
        if (amount == 0) revert ZeroAmount();
        _pull(channelId, ch, amount);
    }

    /// Asks to take back `amount`; withdrawUnlocked pays it after the dispute
    /// period. Replaces an earlier request. The provider may still claim.
    function requestUnlock(bytes32 channelId, uint256 amount) external nonReentrant {
        Record storage ch = _publisherChannel(channelId);
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
        Record storage ch = _publisherChannel(channelId);
        if (ch.status == Status.Closed) revert ChannelAlreadyClosed(channelId);
        uint256 want = ch.unlockAmount;
        if (want == 0) revert NoPendingUnlock(channelId);
        uint64 until = ch.unlockAt;
        if (block.timestamp < until) revert DisputePeriodNotOver(channelId, until);
        uint256 st = ch.state;
        uint256 bal = st & MAX_BALANCE;
        uint256 pay = want < bal ? want : bal;
        ch.state = st - pay;
        ch.held -= uint128(pay);
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
        Record storage ch = _publisherChannel(channelId);
        _requireOpen(channelId, ch);
        uint64 until = uint64(block.timestamp) + ch.disputePeriod;
        ch.status = Status.Closing;
        ch.unlockAmount = type(uint128).max;
        ch.unlockAt = until;
        emit ChannelClosing(channelId, until);
    }

    /// Accepts the provider's pending pricing proposal identified by its hash.
    function acceptPricing(bytes32 channelId, bytes32 hash) external nonReentrant {
        Record storage ch = _publisherChannel(channelId);
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
            Record storage ch = _channels[id];
            if (ch.status == Status.None) revert UnknownChannel(id);
            if (ch.provider != msg.sender) revert NotProvider(id);
            uint128 bal = uint128(ch.state & MAX_BALANCE);
            uint128 amt = ch.held - bal;
            if (amt == 0) continue;
            ch.held = bal;
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
        Record storage ch = _providerChannel(channelId);
        if (ch.status == Status.Closed) revert ChannelAlreadyClosed(channelId);
        uint256 st = ch.state;
        uint256 refund = st & MAX_BALANCE;
        ch.state = st - refund;
        ch.held -= uint128(refund);
        ch.unlockAmount = 0;
        ch.unlockAt = 0;
        emit ChannelReleased(channelId, refund);
        _close(channelId, ch);
        if (refund != 0) IERC20(ch.token).safeTransfer(ch.publisher, refund);
    }

    /// Proposes new prices; the publisher accepts them by hash, then the
    /// provider applies them with applyPricing. Replaces an earlier proposal.
    function proposePricing(bytes32 channelId, uint128[7] calldata prices) external nonReentrant {
        Record storage ch = _providerChannel(channelId);
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
        Record storage ch = _providerChannel(id);
        _requireOpen(id, ch);
        bytes32 pending = ch.pendingPricesHash;
        if (pending == 0) revert NoPendingPricing(id);
        if (pending != pricesHash(newPrices)) revert PricingMismatch(id);
        if (!ch.pricingAccepted) revert PricingNotAccepted(id);

        PackedReceipt calldata old = lastOld.receipt;
        uint256 oldSeqTime = old.seqTime & SEQ_TIME_MASK;
        if (oldSeqTime >> 64 == lastOld.last.seqTime >> 64) {
            // The last old receipt is the current baseline: nothing to settle.
            if (bytes20(_hashClaimState(lastOld)) != bytes20(bytes32(ch.state))) revert StateMismatch(id);
            if (
                oldSeqTime != lastOld.last.seqTime || old.usage[0] != lastOld.last.usage[0]
                    || old.usage[1] & USAGE1_MASK != lastOld.last.usage[1]
            ) revert ReceiptMismatch(id);
        } else {
            (bytes4 err,) = _claim(lastOld, _domainSeparatorV4());
            if (err != 0) _revertClaim(err, id);
        }
        if (firstNew.channelId != id) revert ReceiptMismatch(id);
        if (firstNew.seq <= oldSeqTime >> 64) revert SeqNotIncreasing(id);
        if (firstNew.time <= uint64(oldSeqTime)) revert TimeNotIncreasing(id);
        if (firstNew.time > block.timestamp) revert ReceiptFromFuture(id);
        for (uint256 i; i < USAGE_LEN; ++i) {
            if (firstNew.usage[i] < uint64(old.usage[i >> 2] >> (192 - 64 * (i & 3)))) revert UsageDecreased(id);
        }
        address signer = lastOld.terms.enclaveSigner;
        if (_recover(receiptDigest(firstNew), sigNew) != signer) revert InvalidSignature(id);

        uint128 maxPerSecond = uint128(lastOld.terms.rates[3]);
        (uint256 u0, uint256 u1) = _packUsage(firstNew.usage);
        bytes32 h = _stateHash(signer, _rates(maxPerSecond, newPrices), _seqTime(firstNew.seq, firstNew.time), u0, u1);
        ch.state = _commit(h, ch.state & MAX_BALANCE);
        ch.pendingPricesHash = 0;
        ch.pricingAccepted = false;
        emit PricingApplied(id, newPrices, firstNew.seq, firstNew.time, firstNew.usage);
    }

    // ---- views ----

    function channelIdOf(address publisher, address provider, bytes32 podId) public pure returns (bytes32) {
        return keccak256(abi.encode(publisher, provider, podId));
    }

    function getChannel(bytes32 channelId) external view returns (Channel memory) {
        return _view(_channels[channelId]);
    }

    /// Reads several channels at once (unknown ones come back zeroed).
    function getChannels(bytes32[] calldata channelIds) external view returns (Channel[] memory out) {
        out = new Channel[](channelIds.length);
        for (uint256 i; i < channelIds.length; ++i) {
            out[i] = _view(_channels[channelIds[i]]);
        }
    }

    /// The EIP-712 digest the enclave signs for a receipt.
    function receiptDigest(Receipt calldata r) public view returns (bytes32) {
        return _hashTypedDataV4(_receiptStructHash(r));
    }

    /// The commitment a channel holds to its terms and last receipt: the first
    /// 20 bytes of keccak256(abi.encode(PackedTerms, PackedBaseline)).
    function hashState(Terms calldata terms, Baseline calldata last) external pure returns (bytes20) {
        (uint256 u0, uint256 u1) = _packUsage(last.usage);
        return bytes20(
            _stateHash(terms.enclaveSigner, _rates(terms.maxPerSecond, terms.prices), _seqTime(last.seq, last.time), u0, u1)
        );
    }

    function pricesHash(uint128[7] calldata prices) public pure returns (bytes32) {
        return keccak256(abi.encode(prices));
    }

    // ---- internals ----

    /// seqTime: seq in bits 64–127, time in bits 0–63.
    uint256 private constant SEQ_TIME_MASK = type(uint128).max;
    /// The three counters of a packed usage word 1 (its lowest lane is unused).
    uint256 private constant USAGE1_MASK = ~uint256(type(uint64).max);

    /// Checks a new channel, stores it with the baseline {0, now, 0} and emits ChannelCreated.
    function _open(
        address provider,
        bytes32 podId,
        address token,
        Terms calldata terms,
        uint64 disputePeriod,
        uint256 amount
    ) private returns (bytes32 channelId, Record storage ch) {
        if (provider == address(0) || token == address(0) || terms.enclaveSigner == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        if (terms.maxPerSecond == 0 || disputePeriod > MAX_DISPUTE_PERIOD) revert InvalidTerms();
        if (token.code.length == 0) revert NotAContract(token);
        channelId = channelIdOf(msg.sender, provider, podId);
        ch = _channels[channelId];
        if (ch.status != Status.None) revert ChannelExists(channelId);
        ch.publisher = msg.sender;
        ch.disputePeriod = disputePeriod;
        ch.status = Status.Open;
        ch.provider = provider;
        ch.token = token;
        uint64 start = uint64(block.timestamp);
        ch.state = _commit(_stateHash(terms.enclaveSigner, _rates(terms.maxPerSecond, terms.prices), _seqTime(0, start), 0, 0), 0);
        emit ChannelCreated(channelId, msg.sender, provider, podId, token, terms, disputePeriod, start);
    }

    /// Checks and settles one claim; returns the selector of the error that
    /// refuses it (0 if accepted) and the amount paid. Written in assembly
    /// for gas (docs/contracts.md § Gas); the rules it applies, in order:
    ///  1. the receipt's channel exists (UnknownChannel) and is not closed
    ///     (ChannelAlreadyClosed);
    ///  2. the first 20 bytes of keccak256(abi.encode(terms, last)) equal
    ///     the channel's commitment (StateMismatch);
    ///  3. receipt.seq > last.seq (SeqNotIncreasing), last.time < receipt.time
    ///     (TimeNotIncreasing) ≤ block.timestamp (ReceiptFromFuture), and
    ///     every usage counter ≥ the last one (UsageDecreased);
    ///  4. the EIP-712 signature recovers to terms.enclaveSigner, low s
    ///     (InvalidSignature);
    ///  5. paid = min(Σ (usage[i] − last[i]) × prices[i],
    ///     maxPerSecond × (time − lastTime), balance); balance −= paid (the
    ///     earnings grow by paid, as held stays); the receipt becomes the
    ///     baseline of the commitment; emit Claimed.
    /// Terms and last are raw calldata words checked by hash against values
    /// that were clean when committed. Receipt values are read through masks
    /// (the bits the packing leaves unused are ignored), so the enclave's
    /// signature covers exactly what the new commitment holds. No arithmetic
    /// can overflow: Δusage < 2^64, prices and maxPerSecond < 2^128, balance
    /// < 2^96.
    function _claim(Claim calldata c, bytes32 domainSeparator) private returns (bytes4 err, uint256 paid) {
        uint256 code;
        bytes32 typeHash = RECEIPT_TYPEHASH;
        bytes32 topic = Claimed.selector;
        assembly ("memory-safe") {
            // One usage counter: the lane at bit sh of the receipt's and the
            // baseline's word; adds (u − l) × price to cost, flags u < l
            // (then cost is meaningless) and stores u at q.
            function lane(ru, lu, sh, price, q, cost, bad) -> ncost, nbad {
                let u := and(shr(sh, ru), 0xffffffffffffffff)
                let l := and(shr(sh, lu), 0xffffffffffffffff)
                nbad := or(bad, lt(u, l))
                ncost := add(cost, mul(sub(u, l), price))
                mstore(q, u)
            }
            function run(cl, base, sep, th, tp) -> rc, pd {
                // Calldata layout of a Claim (14 words): terms @0 (signer,
                // rates[4]), last @160 (seqTime, usage[2]), receipt @256
                // (channelId, seqTime, usage[2]), sigR @384, sigVS @416.
                let id := calldataload(add(cl, 256))
                mstore(0, id)
                mstore(32, base)
                let slot := keccak256(0, 64)
                let st := sload(slot)
                let commitment := shr(96, st)
                if iszero(commitment) {
                    rc := 1
                    leave
                }
                if eq(commitment, 1) {
                    rc := 2
                    leave
                }
                let p := mload(0x40)
                calldatacopy(p, cl, 256)
                if iszero(eq(shr(96, keccak256(p, 256)), commitment)) {
                    rc := 3
                    leave
                }
                let m64 := 0xffffffffffffffff
                let lst := calldataload(add(cl, 160))
                let rst := and(calldataload(add(cl, 288)), 0xffffffffffffffffffffffffffffffff)
                let rtime := and(rst, m64)
                let ltime := and(lst, m64)
                if iszero(gt(shr(64, rst), shr(64, lst))) {
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
                // Counter i is lane i & 3 of usage word i >> 2 (lane 0 the
                // highest 64 bits); its price the half i & 1 of rates word
                // i >> 1 (half 0 the high 128 bits). The receipt's counters go
                // to memory at q for its EIP-712 usage hash.
                let q := add(p, 256)
                let cost, bad
                {
                    let ru := calldataload(add(cl, 320))
                    let lu := calldataload(add(cl, 192))
                    let r := calldataload(add(cl, 32))
                    cost, bad := lane(ru, lu, 192, shr(128, r), q, 0, 0)
                    cost, bad := lane(ru, lu, 128, and(r, 0xffffffffffffffffffffffffffffffff), add(q, 32), cost, bad)
                    r := calldataload(add(cl, 64))
                    cost, bad := lane(ru, lu, 64, shr(128, r), add(q, 64), cost, bad)
                    cost, bad := lane(ru, lu, 0, and(r, 0xffffffffffffffffffffffffffffffff), add(q, 96), cost, bad)
                    ru := calldataload(add(cl, 352))
                    lu := calldataload(add(cl, 224))
                    r := calldataload(add(cl, 96))
                    cost, bad := lane(ru, lu, 192, shr(128, r), add(q, 128), cost, bad)
                    cost, bad := lane(ru, lu, 128, and(r, 0xffffffffffffffffffffffffffffffff), add(q, 160), cost, bad)
                    cost, bad := lane(ru, lu, 64, shr(128, calldataload(add(cl, 128))), add(q, 192), cost, bad)
                }
                if bad {
                    rc := 7
                    leave
                }
                {
                    // EIP-712: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(receipt)).
                    let usageHash := keccak256(q, 224)
                    mstore(q, th)
                    mstore(add(q, 32), id)
                    mstore(add(q, 64), shr(64, rst))
                    mstore(add(q, 96), rtime)
                    mstore(add(q, 128), usageHash)
                    let structHash := keccak256(q, 160)
                    mstore(q, 0x1901000000000000000000000000000000000000000000000000000000000000)
                    mstore(add(q, 2), sep)
                    mstore(add(q, 34), structHash)
                    let digest := keccak256(q, 66)
                    let vs := calldataload(add(cl, 416))
                    let s := and(vs, 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff)
                    if gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0) {
                        rc := 8
                        leave
                    }
                    mstore(q, digest)
                    mstore(add(q, 32), add(shr(255, vs), 27))
                    mstore(add(q, 64), calldataload(add(cl, 384)))
                    mstore(add(q, 96), s)
                    mstore(0, 0)
                    pop(staticcall(gas(), 1, q, 128, 0, 32))
                    let signer := mload(0)
                    if or(iszero(signer), iszero(eq(signer, calldataload(cl)))) {
                        rc := 8
                        leave
                    }
                }
                pd := cost
                let capv := mul(and(calldataload(add(cl, 128)), 0xffffffffffffffffffffffffffffffff), sub(rtime, ltime))
                if lt(capv, pd) { pd := capv }
                let bal := and(st, 0xffffffffffffffffffffffff)
                if lt(bal, pd) { pd := bal }
                // The new commitment: the terms (still at p) with the receipt as the baseline.
                mstore(add(p, 160), rst)
                mstore(add(p, 192), calldataload(add(cl, 320)))
                mstore(add(p, 224), and(calldataload(add(cl, 352)), not(m64)))
                sstore(slot, or(and(keccak256(p, 256), not(0xffffffffffffffffffffffff)), sub(bal, pd)))
                mstore(p, shr(64, rst))
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

    /// keccak256(abi.encode(PackedTerms, PackedBaseline)); its first 20 bytes are the commitment.
    function _stateHash(address signer, uint256[4] memory rates, uint256 seqTime, uint256 u0, uint256 u1)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(signer, rates, seqTime, u0, u1));
    }

    /// The hash of a claim's terms and last, as they are in calldata (8 words).
    function _hashClaimState(Claim calldata c) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            calldatacopy(p, c, 256)
            h := keccak256(p, 256)
        }
    }

    /// A channel's state slot: the commitment (first 20 bytes of h) and the balance.
    function _commit(bytes32 h, uint256 balance) private pure returns (uint256) {
        return (uint256(h) & ~MAX_BALANCE) | balance;
    }

    function _rates(uint128 maxPerSecond, uint128[7] calldata p) private pure returns (uint256[4] memory r) {
        r[0] = uint256(p[0]) << 128 | p[1];
        r[1] = uint256(p[2]) << 128 | p[3];
        r[2] = uint256(p[4]) << 128 | p[5];
        r[3] = uint256(p[6]) << 128 | maxPerSecond;
    }

    function _seqTime(uint64 seq, uint64 time) private pure returns (uint256) {
        return uint256(seq) << 64 | time;
    }

    function _packUsage(uint64[7] calldata u) private pure returns (uint256 w0, uint256 w1) {
        w0 = uint256(u[0]) << 192 | uint256(u[1]) << 128 | uint256(u[2]) << 64 | u[3];
        w1 = uint256(u[4]) << 192 | uint256(u[5]) << 128 | uint256(u[6]) << 64;
    }

    function _view(Record storage ch) private view returns (Channel memory c) {
        uint256 st = ch.state;
        c.publisher = ch.publisher;
        c.disputePeriod = ch.disputePeriod;
        c.status = ch.status;
        c.pricingAccepted = ch.pricingAccepted;
        c.provider = ch.provider;
        c.unlockAt = ch.unlockAt;
        c.token = ch.token;
        c.balance = uint128(st & MAX_BALANCE);
        c.earned = ch.held - c.balance;
        c.stateHash = bytes20(bytes32(st));
        c.unlockAmount = ch.unlockAmount;
        c.pendingPricesHash = ch.pendingPricesHash;
    }

    /// EIP-712 hashStruct(Receipt): the uint64[7] array is hashed as 7 words.
    /// Reads calldata directly: Receipt is a static struct, so abi.encode of it
    /// is its calldata bytes (values with dirty high bits hash differently
    /// from the clean ones that were signed).
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

    function _pull(bytes32 channelId, Record storage ch, uint256 amount) private {
        IERC20 token = IERC20(ch.token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        uint256 st = ch.state;
        uint128 held = ch.held;
        if (received > MAX_BALANCE - (st & MAX_BALANCE) || received > type(uint128).max - held) revert BalanceOverflow();
        ch.state = st + received;
        ch.held = held + uint128(received);
        emit Deposited(channelId, msg.sender, received);
    }

    function _close(bytes32 channelId, Record storage ch) private {
        ch.status = Status.Closed;
        ch.state = (uint256(uint160(CLOSED)) << 96) | (ch.state & MAX_BALANCE);
        ch.pendingPricesHash = 0;
        ch.pricingAccepted = false;
        emit ChannelClosed(channelId);
    }

    function _publisherChannel(bytes32 channelId) private view returns (Record storage ch) {
        ch = _channels[channelId];
        if (ch.status == Status.None) revert UnknownChannel(channelId);
        if (ch.publisher != msg.sender) revert NotPublisher(channelId);
    }

    function _providerChannel(bytes32 channelId) private view returns (Record storage ch) {
        ch = _channels[channelId];
        if (ch.status == Status.None) revert UnknownChannel(channelId);
        if (ch.provider != msg.sender) revert NotProvider(channelId);
    }

    function _requireOpen(bytes32 channelId, Record storage ch) private view {
        Status s = ch.status;
        if (s == Status.Closing) revert ChannelIsClosing(channelId);
        if (s == Status.Closed) revert ChannelAlreadyClosed(channelId);
    }
}
