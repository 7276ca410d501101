# prod add-ons: a NATS cluster of three (JetStream replicates each stream), two ingress replicas.
state_bucket         = "sentimentops-prod-tfstate"
cluster_state_prefix = "sentimentops/prod/cluster"

ingress_replicas = 2

nats = {
  replicas    = 3
  volume_size = "20Gi"
}

prometheus = {
  retention   = "30d"
  volume_size = "100Gi"
}

mlflow_enabled = true
