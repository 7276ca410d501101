// Policies the schemas cannot express, asserted on each overlay as `kustomize build` renders it
// (scripts/check/k8s.sh runs it):
//   - every container (init and sidecar containers included) runs as a non-root user, on a read-only
//     root filesystem, without privilege escalation, with every capability dropped, under the
//     RuntimeDefault seccomp profile, and has CPU and memory requests and limits;
//   - each app's Deployment probes /health/live (liveness) and /health/ready (readiness) on its HTTP
//     port, and has a PodDisruptionBudget;
//   - a default-deny NetworkPolicy covers every pod, both directions;
//   - the trainer-controller's RBAC is a namespaced Role with exactly what its Kubernetes job runner
//     calls, bound to its service account only, and no cluster-wide RBAC exists;
//   - the training Jobs the controller starts match the cluster: its TRAINER_K8S_IMAGE is the
//     template's image, its service account and work volume exist;
//   - no placeholder of the base is left for an overlay to fill.
//
//   node scripts/k8s/check-policies.mjs <name>=<rendered.yaml>...
import fs from 'node:fs';
import { loadAll } from 'js-yaml';

const APPS = ['gateway', 'inference', 'registry', 'drift', 'trainer-controller'];
const PLACEHOLDERS = ['PROJECT_ID', 'so-ENV-', 'set-by-overlay', 'REGION:INSTANCE'];
// What apps/trainer-controller/src/jobs/kubernetes-job-runner.ts calls: create/read/watch/delete
// Jobs, list and read their pods, read the pods' logs.
const TRAINER_RBAC = {
  'batch/jobs': ['create', 'delete', 'get', 'list', 'watch'],
  '/pods': ['get', 'list'],
  '/pods/log': ['get'],
};

function podSpecs(object) {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return [object.spec.template.spec];
    case 'CronJob':
      return [object.spec.jobTemplate.spec.template.spec];
    case 'Pod':
      return [object.spec];
    default:
      return [];
  }
}

