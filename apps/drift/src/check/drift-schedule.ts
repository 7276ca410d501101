import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DriftConfig } from '../drift.config.js';
import { DriftChecker } from './drift-checker.js';

const JOB = 'drift-check';

/**
 * The periodic check of the champion's traffic, every DRIFT_CHECK_INTERVAL_S. Replicas share the
 * schedule through the database: the one that moves the job's last run forward runs it, the
 * others skip that tick.
 */
@Injectable()
export class DriftSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DriftSchedule.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checker: DriftChecker,
    private readonly config: DriftConfig,
  ) {}

  onApplicationBootstrap() {
    const seconds = this.config.DRIFT_CHECK_INTERVAL_S;
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.tick(), Math.min(seconds, 30) * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs the check when this replica claims the interval that is due; returns whether it ran. */
  async tick(): Promise<boolean> {
    if (this.running) return false;
    const claimed = await this.claim().catch((err: unknown) => {
      this.logger.warn(`drift schedule: cannot claim (${String(err)})`);
      return false;
    });
    if (!claimed) return false;
    this.running = this.checker
      .check({
        modelName: this.config.DRIFT_MODEL_NAME,
        actor: 'drift-schedule',
        trigger: 'schedule',
      })
      .catch((err: unknown) => this.logger.warn(`scheduled drift check failed: ${String(err)}`))
      .finally(() => (this.running = undefined));
    await this.running;
    return true;
  }

  private async claim(): Promise<boolean> {
    const interval = `${this.config.DRIFT_CHECK_INTERVAL_S} seconds`;
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO schedule (name, last_run_at) VALUES ($1, now())
       ON CONFLICT (name) DO UPDATE SET last_run_at = now()
         WHERE schedule.last_run_at <= now() - $2::interval
       RETURNING name`,
      [JOB, interval],
    );
    return rows.length > 0;
  }
}
