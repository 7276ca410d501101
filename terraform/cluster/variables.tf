# Inputs of the cluster root. Each environment sets them in terraform/environments/<env>/cluster.tfvars.
# What must hold in every environment (private buckets, the GPU pool scaling from zero, Workload
# Identity) is written as a literal in the resources, not as a variable, so that the policy checks
# in terraform/policy can see it.

variable "project_id" {
  description = "The Google Cloud project that holds everything."
  type        = string
}

variable "environment" {
  description = "Short environment name (dev, prod); part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.environment))
    error_message = "environment: 2-8 lowercase letters or digits, starting with a letter (it goes into 30-character service account ids)."
  }
}

variable "region" {
  description = "Region of the network, Artifact Registry, Cloud SQL and (for a regional cluster) the cluster."
  type        = string
}

variable "cluster_location" {
  description = "Where the cluster's control plane runs: a zone (one zone, cheaper; dev) or the region (three zones; prod)."
  type        = string
}

variable "system_node_locations" {
  description = "Zones of the system pool's nodes; empty: the cluster's default zones."
  type        = list(string)
  default     = []
}

variable "gpu_node_locations" {
  description = "Zones of the GPU pool; each must offer the accelerator type (gcloud compute accelerator-types list)."
  type        = list(string)
}

variable "network_cidrs" {
  description = "Primary range of the nodes' subnet and the secondary ranges of pods and services."
  type = object({
    nodes    = string
    pods     = string
    services = string
  })
  default = {
    nodes    = "10.10.0.0/20"
    pods     = "10.20.0.0/14"
    services = "10.24.0.0/20"
  }
}

variable "master_authorized_networks" {
  description = "CIDR blocks allowed to reach the control plane's public IP endpoint; empty: any (Kubernetes authentication still applies). GitHub-hosted runners have no fixed addresses: they use the DNS endpoint, which IAM guards."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []
}

variable "release_channel" {
  description = "GKE release channel (RAPID, REGULAR, STABLE): GKE upgrades the control plane and nodes within it."
  type        = string
  default     = "REGULAR"
}

variable "deletion_protection" {
  description = "Refuse to destroy the cluster and the Cloud SQL instance (true in prod)."
  type        = bool
  default     = true
}

variable "system_pool" {
  description = "The on-demand pool of the platform's services and add-ons; autoscaled per zone."
  type = object({
    machine_type   = string
    min_node_count = number
    max_node_count = number
    disk_size_gb   = number
  })
  default = {
    machine_type   = "e2-standard-4"
    min_node_count = 1
    max_node_count = 4
    disk_size_gb   = 100
  }
}

variable "gpu_pool" {
  description = "The training pool: one accelerator per node, scaled from zero by pending training Jobs. spot = true runs it on Spot VMs (about a third of the on-demand price; preemptible: a preempted step fails its run, which `sentimentops pipeline retry` resumes from that step)."
  type = object({
    machine_type      = string
    accelerator_type  = string
    accelerator_count = number
    max_node_count    = number
    spot              = bool
    disk_size_gb      = number
    # DEFAULT or LATEST: the driver version GKE installs (see docs/infrastructure.md, NVIDIA).
    driver_version = string
  })
  default = {
    machine_type      = "g2-standard-8"
    accelerator_type  = "nvidia-l4"
    accelerator_count = 1
    max_node_count    = 2
    spot              = true
    disk_size_gb      = 200
    driver_version    = "DEFAULT"
  }

  validation {
    condition     = contains(["DEFAULT", "LATEST"], var.gpu_pool.driver_version)
    error_message = "gpu_pool.driver_version: DEFAULT or LATEST (GKE installs the driver; INSTALLATION_DISABLED would leave the GPUs unusable)."
  }
}

variable "bucket_location" {
  description = "Location of the datasets and artifacts buckets (a region next to the cluster, or a multi-region)."
  type        = string
}

variable "force_destroy_buckets" {
  description = "Let terraform destroy delete non-empty buckets (dev only)."
  type        = bool
  default     = false
}

variable "bucket_lifecycle" {
  description = "Days before datasets move to Nearline, and days a replaced or deleted object's old version is kept."
  type = object({
    datasets_nearline_after_days   = number
    datasets_noncurrent_keep_days  = number
    artifacts_noncurrent_keep_days = number
  })
  default = {
    datasets_nearline_after_days   = 90
    datasets_noncurrent_keep_days  = 30
    artifacts_noncurrent_keep_days = 90
  }
}

variable "image_retention" {
  description = "Artifact Registry cleanup: the newest tagged versions kept per image, and days an untagged image is kept."
  type = object({
    keep_recent_versions = number
    untagged_keep_days   = number
  })
  default = {
    keep_recent_versions = 20
    untagged_keep_days   = 14
  }
}

variable "kubernetes_namespace" {
  description = "The namespace of the platform's apps (their Kubernetes service accounts live there)."
  type        = string
  default     = "sentimentops"
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose Actions may deploy (the only one the identity provider accepts)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository: owner/name."
  }
}

variable "github_environment" {
  description = "When set, only workflow jobs running in this GitHub environment (with its protection rules) may deploy; null: any job of the repository."
  type        = string
  default     = null
}

variable "cloudsql" {
  description = "Cloud SQL for PostgreSQL for the registry, drift, trainer-controller and MLflow; enabled = false leaves Postgres to something else (DATABASE_URL)."
  type = object({
    enabled           = bool
    tier              = string
    high_availability = bool
    disk_size_gb      = number
  })
  default = {
    enabled           = true
    tier              = "db-custom-1-3840"
    high_availability = false
    disk_size_gb      = 20
  }
}
