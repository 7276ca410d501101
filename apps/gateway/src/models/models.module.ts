import { Module } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { DatasetsController } from './datasets.controller.js';
import { ModelAliasesWatcher, modelAliasMetricProvider } from './model-aliases.watcher.js';
import { ModelsController } from './models.controller.js';
import { RegistryClient } from './registry.client.js';

/**
 * The admin API over the model registry: versions, lineage (both directions) and aliases under
 * /api/models and /api/datasets, bearer-protected, each route one request to the registry app;
 * and the gateway's view of the aliases, kept current from the registry's events.
 */
@Module({
  controllers: [ModelsController, DatasetsController],
  providers: [RegistryClient, AdminTokenGuard, ModelAliasesWatcher, modelAliasMetricProvider],
  exports: [RegistryClient, ModelAliasesWatcher],
})
export class ModelsModule {}
