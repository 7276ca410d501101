import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Environment variables are strings; class-transformer's implicit conversion turns "false" into
 * `true`, so booleans and numbers get explicit parsers that leave bad input for the validator.
 */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return value;
  });
}

export function EnvNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string' || value.trim() === '') return value;
    const n = Number(value);
    return Number.isNaN(n) ? value : n;
  });
}

/** An integer read from the environment, within bounds. */
export function EnvInt(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    for (const d of [EnvNumber(), IsInt(), Min(min), Max(max)]) d(target, key);
  };
}

/** A TCP port read from the environment. */
export const EnvPort = (): PropertyDecorator => EnvInt(1, 65_535);
