// What the Kubernetes API server returns and checks for batch/v1 Jobs and v1 Pods, for the
// recorded API server in kube-api-server.ts (where the sources of these shapes are listed).
// Objects are typed with kubernetes-models' interfaces: the API's JSON, times as RFC 3339 strings.
import { randomUUID } from 'node:crypto';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';

export type { IJob, IPod };

/** metav1.Status: the body of every API error, and of a DELETE that removed the object at once. */
export interface ApiStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason: string; message: string; field: string }[];
  };
  code?: number;
}

export function statusFailure(
  code: number,
  reason: string,
  message: string,
  details?: ApiStatus['details'],
): ApiStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `resource` as the API names it in messages: `jobs.batch`, `pods`. */
export function notFound(resource: string, name: string): ApiStatus {
  return statusFailure(404, 'NotFound', `${resource} "${name}" not found`, details(resource, name));
}

export function alreadyExists(resource: string, name: string): ApiStatus {
  return statusFailure(
    409,
    'AlreadyExists',
    `${resource} "${name}" already exists`,
    details(resource, name),
  );
}

function details(resource: string, name: string): ApiStatus['details'] {
  const [kind, group] = resource.split('.');
  return group ? { name, group, kind } : { name, kind };
}

export function deleteSuccess(name: string, uid: string): ApiStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, group: 'batch', kind: 'jobs', uid },
  };
}

/** Times as the API writes them: RFC 3339, whole seconds, UTC. */
export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * What the API server adds to a created Job: uid, generation, the controller-uid/job-name labels
 * (Kubernetes 1.27+ sets both the `batch.kubernetes.io/` and the legacy names), the selector, the
 * defaults of batch/v1 and of the pod template, and an empty status.
 */
export function defaultedJob(body: IJob, resourceVersion: string): IJob {
  const job = structuredClone(body);
  const uid = randomUUID();
  const metadata = job.metadata!;
  const name = metadata.name!;
  const controllerLabels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  job.metadata = {
    ...metadata,
    uid,
    resourceVersion,
    generation: 1,
    creationTimestamp: now(),
    labels: { ...metadata.labels, ...controllerLabels },
  };
  const spec = job.spec!;
  const template = spec.template;
  job.spec = {
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    completions: 1,
    manualSelector: false,
    parallelism: 1,
    podReplacementPolicy: 'TerminatingOrFailed',
    suspend: false,
    ...spec,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    template: {
      metadata: {
        ...template.metadata,
        labels: { ...template.metadata?.labels, ...controllerLabels },
      },
      spec: {
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
        securityContext: {},
        ...template.spec!,
        containers: template.spec!.containers.map((container) => ({
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: container.image?.endsWith(':latest') ? 'Always' : 'IfNotPresent',
          resources: {},
          ...container,
        })),
      },
    },
  };
  job.status = {};
  return job;
}

/** The pod the Job controller makes from the template: `<job>-<5 random>`, owned by the Job. */
export function podFor(job: IJob, nodeName: string): IPod {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 5);
  const { name, namespace, uid } = job.metadata!;
  const template = job.spec!.template;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: `${name}-${suffix}`,
      generateName: `${name}-`,
      namespace,
      uid: randomUUID(),
      creationTimestamp: now(),
      labels: template.metadata?.labels,
      annotations: template.metadata?.annotations,
      finalizers: ['batch.kubernetes.io/job-tracking'],
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: name!,
          uid: uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...structuredClone(template.spec!), nodeName },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

/**
 * The API server's 422 Invalid for a Job it would refuse, or undefined. The schema part is
 * kubernetes-models' validation against the official OpenAPI schema; the rest are the checks of
 * the API server's Job and pod template validation that a Job like ours could trip.
 */
