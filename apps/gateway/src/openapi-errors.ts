import type { OpenAPIObject } from '@nestjs/swagger';

// @nestjs/swagger exports the document's type, not its parts'.
type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Schema = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
type Response = Extract<Operation['responses'][string], { description: string }>;
interface Parameter {
  in: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Routes that answer without a dependency: their own responses are the whole story. */
const SELF_ANSWERING = /^\/(health|v2\/health|metrics|info)(\/|$)/;

/** Routes behind the per-client rate limit (rate-limit/): every prediction door over HTTP. */
const RATE_LIMITED = /^\/(predict|v2\/models\/.+\/infer)$/;

/** The `{statusCode, error, message, details?, errorId?}` body of ExceptionsFilter. */
const ERROR_BODY: Schema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', description: 'The error code', example: 'INVALID_ARGUMENT' },
    message: { type: 'string', example: 'invalid request' },
    details: { type: 'array', items: { type: 'string' }, example: ['text must be a string'] },
    errorId: {
      type: 'string',
      description: 'On internal errors: the id under which the gateway or an app logged it',
    },
  },
};

/**
 * Adds the error answers every route shares to the OpenAPI document, where a controller did not
 * describe them itself: 400 for a route that takes input, 401/403 for an admin route, 404 for one
 * with path parameters, 413 (and 415 outside /v2) for one with a body, 429 on the rate-limited prediction routes, and
 * 500/503/504 wherever another app or the message bus answers. Written once here rather than as
 * decorators on fifty routes, so that a new route cannot forget them; the filters that produce
 * them (ExceptionsFilter, the OIP filter, the guards) are shared the same way.
 */
export function documentErrorAnswers(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  schemas.ErrorBody = ERROR_BODY;
  const errorBody = { $ref: '#/components/schemas/ErrorBody' };
  const oipError = schemas.OipErrorDto ? { $ref: '#/components/schemas/OipErrorDto' } : errorBody;

  for (const [path, item] of Object.entries(document.paths)) {
    if (SELF_ANSWERING.test(path)) continue;
    for (const method of METHODS) {
      const operation: Operation | undefined = item[method];
      if (!operation) continue;
      const schema = path.startsWith('/v2/') ? oipError : errorBody;
      const params = (operation.parameters ?? []) as Parameter[];
      const answer = (status: number, description: string) => {
        operation.responses[status] ??= {
          description,
          content: { 'application/json': { schema } },
        } satisfies Response;
      };
      if (operation.requestBody || params.some((p) => p.in === 'path' || p.in === 'query'))
        answer(400, 'Invalid request: the body, a parameter or a text fails validation');
      if (operation.security?.length) {
        answer(401, 'No bearer token, or one that is not an admin token');
        answer(403, 'The token is not allowed this route');
      }
      if (params.some((p) => p.in === 'path')) answer(404, 'What the path names does not exist');
      if (operation.requestBody) {
        answer(413, 'The body is larger than GATEWAY_MAX_BODY_BYTES');
        if (!path.startsWith('/v2/')) answer(415, 'The body is not application/json');
      }
      if (RATE_LIMITED.test(path)) {
        answer(429, 'Over the per-client rate limit: retry after the Retry-After header');
        const limited = operation.responses[429] as Response;
        limited.headers ??= {
          'Retry-After': {
            description: 'Seconds until the request would be allowed',
            schema: { type: 'integer' },
          },
        };
      }
      answer(500, 'Internal error: logged under the errorId the body carries');
      answer(503, 'A dependency is away (message bus, database, no model serving): retry later');
      answer(504, 'The app behind the gateway did not answer in time');
    }
  }
  return document;
}
