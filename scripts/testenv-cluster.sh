#!/usr/bin/env bash
# A real single-node Kubernetes cluster for the tests of the kube backend
# (internal/runtime/kube) and the provider on it, built from upstream parts:
#
#   testenv-cluster.sh build  build what is missing (once per machine, cached)
#   testenv-cluster.sh start  build, start the cluster (idempotent) and print
#                             `export TPOD_TEST_KUBECONFIG=...` lines on stdout
#   testenv-cluster.sh env    print the export lines of a running cluster
#   testenv-cluster.sh stop   stop it and remove everything it made
#
# Parts (docs/kubernetes.md explains each choice):
#   - kube-apiserver (scripts/testenv-kube.sh), kubelet, kube-controller-manager,
#     kube-scheduler and kube-proxy built from k8s.io/kubernetes $version with
#     the wrapper module of deploy/envtest, with their own GOCACHE;
#   - Debian's etcd, and Debian's containerd with its CRI plugin as a second
#     instance (own root, state, socket, runc root, CNI conf dir, cgroup root),
#     runc as the default handler and gVisor (runsc) as RuntimeClass "gvisor"
#     through containerd-shim-runsc-v1 built from gvisor.dev/gvisor, patched
#     at build time (see build_gvisor);
#   - CNI bridge + host-local + portmap + loopback from Debian, on bridge
#     $BRIDGE and subnet $POD_SUBNET; the node's address is the bridge's;
#   - the sandbox image registry.k8s.io/pause:3.6 built from deploy/cluster/pause;
#   - kube-controller-manager's host-path provisioner for PersistentVolumeClaims
#     (StorageClass "tpod-hostpath", the default);
#   - no cluster DNS: pods get a resolv.conf naming no server (nothing leaves
#     the machine); pod-local names are in /etc/hosts;
#   - the bridge plugin does not enforce NetworkPolicy: chain $FW (iptables)
#     isolates pods from each other and from the host and private networks.
#
# Everything lives in $ROOT (/var/lib/tpod-cluster) and $RUN (/run/tpod-cluster);
# `stop` removes both, the bridge, the cgroups, the iptables chains and
# restores the sysctls the kubelet and kube-proxy change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${TPOD_KUBE_VERSION:-v1.34.4}
gvisor_version=v0.0.0-20260905035102-160fafc42237

ROOT=${TPOD_CLUSTER_ROOT:-/var/lib/tpod-cluster}
RUN=${TPOD_CLUSTER_RUN:-/run/tpod-cluster}
BRIDGE=tpodk0
POD_SUBNET=172.30.240.0/24
NODE_IP=172.30.240.1
SERVICE_RANGE=172.30.242.0/23
NODE=tpod-node
APISERVER_PORT=26443
ETCD_PORT=22379
FW=TPOD-CLUSTER
SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
	kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.ipv4.ip_forward
	net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
	net.bridge.bridge-nf-call-ip6tables)

cache=${TPOD_CACHE_DIR:-}
if [[ -z $cache ]]; then
	if mkdir -p /var/cache/tpod 2>/dev/null && [[ -w /var/cache/tpod ]]; then
		cache=/var/cache/tpod
	else
		cache=${XDG_CACHE_HOME:-$HOME/.cache}/tpod
	fi
