#!/usr/bin/env bash
# Checks monitoring/ with the real validators and fails on any finding:
#   - promtool check rules: every file of monitoring/prometheus/rules/;
#   - promtool test rules: every unit test of monitoring/prometheus/tests/;
#   - scripts/check/prometheus-rules.mjs: labels, annotations and runbook anchors of every alert,
#     a firing and a silent test for each, the same alerts in Grafana's provisioning;
#   - amtool check-config and routes: monitoring/alertmanager/alertmanager.yml, rollout alerts to
#     the deployments channel, and every example payload of monitoring/alertmanager/examples/
#     where it should go (scripts/check/alertmanager-examples.mjs);
#   - scripts/check/grafana.mjs: dashboards against Grafana's JSON schema, the alerting
#     provisioning's structure, and every PromQL expression of both parsed by promtool.
# Tools: scripts/install/promtool.sh (pinned promtool in .cache/bin), scripts/install/alertmanager.sh
# (Debian's amtool); the schema check fetches its pinned npm packages once into .cache/.
# Locally: scripts/check/monitoring.sh (under a minute once the tools are there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

scripts/install/promtool.sh
scripts/install/alertmanager.sh
export PROMTOOL="${PWD}/.cache/bin/promtool" AMTOOL="amtool"
shopt -s nullglob
rules=(monitoring/prometheus/rules/*.yml)
tests=(monitoring/prometheus/tests/*.yml)
am_config=monitoring/alertmanager/alertmanager.yml

passed=0
failed=()
log="$(mktemp)"
trap 'rm -f "${log}"' EXIT

# step NAME COMMAND...: runs the command, prints its output only when it fails.
step() {
  local name="$1"
  shift
  if "$@" >"${log}" 2>&1; then
    passed=$((passed + 1))
    echo "ok   ${name}"
    grep -E '^  [0-9]' "${log}" || true
  else
    failed+=("${name}")
    echo "FAIL ${name}"
    sed 's/^/     /' "${log}"
  fi
}

rollout_route() {
  local got
  got="$(amtool config routes test --config.file="${am_config}" alertname=SentimentOpsRolloutRolledBack 2>/dev/null)"
  [[ "${got}" == slack-deployments ]] || { echo "rollout alerts reach '${got}', not slack-deployments"; return 1; }
}

step "promtool check rules (${#rules[@]} files)" "${PROMTOOL}" check rules "${rules[@]}"
step "promtool test rules (${#tests[@]} files)" "${PROMTOOL}" test rules "${tests[@]}"
step "alert rules: labels, annotations, tests, Grafana parity" node scripts/check/prometheus-rules.mjs
step "amtool check-config" amtool check-config "${am_config}"
step "amtool: rollout alerts route to slack-deployments" rollout_route
step "amtool: example payloads route where expected" node scripts/check/alertmanager-examples.mjs
step "grafana: dashboard schema, alerting provisioning, PromQL" node scripts/check/grafana.mjs

echo "monitoring: ${passed} passed, ${#failed[@]} failed"
if ((${#failed[@]} > 0)); then
  printf '  failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
