# prod: a regional control plane and system pool (three zones), on-demand GPUs in two zones,
# a highly available Cloud SQL, deletion protection, deploys only from the `prod` GitHub environment.
# Replace the project and repository with yours (docs/infrastructure.md).
project_id         = "sentimentops-prod"
environment        = "prod"
region             = "europe-west4"
cluster_location   = "europe-west4"
bucket_location    = "europe-west4"
github_repository  = "sentimentops/sentimentops"
github_environment = "prod"

gpu_node_locations  = ["europe-west4-a", "europe-west4-b"]
deletion_protection = true

force_destroy_buckets = false

system_pool = {
  machine_type   = "n2-standard-4"
  min_node_count = 1
  max_node_count = 4
  disk_size_gb   = 100
}

gpu_pool = {
  machine_type      = "g2-standard-8"
  accelerator_type  = "nvidia-l4"
  accelerator_count = 1
  max_node_count    = 2
  spot              = false
  disk_size_gb      = 200
  driver_version    = "DEFAULT"
}

cloudsql = {
  enabled           = true
  tier              = "db-custom-2-7680"
  high_availability = true
  disk_size_gb      = 50
}
