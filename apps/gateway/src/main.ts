import 'reflect-metadata';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { GatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { readJsonBodies } from './json-body.parser.js';
import { readOipBodiesRaw } from './oip/oip-body.parser.js';
import { serveOpenApi } from './openapi.js';

const config = configOrExit(GatewayConfig);
await bootstrap(GatewayModule.forRoot(config), config, {
  configure: (app) => {
    // Before Nest's own parsers are registered: /v2 bodies raw, every JSON body under one limit.
    readOipBodiesRaw(app, config.GATEWAY_MAX_BODY_BYTES);
    readJsonBodies(app, config.GATEWAY_MAX_BODY_BYTES);
    serveOpenApi(app);
  },
});
