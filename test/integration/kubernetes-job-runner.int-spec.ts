// KubernetesJobRunner through the real @kubernetes/client-node, over HTTP, against a recorded
// Kubernetes API server (test/support/kube-api: its header says what it implements and where the
// shapes come from). Each test scripts what the cluster does with the Job it creates.
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import type { JobProgress, JobSpec } from '../../apps/trainer-controller/src/jobs/job-runner.js';
import {
  buildKubernetesJob,
  type KubernetesJobSettings,
} from '../../apps/trainer-controller/src/jobs/kubernetes-job-manifest.js';
import {
  KubernetesApiError,
  KubernetesJobRunner,
} from '../../apps/trainer-controller/src/jobs/kubernetes-job-runner.js';
import { KubeApiServer } from '../support/kube-api/kube-api-server.js';

const settings: KubernetesJobSettings = {
  namespace: 'sentimentops',
  image: 'europe-west4-docker.pkg.dev/sentimentops/images/train:1.4.0',
  serviceAccountName: 'sentimentops-training',
  gpu: { accelerator: 'nvidia-l4' },
  workVolume: { claimName: 'sentimentops-runs', mountPath: '/var/sentimentops/runs' },
};
const timing = {
  pollIntervalMs: 25,
  logDrainMs: 3000,
  cancelTimeoutMs: 5000,
  watchTimeoutSeconds: 30,
};

let runs = 0;
function trainSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  const runId = `${(++runs).toString(16).padStart(8, '0')}-5b7e-4c1d-9f0a-3e2d1c0b9a87`;
  return {
    runId,
    step: 'train',
    args: ['train', '--config', 'training/configs/distilbert-base.yaml', '--json'],
    workDir: `/var/sentimentops/runs/${runId}`,
    env: { MLFLOW_TRACKING_URI: 'http://mlflow:5000' },
    gpus: 1,
    timeoutSeconds: 3600,
    ...overrides,
  };
}

const PROGRESS_1 =
  '[10:00:05] epoch 1/2 step 10/20 (total 10/40) loss 0.6931 lr 5.00e-05 4.00 steps/s eta 7s';
const PROGRESS_2 =
  '[10:00:10] epoch 2/2 step 20/20 (total 40/40) loss 0.2100 lr 0.00e+00 4.10 steps/s eta 0s';

