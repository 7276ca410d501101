import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { type NatsContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { Headers } from '@sentimentops/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { Observable, tap } from 'rxjs';
import { Metrics } from './metrics.js';
import { RequestContext } from './request-context.js';

/**
 * Times every NATS request handler and runs it under the caller's request id, taken from the
 * message headers, so the handler's logs and onward messages carry it.
 */
@Injectable()
export class NatsHandlerInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Nats');

  constructor(
    @InjectMetric(Metrics.natsHandlerDuration) private readonly duration: Histogram<string>,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc().getContext<NatsContext>();
    const subject = rpc.getSubject();
    const headers = rpc.getHeaders() as MsgHdrs | undefined;
    const requestId = headers?.get(Headers.requestId);
    const stop = this.duration.startTimer({ subject });
    const done = (outcome: 'ok' | 'error') => {
      const seconds = stop({ outcome });
      this.logger.debug({
        msg: 'handled NATS request',
        subject,
        outcome,
        durationMs: seconds * 1000,
      });
    };
    return new Observable((subscriber) =>
      RequestContext.run(requestId, () =>
        next
          .handle()
          .pipe(tap({ complete: () => done('ok'), error: () => done('error') }))
          .subscribe(subscriber),
      ),
    );
  }
}
