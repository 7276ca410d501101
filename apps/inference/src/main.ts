import 'reflect-metadata';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { InferenceConfig } from './inference.config.js';
import { InferenceModule } from './inference.module.js';

const config = configOrExit(InferenceConfig);
await bootstrap(InferenceModule.forRoot(config), config);
