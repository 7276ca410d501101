import 'reflect-metadata';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { bootstrap, configOrExit } from '@sentimentops/service-kit';
import { GatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { readOipBodiesRaw } from './oip/oip-body.parser.js';
import { serveOpenApi } from './openapi.js';

const config = configOrExit(GatewayConfig);
await bootstrap(GatewayModule.forRoot(config), config, {
  configure: (app) => {
    // Before Nest's own parsers are registered: /v2 bodies raw, every JSON body under one limit.
    readOipBodiesRaw(app, config.GATEWAY_MAX_BODY_BYTES);
    (app as NestExpressApplication).useBodyParser('json', { limit: config.GATEWAY_MAX_BODY_BYTES });
    serveOpenApi(app);
  },
});
