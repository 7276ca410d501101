# GitHub Actions deploys without a key: its OIDC token is exchanged (Workload Identity Federation)
# for short-lived credentials of the deployer service account. The provider accepts tokens of
# var.github_repository only (and, when set, of jobs in var.github_environment); the workflow
# uses google-github-actions/auth with the `workload_identity_provider` and
# `deployer_service_account` outputs.

resource "google_iam_workload_identity_pool" "github" {
  # A deleted pool keeps its id for 30 days: recreating one in that time needs another id.
  workload_identity_pool_id = "so-${var.environment}-github"
  display_name              = "SentimentOps ${var.environment} GitHub"
  description               = "GitHub Actions of ${var.github_repository}"

  depends_on = [google_project_service.apis]
}

resource "google_iam_workload_identity_pool_provider" "github" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github-actions"
  display_name                       = "GitHub Actions OIDC"

  attribute_mapping = {
    "google.subject"             = "assertion.sub"
    "attribute.repository"       = "assertion.repository"
    "attribute.repository_owner" = "assertion.repository_owner"
    "attribute.ref"              = "assertion.ref"
  }

  # Without a condition any repository on GitHub could present a token to this provider.
  attribute_condition = join(" && ", compact([
    "assertion.repository == '${var.github_repository}'",
    var.github_environment == null ? "" : "assertion.environment == '${var.github_environment}'",
  ]))

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deployer" {
  account_id   = "so-${var.environment}-deployer"
  display_name = "SentimentOps ${var.environment}: GitHub Actions deployer"
  description  = "Pushes images to Artifact Registry and applies manifests to GKE; used only through Workload Identity Federation"
}

resource "google_service_account_iam_member" "deployer_github" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/attribute.repository/${var.github_repository}"
}

# Deploying to GKE: get credentials and manage namespaced Kubernetes objects (GKE's roles apply
# to the project's clusters; Kubernetes RBAC narrows further). Pushing images is granted on the
# repository in artifact_registry.tf.
resource "google_project_iam_member" "deployer_gke" {
  project = var.project_id
  role    = "roles/container.developer"
  member  = google_service_account.deployer.member
}
