#!/usr/bin/env bash
# Provides nats-server (JetStream) at .cache/bin/nats-server (ignored by git) for the local stack,
# the integration tests and CI. Preferred: the pinned version, built from the Go module proxy, so
# everyone runs the same server. Without Go: a system nats-server >= 2.9 (JetStream's consumer API
# that the platform uses), installed from Debian/Ubuntu's packages when missing.
set -euo pipefail

NATS_SERVER_VERSION="v2.15.2"
MIN_SYSTEM_VERSION="2.9.0"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/nats-server"

# The first x.y.z in `--version`, matched in bash: a `| head -n 1` reader exiting early would make
# the writer fail with SIGPIPE (status 141) under pipefail.
version_of() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "${out}" =~ [0-9]+\.[0-9]+\.[0-9]+ ]] && echo "${BASH_REMATCH[0]}"
}
at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" == "$2" ]]; }

if [[ -x "${binary}" && "$(version_of "${binary}")" == "${NATS_SERVER_VERSION#v}" ]]; then
  echo "nats-server ${NATS_SERVER_VERSION} already at ${binary}"
  exit 0
fi
mkdir -p "${bin_dir}"

if command -v go >/dev/null 2>&1; then
  echo "building nats-server ${NATS_SERVER_VERSION} into ${bin_dir} (about a minute)..."
  # A static binary: it then runs on any Linux, whatever libc the machine has.
  CGO_ENABLED=0 GOBIN="${bin_dir}" go install "github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}"
  "${binary}" --version
  exit 0
fi

# No Go: a linked system server is kept while it is recent enough.
if [[ -L "${binary}" && -x "${binary}" ]] && at_least "$(version_of "${binary}")" "${MIN_SYSTEM_VERSION}"; then
  echo "using system nats-server $(version_of "${binary}") (install Go to build ${NATS_SERVER_VERSION})"
  exit 0
fi

PATH="${PATH}:/usr/sbin:/sbin" # Debian installs nats-server into /usr/sbin
system="$(command -v nats-server || true)"
if [[ -z "${system}" ]] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  echo "Go is not installed: installing Debian's nats-server package instead..."
  ${sudo} apt-get update -qq
  DEBIAN_FRONTEND=noninteractive ${sudo} apt-get install -y -qq --no-install-recommends nats-server
  system="$(command -v nats-server || true)"
fi
if [[ -z "${system}" ]] || ! at_least "$(version_of "${system}")" "${MIN_SYSTEM_VERSION}"; then
  echo "error: need Go (to build nats-server ${NATS_SERVER_VERSION}) or nats-server >= ${MIN_SYSTEM_VERSION} on PATH" >&2
  exit 1
fi
ln -sf "${system}" "${binary}"
echo "using system nats-server $(version_of "${system}") at ${system}"
