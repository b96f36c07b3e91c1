#!/usr/bin/env bash
# Starts (or stops) a private containerd for the runtime tests: its own root,
# state, socket and CNI conf dir, CRI disabled. `start` prints `export` lines on
# stdout for scripts/test.sh to eval; everything else goes to stderr.
#
#   eval "$(bash scripts/testenv-containerd.sh start)"
#   bash scripts/testenv-containerd.sh stop
#
# Directories: /var/lib/tpod-test (root), /run/tpod-test (state, socket, pid,
# log). Override with TPOD_TEST_ROOT / TPOD_TEST_RUN.
set -euo pipefail

ROOT=${TPOD_TEST_ROOT:-/var/lib/tpod-test}
RUN=${TPOD_TEST_RUN:-/run/tpod-test}
SOCK=$RUN/containerd.sock
PIDFILE=$RUN/containerd.pid
LOG=$RUN/containerd.log
# The bridge subnet the tests' pods use. 10.88.0.0/16 (the CNI default) and
# 10.0/8 ranges of other tools are avoided on purpose.
SUBNET=${TPOD_TEST_SUBNET:-172.30.213.0/24}

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
	if [[ $(id -u) != 0 ]]; then
		echo "testenv-containerd: needs root" >&2
		exit 1
	fi
	command -v containerd >/dev/null || { echo "testenv-containerd: containerd not installed (scripts/deps.sh)" >&2; exit 1; }
	mkdir -p "$ROOT/root" "$ROOT/data" "$RUN/state"
	chmod 0700 "$ROOT" "$RUN"
	if ! running; then
		cat >"$RUN/config.toml" <<CONF
version = 2
root = "$ROOT/root"
state = "$RUN/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "$ROOT/opt"
CONF
		rm -f "$SOCK"
		# setsid: the daemon outlives this script and is not in its process group.
		setsid containerd --config "$RUN/config.toml" >>"$LOG" 2>&1 </dev/null &
		echo $! >"$PIDFILE"
		for _ in $(seq 1 100); do
			[[ -S $SOCK ]] && break
			sleep 0.05
		done
		[[ -S $SOCK ]] || { echo "testenv-containerd: containerd did not start, see $LOG" >&2; exit 1; }
		echo "testenv-containerd: containerd $(cat "$PIDFILE") on $SOCK" >&2
	fi
	echo "export TPOD_TEST_CONTAINERD=$SOCK"
	echo "export TPOD_TEST_DATA=$ROOT/data"
	echo "export TPOD_TEST_STATE=$RUN/tpod"
	echo "export TPOD_TEST_SUBNET=$SUBNET"
}

stop() {
	if running; then
		pid=$(cat "$PIDFILE")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$pid" 2>/dev/null || true
		echo "testenv-containerd: stopped containerd $pid" >&2
	fi
	rm -f "$PIDFILE"
	# Shims keep running after their daemon stops; end only ours, which carry
	# our socket address on their command line.
	for p in $(pgrep -f -- "-address $SOCK" || true); do kill "$p" 2>/dev/null || true; done
}

case ${1:-} in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
