# Unit tests of the policies (`conftest verify`): for each rule, a passing configuration and one
# it must reject. The configurations are in conftest's --combine shape.
package main

import rego.v1

file(path, contents) := [{"path": path, "contents": contents}]

tf(contents) := file("terraform/stack/main.tf", contents)

good_bucket := {
	"name": "b",
	"uniform_bucket_level_access": true,
	"public_access_prevention": "enforced",
	"versioning": [{"enabled": true}],
	"lifecycle_rule": [{"condition": [{"days_since_noncurrent_time": 30}], "action": [{"type": "Delete"}]}],
}

bucket(body) := tf({"resource": {"google_storage_bucket": {"b": [body]}}})

good_gpu_pool := {
	"initial_node_count": 0,
	"autoscaling": [{"min_node_count": 0, "max_node_count": 2}],
	"node_config": [{
		"guest_accelerator": [{"type": "nvidia-l4", "count": 1, "gpu_driver_installation_config": [{"gpu_driver_version": "DEFAULT"}]}],
		"taint": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}],
		"workload_metadata_config": [{"mode": "GKE_METADATA"}],
	}],
}

node_pool(body) := tf({"resource": {"google_container_node_pool": {"gpu": [body]}}})

good_cluster := {
	"remove_default_node_pool": true,
	"workload_identity_config": [{"workload_pool": "${var.project_id}.svc.id.goog"}],
	"private_cluster_config": [{"enable_private_nodes": true}],
}

cluster(body) := tf({
	"variable": {"project_id": [{"type": "${string}"}]},
	"resource": {"google_container_cluster": {"this": [body]}},
})

release(body) := tf({"resource": {"helm_release": {"r": [body]}}})

good_release := {"name": "r", "repository": "https://charts.example.com", "chart": "c", "version": "1.2.3"}

# Storage

test_good_bucket_passes if count(deny) == 0 with input as bucket(good_bucket)

test_bucket_without_uniform_access_denied if {
	some msg in deny with input as bucket(object.remove(good_bucket, ["uniform_bucket_level_access"]))
	contains(msg, "uniform_bucket_level_access")
}

test_bucket_without_public_access_prevention_denied if {
	some msg in deny with input as bucket(object.union(good_bucket, {"public_access_prevention": "inherited"}))
	contains(msg, "public_access_prevention")
}

test_bucket_without_versioning_denied if {
	some msg in deny with input as bucket(object.remove(good_bucket, ["versioning"]))
	contains(msg, "versioning")
}

test_bucket_without_lifecycle_denied if {
	some msg in deny with input as bucket(object.remove(good_bucket, ["lifecycle_rule"]))
	contains(msg, "lifecycle_rule")
}

test_public_member_denied if {
	config := tf({"resource": {"google_storage_bucket_iam_member": {"m": [{"role": "roles/storage.objectViewer", "member": "allAuthenticatedUsers"}]}}})
	some msg in deny with input as config
	contains(msg, "public principal allAuthenticatedUsers")
}

test_project_storage_role_denied if {
	config := tf({"resource": {"google_project_iam_member": {"m": [{"role": "roles/storage.objectAdmin", "member": "serviceAccount:x"}]}}})
	some msg in deny with input as config
	contains(msg, "project-wide")
}

test_bucket_storage_role_allowed if {
	config := tf({"resource": {"google_storage_bucket_iam_member": {"m": [{"role": "roles/storage.objectAdmin", "member": "serviceAccount:x"}]}}})
	count(deny) == 0 with input as config
}

# GKE

test_good_cluster_passes if count(deny) == 0 with input as cluster(good_cluster)

test_cluster_without_workload_identity_denied if {
	some msg in deny with input as cluster(object.remove(good_cluster, ["workload_identity_config"]))
	contains(msg, "Workload Identity")
}

test_cluster_with_public_nodes_denied if {
	some msg in deny with input as cluster(object.union(good_cluster, {"private_cluster_config": [{"enable_private_nodes": false}]}))
	contains(msg, "private")
}

test_good_gpu_pool_passes if count(deny) == 0 with input as node_pool(good_gpu_pool)

test_gpu_pool_min_one_denied if {
	config := node_pool(object.union(good_gpu_pool, {"autoscaling": [{"min_node_count": 1, "max_node_count": 2}]}))
	some msg in deny with input as config
	contains(msg, "autoscale from 0")
}

