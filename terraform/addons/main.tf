# Cluster add-ons, each a Helm chart at an exact version (terraform/policy refuses a release
# without one). Shared settings are in values/<chart>.yaml; what differs per environment or comes
# from terraform/cluster is added here. To upgrade one: change its version, read the chart's
# upgrade notes, apply in dev first.
#
# Not installed on purpose: NVIDIA's device plugin (and GPU operator). GKE installs the driver on
# the GPU pool (gpu_driver_installation_config in terraform/cluster/gke.tf) and runs its own
# device plugin there; a second plugin would fight it over nvidia.com/gpu.

locals {
  namespace = local.cluster.kubernetes_namespace

  # Every other release creates ServiceMonitors/PodMonitors: their CRDs come with this one.
  prometheus_fullname = "kube-prometheus-stack"
  prometheus_url      = "http://${local.prometheus_fullname}-prometheus.monitoring:9090"
}

resource "helm_release" "kube_prometheus_stack" {
  name             = "kube-prometheus-stack"
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = "81.4.5"
  namespace        = "monitoring"
  create_namespace = true
  atomic           = true
  timeout          = 900

  values = [
    file("${path.module}/values/kube-prometheus-stack.yaml"),
    yamlencode({
      fullnameOverride = local.prometheus_fullname
      prometheus = {
        prometheusSpec = {
          retention = var.prometheus.retention
          storageSpec = {
            volumeClaimTemplate = {
              spec = {
                storageClassName = "standard-rwo"
                accessModes      = ["ReadWriteOnce"]
                resources        = { requests = { storage = var.prometheus.volume_size } }
              }
            }
          }
        }
      }
      # Routing lives beside the alert rules, in monitoring/ (checked there by amtool).
      alertmanager = {
        config = yamldecode(file("${path.module}/../../monitoring/alertmanager/alertmanager.yml"))
      }
    }),
  ]
}

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = "v1.21.2"
  namespace        = "cert-manager"
  create_namespace = true
  atomic           = true

  values = [file("${path.module}/values/cert-manager.yaml")]

  depends_on = [helm_release.kube_prometheus_stack]
}

resource "helm_release" "ingress_nginx" {
  name             = "ingress-nginx"
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  version          = "4.14.2"
  namespace        = "ingress-nginx"
  create_namespace = true
  atomic           = true

  values = [
    file("${path.module}/values/ingress-nginx.yaml"),
    yamlencode({
      controller = {
        replicaCount = var.ingress_replicas
        service      = { loadBalancerIP = local.cluster.ingress_ip }
      }
    }),
  ]

  depends_on = [helm_release.kube_prometheus_stack]
}

# Canary analysis for the gateway and inference Deployments (k8s/ declares the Canary resources):
# traffic shifted through ingress-nginx, judged on Prometheus' metrics.
resource "helm_release" "flagger" {
  name             = "flagger"
  repository       = "https://flagger.app"
  chart            = "flagger"
  version          = "1.36.1"
  namespace        = "flagger-system"
  create_namespace = true
  atomic           = true

  values = [
    file("${path.module}/values/flagger.yaml"),
    yamlencode({ metricsServer = local.prometheus_url }),
  ]

  depends_on = [helm_release.kube_prometheus_stack, helm_release.ingress_nginx]
}

# NATS with JetStream on persistent volumes: the platform's bus (nats://nats.nats:4222).
resource "helm_release" "nats" {
  name             = "nats"
  repository       = "https://nats-io.github.io/k8s/helm/charts/"
  chart            = "nats"
  version          = "2.12.3"
  namespace        = "nats"
  create_namespace = true
  atomic           = true
  timeout          = 600

  values = [
    file("${path.module}/values/nats.yaml"),
    yamlencode({
      config = {
        cluster = {
          enabled  = var.nats.replicas > 1
          replicas = var.nats.replicas
        }
        jetstream = {
          fileStore = { pvc = { size = var.nats.volume_size } }
        }
      }
    }),
  ]

  depends_on = [helm_release.kube_prometheus_stack]
}

# The MLflow tracking server the registry mirrors its models, versions and aliases to
# (apps/registry/src/mlflow), and training Jobs log runs to. Only reachable inside the cluster.
resource "helm_release" "mlflow" {
  count = var.mlflow_enabled ? 1 : 0

  name             = "mlflow"
  repository       = "https://community-charts.github.io/helm-charts"
  chart            = "mlflow"
  version          = "1.12.0"
  namespace        = local.namespace
  create_namespace = true
  atomic           = true
  timeout          = 600

  # Values files are strings, so the Cloud SQL part is a list of zero or one of them.
  values = concat(
    [file("${path.module}/values/mlflow.yaml"), yamlencode(local.mlflow_values)],
    local.cloudsql_enabled ? [yamlencode(local.mlflow_cloudsql_values)] : [],
  )
}

locals {
  cloudsql_enabled = local.cluster.cloudsql_connection_name != null

  mlflow_values = {
    serviceAccount = {
      create      = true
      name        = local.cluster.kubernetes_service_accounts["mlflow"]
      annotations = { "iam.gke.io/gcp-service-account" = local.cluster.workload_service_accounts["mlflow"] }
    }
    artifactRoot = {
      gcs = { enabled = true, bucket = local.cluster.artifacts_bucket, path = "mlflow" }
    }
  }

  # With Cloud SQL: PostgreSQL database `mlflow` through the Auth Proxy, logged in as MLflow's
  # service account (no password); without: the chart's SQLite, lost with the pod (dev only).
  mlflow_cloudsql_values = {
    backendStore = {
      databaseMigration = true
      postgres = {
        enabled  = true
        host     = "127.0.0.1"
        port     = 5432
        database = "mlflow"
        user     = lookup(local.cluster.cloudsql_database_users, "mlflow", "")
        password = ""
      }
    }
    extraContainers = [{
      name  = "cloud-sql-proxy"
      image = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.20.0"
      args = [
        "--private-ip",
        "--auto-iam-authn",
        "--structured-logs",
        "--port=5432",
        coalesce(local.cluster.cloudsql_connection_name, "none"),
      ]
      securityContext = {
        runAsNonRoot             = true
        allowPrivilegeEscalation = false
        readOnlyRootFilesystem   = true
        capabilities             = { drop = ["ALL"] }
      }
      resources = { requests = { cpu = "50m", memory = "64Mi" } }
    }]
  }
}
