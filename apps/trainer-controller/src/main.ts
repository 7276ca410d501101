import 'reflect-metadata';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { TrainerControllerConfig } from './trainer-controller.config.js';
import { TrainerControllerModule } from './trainer-controller.module.js';

const config = configOrExit(TrainerControllerConfig);
await bootstrap(TrainerControllerModule.forRoot(config), config);
