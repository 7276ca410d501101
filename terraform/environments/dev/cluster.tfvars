# dev: one zone, small pools, Spot GPUs, buckets that terraform destroy may empty.
# Replace the project and repository with yours (docs/infrastructure.md).
project_id        = "sentimentops-dev"
environment       = "dev"
region            = "europe-west4"
cluster_location  = "europe-west4-a"
bucket_location   = "europe-west4"
github_repository = "sentimentops/sentimentops"

gpu_node_locations  = ["europe-west4-a"]
deletion_protection = false

force_destroy_buckets = true

system_pool = {
  machine_type   = "e2-standard-4"
  min_node_count = 1
  max_node_count = 3
  disk_size_gb   = 50
}

gpu_pool = {
  machine_type      = "g2-standard-8"
  accelerator_type  = "nvidia-l4"
  accelerator_count = 1
  max_node_count    = 1
  spot              = true
  disk_size_gb      = 100
  driver_version    = "DEFAULT"
}

cloudsql = {
  enabled           = true
  tier              = "db-custom-1-3840"
  high_availability = false
  disk_size_gb      = 10
}
