import type { LoggerService } from '@nestjs/common';
import { pino, type Logger as Pino } from 'pino';
import { RequestContext } from './request-context.js';

type NestLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
const PINO_LEVEL: Record<NestLevel, 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal'> = {
  log: 'info',
  error: 'error',
  warn: 'warn',
  debug: 'debug',
  verbose: 'trace',
  fatal: 'fatal',
};

/**
 * Nest's logger interface over pino: one JSON object per line with the app, the logging context
 * and the current request id. (nestjs-pino does not support NestJS 12 on Node 20.)
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(app: string, level: string, destination?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { app, pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const requestId = RequestContext.requestId();
          return requestId ? { requestId } : {};
        },
      },
      destination ?? pino.destination({ sync: true }),
    );
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /** Nest passes `(message, ...optionalParams, context)`; errors pass a stack before the context. */
  private write(level: NestLevel, message: unknown, rest: unknown[]) {
    const params = [...rest];
    const context =
      typeof params.at(-1) === 'string' && params.length > 0 ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n    at ')) {
      fields.stack = params.shift();
    }
    if (params.length > 0) fields.details = params;
    if (message instanceof Error) {
      fields.err = message;
      this.pino[PINO_LEVEL[level]](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[PINO_LEVEL[level]]({ ...fields, ...message });
    } else {
      this.pino[PINO_LEVEL[level]](fields, String(message));
    }
  }
}
