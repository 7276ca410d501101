import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from './request-context.js';

/** Every HTTP request runs with a request id: the caller's `x-request-id`, or a new one. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    const header = req.headers['x-request-id'];
    RequestContext.run(Array.isArray(header) ? header[0] : header, () => {
      res.setHeader('x-request-id', RequestContext.requestId()!);
      next();
    });
  }
}
