#!/usr/bin/env bash
# `make test-images`: builds the apps' images from the real Dockerfile and starts inference's the
# way the cluster does (non-root from the image's own USER, read-only root file system, only /tmp
# writable, no capabilities), without a daemon or a container registry:
#   1. buildah, podman and runc from Debian packages when missing (scripts/install/buildah.sh);
#   2. the Node 22 base images from Debian packages (scripts/images/node-base.sh; cached);
#   3. `buildah build` of inference's target, FROM those bases (the Dockerfile's build args);
#   4. a nats-server on free ports, then inference's image under podman on the host network, with
#      the bundled demo model baked in and the registry not waited for;
#   5. checks: GET /health/ready answers 200 in time, a prediction over NATS comes back (ONNX
#      Runtime and the tokenizer work in the image), the process runs as uid/gid 10001, the root
#      file system refuses writes and /tmp takes them, SIGTERM stops it with status 0;
#   6. the other apps' images (their stages but the last come from inference's build cache), each
#      started once to see that it loads and runs as 10001 (they need Postgres to get ready).
# Fails with the build's or the container's log when an image does not build, start or get ready.
#
# Env: TEST_IMAGES_ALSO_BUILD (default: the other four apps; empty: none),
# TEST_IMAGES_READY_TIMEOUT_S (120), BUILDAH_RUNTIME (runc) and STORAGE_DRIVER (overlay; vfs on an
# overlay root file system): see env.sh.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${repo_root}"

ALSO_BUILD="${TEST_IMAGES_ALSO_BUILD-gateway registry drift trainer-controller}"
READY_TIMEOUT_S="${TEST_IMAGES_READY_TIMEOUT_S:-120}"
IMAGE_PREFIX="${SENTIMENTOPS_IMAGE_PREFIX:-localhost/sentimentops}"
APP_UID=10001
# shellcheck source=scripts/images/env.sh
source scripts/images/env.sh
PODMAN=(podman --runtime "${BUILDAH_RUNTIME}")

log() { echo "test-images: $*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}
now_ms() { date +%s%3N; }
started_ms="$(now_ms)"
phase_ms="${started_ms}"
timings=()
phase_done() { # what
  local now
  now="$(now_ms)"
  timings+=("$(printf '%-34s %6.1f s' "$1" "$(((now - phase_ms) / 100))e-1")")
  phase_ms="${now}"
}

work="$(mktemp -d)"
container=""
nats_pid=""
cleanup() {
  local status=$?
  if [[ -n "${container}" ]]; then
    if ((status != 0)); then
      log "the container's log:"
      "${PODMAN[@]}" logs "${container}" >&2 2>&1 || true
    fi
    "${PODMAN[@]}" rm --force --time 0 "${container}" >/dev/null 2>&1 || true
  fi
  if [[ -n "${nats_pid}" ]]; then
    kill "${nats_pid}" 2>/dev/null || true
    wait "${nats_pid}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

# 1. Tools.
scripts/install/buildah.sh
[[ -x .cache/bin/nats-server ]] || scripts/install/nats-server.sh
phase_done "tools"

# 2. Bases.
bases="$(scripts/images/node-base.sh)"
eval "${bases}" # NODE_IMAGE=... and RUNTIME_IMAGE=...
phase_done "base images"

# 3. Images. --layers: unchanged stages come from buildah's cache on the next run; the host
# network: npm ci reaches the registry without a container network set up. Inference first: it is
# the one started below; the other apps' images follow the checks.
git_commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
# The CA this machine's Node trusts beyond its own (a proxy that re-signs TLS): npm ci needs it too.
secrets=()
npm_ca="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
[[ -f "${npm_ca}" ]] && secrets=(--secret "id=npm-ca,src=${npm_ca}")
build_image() { # target
  local build_log="${work}/build-$1.log"
  log "building ${IMAGE_PREFIX}/$1:test"
  buildah build --layers --network host "${secrets[@]}" \
    --build-arg NODE_IMAGE="${NODE_IMAGE}" \
    --build-arg RUNTIME_IMAGE="${RUNTIME_IMAGE}" \
    --build-arg GIT_COMMIT="${git_commit}" \
    --target "$1" --tag "${IMAGE_PREFIX}/$1:test" \
    --file Dockerfile . >"${build_log}" 2>&1 ||
    fail "building $1: $(tail -n 60 "${build_log}")"
  phase_done "build $1"
}
inspect() { "${PODMAN[@]}" "$1" inspect --format "{{$2}}" "$3"; } # image|container field name
image_user_is_app_user() { # image
  [[ "$(inspect image .Config.User "$1")" == "${APP_UID}:${APP_UID}" ]] ||
    fail "$1: USER is not ${APP_UID}:${APP_UID}"
}
build_image inference
image="${IMAGE_PREFIX}/inference:test"
image_user_is_app_user "${image}"

# 4. NATS on free ports, then the container.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
             console.log(s.address().port); s.close(); });'
}
http_status() { # url -> the status, or 000 without an answer
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
             .then((r) => console.log(r.status), () => console.log("000"))' "$1"
}
nats_port="$(free_port)"
nats_monitor_port="$(free_port)"
http_port="$(free_port)"
.cache/bin/nats-server --addr 127.0.0.1 --port "${nats_port}" --http_port "${nats_monitor_port}" \
  --jetstream --store_dir "${work}/nats" >"${work}/nats.log" 2>&1 &
