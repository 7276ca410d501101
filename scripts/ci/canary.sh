#!/usr/bin/env bash
# Follows Flagger canaries through a deployment: Flagger analyses a new revision of each canary's
# target Deployment during its soak and then promotes it (phase Succeeded) or rolls it back
# (phase Failed) by itself; this script only watches, and says which it was.
#
#   scripts/ci/canary.sh snapshot STATE_FILE CANARY...   before `kubectl apply`: records each
#                                                        canary's status and its target's pod template
#   scripts/ci/canary.sh wait STATE_FILE                 after it: waits until each canary has
#                                                        promoted the new revision (exit 0) or rolled
#                                                        it back / timed out (exit 1, with its events)
#   scripts/ci/canary.sh report CANARY...                prints a canary's description and events
#
# Why a snapshot: right after `kubectl apply`, a canary still shows the phase of its previous
# rollout (usually Succeeded) until Flagger's next check notices the new revision, so waiting for
# `phase == Succeeded` alone would pass at once. A canary counts as started once it is seen in a
# running phase or its status.lastAppliedSpec (Flagger's hash of the template it last took up)
# differs from the snapshot; only then does Succeeded mean the new revision was promoted. A canary
# that does not start within CANARY_DETECT_TIMEOUT passes when its target's pod template did not
# change (nothing new to roll out) and fails when it did (is Flagger running?), or when the canary
# is still Failed from an earlier rollout. A canary that did not exist before (first deploy) passes
# at Initialized: Flagger does not analyse a first deployment.
#
# Environment: NAMESPACE (default sentimentops), CANARY_TIMEOUT (seconds for the whole wait,
# default 3600: longer than the soak), CANARY_DETECT_TIMEOUT (default 300: more than two analysis
# intervals), CANARY_POLL (seconds between checks, default 15), KUBECTL (default kubectl).
set -euo pipefail

NAMESPACE="${NAMESPACE:-sentimentops}"
CANARY_TIMEOUT="${CANARY_TIMEOUT:-3600}"
CANARY_DETECT_TIMEOUT="${CANARY_DETECT_TIMEOUT:-300}"
CANARY_POLL="${CANARY_POLL:-15}"
KUBECTL="${KUBECTL:-kubectl}"

k() { "${KUBECTL}" --namespace "${NAMESPACE}" "$@"; }
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
error() {
  if [[ "${GITHUB_ACTIONS:-}" == "true" ]]; then
    echo "::error title=Canary $1::$2"
  else
    echo "error: canary $1: $2" >&2
  fi
}

# "phase|lastAppliedSpec|target|canaryWeight|failedChecks", or nothing when the canary is absent.
canary_status() {
  k get canary "$1" --ignore-not-found \
    -o jsonpath='{.status.phase}|{.status.lastAppliedSpec}|{.spec.targetRef.name}|{.status.canaryWeight}|{.status.failedChecks}'
}

# A short hash of a Deployment's pod template ("-" when there is no such Deployment).
template_hash() {
  local template=""
  [[ -z "$1" ]] || template="$(k get deployment "$1" --ignore-not-found -o jsonpath='{.spec.template}')"
  if [[ -z "${template}" ]]; then
    echo "-"
  else
    printf '%s' "${template}" | sha256sum | cut -c 1-16
  fi
}

report() {
  local name
  for name in "$@"; do
    echo "---- canary/${name} (namespace ${NAMESPACE})"
    k describe canary "${name}" || true
    echo "---- events of canary/${name}"
    k get events --field-selector "involvedObject.kind=Canary,involvedObject.name=${name}" \
      --sort-by=.lastTimestamp || true
  done
}

snapshot() {
  local state_file="$1" name status phase spec target
  shift
  : >"${state_file}"
  for name in "$@"; do
    status="$(canary_status "${name}")"
    if [[ -z "${status}" ]]; then
      printf '%s|0|||-\n' "${name}" >>"${state_file}"
      log "canary/${name}: not deployed yet"
      continue
    fi
    IFS='|' read -r phase spec target _ <<<"${status}"
    printf '%s|1|%s|%s|%s\n' "${name}" "${phase}" "${spec}" "$(template_hash "${target}")" >>"${state_file}"
    log "canary/${name}: ${phase:-no phase yet} before the deploy"
  done
}

