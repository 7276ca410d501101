#!/usr/bin/env bash
# Lints the CI/CD definitions and fails on any finding:
#   - actionlint on every workflow in .github/workflows/ (syntax, expressions, action inputs,
#     job needs, permissions, runner labels...), with ShellCheck on each `run:` block;
#   - ShellCheck on scripts/ci/*.sh (what the workflows run), this script and
#     scripts/install/actionlint.sh;
#   - scripts/ci/canary-selftest.sh: the canary wait logic against a fake kubectl (seconds).
# Tools: scripts/install/actionlint.sh (pinned actionlint in .cache/bin, Debian's shellcheck).
# CI runs it in ci.yml's `workflows` job; locally: scripts/check/workflows.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

scripts/install/actionlint.sh >/dev/null
status=0

echo "actionlint: .github/workflows/"
# -shellcheck: the one on PATH, given by name (actionlint skips the ShellCheck pass when empty).
.cache/bin/actionlint -shellcheck="$(command -v shellcheck)" || status=1

shopt -s nullglob
scripts=(scripts/ci/*.sh scripts/check/workflows.sh scripts/install/actionlint.sh)
echo "shellcheck: scripts/ci/*.sh (${#scripts[@]} scripts with this one and its installer)"
shellcheck --external-sources "${scripts[@]}" || status=1

echo "scripts/ci/canary-selftest.sh"
scripts/ci/canary-selftest.sh >/tmp/canary-selftest.$$ 2>&1 || { cat /tmp/canary-selftest.$$; status=1; }
tail -n 1 /tmp/canary-selftest.$$
rm -f /tmp/canary-selftest.$$

if ((status != 0)); then
  echo "workflows: FAILED (findings above)" >&2
  exit 1
fi
echo "workflows: clean"