describe('KubernetesJobRunner against a recorded Kubernetes API server', () => {
  const api = new KubeApiServer('sentimentops');
  let runner: KubernetesJobRunner;
  /** The requests about one Job: on it, its pods (named after it), or watching it by name. */
  const requestsFor = (job: string) =>
    api.requests.filter(
      (r) => r.path.includes(`/${job}`) || r.query.fieldSelector?.endsWith(`=${job}`),
    );

  beforeAll(() => api.start());
  afterAll(() => api.stop());

  beforeEach(() => {
    api.scenario = undefined;
    runner = new KubernetesJobRunner(api.kubeConfig(), settings, timing);
  });

  afterEach(async () => {
    await api.settled();
    expect(api.scenarioErrors).toEqual([]);
    // The manifest passes the "restricted" Pod Security Standard: no warning came back.
    expect(api.warnings).toEqual([]);
  });

  /** Follows a job, collecting what the runner passes on. */
  async function follow(handle: Awaited<ReturnType<KubernetesJobRunner['start']>>) {
    const lines: string[] = [];
    const progress: JobProgress[] = [];
    const result = await runner.wait(handle, {
      onLog: (line) => lines.push(line),
      onProgress: (p) => progress.push(p),
    });
    return { result, lines, progress };
  }

  it('creates the Job, follows its pod log from start to end, and returns the CLI summary', async () => {
    const summary = { command: 'train', ok: true, model_dir: 'model', metrics: { accuracy: 0.91 } };
    api.scenario = async (job) => {
      await job.sleep(20);
      job.createPod(); // ContainerCreating: the log is not readable yet
      await job.sleep(80);
      job.startContainer();
      await job.sleep(30);
      job.log('[10:00:00] loaded 1200 training rows');
      job.log(PROGRESS_1);
      await job.sleep(30);
      job.log(PROGRESS_2, JSON.stringify(summary)); // stderr and stdout, same instant
      await job.sleep(30);
      job.exitContainer(0);
      job.complete();
    };
    const spec = trainSpec();
    const handle = await runner.start(spec);
    expect(handle).toEqual({
      name: expect.stringMatching(/^train-00000001-train-/),
      runId: spec.runId,
      step: 'train',
      workDir: spec.workDir,
    });

    const { result, lines, progress } = await follow(handle);

    expect(result).toEqual({ state: 'succeeded', exitCode: 0, summary });
    expect(lines).toEqual([
      '[10:00:00] loaded 1200 training rows',
      PROGRESS_1,
      PROGRESS_2,
      JSON.stringify(summary),
    ]);
    expect(progress).toEqual([
      expect.objectContaining({
        epoch: 1,
        epochs: 2,
        step: 10,
        totalSteps: 40,
        stepsPerSecond: 4,
        etaSeconds: 7,
      }),
      expect.objectContaining({ epoch: 2, epochs: 2, step: 40, totalSteps: 40, etaSeconds: 0 }),
    ]);

    // What crossed the wire: exactly the built manifest, valid against the Kubernetes schema.
    const requests = requestsFor(handle.name);
    const create = api.requests.find(
      (r) => r.method === 'POST' && (r.body as IJob).metadata?.name === handle.name,
    )!;
    expect(create).toMatchObject({
      path: '/apis/batch/v1/namespaces/sentimentops/jobs',
      status: 201,
    });
    expect(create.body).toEqual(JSON.parse(JSON.stringify(buildKubernetesJob(spec, settings))));
    expect(() => new Job(create.body as IJob).validate()).not.toThrow();
    // The Job was watched by name from a read's resourceVersion; the log followed with timestamps.
    const watch = requests.find((r) => r.query.watch === 'true')!;
    expect(watch.query).toMatchObject({
      fieldSelector: `metadata.name=${handle.name}`,
      resourceVersion: expect.stringMatching(/^\d+$/),
      allowWatchBookmarks: 'true',
    });
    const logs = requests.filter((r) => r.path.endsWith('/log'));
    expect(logs[0]).toMatchObject({
      status: 200,
      query: { container: 'trainer', follow: 'true', timestamps: 'true' },
    });
    expect(api.openStreams()).toEqual({ watches: 0, logs: 0 });
  });

  it('resumes a dropped log stream and an ended or expired watch, losing and repeating no line', async () => {
    const lines: string[] = [];
    const received = (line: string) => waitFor(() => lines.includes(line));
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      await job.sleep(50);
      job.log('line 1', 'line 2', 'line 3'); // one timestamp for three lines
      await received('line 3');
      api.dropLogStreams();
      api.closeWatches(); // the API server's request timeout
      job.log('line 4', 'line 5'); // written while nobody follows
      await received('line 5');
      await waitFor(() => api.openStreams().watches === 1); // the runner watches again
      api.expireWatches(); // ERROR 410 Expired on the open watch
      job.log('line 6');
      await received('line 6');
      job.exitContainer(0);
      job.complete();
    };
    const handle = await runner.start(trainSpec());
    const result = await runner.wait(handle, { onLog: (line) => lines.push(line) });

    expect(result.state).toBe('succeeded');
    expect(lines).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
    const requests = requestsFor(handle.name);
    const follows = requests.filter((r) => r.path.endsWith('/log') && r.status === 200);
    expect(follows.length).toBeGreaterThanOrEqual(2);
    expect(follows[1].query.sinceTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Each ended watch (timeout, then 410 Expired) was followed by a fresh read of the Job.
    const jobPath = `/apis/batch/v1/namespaces/sentimentops/jobs/${handle.name}`;
    expect(requests.filter((r) => r.query.watch === 'true').length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((r) => r.path === jobPath).length).toBeGreaterThanOrEqual(3);
  });

  it('rides out an API server outage mid-run', async () => {
    const lines: string[] = [];
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      await job.sleep(50);
      job.log('before');
      await waitFor(() => lines.includes('before'));
      const down = api.outage(300);
      job.log('during'); // the Job goes on while the API server is away
      await down;
      await job.sleep(100);
      job.log('after');
      job.exitContainer(0);
      job.complete();
    };
    const handle = await runner.start(trainSpec());
    const result = await runner.wait(handle, { onLog: (line) => lines.push(line) });

    expect(result.state).toBe('succeeded');
    expect(lines).toEqual(['before', 'during', 'after']);
    expect(requestsFor(handle.name).some((r) => r.status === 503)).toBe(true);
  });

  it('fails with the deadline as the reason when activeDeadlineSeconds passes', async () => {
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      await job.sleep(50);
      job.log(PROGRESS_1);
      await job.sleep(50);
      await job.exceedDeadline();
    };
    const { result, progress } = await follow(
      await runner.start(trainSpec({ timeoutSeconds: 60 })),
    );

    expect(progress).toHaveLength(1);
    expect(result).toEqual({
      state: 'failed',
      exitCode: 143,
      reason:
        'DeadlineExceeded: Job was active longer than specified deadline; container exited with code 143',
    });
  });

  it('names an out-of-memory kill and the backoff limit', async () => {
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      await job.sleep(50);
      job.log(PROGRESS_1);
      job.exitContainer(137, 'OOMKilled');
      job.fail('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    };
    const { result } = await follow(await runner.start(trainSpec()));

    expect(result).toEqual({
      state: 'failed',
      exitCode: 137,
      reason:
        'BackoffLimitExceeded: Job has reached the specified backoff limit; ' +
        'container OOMKilled (exit code 137): raise the memory limit',
    });
  });

  it("reports the CLI's own error from its JSON summary", async () => {
    const failure = {
      command: 'train',
      ok: false,
      error: { type: 'ConfigError', message: 'train.epochs must be positive' },
    };
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      await job.sleep(50);
      job.log('error: train.epochs must be positive', JSON.stringify(failure));
      job.exitContainer(1, 'Error', 'error: train.epochs must be positive');
      job.fail('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    };
    const { result } = await follow(await runner.start(trainSpec()));

    expect(result).toMatchObject({ state: 'failed', exitCode: 1, summary: failure });
    expect(result.reason).toBe(
      'BackoffLimitExceeded: Job has reached the specified backoff limit; ' +
        'container exited with code 1; ConfigError: train.epochs must be positive',
    );
  });

  it('says why a pod never ran: its image could not be pulled', async () => {
    api.scenario = async (job) => {
      job.createPod();
      await job.sleep(50);
      api.updatePod(job.pod!, (pod) => {
        pod.status!.containerStatuses![0].state = {
          waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "train:1.4.0"' },
        };
      });
      // The runner lists the pods while it waits for one to start: it sees why this one cannot.
      await api.nextRequest((r) => r.method === 'GET' && r.path.endsWith('/pods'));
      api.deletePod(job.pod!);
      job.fail('DeadlineExceeded', 'Job was active longer than specified deadline');
    };
    const { result, lines } = await follow(await runner.start(trainSpec()));

    expect(lines).toEqual([]);
    expect(result).toEqual({
      state: 'failed',
      reason:
        'DeadlineExceeded: Job was active longer than specified deadline; container never started: ' +
        'ImagePullBackOff: Back-off pulling image "train:1.4.0"',
    });
  });

  it('is idempotent: a second start returns the Job the first one created (409 AlreadyExists)', async () => {
    const spec = trainSpec();
    const first = await runner.start(spec);
    const restarted = new KubernetesJobRunner(api.kubeConfig(), settings, timing);
    const second = await restarted.start(spec);

    expect(second).toEqual(first);
    const posts = api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    expect(posts.slice(-2).map((r) => r.status)).toEqual([201, 409]);
    expect(api.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/apis/batch/v1/namespaces/sentimentops/jobs/${first.name}`,
      status: 200,
    });
    await expect(restarted.find(spec.runId, spec.step)).resolves.toEqual(first);
    await expect(restarted.find(spec.runId, 'evaluate')).resolves.toBeUndefined();
    await runner.cancel(first);
  });

  it('refuses to adopt a Job of the same name that belongs to another run', async () => {
    const spec = trainSpec();
    const foreign = buildKubernetesJob(spec, settings) as unknown as IJob;
    foreign.metadata!.annotations!['sentimentops.io/run-id'] = 'someone-else';
    api.putJob(foreign);

    await expect(runner.start(spec)).rejects.toThrow(/belongs to run someone-else/);
    await expect(runner.find(spec.runId, spec.step)).rejects.toThrow(KubernetesApiError);
    await runner.cancel({ name: foreign.metadata!.name!, runId: 'someone-else', step: 'train' });
  });

  it('cancels mid-run: deletes in the foreground, resolves once the pods are gone', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      await job.sleep(30);
      job.log(PROGRESS_1);
      started();
      for (;;) {
        await job.sleep(20); // training on, until the Job is deleted (sleep throws then)
        job.log('[10:01:00] still training');
      }
    };
    const handle = await runner.start(trainSpec());
    const waiting = follow(handle);
    await running;
    await runner.cancel(handle);

    expect(api.job(handle.name)).toBeUndefined();
    expect(api.podsOf(handle.name)).toEqual([]);
    const del = requestsFor(handle.name).find((r) => r.method === 'DELETE')!;
    expect(del).toMatchObject({ query: { propagationPolicy: 'Foreground' }, status: 200 });
    const { result, lines } = await waiting;
    expect(result).toEqual({
      state: 'cancelled',
      exitCode: 143,
      reason: 'the Job was deleted before it finished',
    });
    expect(lines[0]).toBe(PROGRESS_1);
    // Cancelling what is gone is done.
    await expect(runner.cancel(handle)).resolves.toBeUndefined();
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 404 });
  });

  it('stops following on abort, and leaves the Job running', async () => {
    api.scenario = async (job) => {
      job.createPod();
      job.startContainer();
      for (;;) {
        await job.sleep(20);
        job.log(PROGRESS_1);
      }
    };
    const handle = await runner.start(trainSpec());
    const aborter = new AbortController();
    const lines: string[] = [];
    const waiting = runner.wait(handle, {
      signal: aborter.signal,
      onLog: (line) => {
        lines.push(line);
        if (lines.length === 3) aborter.abort();
      },
    });

    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.job(handle.name)?.metadata?.deletionTimestamp).toBeUndefined();
    expect(api.podsOf(handle.name)[0].status?.phase).toBe('Running');
    await waitFor(() => api.openStreams().watches === 0 && api.openStreams().logs === 0);
    await runner.cancel(handle);
  });

  it('reports a Job that is not there, and an API server that refuses the token', async () => {
    const spec = trainSpec();
    await expect(
      runner.wait({ name: 'train-gone', runId: spec.runId, step: spec.step }),
    ).resolves.toMatchObject({ state: 'failed', reason: expect.stringContaining('not found') });

    const stranger = new KubernetesJobRunner(api.kubeConfig('wrong-token'), settings, timing);
    await expect(stranger.start(spec)).rejects.toMatchObject({
      name: 'KubernetesApiError',
      code: 401,
    });
  });

  it('gets a 422 for a Job the API server would refuse, and says so', async () => {
    const bad = new KubernetesJobRunner(
      api.kubeConfig(),
      { ...settings, backoffLimit: -1 },
      timing,
    );
    await expect(bad.start(trainSpec())).rejects.toThrow(
      /HTTP 422: Job.batch ".*" is invalid: spec.backoffLimit/,
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
