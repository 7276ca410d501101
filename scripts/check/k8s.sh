#!/usr/bin/env bash
# Checks k8s/ offline, the way a cluster would judge it:
#   1. the generated manifests are up to date: the PrometheusRules (from monitoring/prometheus/rules/)
#      and the training Job template (from the trainer-controller's Job builder);
#   2. every overlay in k8s/overlays/ builds with kustomize;
#   3. every object of every overlay is valid against the Kubernetes API schemas of the cluster's
#      version and the CRDs of its add-ons (kubeconform -strict: unknown fields fail, and an object
#      without a schema fails too);
#   4. the policies of scripts/k8s/check-policies.mjs hold (non-root, read-only, no privilege,
#      resources, health probes, default-deny NetworkPolicy, the trainer-controller's narrow Role).
# Every step runs; the script exits non-zero, naming the failed steps, if any failed. The tools and
# schemas come from scripts/install/k8s-tools.sh (run first; a no-op once installed).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${repo_root}"
"${repo_root}/scripts/install/k8s-tools.sh" >/dev/null

bin="${repo_root}/.cache/bin"
schemas="${repo_root}/.cache/k8s-schemas"
kubernetes_version="$(sed -n 's/^KUBERNETES_VERSION="\(.*\)".*/\1/p' scripts/install/k8s-tools.sh)"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

failed=()
step() { echo "== k8s: $*"; }
fail() {
  echo "FAILED: $1" >&2
  failed+=("$1")
}

step "generated manifests are up to date"
node scripts/k8s/render-prometheus-rules.mjs --check || fail "stale PrometheusRules"
node scripts/k8s/render-training-job.mjs --check || fail "stale training Job template"

step "kustomize build"
rendered=()
for overlay in k8s/overlays/*/; do
  name="$(basename "${overlay}")"
  if "${bin}/kustomize" build "${overlay}" >"${work}/${name}.yaml" 2>"${work}/${name}.err"; then
    echo "${overlay}: $(grep -c '^kind:' "${work}/${name}.yaml") objects"
    rendered+=("${name}")
  else
    cat "${work}/${name}.err" >&2
    fail "kustomize build ${overlay}"
  fi
done

if ((${#rendered[@]} > 0)); then
  step "kubeconform -strict (Kubernetes ${kubernetes_version} and the add-ons' CRDs)"
  files=()
  for name in "${rendered[@]}"; do files+=("${work}/${name}.yaml"); done
  "${bin}/kubeconform" -strict -summary -output text \
    -kubernetes-version "${kubernetes_version}" \
    -schema-location "${schemas}/kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "${schemas}/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    "${files[@]}" || fail "kubeconform"

  step "policies"
  pairs=()
  for name in "${rendered[@]}"; do pairs+=("${name}=${work}/${name}.yaml"); done
  node scripts/k8s/check-policies.mjs "${pairs[@]}" || fail "policies"
fi

if ((${#failed[@]} > 0)); then
  list="$(printf '%s, ' "${failed[@]}")"
  echo "k8s: ${#failed[@]} check(s) failed: ${list%, }" >&2
  exit 1
fi
echo "k8s: every overlay builds, validates and holds the policies"
