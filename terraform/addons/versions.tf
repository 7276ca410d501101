terraform {
  required_version = ">= 1.5.7"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.33.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "3.0.2"
    }
  }

  # Same state bucket as terraform/cluster, another prefix:
  # terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=sentimentops/<env>/addons"
  backend "gcs" {}
}
