import 'reflect-metadata';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { DriftConfig } from './drift.config.js';
import { DriftModule } from './drift.module.js';

const config = configOrExit(DriftConfig);
await bootstrap(DriftModule.forRoot(config), config);
