#!/usr/bin/env bash
# Builds nats-server from the Go module proxy into .cache/bin/ (ignored by git) and reuses that
# copy while it is the pinned version. Local stack, integration tests and CI all use this binary,
# so everyone runs the same server without a system package or a download outside Go's proxy.
set -euo pipefail

NATS_SERVER_VERSION="v2.15.2"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/nats-server"

if [[ -x "${binary}" ]] && "${binary}" --version 2>/dev/null | grep -qF "${NATS_SERVER_VERSION}"; then
  echo "nats-server ${NATS_SERVER_VERSION} already at ${binary}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is needed to build nats-server ${NATS_SERVER_VERSION} (https://go.dev/dl/); install it and rerun." >&2
  exit 1
fi

echo "building nats-server ${NATS_SERVER_VERSION} into ${bin_dir} (about a minute)..."
mkdir -p "${bin_dir}"
# A static binary: it then runs on any Linux, whatever libc the machine has.
CGO_ENABLED=0 GOBIN="${bin_dir}" go install "github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}"
"${binary}" --version
