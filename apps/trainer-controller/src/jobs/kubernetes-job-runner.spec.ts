// The runner's pure parts. Its calls to the Kubernetes API are tested over HTTP against a
// recorded API server: test/integration/kubernetes-job-runner.int-spec.ts.
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { JobProgress } from './job-runner.js';
import {
  finishedCondition,
  jobResult,
  LogCursor,
  summaryOf,
  TrainingLogSink,
} from './kubernetes-job-runner.js';

const condition = (type: string, reason: string, message: string, status = 'True') => ({
  type,
  status,
  reason,
  message,
});
const jobWith = (...conditions: ReturnType<typeof condition>[]): V1Job => ({
  status: { conditions },
});
const podWith = (status: V1Pod['status']): V1Pod => ({ status });
const trainer = (state: object) => ({
  name: 'trainer',
  image: 'train',
  imageID: '',
  ready: false,
  restartCount: 0,
  state,
});

describe('finishedCondition', () => {
  it('is Complete or Failed with status True, not the 1.31 interim conditions', () => {
    const interim = condition('FailureTarget', 'DeadlineExceeded', 'x');
    expect(finishedCondition(jobWith(interim))).toBeUndefined();
    expect(finishedCondition(jobWith(condition('Complete', 'r', 'm', 'False')))).toBeUndefined();
    expect(
      finishedCondition(jobWith(interim, condition('Failed', 'DeadlineExceeded', 'x'))),
    ).toEqual(expect.objectContaining({ type: 'Failed' }));
  });
});

describe('jobResult', () => {
  const complete = jobWith(
    condition(
      'SuccessCriteriaMet',
      'CompletionsReached',
      'Reached expected number of succeeded pods',
    ),
    condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
  );
  const backoff = jobWith(
    condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
  );

  it('succeeds with the exit code and the summary', () => {
    const pod = podWith({ containerStatuses: [trainer({ terminated: { exitCode: 0 } })] });
    expect(jobResult(complete, pod, { command: 'train', ok: true })).toEqual({
      state: 'succeeded',
      exitCode: 0,
      summary: { command: 'train', ok: true },
    });
    expect(jobResult(complete, undefined, undefined)).toEqual({ state: 'succeeded', exitCode: 0 });
  });

  it('names an eviction and a disruption (a preempted GPU node)', () => {
    const pod = podWith({
      reason: 'Evicted',
      message: 'The node was low on resource: ephemeral-storage.',
      conditions: [
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'TerminationByKubelet',
          message: 'Pod was terminated in response to imminent node shutdown.',
        },
      ],
      containerStatuses: [trainer({ terminated: { exitCode: 137, reason: 'Error' } })],
    });
    expect(jobResult(backoff, pod, undefined)).toEqual({
      state: 'failed',
      exitCode: 137,
      reason:
        'BackoffLimitExceeded: Job has reached the specified backoff limit; container exited with code 137; ' +
        'pod disrupted: TerminationByKubelet: Pod was terminated in response to imminent node shutdown.; ' +
        'pod Evicted: The node was low on resource: ephemeral-storage.',
    });
  });

  it('says a pod could not be scheduled (no GPU free in the pool)', () => {
    const deadline = jobWith(
      condition('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'),
    );
    const pod = podWith({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
        },
      ],
    });
    expect(jobResult(deadline, pod, undefined).reason).toBe(
      'DeadlineExceeded: Job was active longer than specified deadline; ' +
        'pod not scheduled: Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
    );
  });

  it("falls back to the termination message's last line when the CLI printed no summary", () => {
    const pod = podWith({
      containerStatuses: [
        trainer({
          terminated: {
            exitCode: 1,
            reason: 'Error',
            message: 'Traceback (most recent call last):\n  ...\nRuntimeError: CUDA error\n',
          },
        }),
      ],
    });
    expect(jobResult(backoff, pod, undefined).reason).toBe(
      'BackoffLimitExceeded: Job has reached the specified backoff limit; container exited with code 1; ' +
        'RuntimeError: CUDA error',
    );
  });

  it('is cancelled when the Job was deleted', () => {
    expect(jobResult('deleted', undefined, undefined)).toEqual({
      state: 'cancelled',
      reason: 'the Job was deleted before it finished',
    });
  });
});

describe('summaryOf', () => {
  it('takes a JSON object with a command field, nothing else', () => {
    expect(summaryOf('{"command":"train","ok":true}')).toEqual({ command: 'train', ok: true });
    expect(summaryOf('  {"command":"train"}  ')).toEqual({ command: 'train' });
    expect(summaryOf('{"ok":true}')).toBeUndefined();
    expect(summaryOf('{"command":1}')).toBeUndefined();
    expect(summaryOf('[{"command":"train"}]')).toBeUndefined();
    expect(summaryOf('{not json}')).toBeUndefined();
    expect(summaryOf('[10:00:00] epoch 1/2')).toBeUndefined();
  });
});

describe('TrainingLogSink', () => {
  it('passes every line on, parses progress, keeps the last summary', () => {
    const lines: string[] = [];
    const progress: JobProgress[] = [];
    const sink = new TrainingLogSink({
      onLog: (l) => lines.push(l),
      onProgress: (p) => progress.push(p),
    });
    sink.line('{"command":"ingest","ok":true}');
    sink.line('[10:00:05] epoch 1/2 step 10/20 (total 10/40) loss 0.69 4.00 steps/s eta 1m7s');
    sink.line('{"command":"train","ok":true}');
    sink.line('a closing log line');
    expect(lines).toHaveLength(4);
    expect(progress).toEqual([
      expect.objectContaining({ epoch: 1, totalSteps: 40, stepsPerSecond: 4, etaSeconds: 67 }),
    ]);
    expect(sink.summary).toEqual({ command: 'train', ok: true });
  });
});

describe('LogCursor', () => {
  const at = (fraction: string, text: string) => `2025-03-01T10:00:05.${fraction}Z ${text}`;

  it('strips the timestamps and asks nothing of a first connection', () => {
    const cursor = new LogCursor();
    expect(cursor.resume()).toBeUndefined();
    expect(cursor.accept(at('000000001', 'one'))).toBe('one');
    expect(cursor.accept(at('5', 'two'))).toBe('two'); // trimmed nanoseconds order right
  });

  it('resumes from the second it stopped in and skips exactly the lines it passed on', () => {
    const cursor = new LogCursor();
    cursor.resume();
    for (const text of ['a', 'b']) cursor.accept(at('100000000', text));
    // Dropped here. Since the second: earlier lines, the two seen, then one unseen at that instant.
    expect(cursor.resume()).toBe('2025-03-01T10:00:05Z');
    const replay = [
      at('000000001', 'earlier'),
      at('100000000', 'a'),
      at('100000000', 'b'),
      at('100000000', 'c'),
      at('200000000', 'd'),
    ];
    expect(replay.map((line) => cursor.accept(line))).toEqual([
      undefined,
      undefined,
      undefined,
      'c',
      'd',
    ]);
  });

  it('passes a line without a timestamp through', () => {
    expect(new LogCursor().accept('unable to retrieve container logs')).toBe(
      'unable to retrieve container logs',
    );
  });
});
