# This root is separate from terraform/cluster because its providers are configured from the
# cluster (endpoint, credentials): a provider cannot be configured from a resource created in the
# same apply. It reads the cluster root's outputs from the remote state instead.

data "terraform_remote_state" "cluster" {
  backend = "gcs"
  config = {
    bucket = var.state_bucket
    prefix = var.cluster_state_prefix
  }
}

locals {
  cluster = data.terraform_remote_state.cluster.outputs
}

provider "google" {
  project = local.cluster.project_id
  region  = local.cluster.region
}

data "google_client_config" "current" {}

# Through the control plane's DNS endpoint: it has a publicly trusted certificate and IAM guards
# it, so this works from any machine whose credentials may administer the cluster.
provider "helm" {
  kubernetes = {
    host  = "https://${local.cluster.cluster_dns_endpoint}"
    token = data.google_client_config.current.access_token
  }
}
