import 'reflect-metadata';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { GatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { serveOpenApi } from './openapi.js';

const config = configOrExit(GatewayConfig);
await bootstrap(GatewayModule.forRoot(config), config, { configure: serveOpenApi });
