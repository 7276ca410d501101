import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ArtifactStores, artifactStoresFromEnv } from '@sentimentops/artifact-store';
import { Outbox } from '@sentimentops/persistence';
import { PlatformModule } from '@sentimentops/service-kit';
import { AliasService } from './aliases/alias.service.js';
import { DemoModelBootstrap } from './bootstrap/demo-model.bootstrap.js';
import { REGISTRY_ENTITIES } from './entities/registry.entities.js';
import { EvaluationRecorder } from './evaluations/evaluation-recorder.js';
import { migrations } from './migrations/index.js';
import { MlflowSync } from './mirror/mlflow-sync.js';
import { RegistryQueries } from './queries/registry-queries.js';
import { VersionRegistrar } from './registration/version-registrar.js';
import { RegistryConfig } from './registry.config.js';
import { RegistryController } from './registry.controller.js';

/** Model, dataset and run lineage in its own PostgreSQL schema; aliases and promotion policy. */
@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: RegistryModule,
      imports: [
        PlatformModule.forApp(config, { database: { migrations, entities: REGISTRY_ENTITIES } }),
        TerminusModule,
      ],
      controllers: [RegistryController],
      providers: [
        {
          provide: ArtifactStores,
          inject: [RegistryConfig],
          useFactory: (c: RegistryConfig) => artifactStoresFromEnv(c),
        },
        Outbox,
        VersionRegistrar,
        AliasService,
        RegistryQueries,
        EvaluationRecorder,
        DemoModelBootstrap,
        MlflowSync,
      ],
    };
  }
}
