import { Param, type PipeTransform } from '@nestjs/common';
import {
  ErrorCode,
  IsModelName,
  IsModelVersion,
  IsSha256,
  MODEL_ALIASES,
  ServiceException,
} from '@sentimentops/contracts';
import { IsIn, validateSync } from 'class-validator';

/**
 * Checks one path parameter with the contract's own decorator, so a route accepts exactly what
 * the registry does and a bad value is a 400 that names the parameter. (The global
 * ValidationPipe lets plain string parameters through unchecked.)
 */
export class PathParamPipe implements PipeTransform<string, string> {
  private readonly holder: new () => { value?: string };

  constructor(
    private readonly param: string,
    private readonly what: string,
    rule: PropertyDecorator,
  ) {
    class Holder {
      value?: string;
    }
    rule(Holder.prototype, 'value');
    this.holder = Holder;
  }

  transform(value: string): string {
    const errors = validateSync(Object.assign(new this.holder(), { value }));
    if (errors.length === 0) return value;
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new ServiceException(
      ErrorCode.InvalidArgument,
      `invalid ${this.what} ${JSON.stringify(clip(value))}`,
      problems.map((problem) => `${this.param}: ${problem}`),
    );
  }
}

/** `:name`, a model name such as "sentiment". */
export const ModelNameParam = () =>
  Param('name', new PathParamPipe('name', 'model name', IsModelName()));

/** `:version`, a model version such as "3". */
export const VersionParam = () =>
  Param('version', new PathParamPipe('version', 'model version', IsModelVersion()));

/** `:alias`, one of MODEL_ALIASES. */
export const AliasParam = () =>
  Param(
    'alias',
    new PathParamPipe(
      'alias',
      'alias',
      IsIn(MODEL_ALIASES, { message: `must be one of ${MODEL_ALIASES.join(', ')}` }),
    ),
  );

/** `:sha256`, a dataset's content hash. */
export const Sha256Param = () =>
  Param('sha256', new PathParamPipe('sha256', 'dataset sha256', IsSha256()));

/** Echoed in the message, so a pasted megabyte does not come back whole. */
const clip = (value: string) => (value.length > 80 ? `${value.slice(0, 80)}…` : value);
