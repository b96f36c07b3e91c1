#!/usr/bin/env bash
# Starts a local Kubernetes cluster (kind) running a Trusted Pods provider
# with a fake TEE (tee: simulated) and a dev chain, for trying things out.
# Needs docker, kind (v0.24+), kubectl and Go. Not a production setup: the
# simulated TEE proves nothing; see docs/kubernetes.md for real targets.
#
#   bash deploy/local/up.sh      # create cluster, build + load image, deploy
#   bash deploy/local/down.sh    # delete the cluster
set -euo pipefail
cd "$(dirname "$0")/../.."
here=deploy/local
for tool in docker kind kubectl go; do
	command -v "$tool" >/dev/null || { echo "up: $tool is required" >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "up: the docker daemon is not reachable" >&2; exit 1; }

echo "up: building tpod" >&2
go build -o bin/tpod ./cmd/tpod

# The devnet's keys and contract addresses are deterministic (docs/devnet.md),
# so a short local run tells the provider's configuration what the in-cluster
# devnet will deploy. up.sh checks the two agree once the pod runs.
tmp=$(mktemp -d)
trap 'kill "${devpid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin/tpod devnet up --http-port 0 --ws-port 0 --out "$tmp/devnet.json" >/dev/null &
devpid=$!
bin/tpod devnet wait "$tmp/devnet.json"
read -r payment registry key < <(python3 - "$tmp/devnet.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
key = next(a["privateKey"] for a in d["accounts"] if a["label"] == "provider")
print(d["contracts"]["payment"], d["contracts"]["registry"], key)
PY
)
kill "$devpid"; wait "$devpid" 2>/dev/null || true; devpid=

mkdir -p "$here/generated"
umask 077
printf '%s' "$key" >"$here/generated/provider.key"
sed -e "s|http://chain.example:8545|http://127.0.0.1:8545|" \
	-e "s|payment: \"0x0*\"|payment: \"$payment\"|" \
	-e "s|registry: \"0x0*\"|registry: \"$registry\"|" \
	-e "s|tee: auto|tee: simulated|" \
	-e "s|domain: pods.example|domain: pods.localhost|" \
	<(sed -n '/provider.yaml: |/,$p' deploy/kubernetes/config.yaml | tail -n +2 | sed 's/^    //') \
	>"$here/generated/provider.yaml"
umask 022

if ! kind get clusters 2>/dev/null | grep -qx tpod; then
	echo "up: creating kind cluster tpod" >&2
	# kind wants an absolute host path for the containerd registry config.
	sed "s|hostPath: ./|hostPath: $PWD/|" "$here/kind.yaml" >"$here/generated/kind.yaml"
	kind create cluster --config "$here/generated/kind.yaml" --wait 120s
fi
echo "up: building image tpod:dev" >&2
docker build -f deploy/Dockerfile -t tpod:dev .
kind load docker-image tpod:dev --name tpod

kubectl apply -k "$here"
kubectl -n tpod-system rollout status statefulset/tpod-provider --timeout=300s
got=$(kubectl -n tpod-system logs tpod-provider-0 -c devnet | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["contracts"]["payment"])')
if [[ $got != "$payment" ]]; then
	echo "up: the in-cluster devnet deployed Payment at $got, expected $payment" >&2
	exit 1
fi
echo "up: provider running; gateway on http://127.0.0.1:8080 (pods at <id>.pods.localhost)" >&2
