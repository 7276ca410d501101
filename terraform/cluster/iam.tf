# Workload Identity: one Google service account per workload, usable only by the Kubernetes
# service account of the same workload in the platform's namespace (k8s/ annotates each KSA with
# iam.gke.io/gcp-service-account = the email in the `workload_service_accounts` output).
#
# Bucket roles are granted on the bucket, never on the project, and follow what the code does:
# - inference reads model directories named by gs:// URIs (apps/inference/src/model/artifact-cache.ts);
# - registry reads a version's model-card.json when it is registered (registration/version-registrar.ts);
#   it never writes artifacts: the training Job produced them;
# - drift reads reference-profile.json of the served version (reference/reference-profile.ts);
# - training (the Jobs the trainer-controller starts, KSA TRAINER_K8S_SERVICE_ACCOUNT =
#   sentimentops-training) reads the previous dataset snapshot and writes new snapshots, models and
#   MLflow run artifacts. objectUser rather than objectCreator: a retried step rewrites objects it
#   had half written, and overwriting needs delete; versioning keeps what was replaced;
# - trainer-controller only passes gs:// URIs to the Jobs and reads its inbox from the run volume:
#   no bucket role;
# - gateway touches no bucket;
# - mlflow (the tracking server, terraform/addons) lists and reads run artifacts for its UI; the
#   training Job writes them directly (--default-artifact-root gs://<artifacts>/mlflow).
# Apps that keep state in PostgreSQL (`database = true`) may connect to the Cloud SQL instance, and
# log in as themselves (IAM database authentication: no password exists).

locals {
  workloads = {
    gateway = {
      ksa      = "gateway"
      buckets  = {}
      database = false
    }
    inference = {
      ksa      = "inference"
      buckets  = { artifacts = "roles/storage.objectViewer" }
      database = false
    }
    registry = {
      ksa      = "registry"
      buckets  = { artifacts = "roles/storage.objectViewer" }
      database = true
    }
    drift = {
      ksa      = "drift"
      buckets  = { artifacts = "roles/storage.objectViewer" }
      database = true
    }
    trainer-controller = {
      ksa      = "trainer-controller"
      buckets  = {}
      database = true
    }
    training = {
      ksa = "sentimentops-training"
      buckets = {
        datasets  = "roles/storage.objectUser"
        artifacts = "roles/storage.objectUser"
      }
      database = false
    }
    mlflow = {
      ksa      = "mlflow"
      buckets  = { artifacts = "roles/storage.objectViewer" }
      database = true
    }
  }

  buckets = {
    datasets  = google_storage_bucket.datasets.name
    artifacts = google_storage_bucket.artifacts.name
  }

  bucket_grants = merge([
    for workload, w in local.workloads : {
      for bucket, role in w.buckets : "${workload}/${bucket}" => {
        workload = workload
        bucket   = local.buckets[bucket]
        role     = role
      }
    }
  ]...)

  database_workloads = toset([for workload, w in local.workloads : workload if w.database])
}

resource "google_service_account" "workload" {
  for_each = local.workloads

  account_id   = "so-${var.environment}-${each.key}"
  display_name = "SentimentOps ${var.environment}: ${each.key}"
  description  = "Workload Identity of ${var.kubernetes_namespace}/${each.value.ksa}"
}

resource "google_service_account_iam_member" "workload_identity" {
  for_each = local.workloads

  service_account_id = google_service_account.workload[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.kubernetes_namespace}/${each.value.ksa}]"

  # The identity pool <project>.svc.id.goog exists once a cluster with Workload Identity does.
  depends_on = [google_container_cluster.this]
}

resource "google_storage_bucket_iam_member" "workload" {
  for_each = local.bucket_grants

  bucket = each.value.bucket
  role   = each.value.role
  member = google_service_account.workload[each.value.workload].member
}
