// One interface over the places artifacts live (file://, gs://): streaming reads and writes,
// sha256-verified copies, model directories downloaded whole. Nest-free; apps build the stores
// with artifactStoresFromEnv(config).
export * from './artifact-store.errors.js';
export * from './artifact-store.js';
export * from './artifact-stores.js';
export * from './artifact-uri.js';
export * from './digest-stream.js';
export * from './download-directory.js';
export * from './file-artifact-store.js';
export * from './gcs-artifact-store.js';
