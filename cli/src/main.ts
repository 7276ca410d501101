/**
 * Entry of the `sentimentops` CLI (bin/sentimentops.js calls runCli). main() takes its streams,
 * environment and arguments as parameters so tests run the whole CLI in-process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { CliContext, type CliIO } from './cli.context.js';
import { buildProgram } from './cli.program.js';
import { ExitCode } from './exit-codes.js';
import { toCliError } from './output/cli.output.js';

export interface MainOptions extends CliIO {
  /** Arguments after the executable, e.g. ["status", "--json"]. */
  argv: readonly string[];
  version: string;
}

export async function main(options: MainOptions): Promise<ExitCode> {
  const ctx = new CliContext(options, options.version);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...options.argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    // commander has already printed its message (or the help / version asked for).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    const cliError = toCliError(error);
    ctx.output(program.opts<{ json?: boolean }>().json === true).error(cliError);
    return cliError.exitCode;
  }
}

/** Runs the CLI on the real process; `packageRoot` is the folder of the CLI's package.json. */
export async function runCli(packageRoot: string): Promise<ExitCode> {
  return main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    version: readPackageVersion(packageRoot),
  });
}

export function readPackageVersion(packageRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
