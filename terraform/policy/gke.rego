# The cluster: Workload Identity on, private nodes, node pools as resources of their own; every
# node pool serves GKE's metadata server; a GPU pool scales from zero, is tainted for training
# Jobs only and has GKE install its driver.
package main

import rego.v1

clusters contains r if {
	some r in resources
	r.type == "google_container_cluster"
}

node_pools contains r if {
	some r in resources
	r.type == "google_container_node_pool"
}

gpu_pools contains r if {
	some r in node_pools
	count(blocks(block(r.body, "node_config"), "guest_accelerator")) > 0
}

deny contains msg if {
	some r in clusters
	not block(r.body, "workload_identity_config").workload_pool
	msg := sprintf("%s: Workload Identity must be on (workload_identity_config.workload_pool)", [label(r)])
}

deny contains msg if {
	some r in clusters
	object.get(r.body, "remove_default_node_pool", false) != true
	msg := sprintf("%s: remove_default_node_pool must be true (node pools are google_container_node_pool resources)", [label(r)])
}

deny contains msg if {
	some r in clusters
	count(blocks(r.body, "node_pool")) > 0
	msg := sprintf("%s: inline node_pool blocks are not allowed (use google_container_node_pool)", [label(r)])
}

deny contains msg if {
	some r in clusters
	object.get(block(r.body, "private_cluster_config"), "enable_private_nodes", false) != true
	msg := sprintf("%s: nodes must be private (private_cluster_config.enable_private_nodes = true)", [label(r)])
}

deny contains msg if {
	some r in node_pools
	object.get(block(block(r.body, "node_config"), "workload_metadata_config"), "mode", "") != "GKE_METADATA"
	msg := sprintf("%s: node_config.workload_metadata_config.mode must be \"GKE_METADATA\" (Workload Identity)", [label(r)])
}

deny contains msg if {
	some r in gpu_pools
	not scales_from_zero(r.body)
	msg := sprintf("%s: a GPU pool must autoscale from 0 (autoscaling.min_node_count = 0, initial_node_count = 0, no node_count)", [label(r)])
}

deny contains msg if {
	some r in gpu_pools
	not gpu_tainted(block(r.body, "node_config"))
	msg := sprintf("%s: a GPU pool must carry the taint nvidia.com/gpu NO_SCHEDULE", [label(r)])
}

deny contains msg if {
	some r in gpu_pools
	some accelerator in blocks(block(r.body, "node_config"), "guest_accelerator")
	not gke_installs_driver(accelerator)
	msg := sprintf("%s: guest_accelerator needs gpu_driver_installation_config with a driver version (GKE's driver and device plugin)", [label(r)])
}

scales_from_zero(body) if {
	autoscaling := block(body, "autoscaling")
	min_zero(autoscaling)
	object.get(body, "initial_node_count", 0) == 0
	not body.node_count
}

min_zero(autoscaling) if autoscaling.min_node_count == 0

min_zero(autoscaling) if {
	not autoscaling.min_node_count
	autoscaling.total_min_node_count == 0
}

gpu_tainted(node_config) if {
	some taint in blocks(node_config, "taint")
	taint.key == "nvidia.com/gpu"
	taint.effect == "NO_SCHEDULE"
}

gke_installs_driver(accelerator) if {
	version := block(accelerator, "gpu_driver_installation_config").gpu_driver_version
	version != "INSTALLATION_DISABLED"
}
