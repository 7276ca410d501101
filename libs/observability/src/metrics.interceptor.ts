import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpException } from '@nestjs/common';
import { type NatsContext } from '@nestjs/microservices';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import { Observable, tap } from 'rxjs';
import { Metrics } from './metrics.js';
import { RequestContext } from './request-context.js';

/**
 * Times every HTTP and NATS handler. For NATS it also restores the caller's request id from the
 * message headers, so the handler's logs and onward messages carry it.
 */
@Injectable()
export class MetricsInterceptor implements NestInterceptor {
  constructor(
    @InjectMetric(Metrics.httpDuration) private readonly http: Histogram<string>,
    @InjectMetric(Metrics.natsHandlerDuration) private readonly nats: Histogram<string>,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'rpc') return this.interceptRpc(context, next);
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const stop = this.http.startTimer();
    // Route templates, never raw paths: ids in URLs would explode the label cardinality.
    const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
    const done = (status: number) =>
      stop({ method: request.method, route, status_code: String(status) });
    return next.handle().pipe(
      tap({
        next: () => undefined,
        complete: () => done(response.statusCode),
        error: (err: unknown) => done(err instanceof HttpException ? err.getStatus() : 500),
      }),
    );
  }

  private interceptRpc(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = context.switchToRpc().getContext<NatsContext>();
    const subject = rpc.getSubject();
    const requestId = rpc.getHeaders()?.get('x-request-id');
    const stop = this.nats.startTimer({ subject });
    return new Observable((subscriber) =>
      RequestContext.run(requestId, () =>
        next
          .handle()
          .pipe(
            tap({
              complete: () => stop({ outcome: 'ok' }),
              error: () => stop({ outcome: 'error' }),
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}
