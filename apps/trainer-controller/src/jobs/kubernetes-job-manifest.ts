/**
 * The batch/v1 Job that runs one pipeline step in a cluster, as a pure function of the step's
 * JobSpec and the runner's settings, so that what is sent to the API server can be read and
 * validated without one.
 *
 * Choices a reader may ask about:
 * - The container keeps the image's ENTRYPOINT (`python -m sentimentops_train`, training/Dockerfile)
 *   and gets the step's CLI arguments as `args`.
 * - backoffLimit 0 and restartPolicy Never: a failed step is retried by the pipeline, which knows
 *   whether a retry makes sense; Kubernetes would blindly rerun a bad config.
 * - The run's work dir: the PVC in `workVolume` is mounted whole at its `mountPath`, and the step's
 *   workDir must lie under it (steps of a run share that folder: the dataset that `ingest` writes is
 *   what `train` reads). Without a `workVolume` the workDir is an emptyDir: scratch space only, the
 *   step must then write its outputs to object storage.
 * - The root filesystem is read-only; writable emptyDirs cover what the CLI writes outside the work
 *   dir: /tmp, the image's cache dir (HF_HOME is /opt/sentimentops/.cache/huggingface) and /dev/shm
 *   (PyTorch's DataLoader workers pass batches through shared memory; a container gets 64Mi).
 * - Workload Identity: the pod runs as the Kubernetes service account that is bound to a Google
 *   service account; the Kubernetes API token is not mounted (the step never calls the API server,
 *   GKE's metadata server authenticates it to Google APIs).
 */
import type {
  V1Container,
  V1EnvVar,
  V1Job,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { JobSpec } from './job-runner.js';

export const TRAINING_APP_NAME = 'sentimentops-training';
export const TRAINER_CONTAINER = 'trainer';
export const LABELS = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  runId: 'sentimentops.io/run-id',
  step: 'sentimentops.io/step',
} as const;
/** Label values are limited (63 characters of [A-Za-z0-9._-]); these annotations keep the originals. */
export const ANNOTATIONS = {
  runId: 'sentimentops.io/run-id',
  step: 'sentimentops.io/step',
  workDir: 'sentimentops.io/work-dir',
} as const;

/** GKE labels each GPU node with its accelerator type; the GPU pool's nodes carry this taint. */
export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';
export const GPU_RESOURCE = 'nvidia.com/gpu';
/** Set by GKE on nodes that run the metadata server Workload Identity needs. */
export const GKE_METADATA_SERVER_LABEL = 'iam.gke.io/gke-metadata-server-enabled';

export interface KubernetesJobResources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

export interface KubernetesJobSettings {
  namespace: string;
  /** The training image (training/Dockerfile), by digest or tag. */
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** The Workload Identity Kubernetes service account the pod runs as. */
  serviceAccountName: string;
  gpu?: {
    /** The `cloud.google.com/gke-accelerator` value of the GPU pool (default `nvidia-l4`). */
    accelerator?: string;
    /** Replaces the accelerator selector, for a pool labelled otherwise. */
    nodeSelector?: Record<string, string>;
    /** Default: tolerate GKE's `nvidia.com/gpu` NoSchedule taint on GPU nodes. */
    tolerations?: V1Toleration[];
  };
  /** Where steps without a GPU run (default: anywhere). */
  cpuNodeSelector?: Record<string, string>;
  /** Select nodes with GKE's metadata server, which Workload Identity needs (default true). */
  requireGkeMetadataServer?: boolean;
  /** cpu/memory of the trainer container; `nvidia.com/gpu` is added from the spec's `gpus`. */
  resources?: KubernetesJobResources;
  /** Finished Jobs (and their pods' logs) are deleted this long after they end (default 3600). */
  ttlSecondsAfterFinished?: number;
  /** Pod failures Kubernetes retries before failing the Job (default 0: the pipeline retries). */
  backoffLimit?: number;
  /** The training image's UID and GID (default 10001, training/Dockerfile's `trainer`). */
  runAsUser?: number;
  runAsGroup?: number;
  /** Default true; emptyDirs make /tmp, `cacheDir` and /dev/shm writable. */
  readOnlyRootFilesystem?: boolean;
  /** The image's cache folder (HF_HOME's parent); an emptyDir (default /opt/sentimentops/.cache). */
  cacheDir?: string;
  /** The run folders' volume: a PVC mounted at `mountPath`, under which every workDir lies. */
  workVolume?: { claimName: string; mountPath: string };
  /** Size limit of the shared-memory emptyDir at /dev/shm (default 2Gi). */
  shmSizeLimit?: string;
  terminationGracePeriodSeconds?: number;
  priorityClassName?: string;
  /**
   * Environment of every step (the controller's MLflow settings, say): a local job inherits the
   * controller's environment, a pod does not. The step's own `env` wins on a name both set.
   */
  env?: Record<string, string>;
}

