import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayConfig } from '../gateway.config.js';

/** The admin token's name, for audit records: set on the request by AdminTokenGuard. */
export const ADMIN_ACTOR = Symbol('adminActor');
export type AdminRequest = Request & { [ADMIN_ACTOR]?: string };

/**
 * Bearer-token auth for the admin API. Tokens are compared as SHA-256 digests in constant time, so
 * neither a token's length nor its prefix leaks through timing.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly digests: { name: string; digest: Buffer }[];

  constructor(config: GatewayConfig) {
    this.digests = [...config.adminTokens()].map(([name, token]) => ({
      name,
      digest: sha256(token),
    }));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new ServiceException(ErrorCode.Unauthenticated, 'missing bearer token');
    const presented = sha256(match[1]);
    // Compare against every token (no early exit) so the time does not depend on which one matched.
    let actor: string | undefined;
    for (const { name, digest } of this.digests) {
      if (timingSafeEqual(presented, digest)) actor ??= name;
    }
    if (!actor)
      throw new ServiceException(ErrorCode.PermissionDenied, 'admin token not recognised');
    request[ADMIN_ACTOR] = actor;
    return true;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
