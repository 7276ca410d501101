import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ShutdownCoordinator } from './shutdown.coordinator.js';

/** Counts NATS request handlers in progress, so SIGTERM can wait for them (HTTP drains by itself). */
@Injectable()
export class InFlightInterceptor implements NestInterceptor {
  constructor(private readonly shutdown: ShutdownCoordinator) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    return from(
      this.shutdown.track(() => lastValueFrom(next.handle(), { defaultValue: undefined })),
    );
  }
}