fi
BIN=$cache/cluster/$version
GVISOR=$cache/cluster/gvisor-$gvisor_version
log() { echo "testenv-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- build

build_kube() {
	if [[ -x $BIN/kube-proxy ]] && "$BIN/kubelet" --version 2>/dev/null | grep -qx "Kubernetes $version"; then
		return 0
	fi
	# kube-apiserver first: it generates the wrapper module and fills the cache.
	bash "$root/scripts/testenv-kube.sh" build
	log "building kubelet, kube-controller-manager, kube-scheduler, kube-proxy $version (once)"
	local start=$SECONDS
	mkdir -p "$BIN.tmp"
	(
		cd "$root/deploy/envtest/apiserver"
		export GOCACHE=$cache/kube-gocache GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off \
			GOTOOLCHAIN=local CGO_ENABLED=0
		go build -trimpath -o "$BIN.tmp/" \
			-ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitTreeState=clean" \
			k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-controller-manager \
			k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy
	)
	mkdir -p "$BIN"
	mv -f "$BIN.tmp"/* "$BIN/"
	rmdir "$BIN.tmp"
	log "built the node and controllers in $((SECONDS - start)) s"
}

# build_gvisor builds containerd-shim-runsc-v1 from the published gVisor
# module (Debian ships runsc but no shim) with two fixes for this setup,
# applied to a copy of the module at build time:
#   - the shim refuses to start when it cannot set its own OOM score, which
#     an unprivileged-for-that root (no CAP_SYS_RESOURCE) cannot: ignore EPERM;
#   - it answers `start` with JSON (bootstrap protocol v2), containerd 1.6
#     wants the bare socket address: a wrapper script of the same name turns
#     one into the other and runs the real shim for everything else.
build_gvisor() {
	[[ -x $GVISOR/containerd-shim-runsc-v1 && -x $GVISOR/containerd-shim-runsc-v1.real ]] && return 0
	log "building containerd-shim-runsc-v1 from gvisor.dev/gvisor@$gvisor_version (once)"
	local start=$SECONDS src work
	work=$(mktemp -d)
	src=$(cd "$work" && GOFLAGS=-mod=mod GOWORK=off go mod download -json "gvisor.dev/gvisor@$gvisor_version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	[[ -d $src ]] || die "cannot download gvisor.dev/gvisor@$gvisor_version"
	cp -r "$src" "$work/gvisor"
	chmod -R u+w "$work/gvisor"
	local f=$work/gvisor/pkg/shim/v1/manager.go
	grep -q 'if err := sys.SetOOMScore(cmd.Process.Pid, oomScoreMax); err != nil {' "$f" ||
		die "gVisor's shim changed: the OOM score patch no longer applies"
	sed -i 's/if err := sys.SetOOMScore(cmd.Process.Pid, oomScoreMax); err != nil {/if err := sys.SetOOMScore(cmd.Process.Pid, oomScoreMax); err != nil \&\& !os.IsPermission(err) {/' "$f"
	mkdir -p "$GVISOR.tmp"
	(
		cd "$work/gvisor"
		export GOCACHE=$cache/kube-gocache GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off \
			GOTOOLCHAIN=local CGO_ENABLED=0
		go build -trimpath -ldflags "-s -w" -o "$GVISOR.tmp/containerd-shim-runsc-v1.real" ./shim
	)
	cat >"$GVISOR.tmp/containerd-shim-runsc-v1" <<'EOF'
#!/bin/sh
# containerd 1.6 reads a bare address from the shim's `start`; gVisor's shim
# prints {"version":2,"address":"unix://...","protocol":"ttrpc"}.
real="$(dirname "$0")/containerd-shim-runsc-v1.real"
for a in "$@"; do last=$a; done
if [ "$last" = start ]; then
	out=$("$real" "$@") || exit $?
	case $out in
	\{*) printf '%s' "$out" | sed -n 's/.*"address":"\([^"]*\)".*/\1/p' ;;
	*) printf '%s' "$out" ;;
	esac
	exit 0
fi
exec "$real" "$@"
EOF
	chmod 0755 "$GVISOR.tmp/containerd-shim-runsc-v1"
	rm -rf "$GVISOR" "$work"
	mv "$GVISOR.tmp" "$GVISOR"
	log "built the gVisor shim in $((SECONDS - start)) s"
}

build() {
	mkdir -p "$cache/cluster"
	exec 8>"$cache/cluster/.lock"
	flock 8
	build_kube
	build_gvisor
	exec 8>&-
}

# ---------------------------------------------------------------- start

