#!/usr/bin/env bash
# Frees about 20 GB on a GitHub-hosted Ubuntu runner by deleting preinstalled toolchains that no
# image build here uses (.NET, Android, Haskell, CodeQL), so the training image (CUDA runtime +
# PyTorch wheels) fits. Only for throwaway CI runners: refuses to run anywhere else.
set -euo pipefail

if [[ "${GITHUB_ACTIONS:-}" != "true" || "${RUNNER_ENVIRONMENT:-}" != "github-hosted" ]]; then
  echo "free-disk: only runs on a GitHub-hosted runner" >&2
  exit 1
fi
df -h / | tail -n 1
sudo rm -rf /usr/share/dotnet /usr/local/lib/android /opt/ghc /usr/local/.ghcup \
  "${AGENT_TOOLSDIRECTORY:-/opt/hostedtoolcache}/CodeQL"
sudo docker image prune --all --force >/dev/null
df -h / | tail -n 1
