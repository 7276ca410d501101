#!/usr/bin/env bash
# Makes the Node 22 base images that the apps' Dockerfile builds FROM when no container registry
# is reachable (`make test-images`, CI): Debian 12 packages, downloaded by apt-get (signed lists,
# checked sha256) and unpacked with dpkg-deb as distroless does, plus Node's official Linux binary
# from the npm registry (package node-linux-<arch>; Debian 12's own nodejs is 18).
#
#   runtime (the Dockerfile's RUNTIME_IMAGE): base-files, libc6, libgcc-s1, libstdc++6 (node,
#            onnxruntime-node and tokenizers link nothing else), node; no shell, no package manager.
#   build   (the Dockerfile's NODE_IMAGE): runtime + dash and coreutils (npm runs scripts through
#            sh, and the tools' `#!/usr/bin/env node`) + npm.
# Neither carries ca-certificates: Node verifies TLS with its own bundled Mozilla roots.
#
# Both are tagged with a hash of their recipe (this file, the versions, every .deb's sha256), so a
# second run finds them in buildah's storage and builds nothing; a Debian security update changes
# a .deb's sha256 and so makes new ones. Needs root (buildah mount) and an apt-based host.
# Prints NODE_IMAGE=<ref> and RUNTIME_IMAGE=<ref> on stdout; progress goes to stderr.
set -euo pipefail

NODE_VERSION="22.23.3"
NPM_VERSION="10.9.9"
# The npm registry's sha512 of each tarball, pinned: a republished package is refused.
declare -A NODE_INTEGRITY=(
  [x64]="sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng=="
  [arm64]="sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA=="
)
NPM_INTEGRITY="sha512-1g+6jLQvaIuB4zwvHL7yrXuXcWZwDsCtBX8bbWDqbvJSSr9nPiDDWTHNgwXR27iIcTTW7v3A57hDW9RYv2W4Yg=="
RUNTIME_DEBS=(base-files libc6 libgcc-s1 libstdc++6)
BUILD_DEBS=(dash coreutils libacl1 libattr1 libgmp10 libselinux1 libpcre2-8-0)
# The user the apps' images run as (USER in the Dockerfile, runAsUser in k8s/).
APP_UID=10001
IMAGE_PREFIX="${SENTIMENTOPS_IMAGE_PREFIX:-localhost/sentimentops}"
# shellcheck source=scripts/images/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

log() { echo "node-base: $*" >&2; }

case "$(dpkg --print-architecture)" in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 ;;
  *) log "no Node binary for $(dpkg --print-architecture)"; exit 1 ;;
esac

# What apt would download: 'URI' file size SHA256:..., one line a package (lists refreshed once
# when this machine has none yet).
debs=("${RUNTIME_DEBS[@]}" "${BUILD_DEBS[@]}")
if ! uris="$(apt-get download --print-uris "${debs[@]}" 2>/dev/null)" || [[ -z "${uris}" ]]; then
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  uris="$(apt-get download --print-uris "${debs[@]}")"
fi
recipe_hash="$(
  {
    cat "${BASH_SOURCE[0]}"
    echo "${node_arch} ${NODE_INTEGRITY[${node_arch}]} ${NPM_INTEGRITY}"
    awk '{ print $2, $4 }' <<<"${uris}" | sort
  } | sha256sum | cut -c1-12
)"
tag="${NODE_VERSION}-${recipe_hash}"
runtime_ref="${IMAGE_PREFIX}/node-runtime:${tag}"
build_ref="${IMAGE_PREFIX}/node-build:${tag}"

have() { buildah inspect --type image "$1" >/dev/null 2>&1; }
if have "${runtime_ref}" && have "${build_ref}"; then
  log "cached: ${runtime_ref}, ${build_ref}"
  printf 'NODE_IMAGE=%s\nRUNTIME_IMAGE=%s\n' "${build_ref}" "${runtime_ref}"
  exit 0
fi

work="$(mktemp -d)"
container=""
cleanup() {
  [[ -n "${container}" ]] && buildah rm "${container}" >/dev/null 2>&1
  rm -rf "${work}"
}
trap cleanup EXIT