pid_running() { [[ -f $RUN/$1.pid ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# daemon NAME CMD...: start CMD in its own session, logging to $RUN/NAME.log.
daemon() {
	local name=$1
	shift
	pid_running "$name" && return 0
	setsid "$@" >>"$RUN/$name.log" 2>&1 </dev/null &
	echo $! >"$RUN/$name.pid"
}

wait_until() { # wait_until SECONDS WHAT CMD...
	local limit=$1 what=$2
	shift 2
	local end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || die "timed out waiting for $what (logs in $RUN)"
		sleep 0.2
	done
}

pki() {
	local p=$RUN/pki
	[[ -f $p/ca.crt ]] && return 0
	mkdir -p "$p"
	chmod 0700 "$p"
	openssl ecparam -name prime256v1 -genkey -noout -out "$p/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$p/ca.key" -subj "/CN=tpod-test-cluster-ca" -days 30 -out "$p/ca.crt" 2>/dev/null
	openssl ecparam -name prime256v1 -genkey -noout -out "$p/sa.key" 2>/dev/null
	openssl ec -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
	# cert NAME SUBJECT [SANS]
	cert() {
		openssl ecparam -name prime256v1 -genkey -noout -out "$p/$1.key" 2>/dev/null
		openssl req -new -key "$p/$1.key" -subj "$2" -out "$p/$1.csr" 2>/dev/null
		local ext="basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth"
		[[ -n ${3:-} ]] && ext+=$'\n'"subjectAltName=$3"
		openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
			-days 30 -out "$p/$1.crt" -extfile <(echo "$ext") 2>/dev/null
		rm -f "$p/$1.csr"
	}
	cert apiserver "/CN=kube-apiserver" "IP:127.0.0.1,IP:$NODE_IP,IP:${SERVICE_RANGE%.0/*}.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
	cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
	cert admin "/O=system:masters/CN=tpod-test-admin"
	cert kubelet "/O=system:nodes/CN=system:node:$NODE"
	cert kubelet-serving "/CN=$NODE" "IP:$NODE_IP,DNS:$NODE"
	cert controller-manager "/CN=system:kube-controller-manager"
	cert scheduler "/CN=system:kube-scheduler"
	cert proxy "/CN=system:kube-proxy"
	chmod 0600 "$p"/*.key
}

kubeconfig() { # kubeconfig NAME: client config with the NAME client cert
	local p=$RUN/pki
	cat >"$RUN/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tpod-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $p/ca.crt
users:
- name: $1
  user:
    client-certificate: $p/$1.crt
    client-key: $p/$1.key
contexts:
- name: tpod-test
  context: {cluster: tpod-test, user: $1}
current-context: tpod-test
EOF
	chmod 0600 "$RUN/$1.kubeconfig"
}

# api METHOD PATH [JSON]: a request to the API server as the admin.
api() {
	local p=$RUN/pki
	curl -sS --fail-with-body --cacert "$p/ca.crt" --cert "$p/admin.crt" --key "$p/admin.key" \
		-X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "https://127.0.0.1:$APISERVER_PORT$2"
}

save_sysctls() {
	[[ -f $RUN/sysctl.saved ]] && return 0
	local k v
	for k in "${SYSCTLS[@]}"; do
		v=$(sysctl -n "$k" 2>/dev/null) || continue
		printf '%s=%s\n' "$k" "$v" >>"$RUN/sysctl.saved"
	done
}

network() {
	if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
		ip link add "$BRIDGE" type bridge
		ip addr add "$NODE_IP/${POD_SUBNET#*/}" dev "$BRIDGE"
		ip link set "$BRIDGE" up
	fi
	# Service addresses are routed to the bridge: kube-proxy's DNAT sends them
	# on to a pod, and one it has no rule for (yet, or any more) stays on this
	# machine instead of following the default route out.
	ip route replace "$SERVICE_RANGE" dev "$BRIDGE"
	sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
	mkdir -p "$RUN/cni" "$ROOT/cni-ipam"
	cat >"$RUN/cni/10-tpod-cluster.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "tpod-cluster",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$ROOT/cni-ipam", "ranges": [[{"subnet": "$POD_SUBNET", "gateway": "$NODE_IP"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
	# Isolation in place of NetworkPolicy (docs/kubernetes.md): a pod may
	# answer connections and reach the internet, but open none to another
	# pod, to this host or to private, link-local and shared address space.
	# Matched on the bridge (where pods' packets come in), not on source
	# addresses, which a pod could forge.
	iptables -N "$FW" 2>/dev/null || iptables -F "$FW"
	iptables -A "$FW" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
	iptables -A "$FW" -i "$BRIDGE" -d 10.0.0.0/8 -j REJECT
	iptables -A "$FW" -i "$BRIDGE" -d 172.16.0.0/12 -j REJECT
	iptables -A "$FW" -i "$BRIDGE" -d 192.168.0.0/16 -j REJECT
	iptables -A "$FW" -i "$BRIDGE" -d 169.254.0.0/16 -j REJECT
	iptables -A "$FW" -i "$BRIDGE" -d 100.64.0.0/10 -j REJECT
	iptables -A "$FW" -i "$BRIDGE" -d 127.0.0.0/8 -j REJECT
	local chain
	for chain in INPUT FORWARD; do
		iptables -C "$chain" -j "$FW" 2>/dev/null || iptables -I "$chain" 1 -j "$FW"
	done
}

containerd_cri() {
	mkdir -p "$ROOT/containerd" "$RUN/containerd" "$RUN/certs.d"
	cat >"$RUN/runsc.toml" <<EOF
binary_name = "$(command -v runsc || echo /usr/bin/runsc)"
root = "$RUN/runsc"
[runsc_config]
  platform = "ptrace"
  network = "host"
EOF
	cat >"$RUN/containerd.toml" <<EOF
version = 2
root = "$ROOT/containerd"
state = "$RUN/containerd"
[grpc]
  address = "$RUN/containerd.sock"
[ttrpc]
  address = "$RUN/containerd.sock.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "$ROOT/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"
  disable_apparmor = true
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$RUN/runc"
        SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]
      runtime_type = "io.containerd.runsc.v1"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc.options]
        TypeUrl = "io.containerd.runsc.v1.options"
        ConfigPath = "$RUN/runsc.toml"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$RUN/certs.d"
EOF
	if ! pid_running containerd; then
		rm -f "$RUN/containerd.sock"
		daemon containerd env PATH="$GVISOR:$PATH" containerd --config "$RUN/containerd.toml"
		wait_until 20 containerd test -S "$RUN/containerd.sock"
	fi
	if ! ctr -a "$RUN/containerd.sock" -n k8s.io images ls -q | grep -qx registry.k8s.io/pause:3.6; then
		(cd "$root" && CGO_ENABLED=0 go build -o "$RUN/pause" ./deploy/cluster/pause)
		"$RUN/pause" -image "$RUN/pause.tar" registry.k8s.io/pause:3.6
		ctr -a "$RUN/containerd.sock" -n k8s.io images import --no-unpack "$RUN/pause.tar" >/dev/null
		rm -f "$RUN/pause.tar"
	fi
}

control_plane() {
	local p=$RUN/pki assets
	assets=$(bash "$root/scripts/testenv-kube.sh" path)
	mkdir -p "$ROOT/etcd"
	chmod 0700 "$ROOT/etcd"
	daemon etcd etcd --name tpod-cluster --data-dir "$ROOT/etcd" --unsafe-no-fsync \
		--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-cluster "tpod-cluster=http://127.0.0.1:$((ETCD_PORT + 1))" --log-level warn
	daemon kube-apiserver "$assets/kube-apiserver" \
		--etcd-servers "http://127.0.0.1:$ETCD_PORT" \
		--bind-address 127.0.0.1 --secure-port "$APISERVER_PORT" --advertise-address "$NODE_IP" \
		--tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" \
		--client-ca-file "$p/ca.crt" --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
		--service-cluster-ip-range "$SERVICE_RANGE" \
		--service-account-issuer https://kubernetes.default.svc --service-account-key-file "$p/sa.pub" \
		--service-account-signing-key-file "$p/sa.key" \
		--kubelet-client-certificate "$p/apiserver-kubelet-client.crt" --kubelet-client-key "$p/apiserver-kubelet-client.key" \
		--kubelet-certificate-authority "$p/ca.crt" --kubelet-preferred-address-types InternalIP \
		--profiling=false --v 0
	wait_until 90 kube-apiserver api GET /readyz
	kubeconfig admin
	kubeconfig controller-manager
	kubeconfig scheduler
	kubeconfig kubelet
	kubeconfig proxy
	daemon kube-controller-manager "$BIN/kube-controller-manager" \
		--kubeconfig "$RUN/controller-manager.kubeconfig" --secure-port 0 --leader-elect=false \
		--use-service-account-credentials --service-account-private-key-file "$p/sa.key" \
		--root-ca-file "$p/ca.crt" --cluster-name tpod-test --enable-hostpath-provisioner \
		--controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller' \
		--profiling=false --v 0
	daemon kube-scheduler "$BIN/kube-scheduler" \
		--kubeconfig "$RUN/scheduler.kubeconfig" --secure-port 0 --leader-elect=false --profiling=false --v 0
}

# cgroups makes the kubelet's cgroup root in every cgroup v1 hierarchy.
cgroups() {
	local d
	for d in $(awk '$3 == "cgroup" {print $2}' /proc/mounts); do
		mkdir -p "$d/tpod-cluster"
		if [[ -f $d/cpuset.cpus ]]; then
			[[ -s $d/tpod-cluster/cpuset.cpus ]] || cat "$d/cpuset.cpus" >"$d/tpod-cluster/cpuset.cpus"
			[[ -s $d/tpod-cluster/cpuset.mems ]] || cat "$d/cpuset.mems" >"$d/tpod-cluster/cpuset.mems"
		fi
	done
}

node() {
	local p=$RUN/pki
	cgroups
	mkdir -p "$ROOT/kubelet"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$RUN/resolv.conf"
	cat >"$RUN/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzPort: 0
tlsCertFile: $p/kubelet-serving.crt
tlsPrivateKeyFile: $p/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $p/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /tpod-cluster
failCgroupV1: false
failSwapOn: false
resolvConf: $RUN/resolv.conf
containerRuntimeEndpoint: unix://$RUN/containerd.sock
serializeImagePulls: false
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
imageMaximumGCAge: 0s
maxPods: 250
podPidsLimit: 4096
nodeStatusUpdateFrequency: 4s
syncFrequency: 10s
featureGates: {PodAndContainerStatsFromCRI: true}
fileCheckFrequency: 0s
httpCheckFrequency: 0s
EOF
	daemon kubelet "$BIN/kubelet" --config "$RUN/kubelet.yaml" --kubeconfig "$RUN/kubelet.kubeconfig" \
		--root-dir "$ROOT/kubelet" --cert-dir "$RUN/pki" --hostname-override "$NODE" --node-ip "$NODE_IP" --v 0
	pid_running kube-proxy && return 0 # it exits when its configuration file changes
	cat >"$RUN/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $RUN/proxy.kubeconfig}
mode: iptables
hostnameOverride: $NODE
bindAddress: $NODE_IP
clusterCIDR: $POD_SUBNET
healthzBindAddress: 127.0.0.1:26256
metricsBindAddress: 127.0.0.1:26249
nodePortAddresses: ["$NODE_IP/32"]
iptables: {localhostNodePorts: false, masqueradeAll: false}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s}
EOF
	daemon kube-proxy "$BIN/kube-proxy" --config "$RUN/kube-proxy.yaml" --v 0
}

node_ready() {
	api GET "/api/v1/nodes/$NODE" | grep -q '"type": "Ready",[[:space:]]*"status": "True"' ||
		api GET "/api/v1/nodes/$NODE" | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'
}

objects() {
	# The default StorageClass, served by kube-controller-manager's host-path
	# provisioner (volumes under /tmp/hostpath_pv, removed with their claims).
	api GET /apis/storage.k8s.io/v1/storageclasses/tpod-hostpath >/dev/null 2>&1 ||
		api POST /apis/storage.k8s.io/v1/storageclasses '{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
		"metadata":{"name":"tpod-hostpath","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
		"provisioner":"kubernetes.io/host-path","reclaimPolicy":"Delete","volumeBindingMode":"Immediate"}' >/dev/null
	api GET /apis/node.k8s.io/v1/runtimeclasses/gvisor >/dev/null 2>&1 ||
		api POST /apis/node.k8s.io/v1/runtimeclasses '{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass",
		"metadata":{"name":"gvisor"},"handler":"runsc"}' >/dev/null
}

start() {
	[[ $(id -u) == 0 ]] || die "needs root"
	for c in containerd runc runsc etcd iptables openssl curl ctr; do
		command -v "$c" >/dev/null || die "$c not installed (scripts/deps.sh)"
	done
	build
	mkdir -p "$ROOT" "$RUN"
	chmod 0700 "$ROOT" "$RUN"
	local t0=$SECONDS
	save_sysctls
	pki
	network
	containerd_cri
	control_plane
	node
	objects
	wait_until 90 "node $NODE Ready" node_ready
	log "cluster up in $((SECONDS - t0)) s (node $NODE at $NODE_IP, API https://127.0.0.1:$APISERVER_PORT)"
	env_lines
}

env_lines() {
	echo "export TPOD_TEST_KUBECONFIG=$RUN/admin.kubeconfig"
	echo "export TPOD_TEST_CLUSTER_CONTAINERD=$RUN/containerd.sock"
	echo "export TPOD_TEST_CLUSTER_NODE=$NODE"
	echo "export TPOD_TEST_CLUSTER_REGISTRY_HOSTS=$RUN/certs.d"
}

# ---------------------------------------------------------------- stop

stop_daemon() {
	local name=$1 pid
	[[ -f $RUN/$name.pid ]] || return 0
	pid=$(cat "$RUN/$name.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$RUN/$name.pid"
}

shims() { pgrep -f -- "-address $RUN/containerd.sock" || true; }

stop() {
	[[ -d $RUN ]] || return 0
	# Pods first, while the kubelet and containerd can still tear them down
	# (CNI DEL, mounts, cgroups): delete every pod, then wait for the shims.
	if pid_running kube-apiserver && pid_running kubelet; then
		local ns
		for ns in $(api GET /api/v1/namespaces 2>/dev/null | sed -n 's/^      "name": "\(.*\)",$/\1/p'); do
			api DELETE "/api/v1/namespaces/$ns/pods?gracePeriodSeconds=0" >/dev/null 2>&1 || true
		done
		local end=$((SECONDS + 60))
		while [[ -n $(shims) ]] && ((SECONDS < end)); do sleep 0.5; done
	fi
	stop_daemon kube-proxy
	if [[ -x $BIN/kube-proxy ]]; then
		"$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
	fi
	local d
	for d in kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_daemon "$d"; done
	# Whatever a crashed kubelet left: kill the containers, then the shims.
	if [[ -d $RUN/runc ]]; then
		for c in $(runc --root "$RUN/runc" list -q 2>/dev/null); do
			runc --root "$RUN/runc" delete --force "$c" >/dev/null 2>&1 || true
		done
	fi
	if [[ -d $RUN/runsc ]]; then
		for c in $(runsc --root "$RUN/runsc" list -quiet 2>/dev/null); do
			runsc --root "$RUN/runsc" delete -force "$c" >/dev/null 2>&1 || true
		done
	fi
	for p in $(shims); do kill -9 "$p" 2>/dev/null || true; done
	stop_daemon containerd
	# Network namespaces of sandboxes whose CNI DEL never ran.
	local n
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		if ip -n "$n" -4 addr 2>/dev/null | grep -q "inet ${POD_SUBNET%.*}\."; then ip netns delete "$n" 2>/dev/null || true; fi
	done
	local chain
	for chain in INPUT FORWARD; do
		while iptables -D "$chain" -j "$FW" 2>/dev/null; do :; done
	done
	iptables -F "$FW" 2>/dev/null || true
	iptables -X "$FW" 2>/dev/null || true
	# What the kubelet and kube-proxy leave (KUBE-FIREWALL, canaries, hints):
	# no other Kubernetes runs on a test machine, so every KUBE-* chain is ours.
	local ipt t rule kc
	for ipt in iptables ip6tables; do
		for t in mangle nat filter; do
			for kc in $($ipt -t "$t" -S 2>/dev/null | sed -n 's/^-N \(KUBE-[A-Za-z0-9-]*\)$/\1/p'); do
				$ipt -t "$t" -S 2>/dev/null | { grep -- "-j $kc\( \|$\)" || true; } | { grep -v "^-A KUBE-" || true; } | sed 's/^-A/-D/' |
					while read -r rule; do eval $ipt -t "$t" "$rule" 2>/dev/null || true; done
			done
			for kc in $($ipt -t "$t" -S 2>/dev/null | sed -n 's/^-N \(KUBE-[A-Za-z0-9-]*\)$/\1/p'); do
				$ipt -t "$t" -F "$kc" 2>/dev/null || true
			done
			for kc in $($ipt -t "$t" -S 2>/dev/null | sed -n 's/^-N \(KUBE-[A-Za-z0-9-]*\)$/\1/p'); do
				$ipt -t "$t" -X "$kc" 2>/dev/null || true
			done
		done
	done
	# The bridge plugin's masquerade rules for pods whose DEL never ran.
	local c rule
	for c in $(iptables -t nat -S POSTROUTING 2>/dev/null | grep -- "-s ${POD_SUBNET%.*}\." | grep -o 'CNI-[0-9a-f]*' | sort -u); do
		iptables -t nat -S POSTROUTING | { grep -- "-j $c" || true; } | sed 's/^-A/-D/' | while read -r rule; do
			eval iptables -t nat "$rule" 2>/dev/null || true
		done
		iptables -t nat -F "$c" 2>/dev/null || true
		iptables -t nat -X "$c" 2>/dev/null || true
	done
	ip link delete "$BRIDGE" 2>/dev/null || true
	# Mounts under the cluster's directories (volumes, rootfs, shm), deepest first.
	local m
	for m in $(awk -v r="$ROOT" -v s="$RUN" '$2 ~ "^" r "/" || $2 ~ "^" s "/" {print $2}' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	# Cgroups under the kubelet's cgroup root, deepest first.
	for d in $(awk '$3 == "cgroup" {print $2 "/tpod-cluster"}' /proc/mounts); do
		[[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
	if [[ -f $RUN/sysctl.saved ]]; then
		while IFS= read -r kv; do sysctl -qw "$kv" 2>/dev/null || true; done <"$RUN/sysctl.saved"
	fi
	rm -rf /tmp/hostpath_pv
	rm -rf "$ROOT" "$RUN"
	log "stopped"
}

case ${1:-} in
build) build ;;
start) start ;;
env)
	pid_running kube-apiserver || die "not running (start it)"
	env_lines
	;;
stop) stop ;;
*)
	echo "usage: $0 build|start|env|stop" >&2
	exit 2
	;;
esac
