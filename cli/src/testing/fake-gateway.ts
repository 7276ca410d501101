/**
 * A stand-in for the gateway's two platform endpoints, on a real local HTTP server: the public
 * readiness probe and the bearer-protected `GET /api/platform/apps`.
 */
import { sendJson, startTestServer, type TestServer } from './cli.testing.js';

export interface FakeGatewayState {
  token: string;
  gatewayReady: boolean;
  apps: unknown[];
}

export const SHA = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';

export function readyApps(): unknown[] {
  return [
    {
      app: 'gateway',
      reachable: true,
      version: '0.1.0',
      commit: SHA,
      instanceId: 'host-123',
      startedAt: '2026-01-02T03:04:05.000Z',
      uptimeSeconds: 12.3,
      ready: true,
      checks: { nats: 'up' },
    },
    {
      app: 'registry',
      reachable: true,
      version: '0.1.0',
      commit: 'unknown',
      instanceId: 'host-456',
      startedAt: '2026-01-02T03:04:06.000Z',
      uptimeSeconds: 3_725,
      ready: true,
      checks: { nats: 'up', database: 'up' },
    },
  ];
}

export async function startFakeGateway(
  state: FakeGatewayState,
): Promise<TestServer & { state: FakeGatewayState }> {
  const server = await startTestServer((request, response) => {
    if (request.method === 'GET' && request.url === '/health/ready') {
      return sendJson(response, state.gatewayReady ? 200 : 503, {
        status: state.gatewayReady ? 'ok' : 'error',
        details: { nats: { status: state.gatewayReady ? 'up' : 'down' } },
      });
    }
    if (request.method === 'GET' && request.url === '/api/platform/apps') {
      if (request.headers.authorization !== `Bearer ${state.token}`) {
        return sendJson(response, 401, { statusCode: 401, message: 'Unauthorized' });
      }
      return sendJson(response, 200, { apps: state.apps });
    }
    sendJson(response, 404, {
      statusCode: 404,
      message: `Cannot ${request.method} ${request.url}`,
    });
  });
  return Object.assign(server, { state });
}
