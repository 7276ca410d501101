#!/usr/bin/env bash
# Fails, naming each one, when any of the given environment variables is unset or empty: the
# release workflow's configuration comes from repository/environment variables
# (Settings > Secrets and variables > Actions > Variables), and an unset one would otherwise show
# up later as a confusing gcloud or docker error.
#   usage: scripts/ci/require-env.sh NAME...
set -euo pipefail

missing=()
for name in "$@"; do
  [[ -n "${!name:-}" ]] || missing+=("${name}")
done
if ((${#missing[@]} > 0)); then
  for name in "${missing[@]}"; do
    if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
      echo "::error title=Missing configuration::set the repository or environment variable ${name} (see .github/workflows/release.yml)"
    else
      echo "error: ${name} is not set" >&2
    fi
  done
  exit 1
fi
