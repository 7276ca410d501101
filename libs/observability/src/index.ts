export * from './json-logger.js';
export * from './metrics.js';
export * from './http-metrics.middleware.js';
export * from './nats-handler.interceptor.js';
export * from './observability.module.js';
export * from './request-context.js';
export * from './request-id.middleware.js';
