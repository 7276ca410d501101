#!/usr/bin/env bash
# Provides terraform at .cache/bin/terraform (ignored by git) for scripts/check/terraform.sh
# (`terraform fmt`) and for people applying terraform/. Pinned to 1.5.7, the last release under
# the MPL, which builds from the Go module proxy with `go install` (later releases carry replace
# directives that `go install` refuses). A terraform already on PATH is used only when it is
# that version; any newer CLI applies terraform/ just as well (required_version >= 1.5.7).
set -euo pipefail

TERRAFORM_VERSION="1.5.7"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
binary="${bin_dir}/terraform"

# `terraform version` warns on stderr when TF_CLI_CONFIG_FILE names a missing file: ignore that.
# Captured before it is compared: under pipefail, `terraform version | head -n 1` fails with SIGPIPE
# (status 141) whenever head exits before terraform has written its last line.
first_line() { local out; out="$("$@" 2>/dev/null)" || return 1; echo "${out%%$'\n'*}"; }
is_pinned() { [[ "$(first_line "$1" version)" == "Terraform v${TERRAFORM_VERSION}" ]]; }

if [[ -x "${binary}" ]] && is_pinned "${binary}"; then
  exit 0
fi
mkdir -p "${bin_dir}"

system="$(command -v terraform || true)"
if [[ -n "${system}" && "${system}" != "${binary}" ]] && is_pinned "${system}"; then
  ln -sf "${system}" "${binary}"
  echo "using system terraform ${TERRAFORM_VERSION} at ${system}"
  exit 0
fi

PATH="${PATH}:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "error: terraform ${TERRAFORM_VERSION} is built with Go, which is not installed" >&2
  exit 1
fi
echo "building terraform ${TERRAFORM_VERSION} into ${bin_dir} (a few minutes on 2 cores, once)..."
# A static binary; GOTOOLCHAIN=local builds with the installed Go (1.5.7 needs only 1.18+); its
# own module cache under .cache, which no other build cleans while this one reads it.
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="${bin_dir}" GOMODCACHE="${repo_root}/.cache/go-mod" \
  go install -trimpath -ldflags="-s -w" "github.com/hashicorp/terraform@v${TERRAFORM_VERSION}"
first_line "${binary}" version