function checkContainers(object, spec, fail) {
  const pod = spec.securityContext ?? {};
  const containers = [
    ...(spec.initContainers ?? []).map((c) => ['init container', c]),
    ...(spec.containers ?? []).map((c) => ['container', c]),
  ];
  for (const [role, c] of containers) {
    const sc = c.securityContext ?? {};
    const where = `${role} ${c.name}`;
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) fail(`${where}: runAsNonRoot is not true`);
    const uid = sc.runAsUser ?? pod.runAsUser;
    if (!(uid > 0)) fail(`${where}: no non-zero runAsUser (the images' user is 10001)`);
    if (sc.readOnlyRootFilesystem !== true) fail(`${where}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false)
      fail(`${where}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) fail(`${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(`${where}: capabilities not dropped`);
    if (sc.capabilities?.add?.length) fail(`${where}: adds capabilities ${sc.capabilities.add}`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault') fail(`${where}: seccompProfile is not RuntimeDefault`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (!c.resources?.[kind]?.[resource]) fail(`${where}: no ${resource} ${kind}`);
      }
    }
  }
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) fail('uses the host namespaces');
  if ((spec.volumes ?? []).some((v) => v.hostPath)) fail('mounts a hostPath');
}

function probePath(probe) {
  return probe?.httpGet?.path;
}

function checkApp(object, fail) {
  const spec = object.spec.template.spec;
  const app = spec.containers.find((c) => (c.ports ?? []).some((p) => p.name === 'http'));
  if (!app) return fail('no container with an `http` port');
  if (probePath(app.livenessProbe) !== '/health/live')
    fail(`container ${app.name}: livenessProbe is not GET /health/live`);
  if (probePath(app.readinessProbe) !== '/health/ready')
    fail(`container ${app.name}: readinessProbe is not GET /health/ready`);
  for (const probe of [app.livenessProbe, app.readinessProbe]) {
    if (probe?.httpGet && probe.httpGet.port !== 'http')
      fail(`container ${app.name}: a probe is not on the http port`);
  }
  if (!(spec.topologySpreadConstraints ?? []).length) fail('no topologySpreadConstraints');
}

function matches(selector, labels) {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

function checkOverlay(name, objects) {
  const failures = [];
  const fail = (object) => (message) =>
    failures.push(`${name}: ${object.kind}/${object.metadata?.name}: ${message}`);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const find = (kind, objectName) => byKind(kind).find((o) => o.metadata.name === objectName);

  const text = JSON.stringify(objects);
  for (const placeholder of PLACEHOLDERS) {
    if (text.includes(placeholder))
      failures.push(`${name}: the placeholder "${placeholder}" is left for the overlay to set`);
  }

  for (const object of objects) {
    for (const spec of podSpecs(object)) checkContainers(object, spec, fail(object));
  }

  const deployments = byKind('Deployment');
  for (const app of APPS) {
    const mine = deployments.filter(
      (d) => d.spec.template.metadata.labels?.['sentimentops.io/app'] === app,
    );
    if (mine.length === 0) failures.push(`${name}: no Deployment for the app ${app}`);
    for (const d of mine) {
      checkApp(d, fail(d));
      const labels = d.spec.template.metadata.labels;
      if (!byKind('PodDisruptionBudget').some((p) => matches(p.spec.selector, labels)))
        fail(d)('no PodDisruptionBudget selects its pods');
    }
  }

  const denyAll = byKind('NetworkPolicy').find(
    (p) =>
      Object.keys(p.spec.podSelector ?? {}).length === 0 &&
      ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes ?? []).includes(t)) &&
      !p.spec.ingress?.length &&
      !p.spec.egress?.length,
  );
  if (!denyAll)
    failures.push(
      `${name}: no default-deny NetworkPolicy (every pod, Ingress and Egress, no rule)`,
    );

  for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
    for (const o of byKind(kind)) fail(o)('cluster-wide RBAC: the platform needs none');
  }
  const controller = deployments.find((d) => d.metadata.name === 'trainer-controller');
  const account = controller?.spec.template.spec.serviceAccountName;
  const bindings = byKind('RoleBinding').filter((b) =>
    (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === account),
  );
  if (!controller || !account || bindings.length !== 1) {
    failures.push(
      `${name}: the trainer-controller's service account needs exactly one RoleBinding`,
    );
  }
  for (const binding of bindings) {
    const role = binding.roleRef.kind === 'Role' && find('Role', binding.roleRef.name);
    if (!role) {
      fail(binding)('does not bind a Role of this namespace');
      continue;
    }
    if (!role.metadata.namespace) fail(role)('has no namespace');
    if (binding.subjects.length !== 1) fail(binding)('binds more than the trainer-controller');
    const granted = {};
    for (const rule of role.rules ?? []) {
      if (rule.resourceNames?.length || rule.nonResourceURLs?.length)
        fail(role)('rules by resource name or URL are not expected');
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          const key = `${group}/${resource}`;
          granted[key] = [...new Set([...(granted[key] ?? []), ...(rule.verbs ?? [])])].sort();
        }
      }
    }
    for (const [key, verbs] of Object.entries(granted)) {
      const needed = TRAINER_RBAC[key];
      const extra = verbs.filter((v) => !needed?.includes(v));
      if (extra.length)
        fail(role)(`grants ${extra.join(', ')} on ${key}, which the runner does not call`);
    }
    for (const [key, verbs] of Object.entries(TRAINER_RBAC)) {
      const missing = verbs.filter((v) => !(granted[key] ?? []).includes(v));
      if (missing.length)
        fail(role)(`lacks ${missing.join(', ')} on ${key}, which the runner calls`);
    }
  }

  if (controller) {
    const container = controller.spec.template.spec.containers.find(
      (c) => c.name === 'trainer-controller',
    );
    const env = {};
    for (const from of container.envFrom ?? []) {
      Object.assign(env, find('ConfigMap', from.configMapRef?.name)?.data ?? {});
    }
    for (const e of container.env ?? []) if ('value' in e) env[e.name] = e.value;
    const template = find('CronJob', 'training-job-template');
    const job = template?.spec.jobTemplate.spec.template.spec;
    const f = fail(controller);
    if (!job) f('no training Job template (CronJob training-job-template)');
    else {
      if (env.TRAINER_K8S_IMAGE !== job.containers[0].image)
        f(
          `TRAINER_K8S_IMAGE ${env.TRAINER_K8S_IMAGE} is not the template's ${job.containers[0].image}`,
        );
      if (job.serviceAccountName !== env.TRAINER_K8S_SERVICE_ACCOUNT)
        f('the template runs as another service account than TRAINER_K8S_SERVICE_ACCOUNT');
    }
    if (env.TRAINER_JOB_RUNNER !== 'kubernetes') f('TRAINER_JOB_RUNNER is not kubernetes');
    if (!find('ServiceAccount', env.TRAINER_K8S_SERVICE_ACCOUNT))
      f(`no ServiceAccount ${env.TRAINER_K8S_SERVICE_ACCOUNT} (TRAINER_K8S_SERVICE_ACCOUNT)`);
    if (!find('PersistentVolumeClaim', env.TRAINER_K8S_WORK_CLAIM))
      f(`no PersistentVolumeClaim ${env.TRAINER_K8S_WORK_CLAIM} (TRAINER_K8S_WORK_CLAIM)`);
  }
  return failures;
}

const args = process.argv.slice(2);
if (args.length === 0 || args.some((a) => !a.includes('='))) {
  console.error('usage: check-policies.mjs <name>=<rendered.yaml>...');
  process.exit(2);
}
const failures = [];
for (const arg of args) {
  const [name, file] = arg.split(/=(.*)/s);
  const objects = loadAll(fs.readFileSync(file, 'utf8')).filter(Boolean);
  const found = checkOverlay(name, objects);
  failures.push(...found);
  console.log(
    `${name}: ${objects.length} objects, ${found.length ? `${found.length} policy failure(s)` : 'policies hold'}`,
  );
}
for (const failure of failures) console.error(`policy: ${failure}`);
process.exitCode = failures.length ? 1 : 0;
