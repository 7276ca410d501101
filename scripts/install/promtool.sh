#!/usr/bin/env bash
# Provides promtool at .cache/bin/promtool (ignored by git) for scripts/check/monitoring.sh:
# `promtool check rules` / `test rules` on monitoring/prometheus/, and the PromQL parse of the
# Grafana dashboards and alert rules. Pinned: Prometheus 2.42.0, the one Debian 12 packages.
#
# Why Debian's package and not a build from the Go module proxy: building
# github.com/prometheus/prometheus/cmd/promtool (v0.316.0) pulls every service-discovery SDK
# (AWS, Azure, GCE, Kubernetes...): 1.8 GB of modules, and more than 20 minutes of compiling on
# this project's 2-core machines, against about 20 seconds to download the .deb (19 MB) and unpack
# the one binary. Nothing is installed system-wide (no Prometheus server, no service): the binary
# is extracted with dpkg-deb. 2.42 has everything the checks use (rule unit tests with
# exp_annotations and `stale` samples, PromQL type checks).
set -euo pipefail

PROMTOOL_VERSION="2.42.0"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/promtool"

# The first x.y.z in `--version`, matched in bash: a `| head -n 1` reader exiting early would make
# the writer fail with SIGPIPE (status 141) under pipefail.
version_of() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "${out}" =~ [0-9]+\.[0-9]+\.[0-9]+ ]] && echo "${BASH_REMATCH[0]}"
}

if [[ -x "${binary}" && "$(version_of "${binary}")" == "${PROMTOOL_VERSION}" ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "promtool: needs apt-get (Debian 12) to fetch Prometheus ${PROMTOOL_VERSION}'s promtool" >&2
  exit 1
fi

candidate() { apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ { print $2 }'; }
if [[ "$(candidate)" != "${PROMTOOL_VERSION}"+* ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "promtool: Debian's prometheus ${PROMTOOL_VERSION} is not in the package lists (as root: apt-get update)" >&2
    exit 1
  fi
  apt-get update -qq
fi
deb_version="$(candidate)"
if [[ "${deb_version}" != "${PROMTOOL_VERSION}"+* ]]; then
  echo "promtool: the package lists offer prometheus ${deb_version:-nothing}, not ${PROMTOOL_VERSION} (Debian 12's)" >&2
  exit 1
fi

echo "promtool: unpacking promtool ${PROMTOOL_VERSION} from Debian's prometheus ${deb_version} into ${bin_dir}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
# As root apt drops to the _apt user, which cannot write to mktemp's directory: stay root for it.
(cd "${work}" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "prometheus=${deb_version}")
dpkg-deb -x "${work}"/prometheus_*.deb "${work}/root"
mkdir -p "${bin_dir}"
install -m 0755 "${work}/root/usr/bin/promtool" "${binary}"
echo "promtool $(version_of "${binary}") at ${binary}"
