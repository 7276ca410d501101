#!/usr/bin/env bash
# The daemonless container tools that `make test-images` uses, from Debian's packages: buildah
# (builds the images from the Dockerfile), podman (runs one) and runc, the OCI runtime both use:
# Debian 12's crun (podman's default) refuses hosts with cgroups v1 and v2 mounted side by side
# ("cgroups in hybrid mode not supported"), runc runs on those and on v2-only hosts alike. The
# base image needs only apt-get download and dpkg-deb, already on Debian. Installs only what is
# missing; needs root (CI runs as root on a fresh Debian 12 machine).
set -euo pipefail

declare -A package_of=([buildah]=buildah [podman]=podman [runc]=runc)
missing=()
for tool in "${!package_of[@]}"; do
  command -v "${tool}" >/dev/null || missing+=("${package_of[${tool}]}")
done
((${#missing[@]} == 0)) && exit 0

if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "buildah: install ${missing[*]} (Debian/Ubuntu, as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "buildah: installing Debian's ${missing[*]}"
# Another apt-get (a parallel install) may hold dpkg's lock for a while: wait for it.
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
buildah --version
podman --version
runc --version