export function invalidJob(body: unknown, namespace: string): ApiStatus | undefined {
  const job = body as IJob;
  const name = job?.metadata?.name ?? '';
  const causes: { field: string; message: string }[] = [];
  try {
    new Job(job).validate();
  } catch (error) {
    causes.push({ field: '<schema>', message: (error as Error).message });
    return invalid(name, causes);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": a DNS-1123 label` });
  }
  if (job.metadata?.namespace && job.metadata.namespace !== namespace) {
    causes.push({
      field: 'metadata.namespace',
      message:
        'the namespace of the provided object does not match the namespace sent on the request',
    });
  }
  for (const [key, value] of Object.entries(job.metadata?.labels ?? {})) {
    if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value) || value.length > 63) {
      causes.push({ field: `metadata.labels[${key}]`, message: `Invalid value: "${value}"` });
    }
  }
  const pod = job.spec!.template.spec!;
  if (!['Never', 'OnFailure'].includes(pod.restartPolicy ?? 'Always')) {
    causes.push({
      field: 'spec.template.spec.restartPolicy',
      message: `Unsupported value: "${pod.restartPolicy}": supported values: "OnFailure", "Never"`,
    });
  }
  const minimum = { activeDeadlineSeconds: 1, ttlSecondsAfterFinished: 0, backoffLimit: 0 };
  for (const [field, min] of Object.entries(minimum)) {
    const value = job.spec![field as keyof typeof minimum];
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      causes.push({ field: `spec.${field}`, message: `Invalid value: ${value}` });
    }
  }
  const volumes = new Set((pod.volumes ?? []).map((volume) => volume.name));
  pod.containers.forEach((container, i) => {
    const at = `spec.template.spec.containers[${i}]`;
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) {
        causes.push({ field: `${at}.volumeMounts.name`, message: `Not found: "${mount.name}"` });
      }
    }
    const { requests = {}, limits = {} } = container.resources ?? {};
    const gpu = limits['nvidia.com/gpu'] ?? requests['nvidia.com/gpu'];
    if (gpu !== undefined && !/^\d+$/.test(String(gpu))) {
      causes.push({ field: `${at}.resources`, message: 'nvidia.com/gpu must be an integer' });
    }
    const requested = requests['nvidia.com/gpu'];
    if (requested !== undefined && String(requested) !== String(gpu)) {
      causes.push({ field: `${at}.resources.requests`, message: 'must be equal to the limit' });
    }
  });
  return causes.length ? invalid(name, causes) : undefined;
}

function invalid(name: string, causes: { field: string; message: string }[]): ApiStatus {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return statusFailure(422, 'Invalid', `Job.batch "${name}" is invalid: ${summary}`, {
    name,
    group: 'batch',
    kind: 'Job',
    causes: causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })),
  });
}

/**
 * What the "restricted" Pod Security Standard finds wrong in the pod template. The API server
 * sends these as a `Warning` header on a Job (and refuses its pods) in a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted`.
 */
export function restrictedViolations(job: IJob): string[] {
  const pod = job.spec?.template.spec;
  if (!pod) return ['no pod template'];
  const violations: string[] = [];
  const allowedVolumes = [
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'persistentVolumeClaim',
    'projected',
    'secret',
  ];
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!type || !allowedVolumes.includes(type)) {
      violations.push(`restricted volume types (volume "${volume.name}" uses ${type})`);
    }
  }
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) violations.push('host namespaces');
  const podContext = pod.securityContext ?? {};
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    const name = `container "${container.name}"`;
    if (context.privileged) violations.push(`privileged (${name})`);
    if (context.allowPrivilegeEscalation !== false) {
      violations.push(`allowPrivilegeEscalation != false (${name})`);
    }
    if (!context.capabilities?.drop?.includes('ALL')) {
      violations.push(`unrestricted capabilities (${name})`);
    }
    if (context.capabilities?.add?.some((c) => c !== 'NET_BIND_SERVICE')) {
      violations.push(`capabilities added (${name})`);
    }
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) {
      violations.push(`runAsNonRoot != true (${name})`);
    }
    if ((context.runAsUser ?? podContext.runAsUser) === 0) violations.push(`runAsUser=0 (${name})`);
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      violations.push(`seccompProfile (${name})`);
    }
  }
  return violations;
}
