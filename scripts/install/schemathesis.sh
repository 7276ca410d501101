#!/usr/bin/env bash
# Provides schemathesis (the OpenAPI fuzzer scripts/reliability/fuzz-rest.mjs runs) in a virtual
# environment of its own, .cache/fuzz-venv (ignored by git; another path with
# SENTIMENTOPS_FUZZ_VENV): never the training venv, whose pins it must not move.
#
# Idempotent: nothing is installed while the venv's schemathesis is the pinned version. The Python
# it starts from: SENTIMENTOPS_PYTHON if set, else python3 (schemathesis 4 needs >= 3.9).
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SENTIMENTOPS_FUZZ_VENV:-${repo_root}/.cache/fuzz-venv}"
python="${SENTIMENTOPS_PYTHON:-python3}"

say() { echo "schemathesis: $*"; }

installed_version() {
  "${venv}/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true
}

if [[ "$(installed_version)" == "${SCHEMATHESIS_VERSION}" && -x "${venv}/bin/st" ]]; then
  exit 0
fi
command -v "${python}" >/dev/null 2>&1 || { echo "error: ${python} not found (set SENTIMENTOPS_PYTHON)" >&2; exit 1; }
# A venv whose Python is gone (a fresh machine, a moved checkout) is rebuilt from scratch.
if [[ -d "${venv}" ]] && ! "${venv}/bin/python" -c '' >/dev/null 2>&1; then
  rm -rf "${venv}"
fi
[[ -d "${venv}" ]] || { say "creating ${venv}"; "${python}" -m venv "${venv}"; }
say "installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}"
"${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
say "$("${venv}/bin/st" --version)"
