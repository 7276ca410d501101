/**
 * JobRunner on Kubernetes: each pipeline step is a batch/v1 Job (kubernetes-job-manifest.ts) on the
 * GPU pool. The Job's status is the truth about how a step ended; its pod's log is followed on the
 * side for progress and the CLI's `--json` summary, and is best effort: a log that cannot be read
 * never fails a step that Kubernetes reports complete.
 *
 * The KubeConfig comes from the caller: `loadFromCluster()` in the controller's pod (its service
 * account needs create/get/list/watch/delete on jobs, and get/list on pods and pods/log), or
 * `loadFromDefault()` on a workstation.
 */
import {
  BatchV1Api,
  CoreV1Api,
  Log,
  Watch,
  type KubeConfig,
  type V1Job,
  type V1JobCondition,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import {
  JobRunner,
  parseProgress,
  type JobHandle,
  type JobResult,
  type JobSpec,
  type WatchOptions,
} from './job-runner.js';
import {
  ANNOTATIONS,
  buildKubernetesJob,
  kubernetesJobName,
  TRAINER_CONTAINER,
  type KubernetesJobSettings,
} from './kubernetes-job-manifest.js';

export interface KubernetesJobRunnerTiming {
  /** How often pods are listed while a pod starts, and a Job is read while it is being deleted. */
  pollIntervalMs: number;
  /** After the Job ends, how long its pod's log may take to reach its end. */
  logDrainMs: number;
  /** How long `cancel` waits for the Job and its pods to be gone. */
  cancelTimeoutMs: number;
  /** Server-side timeout of one watch request; the runner then watches again. */
  watchTimeoutSeconds: number;
  /** How long `wait` rides out an API server it cannot reach before it gives up. */
  apiOutageToleranceMs: number;
}

const DEFAULT_TIMING: KubernetesJobRunnerTiming = {
  pollIntervalMs: 2000,
  logDrainMs: 10_000,
  cancelTimeoutMs: 120_000,
  watchTimeoutSeconds: 300,
  apiOutageToleranceMs: 600_000,
};

/** A failed call to the Kubernetes API, with its HTTP status and the API's Status message. */
export class KubernetesApiError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubernetesApiError';
  }
}

type JobEnd = V1Job | 'deleted';

export class KubernetesJobRunner extends JobRunner {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;
  private readonly logs: Log;
  private readonly timing: KubernetesJobRunnerTiming;

