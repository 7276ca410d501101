# The GKE Standard cluster: private nodes, Workload Identity, Dataplane V2 (NetworkPolicy), and two
# node pools: `system` (on-demand, the platform and its add-ons) and `gpu` (training Jobs only,
# tainted, scaled from zero). GKE installs the NVIDIA driver on the GPU nodes and runs its own
# device plugin (docs/infrastructure.md explains why no NVIDIA chart is installed).

resource "google_service_account" "nodes" {
  account_id   = "so-${var.environment}-nodes"
  display_name = "SentimentOps ${var.environment}: GKE nodes"
  description  = "Node identity: logs, metrics, pulling images. Workloads use their own accounts (Workload Identity)."
}

# The role GKE documents for a least-privilege node service account (logging, monitoring).
resource "google_project_iam_member" "nodes" {
  project = var.project_id
  role    = "roles/container.defaultNodeServiceAccount"
  member  = google_service_account.nodes.member
}

resource "google_container_cluster" "this" {
  name     = local.name
  location = var.cluster_location

  network           = google_compute_network.vpc.id
  subnetwork        = google_compute_subnetwork.nodes.id
  networking_mode   = "VPC_NATIVE"
  datapath_provider = "ADVANCED_DATAPATH"

  # Node pools are resources of their own (below), so that changing one never recreates the cluster.
  remove_default_node_pool = true
  initial_node_count       = 1

  deletion_protection   = var.deletion_protection
  enable_shielded_nodes = true

  release_channel {
    channel = var.release_channel
  }

  # Pods authenticate to Google APIs as the Google service account their Kubernetes service
  # account is bound to (iam.tf); no key files anywhere.
  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
  }

  # The DNS endpoint lets GitHub Actions (no fixed addresses) reach the control plane, guarded by
  # IAM (the deployer's roles/container.developer) instead of by source address.
  control_plane_endpoints_config {
    dns_endpoint_config {
      allow_external_traffic = true
    }
  }

  dynamic "master_authorized_networks_config" {
    for_each = length(var.master_authorized_networks) > 0 ? [1] : []
    content {
      dynamic "cidr_blocks" {
        for_each = var.master_authorized_networks
        content {
          cidr_block   = cidr_blocks.value.cidr_block
          display_name = cidr_blocks.value.display_name
        }
      }
    }
  }

  # Scale down idle nodes sooner: a GPU node left idle is the largest avoidable cost here.
  cluster_autoscaling {
    autoscaling_profile = "OPTIMIZE_UTILIZATION"
  }

  addons_config {
    gce_persistent_disk_csi_driver_config {
      enabled = true
    }
    # The `standard-rwx` class of the pipeline's shared work volume (k8s/base/training/), which
    # the registry, inference and every training Job mount at once (ReadWriteMany).
    gcp_filestore_csi_driver_config {
      enabled = true
    }
  }

  # Upgrades and repairs that restart nodes happen at the weekend.
  maintenance_policy {
    recurring_window {
      start_time = "2025-01-04T01:00:00Z"
      end_time   = "2025-01-04T09:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=SA,SU"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_container_node_pool" "system" {
  name           = "system"
  cluster        = google_container_cluster.this.id
  location       = var.cluster_location
  node_locations = length(var.system_node_locations) > 0 ? var.system_node_locations : null

  initial_node_count = var.system_pool.min_node_count

  autoscaling {
    min_node_count = var.system_pool.min_node_count
    max_node_count = var.system_pool.max_node_count
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type    = var.system_pool.machine_type
    disk_type       = "pd-balanced"
    disk_size_gb    = var.system_pool.disk_size_gb
    image_type      = "COS_CONTAINERD"
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    labels = {
      "sentimentops.io/pool" = "system"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }
  }

  lifecycle {
    # The autoscaler owns the node count after creation.
    ignore_changes = [initial_node_count]
  }
}

resource "google_container_node_pool" "gpu" {
  name           = "gpu"
  cluster        = google_container_cluster.this.id
  location       = var.cluster_location
  node_locations = var.gpu_node_locations

  # No GPU node runs (or is paid for) until a training Job asks for nvidia.com/gpu.
  initial_node_count = 0

  autoscaling {
    min_node_count = 0
    max_node_count = var.gpu_pool.max_node_count
    # Spot capacity comes and goes per zone: take it wherever it is.
    location_policy = "ANY"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.gpu_pool.machine_type
    spot            = var.gpu_pool.spot
    disk_type       = "pd-balanced"
    disk_size_gb    = var.gpu_pool.disk_size_gb
    image_type      = "COS_CONTAINERD"
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    guest_accelerator {
      type  = var.gpu_pool.accelerator_type
      count = var.gpu_pool.accelerator_count

      # GKE installs the driver; its own device plugin then advertises nvidia.com/gpu.
      gpu_driver_installation_config {
        gpu_driver_version = var.gpu_pool.driver_version
      }
    }

    # Only pods that tolerate this (the training Jobs, kubernetes-job-manifest.ts) land here.
    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NO_SCHEDULE"
    }

    labels = {
      "sentimentops.io/pool" = "gpu"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }
  }

  lifecycle {
    ignore_changes = [initial_node_count]
  }
}