nats_pid=$!
for _ in $(seq 50); do
  [[ "$(http_status "http://127.0.0.1:${nats_monitor_port}/healthz")" == 200 ]] && break
  sleep 0.2
done
[[ "$(http_status "http://127.0.0.1:${nats_monitor_port}/healthz")" == 200 ]] ||
  fail "nats-server did not start: $(cat "${work}/nats.log")"

# As a pod runs it: the image's USER, read-only root with an emptyDir-like /tmp, no capabilities.
# The ulimits: podman's defaults exceed what a root without CAP_SYS_RESOURCE may set (sandboxes).
container="sentimentops-test-inference-$$"
log "starting ${image} as ${container} (HTTP on ${http_port}, NATS on ${nats_port})"
"${PODMAN[@]}" run --detach --name "${container}" --network host \
  --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,mode=1777,size=256m \
  --cap-drop ALL --security-opt no-new-privileges \
  --ulimit nofile=16384:16384 --ulimit nproc=8192:8192 \
  --env NATS_URL="nats://127.0.0.1:${nats_port}" \
  --env INFERENCE_HTTP_PORT="${http_port}" \
  --env INFERENCE_REGISTRY_WAIT_S=0 \
  --env INFERENCE_WORKERS=1 --env INFERENCE_INTRA_OP_THREADS=1 \
  "${image}" >/dev/null

# 5. Checks.
ready_url="http://127.0.0.1:${http_port}/health/ready"
deadline=$((SECONDS + READY_TIMEOUT_S))
status=000
while ((SECONDS < deadline)); do
  [[ "$(inspect container .State.Running "${container}")" == true ]] ||
    fail "the container exited ($(inspect container .State.ExitCode "${container}"))"
  status="$(http_status "${ready_url}")"
  [[ "${status}" == 200 ]] && break
  sleep 0.5
done
[[ "${status}" == 200 ]] || fail "GET ${ready_url}: ${status} after ${READY_TIMEOUT_S}s"
phase_done "start inference until ready"
log "GET ${ready_url}: 200"

prediction="$(node scripts/images/predict-over-nats.mjs "nats://127.0.0.1:${nats_port}")" ||
  fail "no prediction over NATS"
log "a prediction over NATS: ${prediction}"

pid="$(inspect container .State.Pid "${container}")"
for id in Uid Gid; do
  ids="$(awk -v key="${id}:" '$1 == key { print $2, $3, $4, $5 }' "/proc/${pid}/status")"
  [[ "${ids}" == "${APP_UID} ${APP_UID} ${APP_UID} ${APP_UID}" ]] ||
    fail "the container's process (host pid ${pid}) has ${id} ${ids}, not ${APP_UID}"
done
log "process $(tr '\0' ' ' <"/proc/${pid}/cmdline")runs as uid/gid ${APP_UID}"

write_probe() { # path -> ok, or the error code
  "${PODMAN[@]}" exec "${container}" node -e '
    try { require("fs").writeFileSync(process.argv[1], ""); console.log("ok"); }
    catch (err) { console.log(err.code); }' "$1"
}
[[ "$(write_probe /opt/sentimentops/probe)" == EROFS ]] || fail "the root file system is writable"
[[ "$(write_probe /tmp/probe)" == ok ]] || fail "/tmp is not writable"
log "root file system read-only, /tmp writable"

"${PODMAN[@]}" stop --time 20 "${container}" >/dev/null
exit_code="$(inspect container .State.ExitCode "${container}")"
[[ "${exit_code}" == 0 ]] || fail "after SIGTERM the process exited with ${exit_code}, not 0"
phase_done "checks and clean stop"
log "SIGTERM: stopped cleanly"

"${PODMAN[@]}" rm "${container}" >/dev/null
container=""

# 6. The other apps get ready only beside Postgres; started with a bad LOG_LEVEL, each must load
# its whole module graph (every import resolves in the pruned node_modules) and then refuse the
# configuration with EX_CONFIG (78), as a non-root user.
loads_and_refuses_config() { # target
  local code=0 out
  out="$("${PODMAN[@]}" run --rm --network none --read-only --cap-drop ALL \
    --ulimit nofile=16384:16384 --ulimit nproc=8192:8192 \
    --env LOG_LEVEL=loud "${IMAGE_PREFIX}/$1:test" 2>&1)" || code=$?
  [[ "${code}" == 78 && "${out}" == *LOG_LEVEL* ]] ||
    fail "$1's image: exit ${code}, not 78 with a LOG_LEVEL complaint: ${out}"
  image_user_is_app_user "${IMAGE_PREFIX}/$1:test"
}
for target in ${ALSO_BUILD}; do
  build_image "${target}"
  loads_and_refuses_config "${target}"
done

size_mb="$(($(inspect image .Size "${image}") / 1000000))"
runtime_mb="$(($(inspect image .Size "${RUNTIME_IMAGE}") / 1000000))"
printf '%s\n' "${timings[@]}" >&2
log "total $((($(now_ms) - started_ms) / 1000)) s; ${image}: ${size_mb} MB (base ${runtime_mb} MB)"
log "passed"
