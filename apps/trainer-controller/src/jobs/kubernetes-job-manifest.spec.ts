import type { V1Job } from '@kubernetes/client-node';
// The generated client's serializer: it keeps exactly the fields of the OpenAPI models and drops
// any other, which is what the client would then send.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import type { JobSpec } from './job-runner.js';
import {
  buildKubernetesJob,
  kubernetesJobName,
  labelValue,
  type KubernetesJobSettings,
} from './kubernetes-job-manifest.js';

const settings: KubernetesJobSettings = {
  namespace: 'sentimentops',
  image: 'europe-docker.pkg.dev/proj/sentimentops/train@sha256:' + 'a'.repeat(64),
  serviceAccountName: 'sentimentops-training',
  gpu: { accelerator: 'nvidia-tesla-t4' },
  workVolume: { claimName: 'sentimentops-runs', mountPath: '/var/sentimentops/runs' },
};

const gpuSpec: JobSpec = {
  runId: '4f1c2a9e-7b3d-4c55-9a1e-0d2b3c4d5e6f',
  step: 'train',
  args: ['train', '--config', 'training/configs/distilbert-base.yaml', '--json'],
  workDir: '/var/sentimentops/runs/4f1c2a9e-7b3d-4c55-9a1e-0d2b3c4d5e6f',
  env: { MLFLOW_TRACKING_URI: 'http://mlflow:5000', HF_HUB_OFFLINE: '1' },
  gpus: 1,
  timeoutSeconds: 7200,
};
const cpuSpec: JobSpec = { ...gpuSpec, step: 'validate', args: ['validate', '--json'], gpus: 0 };

/** The Job as the Kubernetes schemas see it: validated by kubernetes-models (ajv over OpenAPI). */
function validate(job: V1Job): void {
  new Job(JSON.parse(JSON.stringify(job)) as IJob).validate();
}

