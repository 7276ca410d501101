/** Runs the whole CLI in-process with in-memory streams, as a user's shell would. */
import { tmpdir } from 'node:os';
import { main } from '../main.js';
import { memoryStream } from './cli.testing.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMain(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string; tty?: boolean } = {},
): Promise<CliRun> {
  const stdout = memoryStream(options.tty ?? false);
  const stderr = memoryStream(options.tty ?? false);
  const code = await main({
    argv,
    env: options.env ?? {},
    // Outside any checkout, so no developer's .sentimentops/admin-token leaks into a test.
    cwd: options.cwd ?? tmpdir(),
    stdout,
    stderr,
    version: '9.8.7',
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
