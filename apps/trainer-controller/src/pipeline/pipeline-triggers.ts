import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  DriftDetected,
  type DriftDetectedV1,
  PipelineRunRequested,
  type PipelineRunRequestedV1,
} from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { Cron } from 'croner';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { PipelineRuns } from './pipeline-runs.js';

/**
 * What starts a run besides the admin API: a drift alarm (`drift.detected.v1`), a request event
 * (`pipeline.run-requested.v1`), and the cron schedule (TRAINER_SCHEDULE). A trigger while a run
 * is active joins that run; each event is acknowledged once the run or the join is stored.
 */
@Injectable()
export class PipelineTriggers
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(PipelineTriggers.name);
  private schedule?: Cron;

  constructor(
    private readonly runs: PipelineRuns,
    private readonly consumers: EventConsumers,
    private readonly config: TrainerControllerConfig,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: DriftDetected,
      durable: 'trainer-drift',
      handler: (e) => this.onDrift(e),
    });
    this.consumers.register({
      contract: PipelineRunRequested,
      durable: 'trainer-run-requests',
      handler: (e) => this.onRequested(e),
    });
  }

  onApplicationBootstrap() {
    const expression = this.config.TRAINER_SCHEDULE;
    if (!expression) return;
    // protect: a tick that is still starting a run is not started again.
    this.schedule = new Cron(expression, { protect: true }, async () => {
      try {
        const { run, created } = await this.runs.start(
          'schedule',
          `scheduled (${expression})`,
          'schedule',
        );
        this.logger.log(`schedule: ${created ? 'started' : 'joined'} run ${run.id}`);
      } catch (err) {
        this.logger.warn(`schedule: could not start a run (${String(err)})`);
      }
    });
    this.logger.log(
      `scheduled runs: "${expression}", next ${this.schedule.nextRun()?.toISOString()}`,
    );
  }

  onApplicationShutdown() {
    this.schedule?.stop();
  }

  async onDrift(e: DriftDetectedV1) {
    const features = e.features.map((f) => f.feature).join(', ');
    await this.runs.start(
      'drift',
      `drift ${e.severity} on ${e.modelName} v${e.modelVersion} (${features}), report ${e.reportId}`,
      'drift',
    );
  }

  async onRequested(e: PipelineRunRequestedV1) {
    await this.runs.start(e.trigger, e.reason, e.requestedBy);
  }
}
