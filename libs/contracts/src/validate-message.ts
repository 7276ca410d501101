import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { Class } from './contract.js';

/** A message that does not match its contract. Never retried: it cannot become valid. */
export class ContractViolationError extends Error {
  constructor(
    readonly contract: string,
    readonly problems: readonly string[],
  ) {
    super(`${contract}: ${problems.join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

/**
 * The same validation HTTP bodies get (whitelist, no unknown properties, nested objects checked),
 * for messages read off NATS outside Nest's pipes, e.g. JetStream consumers, and for files.
 */
export function validateMessage<T extends object>(
  cls: Class<T>,
  raw: unknown,
  options: { forbidUnknown?: boolean } = {},
): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ContractViolationError(cls.name, ['payload must be a JSON object']);
  }
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, {
    whitelist: true,
    // Documents that others extend (a model card) drop the keys this reader does not know.
    forbidNonWhitelisted: options.forbidUnknown ?? true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) throw new ContractViolationError(cls.name, flatten(errors));
  return instance;
}

export function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
