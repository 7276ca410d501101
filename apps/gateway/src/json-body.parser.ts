import {
  BadRequestException,
  type INestApplication,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { isUtf8 } from 'node:buffer';
import { type IncomingMessage } from 'node:http';

/**
 * Deepest JSON body accepted. No gateway body nests beyond a few levels; a deeper one is refused
 * before validation, whose class-transformer walk recurses once per level and would overflow the
 * stack (a 500) on a body of nothing but brackets. Express's urlencoded parser stops at 32 too.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON bodies (everything but /v2, which oip-body.parser.ts reads raw) under one size limit (413),
 * refused with 400 when not valid UTF-8, as OIP's text tensors are (JSON is UTF-8, RFC 8259;
 * decoding would otherwise turn bad bytes silently into U+FFFD), or nested deeper than
 * MAX_JSON_DEPTH. A body of another content type is refused with 415 rather than left unread
 * (the route would then say "text is required" about a text that was sent). Call before the app
 * is initialised (bootstrap's `configure`).
 */
export function readJsonBodies(app: INestApplication, limit: number) {
  app.use(refuseNonJson);
  // Nest's types reserve `verify` for its rawBody option, which the gateway does not use; without
  // that option Nest hands the options to body-parser as they are.
  const options = { limit, verify: refuseInvalidUtf8 };
  (app as NestExpressApplication).useBodyParser('json', options);
  app.use(refuseDeepJson(MAX_JSON_DEPTH));
}

/** body-parser's verify hook: it sees the bytes before they are decoded; a throw keeps its status. */
export function refuseInvalidUtf8(
  _req: IncomingMessage,
  _res: unknown,
  body: Buffer,
  charset: string,
) {
  if ((charset === 'utf-8' || charset === 'utf8') && !isUtf8(body)) {
    throw Object.assign(new Error('the request body is not valid UTF-8'), {
      status: 400,
      type: 'entity.invalid.utf8',
    });
  }
}

/** A request with a body that is not JSON, outside /v2 (whose infer routes take binary too). */
export const refuseNonJson: RequestHandler = (req, _res, next) => {
  // `is` answers null for a request without a body, the matched type for JSON, false otherwise;
  // an empty body (Content-Length: 0, what fetch sends for a bodiless POST) is no body either.
  if (
    req.path.startsWith('/v2/') ||
    req.headers['content-length'] === '0' ||
    req.is('application/json') !== false
  )
    return next();
  const type = req.headers['content-type'] ?? 'none';
  next(
    new UnsupportedMediaTypeException(
      `the request body must be application/json (Content-Type: ${type.slice(0, 100)})`,
    ),
  );
};

export function refuseDeepJson(maxDepth: number): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (
      typeof body === 'object' &&
      body !== null &&
      !Buffer.isBuffer(body) &&
      depthOver(body, maxDepth)
    ) {
      return next(
        new BadRequestException(`the JSON body is nested deeper than ${maxDepth} levels`),
      );
    }
    next();
  };
}

/** Whether any array or object lies deeper than `max` levels; iterative, so any depth is safe. */
export function depthOver(root: object, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(value as object)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
