#!/usr/bin/env bash
# Deletes the local cluster made by up.sh and its generated configuration.
set -euo pipefail
cd "$(dirname "$0")"
kind delete cluster --name tpod
rm -f generated/provider.yaml generated/provider.key
