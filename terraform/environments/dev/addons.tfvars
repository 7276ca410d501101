# dev add-ons: single replicas, small volumes. state_bucket: the bucket given to terraform init.
state_bucket         = "sentimentops-dev-tfstate"
cluster_state_prefix = "sentimentops/dev/cluster"

ingress_replicas = 1

nats = {
  replicas    = 1
  volume_size = "5Gi"
}

prometheus = {
  retention   = "7d"
  volume_size = "20Gi"
}

mlflow_enabled = true