/** A step on the GPU pool (one g2-standard-8 node per step: 8 vCPU, 32 GB, one L4). */
export const DEFAULT_RESOURCES: Required<KubernetesJobResources> = {
  requests: { cpu: '4', memory: '16Gi' },
  limits: { cpu: '8', memory: '16Gi' },
};
/**
 * A step without GPU (collect, dataset, validate, evaluate) on the system pool, whose e2-standard-4
 * nodes offer about 3.9 CPU and 13 GiB to pods: the GPU step's requests would never schedule there.
 */
export const DEFAULT_CPU_RESOURCES: Required<KubernetesJobResources> = {
  requests: { cpu: '1', memory: '4Gi' },
  limits: { cpu: '3', memory: '8Gi' },
};
export const DEFAULT_GPU_ACCELERATOR = 'nvidia-l4';
const DEFAULT_UID = 10001;
const DEFAULT_CACHE_DIR = '/opt/sentimentops/.cache';

/**
 * The Job's name: `train-<first 8 of runId>-<step>-<hash>`, a DNS-1123 label (63 characters at
 * most, as the `batch.kubernetes.io/job-name` label Kubernetes puts on the pods must fit). The hash
 * of the exact (runId, step) keeps two runs whose ids share a prefix, or steps that sanitise alike,
 * apart; the same pair always gives the same name, which makes `start` idempotent.
 */
export function kubernetesJobName(runId: string, step: string): string {
  if (!runId || !step) throw new Error('a job needs a runId and a step');
  const hash = createHash('sha256').update(`${runId}\0${step}`).digest('hex').slice(0, 10);
  const run = dnsLabelPart(runId).slice(0, 8) || 'run';
  const stepPart = dnsLabelPart(step).slice(0, 30) || 'step';
  return `train-${run}-${stepPart}-${hash}`.replace(/-+/g, '-');
}

/** A label value for any string: [A-Za-z0-9._-], 63 characters, alphanumeric at both ends. */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The labels that select the step's Job (and, via the pod template, its pods). */
export function kubernetesJobLabels(runId: string, step: string): Record<string, string> {
  return {
    [LABELS.name]: TRAINING_APP_NAME,
    [LABELS.component]: 'training-job',
    [LABELS.managedBy]: 'sentimentops-trainer-controller',
    [LABELS.runId]: labelValue(runId),
    [LABELS.step]: labelValue(step),
  };
}