describe('buildKubernetesJob', () => {
  it.each([
    ['GPU', gpuSpec],
    ['CPU', cpuSpec],
  ])(
    'builds a %s Job that the Kubernetes schema accepts, with no field unknown to it',
    (_, spec) => {
      const job = buildKubernetesJob(spec, settings);
      expect(() => validate(job)).not.toThrow();
      expect(ObjectSerializer.serialize(job, 'V1Job', '')).toEqual(job);
    },
  );

  it('proves the validator rejects what the API server would (a bad quantity, a bad type)', () => {
    const job = buildKubernetesJob(gpuSpec, settings);
    const badQuantity = structuredClone(job);
    badQuantity.spec!.template.spec!.containers[0].resources!.limits!.memory = 'sixteen gigs';
    expect(() => validate(badQuantity)).toThrow(/quantity/);
    const badType = structuredClone(job) as unknown as { spec: { backoffLimit: unknown } };
    badType.spec.backoffLimit = 'none';
    expect(() => validate(badType as unknown as V1Job)).toThrow(/backoffLimit/);
    // A misspelt field is no schema error, but the client's serializer would drop it unsent.
    const typo = structuredClone(job) as unknown as { spec: Record<string, unknown> };
    typo.spec.ttlSecondAfterFinished = 60;
    expect(ObjectSerializer.serialize(typo, 'V1Job', '')).not.toEqual(typo);
  });

  it('asks for the GPU pool: nvidia.com/gpu limit, accelerator selector, GPU taint toleration', () => {
    const pod = buildKubernetesJob({ ...gpuSpec, gpus: 2 }, settings).spec!.template.spec!;
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '4', memory: '16Gi' },
      limits: { cpu: '8', memory: '16Gi', 'nvidia.com/gpu': '2' },
    });
    expect(pod.nodeSelector).toEqual({
      'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4',
      'iam.gke.io/gke-metadata-server-enabled': 'true',
    });
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  it('keeps a CPU step off the GPU pool, with requests a system-pool node can meet', () => {
    const pod = buildKubernetesJob(cpuSpec, settings).spec!.template.spec!;
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '1', memory: '4Gi' },
      limits: { cpu: '3', memory: '8Gi' },
    });
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toEqual({ 'iam.gke.io/gke-metadata-server-enabled': 'true' });
  });

  it('sets the Job policy: no Kubernetes retries, the step deadline, a TTL', () => {
    const job = buildKubernetesJob({ ...gpuSpec, timeoutSeconds: 90.5 }, settings);
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      activeDeadlineSeconds: 91,
      ttlSecondsAfterFinished: 3600,
    });
    expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
  });

  it('runs as the image user, non-root, read-only, without privileges', () => {
    const pod = buildKubernetesJob(gpuSpec, settings).spec!.template.spec!;
    expect(pod.serviceAccountName).toBe('sentimentops-training');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('keeps the image entrypoint, passes the args and the env, mounts the work volume', () => {
    const container = buildKubernetesJob(gpuSpec, settings).spec!.template.spec!.containers[0];
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(gpuSpec.args);
    expect(container.env).toEqual([
      { name: 'HF_HUB_OFFLINE', value: '1' },
      { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow:5000' },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'work', mountPath: '/var/sentimentops/runs' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'cache', mountPath: '/opt/sentimentops/.cache' },
      { name: 'dshm', mountPath: '/dev/shm' },
    ]);
    const volumes = buildKubernetesJob(gpuSpec, settings).spec!.template.spec!.volumes!;
    expect(volumes[0]).toEqual({
      name: 'work',
      persistentVolumeClaim: { claimName: 'sentimentops-runs' },
    });
  });

  it("gives every step the runner's environment; the step's own value wins", () => {
    const withEnv = {
      ...settings,
      env: {
        MLFLOW_TRACKING_URI: 'http://mlflow.sentimentops:5000',
        MLFLOW_EXPERIMENT_NAME: 'prod',
      },
    };
    const env = buildKubernetesJob(cpuSpec, withEnv).spec!.template.spec!.containers[0].env;
    expect(env).toEqual([
      { name: 'HF_HUB_OFFLINE', value: '1' },
      { name: 'MLFLOW_EXPERIMENT_NAME', value: 'prod' },
      { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow:5000' },
    ]);
    const noStepEnv: JobSpec = { ...cpuSpec };
    delete noStepEnv.env;
    expect(buildKubernetesJob(noStepEnv, withEnv).spec!.template.spec!.containers[0].env).toEqual([
      { name: 'MLFLOW_EXPERIMENT_NAME', value: 'prod' },
      { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.sentimentops:5000' },
    ]);
  });

  it('refuses a workDir outside the work volume; without one, the workDir is scratch space', () => {
    expect(() => buildKubernetesJob({ ...gpuSpec, workDir: '/elsewhere/run' }, settings)).toThrow(
      /not under the work volume/,
    );
    expect(() =>
      buildKubernetesJob({ ...gpuSpec, workDir: '/var/sentimentops/runs/../x' }, settings),
    ).toThrow(/not under/);
    const scratch = buildKubernetesJob(gpuSpec, { ...settings, workVolume: undefined });
    expect(scratch.spec!.template.spec!.volumes![0]).toEqual({ name: 'work', emptyDir: {} });
    expect(scratch.spec!.template.spec!.containers[0].volumeMounts![0].mountPath).toBe(
      gpuSpec.workDir,
    );
  });

  it('labels the Job and its pods; annotations keep the exact run id and step', () => {
    const job = buildKubernetesJob({ ...gpuSpec, runId: 'run/2024 #7' }, settings);
    expect(job.metadata!.labels).toMatchObject({
      'app.kubernetes.io/name': 'sentimentops-training',
      'sentimentops.io/run-id': 'run-2024-7',
      'sentimentops.io/step': 'train',
    });
    expect(job.spec!.template.metadata!.labels).toEqual(job.metadata!.labels);
    expect(job.metadata!.annotations!['sentimentops.io/run-id']).toBe('run/2024 #7');
  });

  it('does not change the settings it was given', () => {
    const gpu = { nodeSelector: { pool: 'gpu' } };
    buildKubernetesJob(gpuSpec, { ...settings, gpu });
    expect(gpu.nodeSelector).toEqual({ pool: 'gpu' });
  });
});

describe('kubernetesJobName', () => {
  const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

  it('is deterministic, DNS-safe and unique per (runId, step)', () => {
    const name = kubernetesJobName(gpuSpec.runId, 'train');
    expect(name).toMatch(/^train-4f1c2a9e-train-[0-9a-f]{10}$/);
    expect(kubernetesJobName(gpuSpec.runId, 'train')).toBe(name);
    expect(kubernetesJobName(gpuSpec.runId, 'evaluate')).not.toBe(name);
    // Same first 8 characters, another run.
    expect(kubernetesJobName('4f1c2a9e-ffff', 'train')).not.toBe(name);
    // Steps that sanitise alike stay apart.
    expect(kubernetesJobName('r', 'Train_1')).not.toBe(kubernetesJobName('r', 'train-1'));
  });

  it.each([
    ['odd characters', 'UPPER/case run', 'Fine Tune!'],
    ['long ids', 'x'.repeat(200), 'y'.repeat(200)],
    ['nothing usable', '---', '___'],
  ])('gives a DNS-1123 label of 63 characters at most (%s)', (_, runId, step) => {
    const name = kubernetesJobName(runId, step);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(dns1123Label);
  });

  it('makes label values valid', () => {
    expect(labelValue('-a b/c-')).toBe('a-b-c');
    expect(labelValue('z'.repeat(80))).toHaveLength(63);
  });
});
