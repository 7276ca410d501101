import type { OpenAPIObject } from '@nestjs/swagger';
import { documentErrorAnswers } from './openapi-errors.js';

const ok = { 200: { description: 'ok' } };

function document(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    components: { schemas: { OipErrorDto: { type: 'object' } } },
    paths: {
      '/predict': { post: { requestBody: { content: {} }, responses: { ...ok } } },
      '/api/models/{name}/versions': {
        get: {
          parameters: [{ name: 'name', in: 'path', required: true }],
          security: [{ bearer: [] }],
          responses: { ...ok },
        },
      },
      '/api/drift/check': {
        post: {
          security: [{ bearer: [] }],
          responses: { ...ok, 404: { description: 'no reference profile' } },
        },
      },
      '/v2/models/{name}/infer': {
        post: {
          parameters: [{ name: 'name', in: 'path', required: true }],
          requestBody: { content: {} },
          responses: { ...ok },
        },
      },
      '/health/live': { get: { responses: { ...ok } } },
    },
  };
}

const statuses = (doc: OpenAPIObject, path: string, method: 'get' | 'post') =>
  Object.keys(doc.paths[path][method]!.responses).sort();

describe('documentErrorAnswers', () => {
  const doc = documentErrorAnswers(document());

  it('adds the answers each kind of route can give', () => {
    expect(statuses(doc, '/predict', 'post')).toEqual(
      ['200', '400', '413', '415', '429', '500', '503', '504'].sort(),
    );
    expect(statuses(doc, '/api/models/{name}/versions', 'get')).toEqual(
      ['200', '400', '401', '403', '404', '500', '503', '504'].sort(),
    );
    // No input: no 400; no path parameter: the 404 is the controller's own.
    expect(statuses(doc, '/api/drift/check', 'post')).toEqual(
      ['200', '401', '403', '404', '500', '503', '504'].sort(),
    );
  });

  it('keeps what a controller said, and leaves health routes alone', () => {
    expect(doc.paths['/api/drift/check'].post!.responses[404]).toEqual({
      description: 'no reference profile',
    });
    expect(statuses(doc, '/health/live', 'get')).toEqual(['200']);
  });

  it('describes errors with the shared body, and OIP errors with its own', () => {
    const body = (path: string, status: number) =>
      (doc.paths[path].post!.responses[status] as { content: object }).content;
    expect(body('/predict', 400)).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
    });
    expect(body('/v2/models/{name}/infer', 400)).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/OipErrorDto' } },
    });
    expect(doc.components!.schemas!.ErrorBody).toMatchObject({
      required: ['statusCode', 'error', 'message'],
    });
  });

  it('names the Retry-After header of a 429', () => {
    expect(doc.paths['/predict'].post!.responses[429]).toMatchObject({
      headers: { 'Retry-After': { schema: { type: 'integer' } } },
    });
  });
});
