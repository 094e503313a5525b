#!/usr/bin/env bash
# `make e2e-kubernetes`: checks rendered Kubernetes manifests against a real API server.
#
# 1. Builds (once, cached outside the repository) kube-apiserver and kubectl from the Go module
#    proxy (build-apiserver.sh), and installs Debian's etcd-server with apt when etcd is missing.
# 2. Renders, with the provider's engine (tools/e2e/render), every Kubernetes example under
#    examples/ and one workload per built-in provisioner type, one case directory each.
# 3. Starts etcd and kube-apiserver on 127.0.0.1 only, in a temporary directory, with generated
#    certificates, a static admin token and AlwaysAllow authorization, and installs the Gateway
#    API HTTPRoute CRD (manifests/) so route manifests are checked too.
# 4. Self-test: every manifest in selftest/ is deliberately broken and must be rejected through
#    the same check the cases use; the target fails if the server accepts one.
# 5. For each case, in its own namespace, for manifests and secret_manifests together:
#    `kubectl apply --dry-run=server` (client-side apply, strict field validation), a server-side
#    apply dry run (what the kubernetes provider's kubernetes_manifest does), `kubectl apply`,
#    `kubectl get` to read the objects back, and a comparison: every field rendered must come
#    back unchanged (otherwise Terraform shows drift on every plan).
# 6. Stops what it started, by PID, and removes the temporary directory (trap on EXIT).
#
# Any rejection fails the target and names the file and the server's message. Works offline.
#
# Environment:
#   GO                     the go command (default: go)
#   E2E_KUBECTL            a kubectl to use instead of the one built with kube-apiserver
#   E2E_KEEP_WORKDIR=1     keep the temporary directory (rendered files, logs) for inspection
#   E2E_READY_TIMEOUT      seconds to wait for etcd and kube-apiserver (default 180)
#   E2E_BUILD_GOFLAGS, E2E_BUILD_NICE   see build-apiserver.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
GO="${GO:-go}"
ready_timeout="${E2E_READY_TIMEOUT:-180}"
t0=$SECONDS

log() { echo "e2e-kubernetes: $*" >&2; }
die() {
	log "FAIL: $*"
	exit 1
}
phase() { log "[$((SECONDS - t0)) s] $*"; }

# --- Tools -----------------------------------------------------------------------------------

apt_install() {
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "$* missing and not root: install it with apt-get install $*"
		sudo=(sudo -n)
	fi
	log "installing $* with apt-get"
	# Try the package lists as they are first; refresh them only if the package is not found.
	if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >&2; then
		"${sudo[@]}" apt-get update -q >&2 || true
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >&2 ||
			die "apt-get install $* failed"
	fi
}

ensure() { # ensure COMMAND DEBIAN-PACKAGE
	command -v "$1" >/dev/null 2>&1 || apt_install "$2"
	command -v "$1" >/dev/null 2>&1 || die "$1 is still missing after installing $2"
}

phase "checking tools"
ensure etcd etcd-server
ensure openssl openssl
ensure curl curl
ensure flock util-linux
command -v "$GO" >/dev/null 2>&1 || die "$GO not found: Go is needed to build kube-apiserver and the renderer"

bindir="$("$here/build-apiserver.sh")"
kube_apiserver="$bindir/kube-apiserver"
kubectl="${E2E_KUBECTL:-$bindir/kubectl}"
log "etcd: $(command -v etcd) ($(etcd --version 2>/dev/null | head -n1))"
log "kube-apiserver: $kube_apiserver ($("$kube_apiserver" --version 2>/dev/null))"
log "kubectl: $kubectl"

