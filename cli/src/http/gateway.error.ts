import { CliError, ExitCode } from '../exit-codes.js';

/**
 * Why a gateway call failed. Each kind has one exit code, so a script can tell "platform down"
 * from "bad token" from "the operation itself failed".
 */
export type GatewayErrorKind = 'unreachable' | 'timeout' | 'auth' | 'http' | 'protocol';

const EXIT_CODES: Record<GatewayErrorKind, ExitCode> = {
  unreachable: ExitCode.Unreachable,
  // No answer within --timeout is reported like an unreachable gateway: from the caller's side
  // the platform did not respond.
  timeout: ExitCode.Unreachable,
  auth: ExitCode.Auth,
  http: ExitCode.Failed,
  protocol: ExitCode.Failed,
};

export class GatewayError extends CliError {
  constructor(
    message: string,
    readonly kind: GatewayErrorKind,
    /** HTTP status, when the gateway answered. */
    readonly status?: number,
    /** The server's error id (logged with the failure on the server side), when it sent one. */
    readonly errorId?: string,
  ) {
    super(message, EXIT_CODES[kind]);
    this.name = 'GatewayError';
  }
}
