import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PIPELINE_STATES, type PipelineState } from '@sentimentops/contracts';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { isTerminal, PipelineRuns, TERMINAL } from './pipeline-runs.js';

export const PipelineMetric = {
  runs: 'sentimentops_pipeline_runs',
  lastFinished: 'sentimentops_pipeline_last_finished_timestamp_seconds',
  activeRun: 'sentimentops_pipeline_active_run',
} as const;

export const pipelineMetricProviders = [
  makeGaugeProvider({
    name: PipelineMetric.runs,
    help: 'Pipeline runs in each state, all time (from the database at scrape).',
    labelNames: ['state'],
  }),
  makeGaugeProvider({
    name: PipelineMetric.lastFinished,
    help: 'Unix time the newest run that ended in this terminal state ended.',
    labelNames: ['state'],
  }),
  makeGaugeProvider({
    name: PipelineMetric.activeRun,
    help: 'The active run: 1 for the state it is in, 0 for the others (all 0 when none is active).',
    labelNames: ['state'],
  }),
];

/**
 * Pipeline runs as the database has them, read when Prometheus scrapes. The runs are the
 * controllers' shared state (another replica may have moved them), so counting transitions in
 * this process would miss theirs; every replica reports the same figures (dashboards take `max`).
 */
@Injectable()
export class PipelineMetrics implements OnModuleInit {
  private readonly log = new Logger(PipelineMetrics.name);
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly pipelineRuns: PipelineRuns,
    @InjectMetric(PipelineMetric.runs) private readonly runs: Gauge<string>,
    @InjectMetric(PipelineMetric.lastFinished) private readonly lastFinished: Gauge<string>,
    @InjectMetric(PipelineMetric.activeRun) private readonly activeRun: Gauge<string>,
  ) {}

  onModuleInit() {
    // prom-client awaits a gauge's `collect` before reading it. All three read one query, so
    // concurrent scrapes of the three share the refresh in flight.
    const collect = () =>
      (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
    for (const gauge of [this.runs, this.lastFinished, this.activeRun]) {
      (gauge as unknown as { collect: () => Promise<void> }).collect = collect;
    }
  }

  /** Never throws: with the database away the gauges keep their last values (and the log says so). */
  async refresh(): Promise<void> {
    try {
      this.show(await this.pipelineRuns.summary());
    } catch (err) {
      this.log.warn(`pipeline metrics kept their last values: ${(err as Error).message}`);
    }
  }

  show(summary: readonly { state: PipelineState; runs: number; lastFinishedAt: Date | null }[]) {
    const byState = new Map(summary.map((s) => [s.state, s]));
    const active = summary.find((s) => !isTerminal(s.state) && s.runs > 0)?.state;
    for (const state of PIPELINE_STATES) {
      this.runs.set({ state }, byState.get(state)?.runs ?? 0);
      if (!isTerminal(state)) this.activeRun.set({ state }, state === active ? 1 : 0);
    }
    this.lastFinished.reset(); // a terminal state no run ended in has no series, not a 1970 one
    for (const state of TERMINAL) {
      const at = byState.get(state)?.lastFinishedAt;
      if (at) this.lastFinished.set({ state }, at.getTime() / 1000);
    }
  }
}
