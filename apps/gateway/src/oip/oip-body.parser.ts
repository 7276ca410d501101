import { type INestApplication } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import type { ErrorRequestHandler } from 'express';
import { type IncomingMessage } from 'node:http';

export const OIP_PATH_PREFIX = '/v2';

/**
 * OIP request bodies are read as bytes whatever their Content-Type: the standard clients send
 * JSON without one, and JSON followed by binary tensor data (the binary tensor data extension)
 * with or without `application/octet-stream`. The raw parser is registered before Nest's JSON
 * parser, so that one never sees /v2 bodies; both enforce the same size limit.
 *
 * Call before the app is initialised (bootstrap's `configure`).
 */
export function readOipBodiesRaw(app: INestApplication, limit: number) {
  (app as NestExpressApplication).useBodyParser('raw', { type: isOipRequest, limit });
  app.use(OIP_PATH_PREFIX, oipBodyErrors(limit));
}

function isOipRequest(req: IncomingMessage): boolean {
  // Express keeps the full path in originalUrl; url is relative to a mount point.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return url === OIP_PATH_PREFIX || url.startsWith(`${OIP_PATH_PREFIX}/`);
}

/**
 * A body the parser refused (too large: 413, bad encoding: 415, aborted: 400) is answered in the
 * OIP error form here: errors raised before routing never reach the /v2 controller's filter.
 */
function oipBodyErrors(limit: number): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500 || res.headersSent)
      return next(err);
    const error =
      (err as { type?: string }).type === 'entity.too.large'
        ? `request body is larger than the ${limit} bytes the server accepts`
        : (err as Error).message;
    res.status(status).json({ error });
  };
}
