// Small network checks the stack uses to decide whether something is up, ready or in the way.
// Built on node:http/node:net only: `up` runs them before node_modules may even exist.
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The HTTP status of a GET, or undefined when nothing answers in time. */
export function httpStatus(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** Whether something accepts TCP connections on host:port. */
export function tcpOpen(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, timeout: timeoutMs });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether nothing listens on the port. Binding 127.0.0.1 also fails when another process holds
 * the port on 0.0.0.0 or ::, so this catches whatever address the other process chose.
 */
export function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** Whether PostgreSQL accepts a login and a query at this URL. */
export async function postgresAnswers(url) {
  let client;
  try {
    const { default: pg } = await import('pg'); // from node_modules, which `up` installs first
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined); // a late socket error must not crash the stack script
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/**
 * Polls `check` until it returns a truthy value, which it returns, or until the timeout, when
 * it returns undefined. `check` may throw to stop waiting at once (e.g. the process died).
 */
export async function waitUntil(check, { timeoutMs, intervalMs = 250 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}
