# The Google APIs this configuration calls. Left enabled on destroy: other things in the project
# may use them, and disabling an API is what breaks a project.
locals {
  apis = concat(
    [
      "artifactregistry.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "container.googleapis.com",
      "file.googleapis.com", # Filestore, behind the Filestore CSI driver's `standard-rwx` volumes
      "iam.googleapis.com",
      # GitHub Actions: token exchange (sts) and the deployer's short-lived tokens (iamcredentials).
      "iamcredentials.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "storage.googleapis.com",
      "sts.googleapis.com",
    ],
    var.cloudsql.enabled ? [
      "servicenetworking.googleapis.com", # the private IP of Cloud SQL
      "sqladmin.googleapis.com",          # and the Cloud SQL Auth Proxy's calls
    ] : [],
  )
}

resource "google_project_service" "apis" {
  for_each = toset(local.apis)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
