// What a cluster does with one Job, step by step, for the recorded API server: the Job controller
// (pods, status counts, conditions), the scheduler and the kubelet (container states, the log).
// Each test writes its scenario from these steps; the state changes and their order are those of
// a Kubernetes 1.31+ cluster (FailureTarget/SuccessCriteriaMet before Failed/Complete).
import { setTimeout as delay } from 'node:timers/promises';
import { now, podFor, type IJob, type IPod } from './api-objects.js';
import type { KubeApiServer } from './kube-api-server.js';

/** Thrown by a step once the Job is being deleted: the scenario ends there, quietly. */
export class ScenarioStopped extends Error {}

export type JobScenario = (job: JobController) => Promise<void>;

const NODE = 'gke-sentimentops-gpu-pool-3f9a1c2d-k8x2';
const CONTAINER_ID =
  'containerd://5d41402abc4b2a76b9719d911017c592ae0c2c1d1f1e5b3e3a3c6e0f7c1d2e3f';

export class JobController {
  /** The pod the Job controller made, once it has. */
  pod: string | undefined;

  constructor(
    private readonly api: KubeApiServer,
    readonly name: string,
    readonly uid: string,
  ) {}

  async sleep(ms: number): Promise<void> {
    await delay(ms);
    this.check();
  }

