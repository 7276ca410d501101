#!/usr/bin/env bash
# Static checks of terraform/, offline and without a cloud account (docs/infrastructure.md):
#   1. terraform fmt -check: formatting, and a syntax parse of every .tf/.tfvars file;
#   2. conftest parse: a full HCL2 parse of every .tf/.tfvars file, YAML parse of the values files;
#   3. the files that file() reads exist;
#   4. conftest verify: the policies' own tests;
#   5. conftest test: the policies (terraform/policy) over both roots and the environments;
#   6. conftest test on terraform/policy/fixtures/bad must fail with every rule's message, so a
#      rule that stopped firing is noticed.
# `terraform validate` needs the google provider, which cannot be fetched offline; with
# network access to the Terraform registry, `--validate` adds init -backend=false + validate.
# Exits non-zero when any check fails, after running them all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

validate=false
case "${1:-}" in
  "") ;;
  --validate) validate=true ;;
  *) echo "usage: $0 [--validate]" >&2; exit 2 ;;
esac

scripts/install/terraform.sh
scripts/install/conftest.sh
terraform=.cache/bin/terraform
conftest=.cache/bin/conftest
# A TF_CLI_CONFIG_FILE naming a missing file only makes terraform print a warning.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "${TF_CLI_CONFIG_FILE}" ]]; then unset TF_CLI_CONFIG_FILE; fi

policy=terraform/policy
roots=(terraform/cluster terraform/addons)
mapfile -t checked < <(find "${roots[@]}" terraform/environments -type f \( -name '*.tf' -o -name '*.tfvars' \) | sort)
mapfile -t all_hcl < <(find terraform -type f \( -name '*.tf' -o -name '*.tfvars' \) -not -path '*/.terraform/*' | sort)
mapfile -t values < <(find terraform/addons/values -type f -name '*.yaml' | sort)

failed=()
run() {
  local name="$1"
  shift
  local out line
  if out="$("$@" 2>&1)"; then
    echo "ok    ${name}"
  else
    echo "FAIL  ${name}"
    while IFS= read -r line; do echo "      ${line}"; done <<<"${out}"
    failed+=("${name}")
  fi
}

check_file_references() {
  # file("${path.module}/X") in a root: X must exist beside it.
  local status=0 root ref
  for root in "${roots[@]}"; do
    while read -r ref; do
      [[ -f "${root}/${ref}" ]] || { echo "${root}: file(\"\${path.module}/${ref}\") does not exist"; status=1; }
    done < <(grep -ohE 'file\("\$\{path\.module\}/[^"]+"\)' "${root}"/*.tf | sed -E 's/^file\("\$\{path\.module\}\/(.*)"\)$/\1/' | sort -u)
  done
  return "${status}"
}

check_bad_fixture() {
  # Every rule must reject something in the fixture; each pattern is one rule's message.
  local expected=(
    'uniform_bucket_level_access must be true'
    'public_access_prevention must be "enforced"'
    'versioning must be enabled'
    'needs a lifecycle_rule'
    'ACL resources are not allowed'
    'public principal allUsers'
    'roles/storage.admin project-wide'
    'basic role roles/editor'
    'roles/iam.serviceAccountUser on the project'
    'service account keys are not allowed'
    'needs an attribute_condition'
    'Workload Identity must be on'
    'remove_default_node_pool must be true'
    'inline node_pool blocks are not allowed'
    'nodes must be private'
    'must be "GKE_METADATA"'
    'must autoscale from 0'
    'must carry the taint nvidia.com/gpu'
    'needs gpu_driver_installation_config'
    'helm_release.floating: version must be an exact chart version'
    'helm_release.unpinned: version must be an exact chart version'
    'must be an https:// or oci://'
    'do not install nvidia-device-plugin'
    'required_providers.google must pin an exact version'
    'var.projcet_id is not declared'
    'local.missing is not declared'
    'google_storage_bucket.closed is not declared'
    'data.google_project.this is not declared'
    'sets region, which'
    'must set project_id'
  )
  local out status=0 pattern
  mapfile -t bad < <(find "${policy}/fixtures/bad" -type f \( -name '*.tf' -o -name '*.tfvars' \) | sort)
  if out="$("${conftest}" test --no-color --combine --policy "${policy}" "${bad[@]}" 2>&1)"; then
    echo "conftest accepted the bad fixture"
    return 1
  fi
  for pattern in "${expected[@]}"; do
    grep -qF -- "${pattern}" <<<"${out}" || { echo "no rule rejected: ${pattern}"; status=1; }
  done
  return "${status}"
}

validate_roots() {
  local root status=0
  for root in "${roots[@]}"; do
    "${terraform}" -chdir="${root}" init -no-color -backend=false -input=false >/dev/null &&
      "${terraform}" -chdir="${root}" validate -no-color || status=1
  done
  return "${status}"
}

run "terraform fmt -check (formatting, syntax)" "${terraform}" fmt -no-color -check -recursive -diff terraform
run "HCL2 parse of ${#all_hcl[@]} .tf/.tfvars files" "${conftest}" parse --parser hcl2 "${all_hcl[@]}"
run "YAML parse of ${#values[@]} Helm values files" "${conftest}" parse --parser yaml "${values[@]}"
run "files read by file() exist" check_file_references
run "policy tests (conftest verify)" "${conftest}" verify --no-color --policy "${policy}"
run "policies over ${#checked[@]} files (conftest test)" "${conftest}" test --no-color --combine --policy "${policy}" "${checked[@]}"
run "policies reject the bad fixture, every rule" check_bad_fixture
if [[ "${validate}" == true ]]; then
  run "terraform validate (providers from the registry)" validate_roots
else
  echo "skip  terraform validate: needs the google provider from the Terraform registry (--validate)"
fi

if ((${#failed[@]} > 0)); then
  echo "terraform checks failed: ${failed[*]}" >&2
  exit 1
fi
echo "terraform checks passed"
