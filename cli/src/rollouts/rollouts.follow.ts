/**
 * Follows a rollout until it ends (`rollout status --watch`): asks the gateway for the current
 * rollout every interval and prints a line for each analysis that came in (its verdict and
 * reasons) and each move (step, weight, state, failed checks). Nothing is printed with --json
 * (Output drops it); the caller prints the final rollout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../exit-codes.js';
import { type Output } from '../output/cli.output.js';
import { time } from '../models/models.view.js';
import { MAX_MISSED_POLLS, transient } from '../pipelines/pipelines.follow.js';
import { type RolloutsApi } from './rollouts.api.js';
import { hasEnded, type RolloutCheckView, type RolloutView } from './rollouts.types.js';
import { checkText, summaryText } from './rollouts.view.js';

/** How often the rollout is read unless --poll says otherwise. */
export const WATCH_INTERVAL_MS = 2_000;

/** Rollouts looked through for the followed one when another has become current. */
const LOOKUP_LIMIT = 20;

export class RolloutWatcher {
  private missed = 0;
  private readonly seenChecks = new Set<string>();

  constructor(
    private readonly api: RolloutsApi,
    private readonly out: Output,
    private readonly intervalMs: number,
  ) {}

  /** Resolves with the rollout once it has ended. */
  async follow(first: RolloutView): Promise<RolloutView> {
    let rollout = first;
    for (const c of checksOf(first)) this.seenChecks.add(checkKey(c));
    this.out.line(`${time(first.updatedAt)} ${summaryText(first, this.out.colors)}`);
    while (!hasEnded(rollout)) {
      const next = await this.poll(rollout.id);
      for (const c of checksOf(next).reverse()) {
        if (this.seenChecks.has(checkKey(c))) continue;
        this.seenChecks.add(checkKey(c));
        this.out.line(`${time(c.at)} ${checkText(c, this.out.colors)}`);
      }
      if (moveKey(next) !== moveKey(rollout))
        this.out.line(`${time(next.updatedAt)} ${summaryText(next, this.out.colors)}`);
      rollout = next;
    }
    return rollout;
  }

  /** The rollout, one interval from now; a gateway briefly away is waited for. */
  private async poll(id: string): Promise<RolloutView> {
    for (;;) {
      await sleep(this.intervalMs);
      try {
        const rollout = await this.find(id);
        this.missed = 0;
        return rollout;
      } catch (error) {
        if (!transient(error) || ++this.missed >= MAX_MISSED_POLLS) throw error;
        if (this.missed === 1)
          this.out.warn(
            `${(error as Error).message.split('\n')[0]}; still following rollout ${id}`,
          );
      }
    }
  }

  /** The current rollout, or, once another one has started since, the followed one. */
  private async find(id: string): Promise<RolloutView> {
    const current = await this.api.current();
    if (current.id === id) return current;
    const { rollouts } = await this.api.list(LOOKUP_LIMIT);
    const followed = rollouts.find((r) => r.id === id);
    if (!followed) throw new CliError(`rollout ${id} is no longer among the latest rollouts`);
    return followed;
  }
}

function checksOf(r: RolloutView): RolloutCheckView[] {
  return Array.isArray(r.checks) ? [...r.checks] : [];
}

function checkKey(c: RolloutCheckView): string {
  return `${c.at}|${c.stepIndex}|${c.verdict}`;
}

/** What a line in the log reports a change of. */
function moveKey(r: RolloutView): string {
  return `${r.state}|${r.stepIndex}|${r.weight}|${r.failedChecks}`;
}
