// Package faults holds the fault, soak and load suites of the provider
// (docs/reliability.md). Everything is in its tests: each one starts a
// network of real parts — the devnet chain in the test process, `tpod
// provider run` as a process with its own private containerd, publishers as
// `tpod` commands — puts pods under gateway load with billing running, injects
// one fault through what an operator or the environment could do (kill a
// process, cut a connection, fill a disk, reorganise the chain, skew a clock),
// and checks the same invariants after every fault: paid pods keep serving or
// come back within a stated time, every metered second is paid exactly once
// at the channel's prices, and nothing is left behind on the host.
//
// The suites need root and containerd (scripts/test-faults.sh; the short
// version runs in `make test`), and skip under -short.
package faults