# --- Work directory and cleanup ----------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-kubernetes.XXXXXX")"
pids=()
names=()
kc_pid=
cleanup() {
	local status=$? i pid
	set +e
	[ -n "$kc_pid" ] && kill -TERM "$kc_pid" 2>/dev/null
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		pid="${pids[$i]}"
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for _ in $(seq 1 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			log "stopped ${names[$i]} (pid $pid)"
		fi
	done
	if [ "${E2E_KEEP_WORKDIR:-}" = 1 ]; then
		log "kept the work directory $work"
	else
		rm -rf "$work"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Render ----------------------------------------------------------------------------------

phase "rendering the examples and one workload per built-in provisioner"
render="$work/e2e-render"
(cd "$repo" && "$GO" build -o "$render" ./tools/e2e/render) || die "building tools/e2e/render failed"
(cd "$repo" && "$render" -examples examples -out "$work/cases") || die "rendering failed (see above)"

# --- Certificates, token, ports ----------------------------------------------------------------

phase "generating certificates"
pki="$work/pki"
mkdir -p "$pki"
(
	cd "$pki"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=e2e-kubernetes-ca" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=kube-apiserver" 2>/dev/null
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
		"basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" > server.ext
	openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
		-out server.crt -days 2 -extfile server.ext 2>/dev/null
	openssl genrsa -out sa.key 2048 2>/dev/null
	openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
	token="$(openssl rand -hex 24)"
	echo "$token,e2e-admin,e2e-admin,\"system:masters\"" > tokens.csv
	echo "Authorization: Bearer $token" > auth-header
	echo "$token" > token
	chmod 600 ./*.key tokens.csv auth-header token
) || die "generating certificates with openssl failed"

# A free loopback port (nothing answers on it now).
used_ports=" "
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		case "$used_ports" in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			used_ports+="$p "
			echo "$p"
			return 0
		fi
	done
	die "no free port on 127.0.0.1"
}

# start NAME LOGFILE COMMAND...: runs COMMAND in the background, records its PID.
start() {
	local name="$1" logfile="$2"
	shift 2
	"$@" > "$logfile" 2>&1 &
	pids+=("$!")
	names+=("$name")
	log "started $name (pid $!), log: $logfile"
}

# wait_ready NAME PID LOGFILE URL CURL-ARGS...
wait_ready() {
	local name="$1" pid="$2" logfile="$3" url="$4" start=$SECONDS
	shift 4
	while true; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 40 "$logfile" >&2
			die "$name exited before it was ready (log above)"
		fi
		if curl -fsS -o /dev/null --max-time 5 "$@" "$url" 2>/dev/null; then
			log "$name ready after $((SECONDS - start)) s"
			return 0
		fi
		if ((SECONDS - start > ready_timeout)); then
			tail -n 40 "$logfile" >&2
			die "$name not ready after $ready_timeout s (log above)"
		fi
		sleep 0.5
	done
}

# --- etcd ------------------------------------------------------------------------------------

phase "starting etcd"
etcd_client="$(free_port)"
etcd_peer="$(free_port)"
start etcd "$work/etcd.log" etcd \
	--name e2e \
	--data-dir "$work/etcd" \
	--listen-client-urls "http://127.0.0.1:$etcd_client" \
	--advertise-client-urls "http://127.0.0.1:$etcd_client" \
	--listen-peer-urls "http://127.0.0.1:$etcd_peer" \
	--initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
	--initial-cluster "e2e=http://127.0.0.1:$etcd_peer" \
	--initial-cluster-state new
wait_ready etcd "${pids[-1]}" "$work/etcd.log" "http://127.0.0.1:$etcd_client/health"

# --- kube-apiserver --------------------------------------------------------------------------

phase "starting kube-apiserver"
api_port="$(free_port)"
# No controllers run (no kube-controller-manager, no scheduler, no kubelet): objects are stored
# and validated, nothing starts. The service CIDR is a documentation range (TEST-NET-1) that
# nothing routes; --endpoint-reconciler-type=none keeps the server from publishing its loopback
# address as the `kubernetes` Service's endpoint.
start kube-apiserver "$work/kube-apiserver.log" "$kube_apiserver" \
	--bind-address=127.0.0.1 \
	--advertise-address=127.0.0.1 \
	--secure-port="$api_port" \
	--etcd-servers="http://127.0.0.1:$etcd_client" \
	--tls-cert-file="$pki/server.crt" \
	--tls-private-key-file="$pki/server.key" \
	--token-auth-file="$pki/tokens.csv" \
	--authorization-mode=AlwaysAllow \
	--service-account-issuer=https://kubernetes.default.svc \
	--service-account-key-file="$pki/sa.pub" \
	--service-account-signing-key-file="$pki/sa.key" \
	--service-cluster-ip-range=192.0.2.0/24 \
	--endpoint-reconciler-type=none \
	--profiling=false \
	--v=0
apiserver_pid="${pids[-1]}"
wait_ready kube-apiserver "$apiserver_pid" "$work/kube-apiserver.log" "https://127.0.0.1:$api_port/readyz" \
	--cacert "$pki/ca.crt" -H "@$pki/auth-header"

cat > "$work/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: e2e
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority: $pki/ca.crt
users:
  - name: e2e-admin
    user:
      tokenFile: $pki/token
contexts:
  - name: e2e
    context:
      cluster: e2e
      user: e2e-admin
current-context: e2e
EOF
chmod 600 "$work/kubeconfig"
# kubectl runs in the background and is waited for: bash runs the INT/TERM traps (and so stops
# etcd and kube-apiserver) only once a foreground command ends, but interrupts `wait` at once.
kc() {
	"$kubectl" --kubeconfig "$work/kubeconfig" --cache-dir "$work/kube-cache" --request-timeout=120s "$@" &
	kc_pid=$!
	local status=0
	wait "$kc_pid" || status=$?
	kc_pid=
	return "$status"
}
kc version >&2 || die "kubectl cannot reach the API server"

phase "installing the Gateway API HTTPRoute CRD"
kc apply -f "$here/manifests/gateway-api-httproute-crd.yaml" >&2 || die "the HTTPRoute CRD was rejected"
kc wait --for condition=established --timeout=60s crd/httproutes.gateway.networking.k8s.io >&2 ||
	die "the HTTPRoute CRD did not become established"

# --- The check -------------------------------------------------------------------------------

# check NAME NAMESPACE DIR [RENDERED-CASE-DIR]: every object under DIR must pass a server-side dry
# run (client-side apply and server-side apply), be created, be read back and, when
# RENDERED-CASE-DIR is given, come back with every rendered field unchanged. Prints why it fails.
check() {
	local name="$1" ns="$2" dir="$3" casedir="${4:-}" out="$work/logs/$1"
	local -a files fargs
	local f
	mkdir -p "$out"
	mapfile -t files < <(find "$dir" -type f -name '*.yaml' | sort)
	if [ "${#files[@]}" = 0 ]; then
		log "$name: FAIL: nothing rendered"
		return 1
	fi
	fargs=()
	for f in "${files[@]}"; do fargs+=(-f "$f"); done
	kc get namespace "$ns" >/dev/null 2>&1 || kc create namespace "$ns" >/dev/null ||
		{ log "$name: FAIL: cannot create namespace $ns"; return 1; }

	local step
	for step in dry-run server-side-dry-run apply get; do
		local -a cmd
		case "$step" in
		dry-run) cmd=(apply --dry-run=server --validate=strict -n "$ns") ;;
		server-side-dry-run) cmd=(apply --server-side --field-manager=score-e2e --dry-run=server --validate=strict -n "$ns") ;;
		apply) cmd=(apply --validate=strict -n "$ns") ;;
		get) cmd=(get -n "$ns" -o json) ;;
		esac
		if ! kc "${cmd[@]}" "${fargs[@]}" > "$out/$step.out" 2> "$out/$step.err"; then
			log "$name: FAIL: the API server rejected objects at step '$step' (kubectl ${cmd[*]} -f ...):"
			sed 's/^/    /' "$out/$step.err" >&2
			# Not every kubectl message names the file: run the step again file by file.
			if [ "${#files[@]}" -gt 1 ]; then
				for f in "${files[@]}"; do
					if ! kc "${cmd[@]}" -f "$f" > /dev/null 2> "$out/$step.one.err"; then
						log "$name: rejected: $f:"
						sed 's/^/    /' "$out/$step.one.err" >&2
					fi
				done
			else
				log "$name: rejected: ${files[0]}"
			fi
			return 1
		fi
	done
	if [ -n "$casedir" ] && ! "$render" -compare "$casedir" -live "$out/get.out" 2> "$out/compare.err"; then
		log "$name: FAIL: objects read back differ from what was rendered:"
		sed 's/^/    /' "$out/compare.err" >&2
		return 1
	fi
	log "$name: ok (${#files[@]} objects: dry run, server-side apply dry run, apply, read back, compared)"
	return 0
}

# --- Self-test -------------------------------------------------------------------------------

phase "self-test: deliberately broken manifests must be rejected"
# Each broken manifest goes through check() next to a valid object, as in a real case: the check
# must fail, say why (the `# expect:` line of the file) and name the file. A drift file (see its
# header) is accepted by the server but comes back changed: the comparison must catch it.
selftest_failed=0
selftest_count=0
for f in "$here"/selftest/*.yaml; do
	selftest_count=$((selftest_count + 1))
	base="$(basename "$f" .yaml)"
	expect="$(sed -n 's/^# expect: //p' "$f" | head -n1)"
	dir="$work/selftest/$base"
	mkdir -p "$dir/manifests"
	cp "$f" "$dir/manifests/"
	printf '%s\n' "apiVersion: v1" "kind: ConfigMap" "metadata:" "  name: selftest-valid-$base" \
		"  namespace: e2e-selftest" "data:" "  key: value" > "$dir/manifests/valid-configmap.yaml"
	if check "selftest-$base" e2e-selftest "$dir" "$dir" 2> "$dir.log"; then
		log "self-test FAILED: the check accepted the broken manifest $f"
		selftest_failed=1
	elif ! grep -qF -- "$expect" "$dir.log" || ! grep -qF -- "$base.yaml" "$dir.log"; then
		cat "$dir.log" >&2
		log "self-test FAILED: $f was rejected, but the message does not say \"$expect\" or does not name the file"
		selftest_failed=1
	else
		log "self-test ok: $base.yaml rejected ($expect)"
	fi
done
[ "$selftest_failed" = 0 ] || die "the self-test failed: this check would not catch broken manifests"

# --- The cases -------------------------------------------------------------------------------

phase "checking the rendered cases"
failed=()
count=0
for casedir in "$work/cases"/*/; do
	casedir="${casedir%/}"
	name="$(basename "$casedir")"
	ns="$(cat "$casedir/namespace")"
	count=$((count + 1))
	check "$name" "$ns" "$casedir" "$casedir" || failed+=("$name")
done

phase "applying examples/kubernetes with terraform and the kubectl provider"
GO="$GO" "$here/terraform.sh" "$work" "$work/kubeconfig" "$kubectl" || failed+=("terraform-example")

phase "done"
if [ "${#failed[@]}" -gt 0 ]; then
	die "${#failed[@]} of $count cases failed: ${failed[*]}"
fi
log "PASS: $count cases (examples and every built-in provisioner) accepted by kube-apiserver $("$kube_apiserver" --version 2>/dev/null | sed 's/^Kubernetes //'), read back unchanged; self-test rejected $selftest_count broken manifests; $((SECONDS - t0)) s"
