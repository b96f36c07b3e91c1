#!/usr/bin/env bash
# make demo: starts the embedded dev chain and walks a payment channel through
# its life with tpod's own commands, printing balances at each step. Exits
# non-zero on any failure. Needs bin/tpod (make demo builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."
TPOD=${TPOD:-$PWD/bin/tpod}
start=$SECONDS

work=$(mktemp -d)
net=$work/devnet.json
devnet_pid=
cleanup() {
	if [[ -n $devnet_pid ]] && kill -0 "$devnet_pid" 2>/dev/null; then
		kill -TERM "$devnet_pid" 2>/dev/null || true
		wait "$devnet_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "demo: FAILED at line $LINENO" >&2; [[ -f $work/devnet.log ]] && tail -20 "$work/devnet.log" >&2' ERR

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
t() { "$TPOD" --network "$net" "$@"; }
# expect_fail ERRORNAME CMD...: the command must fail naming the error.
expect_fail() {
	local want=$1; shift
	if "$@" 2>"$work/err"; then
		echo "demo: '$*' succeeded but should have failed with $want" >&2
		exit 1
	fi
	grep -q "$want" "$work/err" || { echo "demo: expected $want, got: $(cat "$work/err")" >&2; exit 1; }
	echo "refused as expected: $(cat "$work/err")"
}
json_field() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" | head -1; }
balances() {
	t token balance publisher provider
	if [[ -n ${ch:-} ]]; then
		t channel show "$ch" -o json >"$work/show.json"
		printf 'channel      status %s, balance %s, provider earnings %s\n' \
			"$(json_field status <"$work/show.json")" "$(json_field balance <"$work/show.json")" "$(json_field earned <"$work/show.json")"
	fi
}
token_sum() { t token balance publisher provider -o json | sed -n 's/.*"balance": "\([0-9]*\)".*/\1/p' | paste -sd+ | bc; }

step "Start the dev chain (in-process go-ethereum, a block every second)"
"$TPOD" devnet up --http-port 0 --ws-port 0 --period 1 --out "$net" >"$work/devnet.log" 2>&1 &
devnet_pid=$!
"$TPOD" devnet wait --timeout 60s "$net"
cat "$work/devnet.log"
sum_before=$(token_sum)
balances

step "Publisher opens a channel to the provider for one pod and deposits 1,000,000 base units"
# Prices per unit of the usage vector (cpu, memory, storage, gpu, cpu-used,
# memory-used, egress); the enclave key is the devnet's stand-in enclave.
t channel create --account publisher --provider provider --enclave enclave \
	--prices 1,1,0,0,2,1,3 --max-per-second 10000 --amount 1000000 --dispute-period 6s -o json >"$work/create.json"
ch=$(json_field channel <"$work/create.json")
echo "channel $ch"
t channel show "$ch"
balances

step "The enclave signs receipt 1 (cumulative usage); the provider claims it"
t receipt sign --channel "$ch" --seq 1 --usage 1000,512,0,0,300,200,50 --out "$work/r1.json"
t channel claim --account provider "$work/r1.json"
balances

step "A receipt signed by another key is refused"
t receipt sign --account publisher --channel "$ch" --seq 2 --usage 2000,1024,0,0,600,400,90 --out "$work/forged.json"
expect_fail InvalidSignature t channel claim --account provider "$work/forged.json"

step "Receipt 2 is claimed"
t receipt sign --channel "$ch" --seq 2 --usage 2000,1024,0,0,600,400,90 --out "$work/r2.json"
t channel claim --account provider "$work/r2.json"
expect_fail SeqNotIncreasing t channel claim --account provider "$work/r2.json"
balances

step "Publisher asks to take 500,000 back: the dispute period (6 s) starts"
t channel unlock --account publisher "$ch" --amount 500000
expect_fail DisputePeriodNotOver t channel withdraw --account publisher "$ch"
balances

step "Inside the dispute period the provider still claims receipt 3"
t receipt sign --channel "$ch" --seq 3 --usage 3000,1536,0,0,900,600,120 --out "$work/r3.json"
t channel claim --account provider "$work/r3.json"
balances

step "After the dispute period the publisher withdraws the unlocked funds"
t channel withdraw --account publisher --wait "$ch"
balances

step "The provider collects its earnings"
t channel collect --account provider "$ch"
balances

step "The publisher closes the channel; after the dispute period the rest comes back"
t channel close --account publisher "$ch"
t channel withdraw --account publisher --wait "$ch"
balances
t channel show "$ch"

status=$(t channel show "$ch" -o json | json_field status)
[[ $status == closed ]] || { echo "demo: channel is $status, want closed" >&2; exit 1; }
sum_after=$(token_sum)
[[ $sum_before == "$sum_after" ]] || { echo "demo: tokens were created or lost: $sum_before -> $sum_after" >&2; exit 1; }
echo
echo "demo: channel lifecycle complete; publisher + provider still hold $sum_after base units in total"
echo "demo: OK in $((SECONDS - start)) s"