test_gpu_pool_min_from_variable_denied if {
	config := node_pool(object.union(good_gpu_pool, {"autoscaling": [{"min_node_count": "${var.min}", "max_node_count": 2}]}))
	some msg in deny with input as config
	contains(msg, "autoscale from 0")
}

test_gpu_pool_without_autoscaling_denied if {
	some msg in deny with input as node_pool(object.remove(good_gpu_pool, ["autoscaling"]))
	contains(msg, "autoscale from 0")
}

test_gpu_pool_without_taint_denied if {
	config := node_pool(json.patch(good_gpu_pool, [{"op": "remove", "path": "/node_config/0/taint"}]))
	some msg in deny with input as config
	contains(msg, "taint")
}

test_gpu_pool_without_driver_config_denied if {
	config := node_pool(json.patch(good_gpu_pool, [{"op": "remove", "path": "/node_config/0/guest_accelerator/0/gpu_driver_installation_config"}]))
	some msg in deny with input as config
	contains(msg, "gpu_driver_installation_config")
}

test_node_pool_without_gke_metadata_denied if {
	config := node_pool(json.patch(good_gpu_pool, [{"op": "replace", "path": "/node_config/0/workload_metadata_config/0/mode", "value": "GCE_METADATA"}]))
	some msg in deny with input as config
	contains(msg, "GKE_METADATA")
}

# IAM

test_service_account_key_denied if {
	some msg in deny with input as tf({"resource": {"google_service_account_key": {"k": [{}]}}})
	contains(msg, "keys are not allowed")
}

test_basic_role_denied if {
	config := tf({"resource": {"google_project_iam_member": {"m": [{"role": "roles/owner", "member": "user:x"}]}}})
	some msg in deny with input as config
	contains(msg, "basic role")
}

test_workload_identity_provider_without_condition_denied if {
	config := tf({"resource": {"google_iam_workload_identity_pool_provider": {"p": [{"oidc": [{}]}]}}})
	some msg in deny with input as config
	contains(msg, "attribute_condition")
}

# Versions

test_pinned_release_passes if count(deny) == 0 with input as release(good_release)

test_release_version_range_denied if {
	some msg in deny with input as release(object.union(good_release, {"version": "~> 1.2"}))
	contains(msg, "exact chart version")
}

test_release_without_version_denied if {
	some msg in deny with input as release(object.remove(good_release, ["version"]))
	contains(msg, "exact chart version")
}

test_nvidia_device_plugin_denied if {
	some msg in deny with input as release(object.union(good_release, {"chart": "nvidia-device-plugin"}))
	contains(msg, "GKE manages")
}

test_provider_range_denied if {
	config := tf({"terraform": [{"required_providers": [{"google": {"source": "hashicorp/google", "version": ">= 7.0"}}]}]})
	some msg in deny with input as config
	contains(msg, "exact version")
}

# References

test_undeclared_variable_denied if {
	config := tf({"output": {"o": [{"value": "${var.missing}"}]}})
	some msg in deny with input as config
	contains(msg, "var.missing is not declared")
}

test_undeclared_resource_denied if {
	config := tf({"output": {"o": [{"value": "${google_storage_bucket.missing.name}"}]}})
	some msg in deny with input as config
	contains(msg, "google_storage_bucket.missing is not declared")
}

test_declared_references_pass if {
	config := tf({
		"variable": {"name": [{"type": "${string}"}]},
		"locals": [{"prefix": "${var.name}-x"}],
		"resource": {"google_service_account": {"sa": [{"account_id": "${local.prefix}"}]}},
		"output": {"o": [{"value": "${google_service_account.sa.email}"}]},
	})
	count(deny) == 0 with input as config
}

test_tfvars_unknown_and_missing_variables_denied if {
	config := array.concat(
		tf({"variable": {"required": [{"type": "${string}"}], "optional": [{"type": "${string}", "default": "x"}]}}),
		file("terraform/environments/dev/stack.tfvars", {"typo": "x"}),
	)
	denied := deny with input as config
	some unknown in denied
	contains(unknown, "sets typo")
	some missing in denied
	contains(missing, "must set required")
}

test_tfvars_false_value_counts_as_set if {
	config := array.concat(
		tf({"variable": {"flag": [{"type": "${bool}"}]}}),
		file("terraform/environments/dev/stack.tfvars", {"flag": false}),
	)
	count(deny) == 0 with input as config
}
