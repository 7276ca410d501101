terraform {
  # 1.5.7 is the CLI that scripts/install/terraform.sh pins for CI (the last MPL release);
  # nothing here needs a newer language feature.
  required_version = ">= 1.5.7"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.33.0"
    }
  }

  # Remote state in a Cloud Storage bucket made once by hand (docs/infrastructure.md), named at
  # init: terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=sentimentops/<env>/cluster"
  backend "gcs" {}
}
