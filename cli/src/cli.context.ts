/**
 * What every command gets: the process' streams and environment (injected, so tests run the CLI
 * in-process), and per invocation a Session built from the parsed global options.
 */
import { type Command } from 'commander';
import {
  type CliConfig,
  describeTokenSource,
  type Env,
  resolveConfig,
} from './config/cli.config.js';
import { ExitCode } from './exit-codes.js';
import { GatewayClient } from './http/gateway.client.js';
import { Output, type OutputStream } from './output/cli.output.js';

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Env;
  cwd: string;
}

/** The options declared on the root program; every command sees them. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  json: boolean;
  timeout: number;
}

export interface Session {
  readonly options: GlobalOptions;
  readonly config: CliConfig;
  readonly out: Output;
  readonly client: GatewayClient;
}

export type CommandHandler = (session: Session, command: Command) => Promise<ExitCode | void>;

export class CliContext {
  /** Set by the command that ran; main() returns it. */
  exitCode: ExitCode = ExitCode.Ok;

  constructor(
    readonly io: CliIO,
    readonly version: string,
  ) {}

  output(json: boolean): Output {
    return new Output({ stdout: this.io.stdout, stderr: this.io.stderr, json, env: this.io.env });
  }

  /** Config is resolved here, per command, so `--help` works even with a broken environment. */
  session(command: Command): Session {
    const options = command.optsWithGlobals<GlobalOptions>();
    const config = resolveConfig(
      { url: options.url, token: options.token },
      this.io.env,
      this.io.cwd,
    );
    const client = new GatewayClient({
      baseUrl: config.gatewayUrl,
      token: config.token,
      tokenSource: describeTokenSource(config),
      timeoutMs: options.timeout,
      userAgent: `sentimentops-cli/${this.version}`,
    });
    return { options, config, out: this.output(options.json === true), client };
  }

  /**
   * Adapts a handler to commander's `.action()`: builds the session and records the exit code.
   * Thrown errors reach main(), which prints them and maps them to exit codes.
   */
  action(handler: CommandHandler): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      // commander passes the Command itself last, after positional arguments and options.
      const command = args[args.length - 1] as Command;
      this.exitCode = (await handler(this.session(command), command)) ?? ExitCode.Ok;
    };
  }
}
