#!/usr/bin/env bash
# Prints, as a Markdown table, the images a release deploys: one file per image in DIGESTS_DIR
# (named after the image, holding its reference by digest, as the release workflow records it).
# The workflow appends it to the job summary, so each run shows what it deployed.
#   usage: scripts/ci/images-summary.sh DIGESTS_DIR
set -euo pipefail

dir="${1:?usage: $0 DIGESTS_DIR}"
files=("${dir}"/*)
[[ -f "${files[0]}" ]] || { echo "error: no image digests in ${dir}" >&2; exit 1; }
echo "| image | reference |"
echo "| --- | --- |"
for file in "${files[@]}"; do
  printf '| %s | %s%s%s |\n' "$(basename "${file}")" '`' "$(tr -d '[:space:]' <"${file}")" '`'
done
