export * from './database.health.js';
export * from './database.module.js';
export * from './processed-event.migration.js';
export * from './processed-events.repository.js';
export * from './outbox.js';
export * from './outbox.migration.js';
