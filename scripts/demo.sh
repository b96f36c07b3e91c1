#!/usr/bin/env bash
# make demo: the whole Trusted Pods network on this machine. Starts the devnet
# (dev chain + IPFS + a provider with the simulated TEE on containerd), deploys
# examples/hello (image built locally, no registry), fetches it over HTTP,
# shows per-second usage and on-chain claims, shows a scale-to-zero wake,
# deletes the pods, withdraws the rest and prints a summary of balances.
# Exits non-zero if any step fails. Needs root and TPOD: make demo builds the
# release (bin/release/dist: the tpod with the release policy built in, the
# guest image beside it) and runs this with that tpod, so the devnet's
# simulated TEE measures the release image and deploy pins it with the
# release policy. With a development build (TPOD=bin/tpod) the deploy falls
# back to the development default policy, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
TPOD=${TPOD:-$PWD/bin/tpod}
start=$SECONDS

work=$(mktemp -d /tmp/tpod-demo.XXXXXX)
net=$work/devnet.json
export TPOD_STATE_DIR=$work/deployments   # the publisher's local records
devnet_pid=
cleanup() {
	if [[ -n $devnet_pid ]] && kill -0 "$devnet_pid" 2>/dev/null; then
		kill -TERM "$devnet_pid" 2>/dev/null || true
		wait "$devnet_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "demo: FAILED at line $LINENO" >&2; [[ -f $work/devnet.log ]] && tail -30 "$work/devnet.log" >&2' ERR

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
t() { "$TPOD" --network "$net" "$@"; }
pub() { t --account publisher "$@"; }
# get URL HOST: fetch through the gateway with the pod's hostname.
get() { curl -fsS -m 20 --resolve "$2:$gw_port:127.0.0.1" "$1"; }
balance_of() { t token balance "$1" -o json | jq -r '.[0].balance // .balance'; }

step "Build the example app's image locally (examples/hello: a static Go HTTP server; no registry)"
go run ./examples/hello/build -o "$work/hello.tar"

step "The release policy built into this tpod: what deploy accepts by default"
"$TPOD" policy show || echo "(a development build: deploy uses the development default policy)"

step "Start the devnet: dev chain, IPFS, and a provider (simulated TEE) on containerd"
"$TPOD" devnet up --http-port 0 --ws-port 0 --period 1 --gateway 127.0.0.1:0 --billing-cycle 3s --context-name= --out "$net" >"$work/devnet.log" 2>&1 &
devnet_pid=$!
"$TPOD" devnet wait --timeout 120s "$net"
cat "$work/devnet.log"
gw=$(jq -r .extra.provider.gateway "$net")
gw_port=${gw##*:}
pub_before=$(balance_of publisher)
prov_before=$(balance_of provider)

step "Providers in the registry, ranked by the hourly cost of examples/hello/pod.yaml"
for _ in $(seq 1 60); do
	t providers list -f examples/hello/pod.yaml -o json | jq -e 'length > 0' >/dev/null 2>&1 && break
	sleep 0.5
done
t providers list -f examples/hello/pod.yaml

step "Deploy: attest the provider, encrypt the bundle to its enclave, open a funded channel, provision"
deploy_start=$(date +%s.%N)
pub deploy -f examples/hello/pod.yaml --image "hello:latest=$work/hello.tar" --dispute-period 20s \
	--insecure-allow-simulated -o json >"$work/deploy.json"
id=$(jq -r .id "$work/deploy.json")
jq -r '"policy    \(.policyUsed)\nmeasured  \(.measurement)\nconfig    \(.configSha256)"' "$work/deploy.json"
jq -r '.config[] | select(.path | startswith("runtime.")) | "          \(.path) = \(.value)"' "$work/deploy.json"
if "$TPOD" policy show >/dev/null 2>&1; then
	# A release build: the policy pinned the release image's measurement,
	# which the devnet's simulated TEE reports.
	[[ $(jq -r .policyUsed "$work/deploy.json") == release* ]] || { echo "demo: deploy did not use the release policy" >&2; exit 1; }
	[[ $(jq -r .measurement "$work/deploy.json") == $(jq -r .extra.provider.measurement "$net") ]] ||
		{ echo "demo: the pinned measurement is not the provider's" >&2; exit 1; }
	echo "the release policy pinned the measurement of the release image (simulated TEE: the host's claim)"
fi
pub pod status "$id" -o json >"$work/status.json"
url=$(jq -r '.endpoints[0].address' "$work/status.json")
host=$(jq -r '.endpoints[0].name' "$work/status.json")
echo "deployment $id: $url"

step "Fetch it over HTTP through the provider's gateway"
get "$url" "$host" | sed -n 's/<[^>]*>//g; /./p'
printf 'deploy → first HTTP 200: %.2f s\n' "$(echo "$(date +%s.%N) - $deploy_start" | bc)"

step "Per-second usage, enclave-signed receipts and on-chain claims (billing cycle 3 s)"
sleep 4
pub pod status "$id"
sleep 4
pub funds show "$id"
spent=$(pub funds show "$id" -o json | jq -r .spent)
[[ $spent != 0 ]] || { echo "demo: nothing was claimed" >&2; exit 1; }

step "Scale to zero: a pod that sleeps after 5 idle seconds and wakes on the next request"
pub deploy -f examples/hello/pod-scale-to-zero.yaml --image "hello:latest=$work/hello.tar" --dispute-period 20s \
	--insecure-allow-simulated -o json >"$work/sleepy.json"
sid=$(jq -r .id "$work/sleepy.json")
pub pod status "$sid" -o json >"$work/sleepy-status.json"
surl=$(jq -r '.endpoints[0].address' "$work/sleepy-status.json")
shost=$(jq -r '.endpoints[0].name' "$work/sleepy-status.json")
get "$surl" "$shost" >/dev/null
echo "waiting for it to scale to zero…"
for _ in $(seq 1 40); do
	state=$(pub pod status "$sid" -o json | jq -r .state)
	[[ $state == scaled-to-zero || $state == scaled_to_zero || $state == "scaled to zero" ]] && break
	sleep 0.5
done
echo "state: $state"
[[ $state == *zero* ]] || { echo "demo: the pod did not scale to zero" >&2; exit 1; }
wake_start=$(date +%s.%N)
get "$surl" "$shost" >/dev/null
printf 'request to the stopped pod answered in %.0f ms (woken by the gateway)\n' "$(echo "($(date +%s.%N) - $wake_start) * 1000" | bc)"
echo "state: $(pub pod status "$sid" -o json | jq -r .state)"

step "Delete the pods (final claim), wait for the dispute period, withdraw the rest"
pub pod delete "$id"
pub pod delete "$sid"
for d in "$id" "$sid"; do
	ch=$(pub funds show "$d" -o json | jq -r .channel)
	t channel withdraw --account publisher --wait "$ch"
	t channel collect --account provider "$ch"
done

step "Summary"
pub_after=$(balance_of publisher)
prov_after=$(balance_of provider)
printf '%-10s %28s %28s %28s\n' account before after change
printf '%-10s %28s %28s %28s\n' publisher "$pub_before" "$pub_after" "$(echo "$pub_after - $pub_before" | bc)"
printf '%-10s %28s %28s %28s\n' provider "$prov_before" "$prov_after" "$(echo "$prov_after - $prov_before" | bc)"
[[ $(echo "$pub_before + $prov_before == $pub_after + $prov_after" | bc) == 1 ]] ||
	{ echo "demo: tokens were created or lost" >&2; exit 1; }
[[ $(echo "$prov_after > $prov_before" | bc) == 1 ]] || { echo "demo: the provider was not paid" >&2; exit 1; }
echo "the publisher paid exactly what the provider earned; the rest came back"
echo "demo: OK in $((SECONDS - start)) s"
