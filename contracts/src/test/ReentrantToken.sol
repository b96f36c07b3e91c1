// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ERC-20 that calls back into a target on every transfer, for tests only
/// @notice When armed, each transfer (not mint) calls `target` with `data`
/// and bubbles up a revert, so a reentrancy guard's error reaches the caller.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public data;

    constructor() ERC20("Reentrant Token", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_) external {
        target = target_;
        data = data_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address t = target;
        if (t == address(0) || from == address(0)) return;
        target = address(0); // one re-entry per arm
        (bool ok, bytes memory ret) = t.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