  constructor(
    kubeConfig: KubeConfig,
    private readonly settings: KubernetesJobSettings,
    timing: Partial<KubernetesJobRunnerTiming> = {},
  ) {
    super();
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.watcher = new Watch(kubeConfig);
    this.logs = new Log(kubeConfig);
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  private get namespace(): string {
    return this.settings.namespace;
  }

  async start(spec: JobSpec): Promise<JobHandle> {
    const body = buildKubernetesJob(spec, this.settings);
    const handle = {
      name: body.metadata!.name!,
      runId: spec.runId,
      step: spec.step,
      workDir: spec.workDir,
    };
    try {
      await this.batch.createNamespacedJob({ namespace: this.namespace, body });
      return handle;
    } catch (error) {
      if (statusCode(error) !== 409) throw apiError(`create Job ${handle.name}`, error);
    }
    // AlreadyExists: a controller that restarted mid-step started it before.
    const existing = await this.readJob(handle.name);
    if (!existing)
      throw new KubernetesApiError(409, `Job ${handle.name} exists and is being removed`);
    assertSameStep(existing, spec.runId, spec.step);
    return handle;
  }

  /** By the deterministic name; the Job's annotations must name the same run and step. */
  async find(runId: string, step: string): Promise<JobHandle | undefined> {
    const name = kubernetesJobName(runId, step);
    const job = await this.readJob(name);
    if (!job) return undefined;
    assertSameStep(job, runId, step);
    return { name, runId, step, workDir: job.metadata?.annotations?.[ANNOTATIONS.workDir] };
  }

  async wait(handle: JobHandle, options: WatchOptions = {}): Promise<JobResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    // One controller stops the Job's watch and the log follower, on the caller's abort or at the end.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const sink = new TrainingLogSink(options);
    try {
      const job = await this.readJob(handle.name);
      if (!job) {
        return {
          state: 'failed',
          reason: `Job ${handle.name} not found: never started, deleted, or removed after it finished (ttlSecondsAfterFinished)`,
        };
      }
      const uid = job.metadata!.uid!;
      const follower = new PodLogFollower(this.core, this.logs, {
        namespace: this.namespace,
        jobUid: uid,
        sink,
        stop: stop.signal,
        pollIntervalMs: this.timing.pollIntervalMs,
      });
      const end = await this.followJob(job, stop.signal);
      follower.finish();
      await Promise.race([follower.done, sleep(this.timing.logDrainMs, stop.signal)]);
      stop.signal.throwIfAborted();
      const pods = await this.listPods(uid).catch(() => []);
      return jobResult(end, newest(pods) ?? follower.lastPod, sink.summary);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  async cancel(handle: JobHandle): Promise<void> {
    try {
      // Foreground: the Job stays (with a deletionTimestamp) until its pods are gone, so "gone"
      // below means the training process has stopped, not only that the Job object was removed.
      await this.batch.deleteNamespacedJob({
        name: handle.name,
        namespace: this.namespace,
        propagationPolicy: 'Foreground',
      });
    } catch (error) {
      if (statusCode(error) === 404) return;
      throw apiError(`delete Job ${handle.name}`, error);
    }
    const deadline = Date.now() + this.timing.cancelTimeoutMs;
    while (await this.readJob(handle.name)) {
      if (Date.now() > deadline) {
        throw new KubernetesApiError(
          undefined,
          `Job ${handle.name} is still being deleted after ${this.timing.cancelTimeoutMs} ms`,
        );
      }
      await sleep(this.timing.pollIntervalMs);
    }
  }

  private async readJob(name: string): Promise<V1Job | undefined> {
    try {
      return await this.batch.readNamespacedJob({ name, namespace: this.namespace });
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw apiError(`read Job ${name}`, error);
    }
  }

  private async listPods(jobUid: string): Promise<V1Pod[]> {
    const list = await this.core.listNamespacedPod({
      namespace: this.namespace,
      labelSelector: `batch.kubernetes.io/controller-uid=${jobUid}`,
    });
    return list.items;
  }

  /**
   * Watches the Job until it is Complete or Failed (or deleted). Each round reads the Job, then
   * watches from that read's resourceVersion, so an event between the two is never missed; when a
   * watch ends (server timeout, 410 Expired, a dropped connection) the next round reads again.
   * An unreachable API server (a zonal control plane being upgraded) is waited out, with backoff,
   * for `apiOutageToleranceMs`; a refusal that will not change (401, 403) fails at once.
   */
  private async followJob(job: V1Job, signal: AbortSignal): Promise<JobEnd> {
    const { name, uid } = job.metadata!;
    let current = job;
    let failures = 0;
    let outageSince: number | undefined;
    for (;;) {
      if (finishedCondition(current)) return current;
      try {
        const startedAt = Date.now();
        const outcome = await this.watchOnce(current, signal);
        if (outcome.kind === 'finished') return outcome.job;
        if (outcome.kind === 'deleted') return 'deleted';
        // A watch that ends at once, again and again, must not spin.
        if (Date.now() - startedAt < 1000) await sleep(this.timing.pollIntervalMs, signal);
        signal.throwIfAborted();
        const fresh = await this.readJob(name!);
        if (!fresh || fresh.metadata?.uid !== uid) return 'deleted';
        current = fresh;
        failures = 0;
        outageSince = undefined;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const failure =
          error instanceof KubernetesApiError ? error : apiError(`watch Job ${name}`, error);
        outageSince ??= Date.now();
        const permanent = failure.code === 401 || failure.code === 403;
        if (permanent || Date.now() - outageSince >= this.timing.apiOutageToleranceMs)
          throw failure;
        await sleep(Math.min(this.timing.pollIntervalMs * 2 ** failures++, 30_000), signal);
      }
    }
  }

  private watchOnce(job: V1Job, signal: AbortSignal): Promise<WatchOutcome> {
    const { name, uid, resourceVersion } = job.metadata!;
    return new Promise<WatchOutcome>((resolve, reject) => {
      let settled = false;
      let request: AbortController | undefined;
      const settle = (outcome: WatchOutcome | Error) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        request?.abort();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = () => settle(asError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      const onEvent = (type: string, object: unknown) => {
        if (type === 'ERROR') {
          const status = object as V1Status;
          // 410 Gone: the resourceVersion is too old to resume from; the next round reads afresh.
          if (status.code === 410) settle({ kind: 'expired' });
          else settle(new KubernetesApiError(status.code, `watch Job ${name}: ${status.message}`));
          return;
        }
        const event = object as V1Job;
        if (event.metadata?.uid !== uid) return; // bookmarks, or a new Job of the same name
        if (type === 'DELETED') settle({ kind: 'deleted' });
        else if ((type === 'ADDED' || type === 'MODIFIED') && finishedCondition(event)) {
          settle({ kind: 'finished', job: event });
        }
      };
      this.watcher
        .watch(
          `/apis/batch/v1/namespaces/${encodeURIComponent(this.namespace)}/jobs`,
          {
            fieldSelector: `metadata.name=${name}`,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.timing.watchTimeoutSeconds,
          },
          onEvent,
          (error: unknown) => settle(error ? asError(error) : { kind: 'closed' }),
        )
        .then(
          (controller) => {
            request = controller;
            if (settled) controller.abort();
          },
          (error: unknown) => settle(asError(error)),
        );
    });
  }
}

type WatchOutcome =
  { kind: 'finished'; job: V1Job } | { kind: 'deleted' } | { kind: 'closed' } | { kind: 'expired' };

/** The Job's terminal condition (Complete or Failed, status True), if it has one. */
export function finishedCondition(job: V1Job): V1JobCondition | undefined {
  return job.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/** How a finished (or deleted) Job ended, in JobRunner's words. */
export function jobResult(
  end: JobEnd,
  pod: V1Pod | undefined,
  summary: Record<string, unknown> | undefined,
): JobResult {
  const status = pod?.status?.containerStatuses?.find((c) => c.name === TRAINER_CONTAINER);
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  const exitCode = terminated?.exitCode;
  const withSummary = summary ? { summary } : {};
  if (end === 'deleted') {
    return {
      state: 'cancelled',
      ...(exitCode === undefined ? {} : { exitCode }),
      ...withSummary,
      reason: 'the Job was deleted before it finished',
    };
  }
  const condition = finishedCondition(end)!;
  if (condition.type === 'Complete') {
    return { state: 'succeeded', exitCode: exitCode ?? 0, ...withSummary };
  }

  const reasons = [describe(condition.reason, condition.message) ?? 'the Job failed'];
  if (terminated) {
    reasons.push(
      terminated.reason === 'OOMKilled'
        ? `container OOMKilled (exit code ${terminated.exitCode}): raise the memory limit`
        : `container exited with code ${terminated.exitCode}` +
            (terminated.reason && terminated.reason !== 'Error' ? ` (${terminated.reason})` : ''),
    );
  } else if (status?.state?.waiting) {
    const { reason, message } = status.state.waiting;
    reasons.push(`container never started: ${describe(reason, message) ?? 'waiting'}`);
  }
  const conditions = pod?.status?.conditions ?? [];
  const disrupted = conditions.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  if (disrupted) reasons.push(`pod disrupted: ${describe(disrupted.reason, disrupted.message)}`);
  const unscheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled && !terminated) {
    reasons.push(`pod not scheduled: ${describe(unscheduled.reason, unscheduled.message)}`);
  }
  if (pod?.status?.reason) reasons.push(`pod ${describe(pod.status.reason, pod.status.message)}`);
  const cliError = cliErrorOf(summary) ?? lastLine(terminated?.message);
  if (cliError) reasons.push(cliError);
  return {
    state: 'failed',
    ...(exitCode === undefined ? {} : { exitCode }),
    ...withSummary,
    reason: reasons.join('; '),
  };
}

function describe(reason: string | undefined, message: string | undefined): string | undefined {
  if (reason && message) return `${reason}: ${message}`;
  return reason ?? message;
}

function cliErrorOf(summary: Record<string, unknown> | undefined): string | undefined {
  if (!summary || summary.ok !== false) return undefined;
  const error = summary.error as { type?: unknown; message?: unknown } | undefined;
  if (typeof error?.message !== 'string') return undefined;
  return typeof error.type === 'string' ? `${error.type}: ${error.message}` : error.message;
}

function lastLine(text: string | undefined): string | undefined {
  return text
    ?.split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1);
}

/** The CLI's `--json` summary if the line is one: a JSON object with a `command` field. */
export function summaryOf(line: string): Record<string, unknown> | undefined {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (
      value &&
      typeof value === 'object' &&
      typeof (value as { command?: unknown }).command === 'string'
    ) {
      return value as Record<string, unknown>;
    }
  } catch {
    // a log line that looks like JSON but is not
  }
  return undefined;
}

/** Where the pod's log lines go: the caller's callbacks, and the last summary line seen. */
export class TrainingLogSink {
  summary: Record<string, unknown> | undefined;

