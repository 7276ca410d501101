import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@sentimentops/service-kit';
import { type DriftConfig } from './drift.config.js';
import { migrations } from './migrations/index.js';

/** Reference profiles, drift statistics over windows of logged predictions, drift events and reports. */
@Module({})
export class DriftModule {
  static forRoot(config: DriftConfig): DynamicModule {
    return {
      module: DriftModule,
      imports: [PlatformModule.forApp(config, { database: { migrations } })],
    };
  }
}
