import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { ADMIN_ACTOR, type AdminRequest } from '../auth/admin-token.guard.js';

/**
 * The name of the admin token that AdminTokenGuard accepted: the actor of every change the admin
 * API makes. Never taken from the body, so a caller cannot act under another name.
 */
export const AdminActor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<AdminRequest>()[ADMIN_ACTOR];
  // Only reachable on a route that forgot the guard: refuse rather than record no one.
  if (!actor) throw new ServiceException(ErrorCode.Unauthenticated, 'missing bearer token');
  return actor;
});
