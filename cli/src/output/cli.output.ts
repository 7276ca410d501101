/**
 * Everything a command prints goes through here, so that `--json` holds one promise: stdout
 * carries exactly one JSON document and nothing else. Human output (tables, key/value lists,
 * progress bars) is skipped in that mode; errors always go to stderr.
 */
import Table from 'cli-table3';
import { type Env } from '../config/cli.config.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { type Colors, colorsEnabled, createColors } from './colors.js';
import { type ProgressTicker, runWithProgress } from './progress.js';

/** The part of a Node stream the CLI writes to; tests pass in-memory ones. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface OutputOptions {
  stdout: OutputStream;
  stderr: OutputStream;
  json: boolean;
  env: Env;
}

export class Output {
  readonly colors: Colors;
  readonly json: boolean;

  constructor(private readonly options: OutputOptions) {
    this.json = options.json;
    this.colors = createColors(!options.json && colorsEnabled(options.stdout, options.env));
  }

  /**
   * The result of a command: `data` as JSON with --json, otherwise whatever `human` prints.
   * Call it once per command.
   */
  result<T>(data: T, human: (data: T) => void): void {
    if (this.json) this.options.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else human(data);
  }

  line(text = ''): void {
    if (!this.json) this.options.stdout.write(`${text}\n`);
  }

  table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
    if (this.json) return;
    const table = new Table({
      head: head.map((title) => this.colors.bold(title)),
      // cli-table3 colours headers by default, bypassing NO_COLOR; colour is ours to decide.
      style: { head: [], border: [] },
      // No rule between rows: long lists stay compact.
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    table.push(...rows.map((row) => [...row]));
    this.options.stdout.write(`${table.toString()}\n`);
  }

  /** Aligned "key: value" lines. */
  fields(pairs: ReadonlyArray<readonly [string, string]>): void {
    if (this.json) return;
    const width = Math.max(0, ...pairs.map(([key]) => key.length)) + 1;
    for (const [key, value] of pairs) this.line(`${`${key}:`.padEnd(width)} ${value}`);
  }

  /** A warning for humans; stderr, so it never corrupts --json output. */
  warn(text: string): void {
    this.options.stderr.write(`${createColors(this.stderrColor()).yellow('warning:')} ${text}\n`);
  }

  /** The final error of a run: one line, or one JSON object with --json. */
  error(error: CliError): void {
    if (this.json) {
      const kind = 'kind' in error && typeof error.kind === 'string' ? error.kind : undefined;
      const body = { error: { message: error.message, exitCode: error.exitCode, kind } };
      this.options.stderr.write(`${JSON.stringify(body)}\n`);
      return;
    }
    this.options.stderr.write(
      `${createColors(this.stderrColor()).red('error:')} ${error.message}\n`,
    );
  }

  /**
   * Runs `fn` with a progress bar on stderr, drawn only for a person watching: never with --json
   * and never when stdout or stderr is not a terminal (pipes, CI logs). `fn` runs either way.
   */
  async withProgress<T>(
    label: string,
    total: number,
    fn: (progress: ProgressTicker) => Promise<T>,
  ): Promise<T> {
    const visible =
      !this.json && this.options.stdout.isTTY === true && this.options.stderr.isTTY === true;
    return runWithProgress({ stream: this.options.stderr, visible, label, total }, fn);
  }

  private stderrColor(): boolean {
    return !this.json && colorsEnabled(this.options.stderr, this.options.env);
  }
}

/** Any thrown value as a CliError (unexpected ones keep their message and exit 1). */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`unexpected failure: ${message}`, ExitCode.Failed);
}
