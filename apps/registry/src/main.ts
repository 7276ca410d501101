import 'reflect-metadata';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { RegistryConfig } from './registry.config.js';
import { RegistryModule } from './registry.module.js';

const config = configOrExit(RegistryConfig);
await bootstrap(RegistryModule.forRoot(config), config);
