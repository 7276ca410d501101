import { IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';
import { ConfigValidationError } from './config-validation.error.js';
import { EnvBoolean, EnvPort } from './env.decorators.js';
import { loadConfig } from './load-config.js';
import { DatabaseServiceConfig } from './service.config.js';

class ExampleConfig extends DatabaseServiceConfig {
  readonly appName = 'example';
  readonly databaseSchema = 'example';
  get httpPort() {
    return this.EXAMPLE_HTTP_PORT;
  }

  @EnvPort()
  EXAMPLE_HTTP_PORT = 9000;

  @EnvBoolean()
  @IsBoolean()
  EXAMPLE_FLAG = false;

  @IsOptional()
  @IsString()
  EXAMPLE_API_TOKEN?: string;
}

describe('loadConfig', () => {
  it('applies defaults when the environment is empty', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(config.httpPort).toBe(9000);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.EXAMPLE_FLAG).toBe(false);
    expect(config).toBeInstanceOf(ExampleConfig);
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig(ExampleConfig, {
      EXAMPLE_HTTP_PORT: '9100',
      EXAMPLE_FLAG: 'false',
      NATS_URL: 'nats://a:4222,nats://b:4222',
    });
    expect(config.httpPort).toBe(9100);
    expect(config.EXAMPLE_FLAG).toBe(false);
    expect(config.natsServers()).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(ExampleConfig, { EXAMPLE_HTTP_PORT: '' }).httpPort).toBe(9000);
  });

  it('lists every bad key in one error', () => {
    let error: unknown;
    try {
      loadConfig(ExampleConfig, {
        EXAMPLE_HTTP_PORT: 'eighty',
        LOG_LEVEL: 'loud',
        NATS_URL: 'http://x',
        DATABASE_URL: 'mysql://x',
        EXAMPLE_FLAG: 'perhaps',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const keys = (error as ConfigValidationError).problems.map((p) => p.split(':')[0]);
    expect(new Set(keys)).toEqual(
      new Set(['EXAMPLE_HTTP_PORT', 'LOG_LEVEL', 'NATS_URL', 'DATABASE_URL', 'EXAMPLE_FLAG']),
    );
    expect((error as Error).message).toContain('EXAMPLE_HTTP_PORT: ');
    expect((error as Error).message).toContain('"eighty"');
  });

  it('hides credentials inside a malformed URL', () => {
    expect(() => loadConfig(ExampleConfig, { DATABASE_URL: 'mysql://app:hunter2@db/x' })).toThrow(
      /DATABASE_URL: .*mysql:\/\/<redacted>@db\/x/,
    );
    expect(() =>
      loadConfig(ExampleConfig, { DATABASE_URL: 'mysql://app:hunter2@db/x' }),
    ).not.toThrow(/hunter2/);
  });

  it('rejects an out-of-range port', () => {
    expect(() => loadConfig(ExampleConfig, { EXAMPLE_HTTP_PORT: '70000' })).toThrow(
      /EXAMPLE_HTTP_PORT: .*65535/,
    );
  });

  it('names a bad secret without echoing it', () => {
    class WithToken extends ExampleConfig {
      @MinLength(16)
      SOME_TOKEN = 'a-long-enough-default-token';
    }
    expect(() => loadConfig(WithToken, { SOME_TOKEN: 'sekrit' })).toThrow(
      /SOME_TOKEN: .*<redacted>/,
    );
    expect(() => loadConfig(WithToken, { SOME_TOKEN: 'sekrit' })).not.toThrow(/sekrit/);
  });
});
