import { type DynamicModule, Module } from '@nestjs/common';
import { ArtifactStores, artifactStoresFromEnv } from '@sentimentops/artifact-store';
import { Outbox } from '@sentimentops/persistence';
import { PlatformModule } from '@sentimentops/service-kit';
import { DriftChecker } from './check/drift-checker.js';
import { DriftSchedule } from './check/drift-schedule.js';
import { driftMetricProviders, DriftMetrics } from './check/drift.metrics.js';
import { DriftConfig } from './drift.config.js';
import { DriftController } from './drift.controller.js';
import { DriftIngest } from './ingest/drift-ingest.js';
import { migrations } from './migrations/index.js';
import { LiveQuality } from './quality/live-quality.js';
import { ReferenceProfiles } from './reference/reference-profile.js';
import { DriftReports } from './reports/drift-reports.js';

/**
 * Reference profiles, drift statistics over windows of logged predictions, drift events and
 * reports, and live accuracy per model version (what a rollout compares its versions by).
 */
@Module({})
export class DriftModule {
  static forRoot(config: DriftConfig): DynamicModule {
    return {
      module: DriftModule,
      imports: [PlatformModule.forApp(config, { database: { migrations } })],
      controllers: [DriftController],
      providers: [
        {
          provide: ArtifactStores,
          inject: [DriftConfig],
          useFactory: (c: DriftConfig) => artifactStoresFromEnv(c),
        },
        ...driftMetricProviders,
        DriftMetrics,
        Outbox,
        DriftIngest,
        ReferenceProfiles,
        DriftChecker,
        DriftSchedule,
        DriftReports,
        LiveQuality,
      ],
    };
  }
}
