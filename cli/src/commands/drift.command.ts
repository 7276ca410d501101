/**
 * `sentimentops drift check|report|reports`: drift checks and their stored reports through the
 * gateway's admin API (`/api/drift/...`). `check` exits by its verdict, so a script or a CI job can
 * branch on it: 0 no drift, 5 drift detected, 6 too few predictions for a verdict.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type CliContext } from '../cli.context.js';
import { DriftApi } from '../drift/drift.api.js';
import { type DriftReportView } from '../drift/drift.types.js';
import { reportSections, reportsTable } from '../drift/drift.view.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { DEFAULT_MODEL } from '../models/models.api.js';
import { bytes } from '../models/models.view.js';

/**
 * How long `check` waits unless --timeout says otherwise: the drift app reads the whole window
 * first, and the gateway itself waits up to GATEWAY_DRIFT_TIMEOUT_MS (60 s).
 */
export const CHECK_TIMEOUT_MS = 90_000;

/** `check`'s exit code for each verdict; any other status (a newer drift app's) is a failure. */
export const VERDICT_EXIT_CODES: Readonly<Record<string, ExitCode>> = {
  'no-drift': ExitCode.Ok,
  drift: ExitCode.DriftDetected,
  'insufficient-data': ExitCode.InsufficientData,
};

export function register(program: Command, ctx: CliContext): void {
  const drift = program
    .command('drift')
    .description('drift checks of the served model, and their stored reports');

  drift
    .command('check')
    .description('check for drift now (exit 0 no drift, 5 drift, 6 insufficient data)')
    .option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL)
    // Not --version: the root program owns that flag wherever it appears on the command line.
    .option(
      '--model-version <N>',
      'the version whose traffic is checked (default: the champion)',
      parseVersion,
    )
    .option('--window <minutes>', "the window ending now (default: the drift app's)", parseWindow)
    .action(
      ctx.action(async (session, command) => {
        const opts = command.opts<{ model: string; modelVersion?: string; window?: number }>();
        const explicitTimeout = command.getOptionValueSourceWithGlobals('timeout') !== 'default';
        const report = await new DriftApi(session.client).check(
          {
            modelName: opts.model,
            ...(opts.modelVersion !== undefined ? { version: opts.modelVersion } : {}),
            ...(opts.window !== undefined ? { windowMinutes: opts.window } : {}),
          },
          explicitTimeout ? undefined : CHECK_TIMEOUT_MS,
        );
        session.out.result(report, (r) => reportSections(session.out, r));
        return verdictExitCode(report);
      }),
    );

  drift
    .command('report')
    .description('one stored report, or its HTML page with --html')
    .argument('<id>', 'report id (a uuid, as `drift reports` lists them)', parseId)
    .option(
      '--html <file>',
      'write the HTML page (histograms and statistics) to a file, "-" for stdout',
    )
    .action(
      ctx.action(async (session, command) => {
        const [id] = command.processedArgs as [string];
        const { html } = command.opts<{ html?: string }>();
        const { out } = session;
        if (html === '-' && out.json)
          throw new CliError('--html - and --json both want stdout: choose one', ExitCode.Usage);
        const reply = await new DriftApi(session.client).report(id, { html: html !== undefined });
        if (html === undefined) return out.result(reply, (r) => reportSections(out, r.report));

        const page = reply.html!;
        if (html === '-') {
          ctx.io.stdout.write(page);
          return;
        }
        const file = resolve(ctx.io.cwd, html);
        await writeFile(file, page, 'utf8').catch((err: unknown) => {
          throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
        });
        const size = Buffer.byteLength(page, 'utf8');
        out.result({ report: reply.report, htmlFile: file, bytes: size }, (r) =>
          out.line(`wrote report ${r.report.id} (${r.report.status}) to ${file} (${bytes(size)})`),
        );
      }),
    );

  drift
    .command('reports')
    .description('stored reports of a model, newest first')
    .option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL)
    .option('--limit <N>', "how many (1-500; default: the drift app's)", parseLimit)
    .action(
      ctx.action(async (session, command) => {
        const { model, limit } = command.opts<{ model: string; limit?: number }>();
        const reply = await new DriftApi(session.client).reports(model, limit);
        session.out.result(reply, ({ reports }) => {
          if (reports.length === 0) return session.out.line(`no drift reports for ${model}`);
          reportsTable(session.out, reports);
        });
      }),
    );
}

export function verdictExitCode(report: DriftReportView): ExitCode {
  return VERDICT_EXIT_CODES[report.status] ?? ExitCode.Failed;
}

// Checked here as the gateway checks them, so a typo is a usage error (exit 2), not a round trip.

function parseModelName(value: string): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(value))
    throw new InvalidArgumentError('expected a model name such as "sentiment"');
  return value;
}

function parseVersion(value: string): string {
  const version = value.replace(/^v/, '');
  if (!/^[1-9][0-9]{0,9}$/.test(version))
    throw new InvalidArgumentError('expected a version number such as 3 (or v3)');
  return version;
}

function parseWindow(value: string): number {
  return parseWhole(value, 1, 7 * 24 * 60, 'a window in minutes, 1 to 10080 (a week)');
}

function parseLimit(value: string): number {
  return parseWhole(value, 1, 500, 'a number of reports, 1 to 500');
}

function parseWhole(value: string, min: number, max: number, expected: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InvalidArgumentError(`expected ${expected}`);
  return n;
}

function parseId(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new InvalidArgumentError('expected a report id (a uuid, as `drift reports` lists them)');
  return value.toLowerCase();
}
