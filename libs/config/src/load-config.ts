import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigValidationError } from './config-validation.error.js';

type Env = Record<string, string | undefined>;

/**
 * Builds a typed config object from the environment and validates it once, at boot.
 * The schema's property names are the environment variable names; property initialisers are the
 * defaults. Unset and empty variables take the default.
 */
export function loadConfig<T extends object>(schema: new () => T, env: Env = process.env): T {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const config = plainToInstance(schema, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors, defined));
  return config;
}

function describe(errors: ValidationError[], env: Env): string[] {
  return errors.flatMap((e) => {
    const got = env[e.property];
    const shown = got === undefined ? 'unset' : `got ${JSON.stringify(redact(e.property, got))}`;
    return Object.values(e.constraints ?? {}).map((msg) => `${e.property}: ${msg} (${shown})`);
  });
}

/** Never echo a secret back into logs, even when it is malformed. */
function redact(key: string, value: string): string {
  if (/TOKEN|PASSWORD|SECRET|KEY/i.test(key)) return '<redacted>';
  return value.replace(/\/\/([^/@\s]*)@/, '//<redacted>@');
}