export function buildKubernetesJob(spec: JobSpec, settings: KubernetesJobSettings): V1Job {
  const gpus = spec.gpus ?? 0;
  if (!Number.isInteger(gpus) || gpus < 0) throw new Error(`gpus must be a whole number: ${gpus}`);
  if (!(spec.timeoutSeconds > 0)) throw new Error('timeoutSeconds must be positive');
  const uid = settings.runAsUser ?? DEFAULT_UID;
  const gid = settings.runAsGroup ?? uid;
  const labels = kubernetesJobLabels(spec.runId, spec.step);
  const { volumes, mounts } = volumesFor(spec, settings);

  const container: V1Container = {
    name: TRAINER_CONTAINER,
    image: settings.image,
    imagePullPolicy: settings.imagePullPolicy ?? 'IfNotPresent',
    args: [...spec.args],
    env: envFor({ ...settings.env, ...spec.env }),
    resources: resourcesFor(
      settings.resources ?? (gpus > 0 ? DEFAULT_RESOURCES : DEFAULT_CPU_RESOURCES),
      gpus,
    ),
    volumeMounts: mounts,
    // On failure the log's tail becomes the termination message: the reason survives the pod's logs.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: gid,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: settings.readOnlyRootFilesystem ?? true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };

  const nodeSelector = nodeSelectorFor(gpus, settings);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: kubernetesJobName(spec.runId, spec.step),
      namespace: settings.namespace,
      labels,
      annotations: {
        [ANNOTATIONS.runId]: spec.runId,
        [ANNOTATIONS.step]: spec.step,
        [ANNOTATIONS.workDir]: spec.workDir,
      },
    },
    spec: {
      backoffLimit: settings.backoffLimit ?? 0,
      completions: 1,
      parallelism: 1,
      activeDeadlineSeconds: Math.ceil(spec.timeoutSeconds),
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished ?? 3600,
      template: {
        metadata: {
          labels,
          // A training step is not restartable mid-way: scale-down must not evict it.
          annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
        },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: settings.serviceAccountName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds ?? 30,
          ...(settings.priorityClassName ? { priorityClassName: settings.priorityClassName } : {}),
          ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
          ...(gpus > 0 ? { tolerations: gpuTolerations(settings) } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: uid,
            runAsGroup: gid,
            // Volumes (the PVC included) are group-writable by the image's user.
            fsGroup: gid,
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container],
          volumes,
        },
      },
    },
  };
}

function dnsLabelPart(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function envFor(env: Record<string, string> | undefined): V1EnvVar[] {
  return Object.keys(env ?? {})
    .sort()
    .map((name) => ({ name, value: env![name] }));
}

function resourcesFor(resources: KubernetesJobResources, gpus: number) {
  const limits: Record<string, string> = { ...definedOnly(resources.limits) };
  if (gpus > 0) limits[GPU_RESOURCE] = String(gpus);
  return { requests: definedOnly(resources.requests), limits };
}

function definedOnly(values: Record<string, string | undefined> | undefined) {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {}))
    if (value !== undefined) out[key] = value;
  return out;
}

function nodeSelectorFor(gpus: number, settings: KubernetesJobSettings): Record<string, string> {
  const selector: Record<string, string> = {
    ...(gpus > 0
      ? (settings.gpu?.nodeSelector ?? {
          [GKE_ACCELERATOR_LABEL]: settings.gpu?.accelerator ?? DEFAULT_GPU_ACCELERATOR,
        })
      : settings.cpuNodeSelector),
  };
  if (settings.requireGkeMetadataServer ?? true) selector[GKE_METADATA_SERVER_LABEL] = 'true';
  return selector;
}

function gpuTolerations(settings: KubernetesJobSettings): V1Toleration[] {
  return (
    settings.gpu?.tolerations ?? [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }]
  );
}

function volumesFor(spec: JobSpec, settings: KubernetesJobSettings) {
  const workDir = posix.normalize(spec.workDir);
  if (!posix.isAbsolute(workDir)) throw new Error(`workDir must be absolute: ${spec.workDir}`);
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const work = settings.workVolume;
  if (work) {
    const root = posix.normalize(work.mountPath);
    const relative = posix.relative(root, workDir);
    if (relative.startsWith('..') || posix.isAbsolute(relative)) {
      throw new Error(`workDir ${spec.workDir} is not under the work volume's ${work.mountPath}`);
    }
    volumes.push({ name: 'work', persistentVolumeClaim: { claimName: work.claimName } });
    mounts.push({ name: 'work', mountPath: root });
  } else {
    volumes.push({ name: 'work', emptyDir: {} });
    mounts.push({ name: 'work', mountPath: workDir });
  }
  volumes.push(
    { name: 'tmp', emptyDir: {} },
    { name: 'cache', emptyDir: {} },
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: settings.shmSizeLimit ?? '2Gi' } },
  );
  mounts.push(
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'cache', mountPath: settings.cacheDir ?? DEFAULT_CACHE_DIR },
    { name: 'dshm', mountPath: '/dev/shm' },
  );
  return { volumes, mounts };
}
