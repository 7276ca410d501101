/** The commander program: global options, then one registration per command file. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliContext } from './cli.context.js';
import { COMMANDS } from './commands/index.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('sentimentops')
    .description('Operate the SentimentOps platform through its gateway admin API.')
    .version(ctx.version, '-V, --version', 'print the CLI version')
    .option('--url <url>', 'gateway URL (env SENTIMENTOPS_URL; default http://127.0.0.1:8080)')
    .option(
      '--token <token>',
      'admin token (env SENTIMENTOPS_ADMIN_TOKEN, else .sentimentops/admin-token)',
    )
    .option('--json', 'print machine-readable JSON on stdout, and nothing else', false)
    .addOption(
      new Option('--timeout <ms>', 'timeout of each gateway request in milliseconds')
        .default(DEFAULT_TIMEOUT_MS)
        .argParser(parseTimeout),
    )
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors become exceptions that main() maps to exit code 2, instead of process.exit().
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    });

  // Subcommands copy the settings above (exitOverride, output), so register them afterwards.
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1) {
    throw new InvalidArgumentError('expected a positive whole number of milliseconds');
  }
  return ms;
}
