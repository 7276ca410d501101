/**
 * `sentimentops info`: which CLI, which gateway, which token source, and which build of every app
 * is running. Local facts are printed even when the gateway cannot be asked.
 */
import { type Command } from 'commander';
import { type CliContext } from '../cli.context.js';
import { describeTokenSource, type TokenSource, type UrlSource } from '../config/cli.config.js';
import { type CliError } from '../exit-codes.js';
import { toCliError } from '../output/cli.output.js';
import { NONE, orNone, shortCommit } from '../output/format.js';
import { fetchPlatformApps } from '../platform/platform.api.js';
import { type PlatformApp } from '../platform/platform-apps.types.js';

export interface InfoResult {
  cli: { version: string };
  gateway: { url: string; source: UrlSource };
  token: { source: TokenSource; file: string | null };
  /** null when the apps could not be listed; `error` says why. */
  apps: PlatformApp[] | null;
  error?: { message: string; exitCode: number };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description('show the CLI version, the gateway, the token source and each app build')
    .action(
      ctx.action(async ({ client, config, out }) => {
        const local: InfoResult = {
          cli: { version: ctx.version },
          gateway: { url: config.gatewayUrl, source: config.urlSource },
          token: { source: config.tokenSource, file: config.tokenFile ?? null },
          apps: null,
        };
        let failure: CliError | undefined;
        try {
          local.apps = await fetchPlatformApps(client);
        } catch (error) {
          failure = toCliError(error);
          local.error = { message: failure.message, exitCode: failure.exitCode };
        }

        out.result(local, (result) => {
          out.fields([
            ['cli version', result.cli.version],
            ['gateway url', `${result.gateway.url} (${result.gateway.source})`],
            ['token source', describeTokenSource(config)],
          ]);
          if (result.apps) {
            out.line();
            out.table(
              ['app', 'version', 'commit', 'instance', 'started at'],
              result.apps.map(infoRow),
            );
          }
        });
        // main() prints the error and exits with its code; the local facts are already out.
        if (failure) throw failure;
      }),
    );
}

function infoRow(app: PlatformApp): string[] {
  if (!app.reachable) return [`${app.app} (unreachable)`, NONE, NONE, NONE, NONE];
  return [
    app.app,
    orNone(app.version),
    shortCommit(app.commit),
    orNone(app.instanceId),
    orNone(app.startedAt),
  ];
}