log "downloading ${#debs[@]} Debian packages, node ${NODE_VERSION} and npm ${NPM_VERSION}"
mkdir -p "${work}/debs" "${work}/npm"
# apt's sandbox user cannot write into a root-owned temporary folder; the lists' signatures and
# the .debs' sha256 are checked all the same.
(cd "${work}/debs" && apt-get download -qq -o APT::Sandbox::User=root "${debs[@]}")

# `npm pack` checks a tarball against the registry's integrity; the pin checks the registry.
fetch_npm() { # package@version expected-integrity
  local integrity filename
  read -r integrity filename < <(
    cd "${work}/npm" && npm pack "$1" --json --silent |
      node -e 'const [p] = JSON.parse(require("fs").readFileSync(0, "utf8"));
               console.log(p.integrity, p.filename)'
  )
  if [[ "${integrity}" != "$2" ]]; then
    log "$1: the registry's integrity ${integrity:-(none)} is not the pinned $2"
    exit 1
  fi
  echo "${filename}"
}
node_tgz="$(fetch_npm "node-linux-${node_arch}@${NODE_VERSION}" "${NODE_INTEGRITY[${node_arch}]}")"
npm_tgz="$(fetch_npm "npm@${NPM_VERSION}" "${NPM_INTEGRITY}")"

# Unpacks packages the way distroless does: files only (no maintainer scripts), each package's
# control file in /var/lib/dpkg/status.d/ so that image scanners know what is inside.
unpack_debs() { # rootfs package...
  local rootfs="$1" deb
  shift
  mkdir -p "${rootfs}/var/lib/dpkg/status.d"
  for package in "$@"; do
    deb="$(compgen -G "${work}/debs/${package}_*.deb")"
    dpkg-deb -x "${deb}" "${rootfs}"
    dpkg-deb -f "${deb}" >"${rootfs}/var/lib/dpkg/status.d/${package}"
  done
}

runtime="${work}/runtime"
unpack_debs "${runtime}" "${RUNTIME_DEBS[@]}"
tar -xzf "${work}/npm/${node_tgz}" -C "${work}" package/bin/node package/LICENSE
install -D -m 0755 "${work}/package/bin/node" "${runtime}/usr/local/bin/node"
install -D -m 0644 "${work}/package/LICENSE" "${runtime}/usr/local/share/doc/node/LICENSE"
# Names for uid 0 and the apps' uid (tools that print a user name); /tmp for a writable mount.
printf 'root:x:0:0:root:/root:/bin/sh\nsentimentops:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' \
  "${APP_UID}" "${APP_UID}" >"${runtime}/etc/passwd"
printf 'root:x:0:\nsentimentops:x:%s:\n' "${APP_UID}" >"${runtime}/etc/group"
install -d -m 1777 "${runtime}/tmp"
install -d -m 0700 "${runtime}/root"

build="${work}/build"
cp -a "${runtime}" "${build}"
unpack_debs "${build}" "${BUILD_DEBS[@]}"
mkdir -p "${build}/usr/local/lib/node_modules/npm"
tar -xzf "${work}/npm/${npm_tgz}" -C "${build}/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "${build}/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "${build}/usr/local/bin/npx"

commit() { # rootfs ref what
  local mount
  container="$(buildah from scratch)"
  mount="$(buildah mount "${container}")"
  cp -a "$1/." "${mount}/"
  buildah umount "${container}" >/dev/null
  buildah config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="${NODE_VERSION}" \
    --cmd '["node"]' \
    --label org.opencontainers.image.title="sentimentops $3 base: Debian + Node ${NODE_VERSION}" \
    --label org.opencontainers.image.version="${NODE_VERSION}" \
    --label io.sentimentops.recipe="${recipe_hash}" \
    "${container}"
  buildah commit --quiet --rm "${container}" "$2" >/dev/null
  container=""
  log "made $2 ($(buildah images --format '{{.Size}}' "$2"))"
}
commit "${runtime}" "${runtime_ref}" runtime
commit "${build}" "${build_ref}" build

# The build base must run npm; the runtime base shares its node and libraries.
container="$(buildah from "${build_ref}")"
buildah run "${container}" -- sh -c 'node --version && npm --version' >&2
buildah rm "${container}" >/dev/null
container=""

printf 'NODE_IMAGE=%s\nRUNTIME_IMAGE=%s\n' "${build_ref}" "${runtime_ref}"
