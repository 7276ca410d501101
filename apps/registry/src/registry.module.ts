import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@sentimentops/service-kit';
import { type RegistryConfig } from './registry.config.js';
import { migrations } from './migrations/index.js';

/** Model, dataset and run lineage in its own PostgreSQL schema; aliases and promotion policy. */
@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: RegistryModule,
      imports: [PlatformModule.forApp(config, { database: { migrations } })],
    };
  }
}