  constructor(private readonly options: Pick<WatchOptions, 'onLog' | 'onProgress'>) {}

  line(text: string): void {
    this.options.onLog?.(text);
    const progress = parseProgress(text);
    if (progress) this.options.onProgress?.(progress);
    this.summary = summaryOf(text) ?? this.summary;
  }
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * Where a pod's log has been read up to, so that a follow that dropped resumes without repeating
 * lines. The log is requested with `timestamps=true` (each line is `<RFC3339Nano> <text>`);
 * `sinceTime` has a resolution of one second, so the lines of the last second seen come again and
 * are skipped by counting those already passed on (several lines can share a timestamp).
 */
export class LogCursor {
  private lastKey = '';
  private countAtLast = 0;
  private skipAtLast = 0;

  /** Starts a connection: the `sinceTime` to ask for, if any line was read before. */
  resume(): string | undefined {
    this.skipAtLast = this.countAtLast;
    return this.lastKey ? `${this.lastKey.slice(0, 19)}Z` : undefined;
  }

  /** The line's text if it is new, undefined if it was passed on before. */
  accept(line: string): string | undefined {
    const space = line.indexOf(' ');
    const match = TIMESTAMP.exec(space < 0 ? line : line.slice(0, space));
    if (!match) return line;
    const text = space < 0 ? '' : line.slice(space + 1);
    const key = `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
    if (key < this.lastKey) return undefined;
    if (key === this.lastKey) {
      if (this.skipAtLast > 0) {
        this.skipAtLast--;
        return undefined;
      }
      this.countAtLast++;
      return text;
    }
    this.lastKey = key;
    this.countAtLast = 1;
    this.skipAtLast = 0;
    return text;
  }
}

interface FollowerOptions {
  namespace: string;
  jobUid: string;
  sink: TrainingLogSink;
  stop: AbortSignal;
  pollIntervalMs: number;
}

/**
 * Follows the log of each pod of a Job, in creation order, until told the Job has finished. A pod
 * whose container has not started yet (the log endpoint answers 400 then) is polled; a follow that
 * ends while the container still runs is resumed from its cursor.
 */
class PodLogFollower {
  readonly done: Promise<void>;
  /** The newest pod seen, for the failure reason when the pods are gone by the end. */
  lastPod: V1Pod | undefined;
  private jobFinished = false;
  private wake = new AbortController();
  private readonly cursors = new Map<string, LogCursor>();

  constructor(
    private readonly core: CoreV1Api,
    private readonly logs: Log,
    private readonly options: FollowerOptions,
  ) {
    this.done = this.run().catch(() => undefined);
  }

  finish(): void {
    this.jobFinished = true;
    this.wake.abort();
  }

  private get stop(): AbortSignal {
    return this.options.stop;
  }

  private async run(): Promise<void> {
    const complete = new Set<string>();
    while (!this.stop.aborted) {
      const pods = await this.listPods();
      const next = pods.find((pod) => !complete.has(pod.metadata!.name!) && hasStarted(pod));
      if (next && (await this.followPod(next))) {
        complete.add(next.metadata!.name!);
        continue;
      }
      if (this.jobFinished) return;
      await this.pause();
    }
  }

  /** True once the pod's log has been read to its end (or the pod is gone). */
  private async followPod(pod: V1Pod): Promise<boolean> {
    const name = pod.metadata!.name!;
    let cursor = this.cursors.get(name);
    if (!cursor) this.cursors.set(name, (cursor = new LogCursor()));
    while (!this.stop.aborted) {
      try {
        await this.streamOnce(name, cursor);
      } catch (error) {
        // 404: the pod is gone. 400: its container is not running yet (or any other refusal).
        return statusCode(error) === 404;
      }
      if (this.stop.aborted) return false;
      let current: V1Pod;
      try {
        current = await this.core.readNamespacedPod({ name, namespace: this.options.namespace });
      } catch (error) {
        return statusCode(error) === 404;
      }
      this.remember([current]);
      if (trainerState(current)?.terminated || this.jobFinished) return true;
      await this.pause(); // the stream dropped while the container runs: resume it
    }
    return false;
  }

  private async streamOnce(pod: string, cursor: LogCursor): Promise<void> {
    const sink = this.options.sink;
    let partial = '';
    let ended!: () => void;
    const finished = new Promise<void>((resolve) => (ended = resolve));
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          const text = cursor.accept(line.replace(/\r$/, ''));
          if (text !== undefined) sink.line(text);
        }
        callback();
      },
      final(callback) {
        const text = partial ? cursor.accept(partial) : undefined;
        if (text !== undefined) sink.line(text);
        callback();
      },
    });
    out.on('finish', () => ended());
    out.on('error', () => ended());
    // client-node pipes the response into `out`; a dropped connection errors the response but
    // does not end `out`, so the source's own end is watched as well.
    out.on('pipe', (source: NodeJS.ReadableStream) => {
      source.once('error', () => ended());
      source.once('close', () => ended());
    });
    const request = await this.logs.log(this.options.namespace, pod, TRAINER_CONTAINER, out, {
      follow: true,
      timestamps: true,
      sinceTime: cursor.resume(),
    });
    const onStop = () => {
      request.abort();
      ended();
    };
    if (this.stop.aborted) onStop();
    this.stop.addEventListener('abort', onStop, { once: true });
    try {
      await finished;
    } finally {
      this.stop.removeEventListener('abort', onStop);
    }
  }

  private async listPods(): Promise<V1Pod[]> {
    try {
      const list = await this.core.listNamespacedPod({
        namespace: this.options.namespace,
        labelSelector: `batch.kubernetes.io/controller-uid=${this.options.jobUid}`,
      });
      const pods = [...list.items].sort((a, b) => created(a) - created(b));
      this.remember(pods);
      return pods;
    } catch {
      return []; // transient: the next round lists again
    }
  }

  private remember(pods: V1Pod[]): void {
    const latest = newest(pods);
    if (latest && (!this.lastPod || created(latest) >= created(this.lastPod)))
      this.lastPod = latest;
  }

  private async pause(): Promise<void> {
    if (this.jobFinished) return;
    this.wake = new AbortController();
    await sleep(this.options.pollIntervalMs, AbortSignal.any([this.stop, this.wake.signal]));
  }
}

function trainerState(pod: V1Pod) {
  return pod.status?.containerStatuses?.find((c) => c.name === TRAINER_CONTAINER)?.state;
}

function hasStarted(pod: V1Pod): boolean {
  const state = trainerState(pod);
  return Boolean(state?.running || state?.terminated);
}

function created(pod: V1Pod): number {
  const at = pod.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

function newest(pods: V1Pod[]): V1Pod | undefined {
  return pods.reduce<V1Pod | undefined>(
    (best, pod) => (!best || created(pod) >= created(best) ? pod : best),
    undefined,
  );
}

function assertSameStep(job: V1Job, runId: string, step: string): void {
  const annotations = job.metadata?.annotations ?? {};
  if (annotations[ANNOTATIONS.runId] !== runId || annotations[ANNOTATIONS.step] !== step) {
    throw new KubernetesApiError(
      409,
      `Job ${job.metadata?.name} belongs to run ${annotations[ANNOTATIONS.runId]} step ` +
        `${annotations[ANNOTATIONS.step]}, not run ${runId} step ${step}`,
    );
  }
}

/** The HTTP status of a failed client-node call (ApiException.code), if it has one. */
function statusCode(error: unknown): number | undefined {
  // ApiException has `code`; Watch's errors for a non-200 answer have `statusCode`.
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function apiError(action: string, error: unknown): KubernetesApiError {
  const code = statusCode(error);
  const body = (error as { body?: unknown } | undefined)?.body;
  let detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (typeof body === 'string') {
    try {
      detail = (JSON.parse(body) as V1Status).message ?? detail;
    } catch {
      // not a Status body
    }
  }
  return new KubernetesApiError(code, `${action}: ${code ? `HTTP ${code}: ` : ''}${detail}`, {
    cause: error,
  });
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** Resolves after `ms`, or at once when the signal aborts (it never rejects). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
