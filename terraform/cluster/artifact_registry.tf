# One Docker repository for the platform's images (gateway, inference, registry, drift,
# trainer-controller, training). The nodes pull from it; GitHub Actions' deployer pushes to it.

resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "sentimentops-${var.environment}"
  description   = "SentimentOps ${var.environment} container images"
  format        = "DOCKER"

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent-versions"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.image_retention.keep_recent_versions
    }
  }

  cleanup_policies {
    id     = "delete-old-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "${var.image_retention.untagged_keep_days * 86400}s"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_artifact_registry_repository_iam_member" "nodes_read" {
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.nodes.member
}

resource "google_artifact_registry_repository_iam_member" "deployer_write" {
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.deployer.member
}
