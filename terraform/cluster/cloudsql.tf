# Optional Cloud SQL for PostgreSQL (var.cloudsql.enabled): one instance on a private IP in the
# VPC, a database `sentimentops` (each app owns its schema in it: registry, drift,
# trainer_controller) and a database `mlflow`. The apps reach it through the Cloud SQL Auth Proxy
# (a sidecar, k8s/) started with --private-ip --auto-iam-authn: each logs in as its own Google
# service account (IAM database authentication), so no database password exists anywhere.
# After the first apply a database administrator grants each IAM user its rights once
# (docs/infrastructure.md, "Cloud SQL").

locals {
  cloudsql_count = var.cloudsql.enabled ? 1 : 0
}

resource "google_compute_global_address" "private_services" {
  count = local.cloudsql_count

  name          = "${local.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.vpc.id
}

resource "google_service_networking_connection" "private_services" {
  count = local.cloudsql_count

  network                 = google_compute_network.vpc.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services[0].name]
}

resource "google_sql_database_instance" "postgres" {
  count = local.cloudsql_count

  name                = local.name
  region              = var.region
  database_version    = "POSTGRES_16"
  deletion_protection = var.deletion_protection

  settings {
    # Enterprise Plus (the default for PostgreSQL 16) needs larger db-perf-optimized tiers.
    edition           = "ENTERPRISE"
    tier              = var.cloudsql.tier
    availability_type = var.cloudsql.high_availability ? "REGIONAL" : "ZONAL"
    disk_type         = "PD_SSD"
    disk_size         = var.cloudsql.disk_size_gb
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.vpc.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "02:00"
    }

    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }

    insights_config {
      query_insights_enabled = true
    }

    maintenance_window {
      day  = 7
      hour = 3
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "databases" {
  for_each = var.cloudsql.enabled ? toset(["sentimentops", "mlflow"]) : toset([])

  name     = each.value
  instance = google_sql_database_instance.postgres[0].name
}

resource "google_sql_user" "workload" {
  for_each = var.cloudsql.enabled ? local.database_workloads : toset([])

  # Cloud SQL's name for a service account's IAM user: the email without .gserviceaccount.com.
  name     = trimsuffix(google_service_account.workload[each.key].email, ".gserviceaccount.com")
  instance = google_sql_database_instance.postgres[0].name
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}

# Connect (cloudsql.client) and log in (cloudsql.instanceUser), on this instance only: Cloud SQL
# roles are granted on the project, so a condition narrows them to the instance.
resource "google_project_iam_member" "cloudsql" {
  for_each = var.cloudsql.enabled ? {
    for pair in setproduct(local.database_workloads, ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]) :
    "${pair[0]}/${pair[1]}" => { workload = pair[0], role = pair[1] }
  } : {}

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.workload[each.value.workload].member

  condition {
    title      = "only-${local.name}"
    expression = "resource.name == 'projects/${var.project_id}/instances/${google_sql_database_instance.postgres[0].name}' && resource.type == 'sqladmin.googleapis.com/Instance'"
  }
}
