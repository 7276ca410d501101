import { Injectable, type NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import { Metrics } from './metrics.js';

/**
 * Times every HTTP request when its response is sent, so the status is the one the client saw,
 * including requests that guards, pipes, filters or a missing route answered.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@InjectMetric(Metrics.httpDuration) private readonly duration: Histogram<string>) {}

  use(req: Request, res: Response, next: NextFunction) {
    const stop = this.duration.startTimer();
    res.once('finish', () => {
      // Route templates, never raw paths: ids in URLs would explode the label cardinality.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: req.method, route, status_code: String(res.statusCode) });
    });
    next();
  }
}
