# What the other parts of the project read: GitHub Actions (deploy), k8s/ (service account
# annotations, bucket and database settings) and terraform/addons (through the remote state).

output "project_id" {
  value = var.project_id
}

output "environment" {
  value = var.environment
}

output "region" {
  value = var.region
}

output "cluster_name" {
  value = google_container_cluster.this.name
}

output "cluster_location" {
  description = "Zone or region: gcloud container clusters get-credentials <name> --location <this>."
  value       = google_container_cluster.this.location
}

output "cluster_dns_endpoint" {
  description = "The control plane's DNS endpoint (IAM-guarded), for runners without fixed addresses: get-credentials --dns-endpoint."
  value       = google_container_cluster.this.control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint
}

output "kubernetes_namespace" {
  value = var.kubernetes_namespace
}

output "artifact_registry_url" {
  description = "Image names are <this>/<image>:<tag>, e.g. <this>/gateway:<git sha>; docker login host: <region>-docker.pkg.dev."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "workload_identity_provider" {
  description = "Full resource name of the GitHub OIDC provider: google-github-actions/auth's workload_identity_provider."
  value       = google_iam_workload_identity_pool_provider.github.name
}

output "deployer_service_account" {
  description = "google-github-actions/auth's service_account."
  value       = google_service_account.deployer.email
}

output "workload_service_accounts" {
  description = "Workload -> Google service account email: the iam.gke.io/gcp-service-account annotation of its Kubernetes service account."
  value       = { for workload, sa in google_service_account.workload : workload => sa.email }
}

output "kubernetes_service_accounts" {
  description = "Workload -> the Kubernetes service account (in kubernetes_namespace) that may act as it."
  value       = { for workload, w in local.workloads : workload => w.ksa }
}

output "datasets_bucket" {
  value = google_storage_bucket.datasets.name
}

output "artifacts_bucket" {
  value = google_storage_bucket.artifacts.name
}

output "gpu_accelerator" {
  description = "The GPU pool's cloud.google.com/gke-accelerator label: TRAINER_K8S_GPU_ACCELERATOR."
  value       = var.gpu_pool.accelerator_type
}

output "cloudsql_connection_name" {
  description = "project:region:instance for the Cloud SQL Auth Proxy; null without Cloud SQL."
  value       = var.cloudsql.enabled ? google_sql_database_instance.postgres[0].connection_name : null
}

output "cloudsql_database_users" {
  description = "Workload -> its PostgreSQL user name (IAM authentication, no password); empty without Cloud SQL."
  value       = { for workload, user in google_sql_user.workload : workload => user.name }
}

output "ingress_ip" {
  description = "The reserved address of ingress-nginx's load balancer: point the platform's DNS records here."
  value       = google_compute_address.ingress.address
}
