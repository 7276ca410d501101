# Inputs of the add-ons root; each environment sets them in terraform/environments/<env>/addons.tfvars.

variable "state_bucket" {
  description = "The Cloud Storage bucket holding the Terraform states (the one given to init)."
  type        = string
}

variable "cluster_state_prefix" {
  description = "The prefix of terraform/cluster's state in state_bucket, e.g. sentimentops/dev/cluster."
  type        = string
}

variable "ingress_replicas" {
  description = "ingress-nginx controller replicas (2 or more keep the edge up through node upgrades)."
  type        = number
  default     = 1
}

variable "nats" {
  description = "NATS servers (1: no cluster; 3: JetStream replicates streams across them) and each one's JetStream volume."
  type = object({
    replicas    = number
    volume_size = string
  })
  default = {
    replicas    = 1
    volume_size = "10Gi"
  }

  validation {
    condition     = contains([1, 3, 5], var.nats.replicas)
    error_message = "nats.replicas: 1, 3 or 5 (JetStream's Raft groups need an odd number)."
  }
}

variable "prometheus" {
  description = "How long Prometheus keeps samples and the size of its volume."
  type = object({
    retention   = string
    volume_size = string
  })
  default = {
    retention   = "15d"
    volume_size = "50Gi"
  }
}

variable "mlflow_enabled" {
  description = "Run the MLflow tracking server that the registry mirrors to (MLFLOW_TRACKING_URI=http://mlflow.<namespace>:5000)."
  type        = bool
  default     = true
}
