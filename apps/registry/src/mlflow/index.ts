// The registry's MLflow side: a REST client and the mirror that keeps MLflow's model registry
// equal to ours. Plain classes; the registry module wires them (MLFLOW_TRACKING_URI and friends).
export * from './mlflow.client.js';
export * from './mlflow.error.js';
export * from './mlflow-mirror.js';