wait_for() {
  local state_file="$1" now start name existed spec0 hash0 status phase spec target weight failed
  local -a names=()
  local -A existed_of=() spec0_of=() hash0_of=() started=() seen=()
  while IFS='|' read -r name existed _ spec0 hash0; do
    [[ -n "${name}" ]] || continue
    names+=("${name}")
    existed_of[${name}]="${existed}"
    spec0_of[${name}]="${spec0}"
    hash0_of[${name}]="${hash0}"
  done <"${state_file}"
  ((${#names[@]} > 0)) || { echo "error: no canaries in ${state_file}" >&2; return 1; }

  start="$(date +%s)"
  log "waiting for ${names[*]} (up to ${CANARY_TIMEOUT} s; a rollout must start within ${CANARY_DETECT_TIMEOUT} s)"
  while ((${#names[@]} > 0)); do
    now="$(date +%s)"
    local -a pending=()
    for name in "${names[@]}"; do
      status="$(canary_status "${name}")"
      phase="" spec="" target="" weight="" failed=""
      [[ -z "${status}" ]] || IFS='|' read -r phase spec target weight failed <<<"${status}"
      if [[ "${seen[${name}]:-}" != "${status}" ]]; then
        seen[${name}]="${status}"
        if [[ -z "${status}" ]]; then
          log "canary/${name}: absent"
        else
          log "canary/${name}: ${phase:-no phase yet} weight=${weight:-0} failedChecks=${failed:-0}"
        fi
      fi

      if [[ -z "${started[${name}]:-}" && -n "${status}" ]]; then
        case "${phase}" in
          Initializing | Progressing | Promoting | Finalising | Waiting | WaitingPromotion) started[${name}]=1 ;;
        esac
        if [[ "${existed_of[${name}]}" == 0 || "${spec}" != "${spec0_of[${name}]}" ]]; then
          started[${name}]=1
        fi
      fi

      if [[ -n "${started[${name}]:-}" ]]; then
        case "${phase}" in
          Succeeded | Initialized)
            log "canary/${name}: promoted (${phase})"
            continue
            ;;
          Failed)
            error "${name}" "Flagger rolled the new revision back"
            report "${name}"
            return 1
            ;;
        esac
      elif ((now - start >= CANARY_DETECT_TIMEOUT)); then
        if [[ -z "${status}" ]]; then
          error "${name}" "canary/${name} does not exist in namespace ${NAMESPACE}"
          return 1
        elif [[ "${phase}" == Failed ]]; then
          error "${name}" "still Failed from an earlier rollout, and no new revision started"
          report "${name}"
          return 1
        elif [[ "$(template_hash "${target}")" != "${hash0_of[${name}]}" ]]; then
          error "${name}" "deployment/${target} changed but Flagger did not start a rollout within ${CANARY_DETECT_TIMEOUT} s (is Flagger running?)"
          report "${name}"
          return 1
        fi
        log "canary/${name}: nothing new to roll out (${phase})"
        continue
      fi

      if ((now - start >= CANARY_TIMEOUT)); then
        error "${name}" "no promotion within ${CANARY_TIMEOUT} s (phase ${phase:-none})"
        report "${name}"
        return 1
      fi
      pending+=("${name}")
    done
    names=("${pending[@]+"${pending[@]}"}")
    ((${#names[@]} == 0)) || sleep "${CANARY_POLL}"
  done
  log "all canaries done"
}

command="${1:-}"
case "${command}" in
  snapshot)
    (($# >= 3)) || { echo "usage: $0 snapshot STATE_FILE CANARY..." >&2; exit 2; }
    shift
    snapshot "$@"
    ;;
  wait)
    (($# == 2)) || { echo "usage: $0 wait STATE_FILE" >&2; exit 2; }
    wait_for "$2"
    ;;
  report)
    (($# >= 2)) || { echo "usage: $0 report CANARY..." >&2; exit 2; }
    shift
    report "$@"
    ;;
  *)
    echo "usage: $0 snapshot STATE_FILE CANARY... | wait STATE_FILE | report CANARY..." >&2
    exit 2
    ;;
esac
