#!/usr/bin/env bash
# Tests scripts/ci/canary.sh against a fake kubectl that plays back canary statuses, one line per
# `get canary` call: promotion, rollback, timeout, nothing to roll out, a rollout Flagger never
# picks up, a first deploy, a stale failure. Needs no cluster; takes a few seconds.
# scripts/check/workflows.sh runs it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# The fake kubectl: `get canary NAME` prints the next line of $STUB/canary.NAME (the last one
# forever once they run out; nothing when the file is absent), `get deployment NAME` prints
# $STUB/deployment.NAME, describe and events print a marker the tests look for.
cat >"${work}/kubectl" <<'STUB'
#!/usr/bin/env bash
set -euo pipefail
args=("$@")
[[ "${args[0]}" == --namespace ]] && args=("${args[@]:2}")
case "${args[0]} ${args[1]}" in
  "get canary")
    file="${STUB}/canary.${args[2]}"
    [[ -f "${file}" ]] || exit 0
    n="$(cat "${file}.n" 2>/dev/null || echo 0)"
    n=$((n + 1))
    echo "${n}" >"${file}.n"
    lines="$(wc -l <"${file}")"
    ((n <= lines)) || n="${lines}"
    line="$(sed -n "${n}p" "${file}")"
    [[ "${line}" == absent ]] || printf '%s' "${line}"
    ;;
  "get deployment") cat "${STUB}/deployment.${args[2]}" 2>/dev/null || true ;;
  "describe canary") echo "DESCRIBE ${args[2]}" ;;
  "get events") echo "EVENTS ${args[3]}" ;;
  *) echo "fake kubectl: unexpected: $*" >&2; exit 1 ;;
esac
STUB
chmod +x "${work}/kubectl"

export KUBECTL="${work}/kubectl" CANARY_POLL=0.05 CANARY_DETECT_TIMEOUT=1 CANARY_TIMEOUT=3
passed=0
failed=0

# scenario NAME EXPECTED_EXIT EXPECTED_OUTPUT TEMPLATE_CHANGES(yes|no) STATUS_LINE...
# The first status line is what the snapshot sees; the deployment's template changes between the
# snapshot and the wait when TEMPLATE_CHANGES is yes.
scenario() {
  local name="$1" want_rc="$2" want_out="$3" changes="$4" rc=0 out
  shift 4
  export STUB="${work}/${name}"
  mkdir -p "${STUB}"
  printf '%s\n' "$@" >"${STUB}/canary.gateway"
  echo '{"spec":{"containers":[{"image":"gateway@sha256:old"}]}}' >"${STUB}/deployment.gateway"
  out="$("${here}/canary.sh" snapshot "${STUB}/state" gateway 2>&1)" || rc=$?
  [[ "${changes}" == no ]] ||
    echo '{"spec":{"containers":[{"image":"gateway@sha256:new"}]}}' >"${STUB}/deployment.gateway"
  out+=$'\n'"$("${here}/canary.sh" wait "${STUB}/state" 2>&1)" || rc=$?
  if [[ "${rc}" == "${want_rc}" && "${out}" == *"${want_out}"* ]]; then
    echo "ok     ${name}"
    passed=$((passed + 1))
  else
    echo "FAILED ${name}: exit ${rc} (want ${want_rc}), output should contain '${want_out}':"
    printf '%s\n' "${out}" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}

scenario promoted 0 'promoted (Succeeded)' yes \
  'Succeeded|h1|gateway||0' 'Succeeded|h1|gateway||0' 'Progressing|h2|gateway|10|0' \
  'Progressing|h2|gateway|20|1' 'Promoting|h2|gateway|20|0' 'Succeeded|h2|gateway|0|0'
scenario rolled-back 1 'EVENTS involvedObject.kind=Canary,involvedObject.name=gateway' yes \
  'Succeeded|h1|gateway||0' 'Progressing|h2|gateway|10|0' 'Progressing|h2|gateway|10|3' \
  'Failed|h2|gateway|0|0'
scenario promoted-between-checks 0 'promoted (Succeeded)' yes \
  'Succeeded|h1|gateway||0' 'Succeeded|h2|gateway||0'
scenario nothing-to-roll-out 0 'nothing new to roll out' no 'Succeeded|h1|gateway||0'
scenario not-picked-up 1 'Flagger did not start a rollout' yes 'Succeeded|h1|gateway||0'
scenario soak-too-long 1 'no promotion within 3 s' yes \
  'Succeeded|h1|gateway||0' 'Progressing|h2|gateway|10|0'
scenario first-deploy 0 'promoted (Initialized)' yes \
  absent '|||' 'Initializing||gateway||' 'Initialized|h1|gateway||'
scenario still-failed 1 'still Failed from an earlier rollout' no 'Failed|h1|gateway||0'
scenario never-created 1 'does not exist' yes absent

echo "${passed} passed, ${failed} failed"
((failed == 0))
