/**
 * `sentimentops status`: is the platform up? Asks the gateway's public readiness probe, then the
 * admin API for every app's build and health. Exit 1 when anything is not ready or unreachable.
 */
import { type Command } from 'commander';
import { type CliContext } from '../cli.context.js';
import { ExitCode } from '../exit-codes.js';
import { type Colors } from '../output/colors.js';
import { formatChecks, formatUptime, NONE, orNone, shortCommit } from '../output/format.js';
import { fetchGatewayHealth, fetchPlatformApps } from '../platform/platform.api.js';
import { type GatewayHealth, type PlatformApp } from '../platform/platform-apps.types.js';

export interface StatusResult {
  gateway: { url: string } & GatewayHealth;
  apps: PlatformApp[];
  /** True only when the gateway and every app are ready. */
  ready: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('show whether the gateway and every app are up and ready (exit 1 if not)')
    .action(
      ctx.action(async ({ client, out }) => {
        const health = await fetchGatewayHealth(client);
        // Printed before the admin call so that a missing token still leaves the probe's answer.
        out.line(gatewayLine(client.baseUrl, health, out.colors));
        const apps = await fetchPlatformApps(client);

        const ready = health.ready && apps.length > 0 && apps.every((app) => app.ready);
        const result: StatusResult = { gateway: { url: client.baseUrl, ...health }, apps, ready };
        out.result(result, () => {
          if (apps.length === 0) {
            out.line(out.colors.red('the gateway reported no apps'));
            return;
          }
          out.table(
            ['app', 'ready', 'version', 'commit', 'instance', 'uptime', 'checks'],
            apps.map((app) => statusRow(app, out.colors)),
          );
          const readyCount = apps.filter((app) => app.ready).length;
          out.line(
            readyCount === apps.length
              ? out.colors.green(`all ${apps.length} apps ready`)
              : out.colors.red(`${readyCount} of ${apps.length} apps ready`),
          );
        });
        return ready ? ExitCode.Ok : ExitCode.Failed;
      }),
    );
}

function gatewayLine(url: string, health: GatewayHealth, colors: Colors): string {
  const state = health.ready ? colors.green('ready') : colors.red('not ready');
  const checks = Object.keys(health.checks).length > 0 ? ` (${formatChecks(health.checks)})` : '';
  return `gateway ${url}: ${state}${checks}`;
}

function statusRow(app: PlatformApp, colors: Colors): string[] {
  if (!app.reachable) {
    return [
      app.app,
      colors.red('no'),
      NONE,
      NONE,
      NONE,
      NONE,
      colors.red(`unreachable: ${app.error ?? 'no reply'}`),
    ];
  }
  const checks = Object.entries(app.checks)
    .map(([name, state]) => (state === 'up' ? `${name}:${state}` : colors.red(`${name}:${state}`)))
    .join(' ');
  const detail = [checks, app.error && colors.red(app.error)].filter(Boolean).join(' ');
  return [
    app.app,
    app.ready ? colors.green('yes') : colors.red('no'),
    orNone(app.version),
    shortCommit(app.commit),
    orNone(app.instanceId),
    formatUptime(app.uptimeSeconds),
    detail || NONE,
  ];
}
