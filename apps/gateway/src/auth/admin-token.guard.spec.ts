import { type ExecutionContext } from '@nestjs/common';
import { loadConfig } from '@sentimentops/config';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { GatewayConfig } from '../gateway.config.js';
import { ADMIN_ACTOR, type AdminRequest, AdminTokenGuard } from './admin-token.guard.js';

const ALICE = 'alice-token-0123456789abcdef';
const CI = 'ci-token-0123456789abcdef0000';

function contextFor(authorization?: string) {
  const request = { headers: authorization ? { authorization } : {} } as AdminRequest;
  const context = {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { request, context };
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ServiceException ? e.code : undefined;
  }
  return undefined;
}

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard(
    loadConfig(GatewayConfig, { SENTIMENTOPS_ADMIN_TOKENS: `alice:${ALICE},ci:${CI}` }),
  );

  it('accepts a known token and records its name as the actor', () => {
    const { request, context } = contextFor(`Bearer ${CI}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(request[ADMIN_ACTOR]).toBe('ci');
  });

  it('rejects a missing or malformed header as unauthenticated', () => {
    expect(codeOf(() => guard.canActivate(contextFor().context))).toBe(ErrorCode.Unauthenticated);
    expect(codeOf(() => guard.canActivate(contextFor(`Basic ${ALICE}`).context))).toBe(
      ErrorCode.Unauthenticated,
    );
  });

  it('rejects an unknown token, and a known token with a suffix, as permission denied', () => {
    expect(codeOf(() => guard.canActivate(contextFor('Bearer not-a-token-at-all').context))).toBe(
      ErrorCode.PermissionDenied,
    );
    expect(codeOf(() => guard.canActivate(contextFor(`Bearer ${ALICE}x`).context))).toBe(
      ErrorCode.PermissionDenied,
    );
  });

  it('reads the single-token form with its name', () => {
    const config = loadConfig(GatewayConfig, {
      SENTIMENTOPS_ADMIN_TOKEN: ALICE,
      SENTIMENTOPS_ADMIN_TOKEN_NAME: 'ops',
    });
    const { request, context } = contextFor(`Bearer ${ALICE}`);
    new AdminTokenGuard(config).canActivate(context);
    expect(request[ADMIN_ACTOR]).toBe('ops');
  });
});

describe('GatewayConfig', () => {
  it('refuses to start without any admin token', () => {
    expect(() => loadConfig(GatewayConfig, {})).toThrow(/SENTIMENTOPS_ADMIN_TOKENS: is required/);
  });

  it('refuses short tokens without echoing them', () => {
    expect(() => loadConfig(GatewayConfig, { SENTIMENTOPS_ADMIN_TOKENS: 'alice:short' })).toThrow(
      /<redacted>/,
    );
    expect(() =>
      loadConfig(GatewayConfig, { SENTIMENTOPS_ADMIN_TOKENS: 'alice:short' }),
    ).not.toThrow(/short/);
  });

  it('refuses a name given twice, and one token under two names, naming names only', () => {
    const twice = () =>
      loadConfig(GatewayConfig, { SENTIMENTOPS_ADMIN_TOKENS: `alice:${ALICE},alice:${CI}` });
    expect(twice).toThrow(/SENTIMENTOPS_ADMIN_TOKENS: .*names "alice" twice/);
    const shared = () =>
      loadConfig(GatewayConfig, { SENTIMENTOPS_ADMIN_TOKENS: `alice:${ALICE},ci:${ALICE}` });
    expect(shared).toThrow(/gives "alice" and "ci" the same token/);
    expect(shared).not.toThrow(new RegExp(ALICE));
    // The single-token form's name counts as well.
    expect(() =>
      loadConfig(GatewayConfig, {
        SENTIMENTOPS_ADMIN_TOKENS: `admin:${ALICE}`,
        SENTIMENTOPS_ADMIN_TOKEN: CI,
      }),
    ).toThrow(/names "admin" twice/);
    expect(() =>
      loadConfig(GatewayConfig, { SENTIMENTOPS_ADMIN_TOKENS: `alice:${ALICE},ci:${CI}` }),
    ).not.toThrow();
  });
});
