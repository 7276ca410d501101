/**
 * Every CLI command, in help order. A capability adds `<name>.command.ts` exporting
 * `register(program, ctx)` and lists it here.
 */
import { type Command } from 'commander';
import { type CliContext } from '../cli.context.js';
import { register as drift } from './drift.command.js';
import { register as info } from './info.command.js';
import { register as models } from './models.command.js';
import { register as pipeline } from './pipeline.command.js';
import { register as predict } from './predict.command.js';
import { register as rollout } from './rollout.command.js';
import { register as status } from './status.command.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  status,
  info,
  predict,
  models,
  drift,
  pipeline,
  rollout,
];
