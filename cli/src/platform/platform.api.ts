/**
 * Platform-wide reads shared by `status` and `info`: the gateway's readiness probe and the admin
 * endpoint that asks every app for its build and health over NATS.
 */
import { type GatewayClient } from '../http/gateway.client.js';
import { GatewayError } from '../http/gateway.error.js';
import {
  type GatewayHealth,
  type PlatformApp,
  type PlatformAppWire,
  type PlatformAppsResponseWire,
} from './platform-apps.types.js';

export const PLATFORM_PATHS = {
  ready: '/health/ready',
  apps: '/api/platform/apps',
} as const;

export async function fetchGatewayHealth(client: GatewayClient): Promise<GatewayHealth> {
  // 503 is the probe's "not ready" answer, not a failure of the call.
  const { status, body } = await client.request('GET', PLATFORM_PATHS.ready, {
    auth: false,
    acceptStatus: [503],
  });
  return { ready: status >= 200 && status < 300, httpStatus: status, checks: healthChecks(body) };
}

export async function fetchPlatformApps(client: GatewayClient): Promise<PlatformApp[]> {
  const body = (await client.get(PLATFORM_PATHS.apps)) as PlatformAppsResponseWire | undefined;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.apps)) {
    throw new GatewayError(
      `GET ${PLATFORM_PATHS.apps} returned an unexpected body (no "apps" list)`,
      'protocol',
    );
  }
  return body.apps.map((wire: unknown, index) => parsePlatformApp(wire, index));
}

export function parsePlatformApp(wire: unknown, index = 0): PlatformApp {
  const app = (typeof wire === 'object' && wire !== null ? wire : {}) as PlatformAppWire;
  const reachable = app.reachable !== false;
  return {
    app: str(app.app) ?? `app #${index + 1}`,
    reachable,
    ready: reachable && app.ready === true,
    version: str(app.version),
    commit: str(app.commit),
    instanceId: str(app.instanceId),
    startedAt: str(app.startedAt),
    uptimeSeconds:
      typeof app.uptimeSeconds === 'number' && Number.isFinite(app.uptimeSeconds)
        ? app.uptimeSeconds
        : null,
    checks: checkMap(app.checks),
    error: str(app.error),
  };
}

/**
 * `{"nats": "up"}`, and Terminus' `{"nats": {"status": "up"}}` too, so the same reader serves the
 * apps endpoint and the health probe.
 */
function checkMap(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const checks: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') checks[name] = value;
    else if (typeof value === 'object' && value !== null && 'status' in value) {
      checks[name] = String((value as { status: unknown }).status);
    }
  }
  return checks;
}

/** Terminus body `{status, info, error, details}`: `details` lists every indicator. */
function healthChecks(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  if ('details' in body) return checkMap(body.details);
  if ('checks' in body) return checkMap(body.checks);
  return {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
