#!/usr/bin/env bash
# Provides conftest (Open Policy Agent's Rego runner, with its own HCL2 parser) at
# .cache/bin/conftest (ignored by git) for scripts/check/terraform.sh: the policy checks of
# terraform/ and their tests. Built from the Go module proxy at a pinned version, as no Debian
# package exists; a conftest already on PATH is used only when it is that version.
set -euo pipefail

CONFTEST_VERSION="v0.71.1" # its go.mod needs Go >= 1.26.8
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/conftest"

# Captured before it is compared: under pipefail, `conftest --version | grep -q` or `| head -n 1`
# fails with SIGPIPE (status 141) whenever the reader exits before conftest has written its last line.
first_line() { local out; out="$("$@" 2>/dev/null)" || return 1; echo "${out%%$'\n'*}"; }
is_pinned() { [[ "$(first_line "$1" --version)" == "Conftest: ${CONFTEST_VERSION#v}" ]]; }

if [[ -x "${binary}" ]] && is_pinned "${binary}"; then
  exit 0
fi
mkdir -p "${bin_dir}"

system="$(command -v conftest || true)"
if [[ -n "${system}" && "${system}" != "${binary}" ]] && is_pinned "${system}"; then
  ln -sf "${system}" "${binary}"
  echo "using system conftest ${CONFTEST_VERSION} at ${system}"
  exit 0
fi

PATH="${PATH}:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "error: conftest ${CONFTEST_VERSION} is built with Go (>= 1.26.8), which is not installed" >&2
  exit 1
fi
echo "building conftest ${CONFTEST_VERSION} into ${bin_dir} (several minutes on 2 cores, once)..."
# GOTOOLCHAIN=local: build with the installed Go rather than fetch the newer one that conftest's
# go.mod suggests; a static binary runs on any Linux; its own module cache under .cache, which
# no other build cleans while this one reads it.
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="${bin_dir}" GOMODCACHE="${repo_root}/.cache/go-mod" \
  go install -trimpath -ldflags="-s -w -X github.com/open-policy-agent/conftest/internal/version.Version=${CONFTEST_VERSION#v}" \
  "github.com/open-policy-agent/conftest@${CONFTEST_VERSION}"
first_line "${binary}" --version