  /** The Job controller creates the pod; it is bound to a node and its image is being pulled. */
  createPod(): void {
    this.check();
    const pod = podFor(this.api.job(this.name)!, NODE);
    const container = pod.spec!.containers[0];
    pod.status = {
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'False'),
        condition('Initialized', 'True'),
        condition(
          'Ready',
          'False',
          'ContainersNotReady',
          `containers with unready status: [${container.name}]`,
        ),
        condition(
          'ContainersReady',
          'False',
          'ContainersNotReady',
          `containers with unready status: [${container.name}]`,
        ),
        condition('PodScheduled', 'True'),
      ],
      hostIP: '10.128.0.17',
      startTime: now(),
      qosClass: 'Burstable',
      containerStatuses: [
        {
          name: container.name,
          image: container.image!,
          imageID: '',
          ready: false,
          restartCount: 0,
          started: false,
          state: { waiting: { reason: 'ContainerCreating' } },
          lastState: {},
        },
      ],
    };
    this.pod = pod.metadata!.name!;
    this.api.addPod(pod);
    this.api.updateJob(this.name, (job) => {
      job.status = {
        active: 1,
        ready: 0,
        startTime: now(),
        terminating: 0,
        uncountedTerminatedPods: {},
      };
    });
  }

  /** The kubelet starts the container. */
  startContainer(): void {
    this.check();
    this.api.updatePod(this.requirePod(), (pod) => {
      const status = pod.status!.containerStatuses![0];
      status.state = { running: { startedAt: now() } };
      status.ready = true;
      status.started = true;
      status.containerID = CONTAINER_ID;
      status.imageID = `${status.image.split('@')[0]}@sha256:${'b'.repeat(64)}`;
      pod.status!.phase = 'Running';
      pod.status!.podIP = '10.52.3.14';
      pod.status!.conditions = pod.status!.conditions!.map((c) => ({
        ...c,
        status: 'True',
        reason: undefined,
        message: undefined,
        lastTransitionTime: now(),
      }));
    });
    this.api.updateJob(this.name, (job) => void (job.status!.ready = 1));
  }

  /** Lines the CLI writes (logs on stderr, the `--json` summary on stdout: one pod log). */
  log(...lines: string[]): void {
    this.check();
    this.api.appendLog(this.requirePod(), lines);
  }

  /** The container's process exits; with FallbackToLogsOnError a failure keeps the log's tail. */
  exitContainer(
    exitCode: number,
    reason = exitCode === 0 ? 'Completed' : 'Error',
    message?: string,
  ): void {
    this.check();
    const name = this.requirePod();
    const pod = this.api.updatePod(name, (p) => {
      const status = p.status!.containerStatuses![0];
      const startedAt = status.state?.running?.startedAt ?? now();
      status.state = {
        terminated: {
          exitCode,
          reason,
          ...(message ? { message } : {}),
          startedAt,
          finishedAt: now(),
          containerID: CONTAINER_ID,
        },
      };
      status.ready = false;
      status.started = false;
      p.status!.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
      p.status!.conditions = p.status!.conditions!.map((c) =>
        c.type === 'PodScheduled' || c.type === 'Initialized'
          ? c
          : { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: now() },
      );
    });
    this.api.endLogs(name);
    // The Job controller counts the pod: first as uncounted, then in succeeded/failed.
    const outcome = exitCode === 0 ? 'succeeded' : 'failed';
    this.api.updateJob(this.name, (job) => {
      job.status = {
        ...job.status,
        active: 0,
        ready: 0,
        uncountedTerminatedPods: { [outcome]: [pod.metadata!.uid!] },
      };
    });
    this.api.updateJob(this.name, (job) => {
      job.status = { ...job.status, [outcome]: 1, uncountedTerminatedPods: {} };
    });
  }

  /** The Job controller marks the Job complete (1.31+: SuccessCriteriaMet, then Complete). */
  complete(): void {
    this.check();
    const message = 'Reached expected number of succeeded pods';
    this.addCondition('SuccessCriteriaMet', 'CompletionsReached', message);
    this.addCondition('Complete', 'CompletionsReached', message, { completionTime: now() });
  }

  /** The Job controller fails the Job (1.31+: FailureTarget, then Failed once pods are gone). */
  fail(reason: string, message: string): void {
    this.check();
    this.addCondition('FailureTarget', reason, message);
    this.addCondition('Failed', reason, message);
  }

  /**
   * activeDeadlineSeconds passed: the controller marks the Job, deletes the running pod (the
   * kubelet stops the container: SIGTERM, exit 143), removes the pod's job-tracking finalizer once
   * it has counted it, and then fails the Job.
   */
  async exceedDeadline(): Promise<void> {
    this.check();
    const message = 'Job was active longer than specified deadline';
    this.addCondition('FailureTarget', 'DeadlineExceeded', message);
    this.api.updateJob(this.name, (job) => {
      job.status = { ...job.status, active: 0, ready: 0, terminating: 1 };
    });
    const name = this.requirePod();
    this.api.updatePod(name, (pod) => {
      pod.metadata!.deletionTimestamp = now();
      pod.metadata!.deletionGracePeriodSeconds = 30;
      const status = pod.status!.containerStatuses![0];
      const startedAt = status.state?.running?.startedAt ?? now();
      status.state = {
        terminated: {
          exitCode: 143,
          reason: 'Error',
          startedAt,
          finishedAt: now(),
          containerID: CONTAINER_ID,
        },
      };
      status.ready = false;
      status.started = false;
      pod.status!.phase = 'Failed';
    });
    this.api.endLogs(name);
    await this.api.lingerTerminated(name);
    this.api.deletePod(name);
    this.api.updateJob(this.name, (job) => {
      job.status = { ...job.status, terminating: 0, failed: 1 };
    });
    this.addCondition('Failed', 'DeadlineExceeded', message);
  }

  private addCondition(
    type: string,
    reason: string,
    message: string,
    extra: Partial<IJob['status']> = {},
  ): void {
    const at = now();
    this.api.updateJob(this.name, (job) => {
      const conditions = [...(job.status?.conditions ?? [])];
      conditions.push({
        type,
        status: 'True',
        reason,
        message,
        lastProbeTime: at,
        lastTransitionTime: at,
      });
      job.status = { ...job.status, ...extra, conditions };
    });
  }

  private requirePod(): string {
    if (!this.pod) throw new Error('the scenario has no pod yet: call createPod() first');
    return this.pod;
  }

  private check(): void {
    if (!this.api.isLive(this.name, this.uid))
      throw new ScenarioStopped(`Job ${this.name} is being deleted`);
  }
}

function condition(
  type: string,
  status: 'True' | 'False',
  reason?: string,
  message?: string,
): NonNullable<NonNullable<IPod['status']>['conditions']>[number] {
  return {
    type,
    status,
    lastTransitionTime: now(),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}
