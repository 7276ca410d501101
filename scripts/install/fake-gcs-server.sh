#!/usr/bin/env bash
# Provides fake-gcs-server (a real GCS JSON/XML API server over memory or a folder) at
# .cache/bin/fake-gcs-server (ignored by git) for the integration tests of libs/artifact-store, so
# the Cloud Storage client is tested against a server, not a hand-written mock. Built from the Go
# module proxy at a pinned version; kept while the binary there is that version.
set -euo pipefail

FAKE_GCS_SERVER_VERSION="v1.56.1"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/fake-gcs-server"

# The binary has no --version flag; Go records the module version in every binary it builds.
built_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }

if [[ -x "${binary}" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "fake-gcs-server already at ${binary} (install Go to check it is ${FAKE_GCS_SERVER_VERSION})"
    exit 0
  fi
  if [[ "$(built_version "${binary}")" == "${FAKE_GCS_SERVER_VERSION}" ]]; then
    echo "fake-gcs-server ${FAKE_GCS_SERVER_VERSION} already at ${binary}"
    exit 0
  fi
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: need Go (to build fake-gcs-server ${FAKE_GCS_SERVER_VERSION}) for the artifact-store integration tests" >&2
  exit 1
fi
mkdir -p "${bin_dir}"
echo "building fake-gcs-server ${FAKE_GCS_SERVER_VERSION} into ${bin_dir} (a few minutes the first time)..."
# A static binary: it then runs on any Linux, whatever libc the machine has.
CGO_ENABLED=0 GOBIN="${bin_dir}" go install "github.com/fsouza/fake-gcs-server@${FAKE_GCS_SERVER_VERSION}"
echo "fake-gcs-server $(built_version "${binary}") at ${binary}"
