# Two buckets, private by construction: uniform bucket-level access (IAM only, no object ACLs),
# public access prevention enforced (no allUsers/allAuthenticatedUsers grant can take effect), and
# versioning, so an overwrite or a delete can be undone for as long as the lifecycle keeps the old
# version. Who may read or write which bucket is in iam.tf.
#
# - datasets:  dataset versions (content-addressed snapshots: training's versioning.store, the
#              trainer-controller's TRAINER_DATASET_STORE) and DVC objects.
# - artifacts: model directories (model.onnx, tokenizer.json, model-card.json,
#              reference-profile.json) and MLflow's run artifacts under mlflow/.

locals {
  bucket_prefix = "${var.project_id}-${local.name}"
}

resource "google_storage_bucket" "datasets" {
  name          = "${local.bucket_prefix}-datasets"
  location      = var.bucket_location
  storage_class = "STANDARD"
  force_destroy = var.force_destroy_buckets

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  # A run reads the previous run's snapshot; older snapshots are kept for lineage, rarely read.
  lifecycle_rule {
    condition {
      age                   = var.bucket_lifecycle.datasets_nearline_after_days
      matches_storage_class = ["STANDARD"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.bucket_lifecycle.datasets_noncurrent_keep_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket" "artifacts" {
  name          = "${local.bucket_prefix}-artifacts"
  location      = var.bucket_location
  storage_class = "STANDARD"
  force_destroy = var.force_destroy_buckets

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  # Registered model versions stay (the registry's lineage points at them); only replaced or
  # deleted objects' old versions expire.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.bucket_lifecycle.artifacts_noncurrent_keep_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.apis]
}
