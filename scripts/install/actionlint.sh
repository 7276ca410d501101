#!/usr/bin/env bash
# Provides actionlint (the GitHub Actions workflow linter) at .cache/bin/actionlint (ignored by git)
# for scripts/check/workflows.sh, built at a pinned version from the Go module proxy so everyone
# and CI lint with the same rules. actionlint runs ShellCheck on every `run:` block when it is on
# PATH, and scripts/check/workflows.sh runs it on scripts/ci/*.sh too: when the `shellcheck`
# command is missing, Debian's package of it is installed (apt, as root or through sudo).
set -euo pipefail

ACTIONLINT_VERSION="v1.7.12"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/actionlint"

# Captured before it is compared: under pipefail, `actionlint -version | head -n 1` fails with
# SIGPIPE (status 141) whenever head exits before actionlint has written its last line.
first_line() { local out; out="$("$@" 2>/dev/null)" || return 1; echo "${out%%$'\n'*}"; }

if [[ -x "${binary}" && "$(first_line "${binary}" -version)" == "${ACTIONLINT_VERSION}" ]]; then
  echo "actionlint ${ACTIONLINT_VERSION} already at ${binary}"
else
  command -v go >/dev/null 2>&1 || {
    echo "error: Go is needed to build actionlint ${ACTIONLINT_VERSION} (https://go.dev/dl/)" >&2
    exit 1
  }
  mkdir -p "${bin_dir}"
  echo "building actionlint ${ACTIONLINT_VERSION} into ${bin_dir}..."
  # -ldflags: the version that `actionlint -version` prints (and the check above reads), as the
  # project's release builds set it. Static, so it runs whatever libc the machine has.
  CGO_ENABLED=0 GOBIN="${bin_dir}" go install \
    -ldflags "-s -w -X github.com/rhysd/actionlint.version=${ACTIONLINT_VERSION}" \
    "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
  first_line "${binary}" -version
fi

if command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') at $(command -v shellcheck)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: shellcheck is missing and there is no apt-get to install it (https://www.shellcheck.net)" >&2
  exit 1
fi
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
echo "installing Debian's shellcheck package..."
${sudo} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${sudo} apt-get install -y -qq --no-install-recommends shellcheck >/dev/null
echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') at $(command -v shellcheck)"
