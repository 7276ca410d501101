export * from './config-validation.error.js';
export * from './env.decorators.js';
export * from './load-config.js';
export * from './service.config.js';
export * from './config.module.js';
