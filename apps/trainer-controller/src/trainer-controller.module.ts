import { KubeConfig } from '@kubernetes/client-node';
import { type DynamicModule, Module } from '@nestjs/common';
import { Outbox } from '@sentimentops/persistence';
import { PlatformModule } from '@sentimentops/service-kit';
import { LabelledData } from './capture/labelled-data.js';
import { JobRunner } from './jobs/job-runner.js';
import { KubernetesJobRunner } from './jobs/kubernetes-job-runner.js';
import { LocalJobRunner } from './jobs/local-job-runner.js';
import { migrations } from './migrations/index.js';
import { PipelineExecutor } from './pipeline/pipeline-executor.js';
import { pipelineMetricProviders, PipelineMetrics } from './pipeline/pipeline.metrics.js';
import { PipelineRuns } from './pipeline/pipeline-runs.js';
import { PipelineSteps } from './pipeline/pipeline-steps.js';
import { PipelineTriggers } from './pipeline/pipeline-triggers.js';
import { PipelineController } from './pipeline.controller.js';
import { LiveAccuracySource } from './rollouts/live-accuracy.js';
import { RolloutAnalyser } from './rollouts/rollout-analyser.js';
import { RolloutController } from './rollouts/rollout.controller.js';
import { rolloutMetricProviders, RolloutMetrics } from './rollouts/rollout.metrics.js';
import { RolloutRegistry } from './rollouts/rollout-registry.js';
import { RolloutNotifier } from './rollouts/rollout-notifier.js';
import { RolloutStatsIngest } from './rollouts/rollout-stats.js';
import { RolloutStore } from './rollouts/rollout-store.js';
import { Rollouts } from './rollouts/rollouts.js';
import { TrainerControllerConfig } from './trainer-controller.config.js';

/**
 * Retraining pipelines as durable state machines (collect, build, validate, train, evaluate,
 * register), and the canary rollouts that take a new challenger to champion or back out.
 */
@Module({})
export class TrainerControllerModule {
  static forRoot(config: TrainerControllerConfig): DynamicModule {
    return {
      module: TrainerControllerModule,
      imports: [PlatformModule.forApp(config, { database: { migrations } })],
      controllers: [PipelineController, RolloutController],
      providers: [
        {
          provide: JobRunner,
          inject: [TrainerControllerConfig],
          useFactory: (c: TrainerControllerConfig): JobRunner => {
            if (c.TRAINER_JOB_RUNNER === 'local') {
              return new LocalJobRunner({ python: c.python(), cwd: process.cwd() });
            }
            if (!c.TRAINER_K8S_IMAGE) {
              throw new Error('TRAINER_JOB_RUNNER=kubernetes needs TRAINER_K8S_IMAGE');
            }
            const kubeConfig = new KubeConfig();
            kubeConfig.loadFromDefault(); // in a pod: its service account; outside: ~/.kube/config
            return new KubernetesJobRunner(kubeConfig, {
              namespace: c.TRAINER_K8S_NAMESPACE,
              image: c.TRAINER_K8S_IMAGE,
              serviceAccountName: c.TRAINER_K8S_SERVICE_ACCOUNT,
              gpu: { accelerator: c.TRAINER_K8S_GPU_ACCELERATOR },
              env: c.jobEnv(),
              ...(c.TRAINER_K8S_WORK_CLAIM
                ? { workVolume: { claimName: c.TRAINER_K8S_WORK_CLAIM, mountPath: c.workRoot() } }
                : {}),
            });
          },
        },
        Outbox,
        LabelledData,
        PipelineRuns,
        PipelineSteps,
        PipelineExecutor,
        PipelineTriggers,
        ...pipelineMetricProviders,
        PipelineMetrics,
        ...rolloutMetricProviders,
        RolloutMetrics,
        RolloutStore,
        RolloutRegistry,
        LiveAccuracySource,
        Rollouts,
        RolloutAnalyser,
        RolloutStatsIngest,
        RolloutNotifier,
      ],
    };
  }
}
