import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { PipelineMetric, PipelineMetrics } from './pipeline.metrics.js';
import { type PipelineRuns } from './pipeline-runs.js';

type Summary = Awaited<ReturnType<PipelineRuns['summary']>>;

function setUp(summaries: Array<Summary | Error>) {
  const registry = new Registry();
  const gauge = (name: string) =>
    new Gauge({ name, help: name, labelNames: ['state'], registers: [registry] });
  const summary = jest.fn(() => {
    const next = summaries.length > 1 ? summaries.shift()! : summaries[0];
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  const metrics = new PipelineMetrics(
    { summary } as unknown as PipelineRuns,
    gauge(PipelineMetric.runs),
    gauge(PipelineMetric.lastFinished),
    gauge(PipelineMetric.activeRun),
  );
  metrics.onModuleInit();
  const scrape = async () => {
    const text = await registry.metrics();
    return text.split('\n').filter((l) => l && !l.startsWith('#'));
  };
  return { scrape, summary };
}

const FAILED_AT = new Date('2026-01-02T03:04:05Z');
const SUCCEEDED_AT = new Date('2026-01-01T00:00:00Z');

describe('PipelineMetrics', () => {
  it('reads the runs from the database at scrape, once for the three gauges', async () => {
    const { scrape, summary } = setUp([
      [
        { state: 'succeeded', runs: 3, lastFinishedAt: SUCCEEDED_AT },
        { state: 'failed', runs: 1, lastFinishedAt: FAILED_AT },
        { state: 'training', runs: 1, lastFinishedAt: null },
      ],
    ]);
    const lines = await scrape();
    expect(summary).toHaveBeenCalledTimes(1);
    expect(lines).toContain('sentimentops_pipeline_runs{state="succeeded"} 3');
    expect(lines).toContain('sentimentops_pipeline_runs{state="failed"} 1');
    expect(lines).toContain('sentimentops_pipeline_runs{state="rejected"} 0');
    expect(lines).toContain(
      `sentimentops_pipeline_last_finished_timestamp_seconds{state="failed"} ${FAILED_AT.getTime() / 1000}`,
    );
    // A terminal state no run ended in has no series (rather than a timestamp of 1970).
    expect(
      lines.some((l) => l.includes('last_finished_timestamp_seconds{state="cancelled"}')),
    ).toBe(false);
    expect(lines).toContain('sentimentops_pipeline_active_run{state="training"} 1');
    expect(lines).toContain('sentimentops_pipeline_active_run{state="collecting"} 0');
    expect(
      lines.some((l) => l.startsWith('sentimentops_pipeline_active_run{state="failed"}')),
    ).toBe(false);
  });

  it('follows the runs from scrape to scrape: the active run ends, none is active', async () => {
    const { scrape } = setUp([
      [{ state: 'evaluating', runs: 1, lastFinishedAt: null }],
      [{ state: 'succeeded', runs: 1, lastFinishedAt: SUCCEEDED_AT }],
    ]);
    expect(await scrape()).toContain('sentimentops_pipeline_active_run{state="evaluating"} 1');
    const after = await scrape();
    expect(after).toContain('sentimentops_pipeline_active_run{state="evaluating"} 0');
    expect(
      after.filter((l) => l.startsWith('sentimentops_pipeline_active_run') && l.endsWith(' 1')),
    ).toEqual([]);
    expect(after).toContain('sentimentops_pipeline_runs{state="evaluating"} 0');
  });

  it('keeps the last values when the database does not answer, and the scrape still succeeds', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { scrape } = setUp([
      [{ state: 'failed', runs: 2, lastFinishedAt: FAILED_AT }],
      new Error('connection refused'),
    ]);
    await scrape();
    const lines = await scrape();
    expect(lines).toContain('sentimentops_pipeline_runs{state="failed"} 2');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
    warn.mockRestore();
  });
});
