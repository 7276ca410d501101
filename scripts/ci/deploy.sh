#!/usr/bin/env bash
# Deploys a Kustomize overlay pinned to a release's images, then waits for the Flagger canaries
# to promote the new revision after their soak (scripts/ci/canary.sh), failing when one is rolled
# back. The release workflow runs it for k8s/overlays/dev, then, once approved, k8s/overlays/prod.
#
#   usage: scripts/ci/deploy.sh OVERLAY DIGESTS_DIR
#     OVERLAY      a Kustomize overlay directory, e.g. k8s/overlays/dev
#     DIGESTS_DIR  one file per image, named after the image as the manifests name it (gateway,
#                  inference, ...), holding its reference by digest: REGISTRY/PATH/IMAGE@sha256:...
#
# Environment: CANARIES (default "gateway inference-champion"), NAMESPACE (default sentimentops),
# ROLLOUT_TIMEOUT (for the Deployments that are not canaries, default 10m), DRY_RUN=1 (pin the
# images and print the rendered manifests' images, apply nothing: no cluster needed), and
# scripts/ci/canary.sh's CANARY_* timeouts. The current kubectl context is the target cluster.
#
# `kustomize edit set image` rewrites OVERLAY/kustomization.yaml in place: in CI that is a
# throwaway checkout; on a workstation `git diff` shows the pinned digests and
# `git restore OVERLAY/kustomization.yaml` undoes them.
set -euo pipefail

KUSTOMIZE_VERSION="v5.8.1" # as scripts/install/k8s-tools.sh; built from the Go module proxy when no kustomize is on PATH
CANARIES="${CANARIES:-gateway inference-champion}"
NAMESPACE="${NAMESPACE:-sentimentops}"
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-10m}"
export NAMESPACE

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${here}/../.." && pwd)"
overlay="${1:?usage: $0 OVERLAY DIGESTS_DIR}"
digests="${2:?usage: $0 OVERLAY DIGESTS_DIR}"
[[ -f "${overlay}/kustomization.yaml" ]] || { echo "error: ${overlay}/kustomization.yaml not found" >&2; exit 1; }
files=("${digests}"/*)
[[ -f "${files[0]}" ]] || { echo "error: no image digests in ${digests}" >&2; exit 1; }

PATH="${repo_root}/.cache/bin:${PATH}"
if ! command -v kustomize >/dev/null 2>&1; then
  command -v go >/dev/null 2>&1 || { echo "error: need kustomize on PATH, or Go to build it" >&2; exit 1; }
  echo "building kustomize ${KUSTOMIZE_VERSION} into ${repo_root}/.cache/bin..."
  CGO_ENABLED=0 GOBIN="${repo_root}/.cache/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# 1. Pin every image to its digest.
images=()
for file in "${files[@]}"; do
  image="$(basename "${file}")"
  ref="$(tr -d '[:space:]' <"${file}")"
  [[ "${ref}" =~ ^[a-z0-9][^@[:space:]]*/${image}@sha256:[0-9a-f]{64}$ ]] ||
    { echo "error: ${file}: '${ref}' is not a reference by digest to an image named ${image}" >&2; exit 1; }
  (cd "${overlay}" && kustomize edit set image "${image}=${ref}")
  images+=("${ref}")
done

# 2. Render, and show what will run. An image that no container uses (the training image is
# started by trainer-controller, not by these manifests) is only mentioned.
kustomize build "${overlay}" >"${work}/manifests.yaml"
echo "images in ${overlay}:"
grep -E '^[[:space:]-]*image:' "${work}/manifests.yaml" | sed -E 's/^[[:space:]-]*image:[[:space:]]*/  /' | sort -u
for ref in "${images[@]}"; do
  grep -qF "${ref}" "${work}/manifests.yaml" || echo "note: no container in ${overlay} runs ${ref%@*}"
done
if [[ "${DRY_RUN:-}" == 1 ]]; then
  echo "DRY_RUN=1: nothing applied"
  exit 0
fi

# 3. Apply, between a snapshot of the canaries and the wait for them.
read -ra canaries <<<"${CANARIES}"
"${here}/canary.sh" snapshot "${work}/canaries" "${canaries[@]}"
kubectl apply -f "${work}/manifests.yaml"

# 4. Deployments that Flagger does not manage roll out the usual way; a canary's target is left
# to Flagger (it scales the target up for the analysis and back to zero after it).
kubectl get -f "${work}/manifests.yaml" -o jsonpath='{range .items[*]}{.kind} {.metadata.namespace}/{.metadata.name} {.metadata.namespace}/{.spec.targetRef.name}{"\n"}{end}' >"${work}/objects.txt"
targets=" $(awk '$1 == "Canary" { printf "%s ", $3 }' "${work}/objects.txt")"
awk '$1 == "Deployment" { print $2 }' "${work}/objects.txt" | while IFS=/ read -r namespace deployment; do
  [[ "${targets}" == *" ${namespace}/${deployment} "* ]] && continue
  kubectl --namespace "${namespace}" rollout status "deployment/${deployment}" --timeout "${ROLLOUT_TIMEOUT}"
done

"${here}/canary.sh" wait "${work}/canaries"
