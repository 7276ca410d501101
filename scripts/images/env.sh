# shellcheck shell=bash
# Sourced by scripts/images/*.sh: how buildah and podman run on this machine; env overrides both.
#
# runc rather than Debian 12's crun (podman's default): crun 1.8 refuses hosts that mount cgroups
# v1 and v2 side by side ("cgroups in hybrid mode not supported"); runc runs there and on v2 alike.
export BUILDAH_RUNTIME="${BUILDAH_RUNTIME:-runc}"
# overlay cannot stack on a root file system that is itself an overlay (CI inside a container):
# vfs then, slower and larger but works anywhere. buildah and podman both read STORAGE_DRIVER.
if [[ -z "${STORAGE_DRIVER:-}" && "$(stat -f -c %T /var/lib 2>/dev/null)" == overlayfs ]]; then
  export STORAGE_DRIVER=vfs
fi
