import { Writable } from 'node:stream';
import { JsonLogger } from './json-logger.js';
import { RequestContext } from './request-context.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new JsonLogger('registry', 'debug', sink) };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with app, level, context and message', () => {
    const { lines, logger } = capture();
    logger.log('started', 'Bootstrap');
    expect(lines[0]).toMatchObject({
      app: 'registry',
      level: 'info',
      context: 'Bootstrap',
      msg: 'started',
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it('adds the request id of the work in progress', () => {
    const { lines, logger } = capture();
    RequestContext.run('req-42', () => logger.warn('slow', 'Handler'));
    logger.warn('outside');
    expect(lines[0]).toMatchObject({ requestId: 'req-42', level: 'warn' });
    expect(lines[1].requestId).toBeUndefined();
  });

  it('keeps the stack of an error', () => {
    const { lines, logger } = capture();
    const err = new Error('kaput');
    logger.error('failed', err.stack, 'Worker');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'failed', context: 'Worker' });
    expect(String(lines[0].stack)).toContain('kaput');
  });

  it('honours the level', () => {
    const lines: unknown[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, d) => (lines.push(c), d()) });
    const logger = new JsonLogger('x', 'warn', sink);
    logger.log('hidden');
    logger.debug('hidden');
    logger.error('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('RequestContext', () => {
  it('keeps a well-formed caller id and replaces anything else', () => {
    expect(RequestContext.accept('abc-123')).toBe('abc-123');
    expect(RequestContext.accept('bad id\r\ninjected')).toMatch(/^[0-9a-f-]{36}$/);
    expect(RequestContext.accept('x'.repeat(200))).toHaveLength(36);
    expect(RequestContext.accept(undefined)).toHaveLength(36);
  });
});
