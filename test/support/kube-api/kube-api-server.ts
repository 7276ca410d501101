/**
 * A recorded Kubernetes API server: a node:http server that answers the Job and Pod endpoints the
 * way kube-apiserver does, so that KubernetesJobRunner is tested through the real
 * @kubernetes/client-node (its KubeConfig, bearer-token auth, request factories, serializer, Watch
 * and Log) over HTTP, not against a mocked client. What the cluster does between requests (the Job
 * controller creating a pod, the kubelet running it and writing its log, the garbage collector
 * removing it) is played by a scripted scenario (job-scenario.ts), one per test.
 *
 * Implemented, with the API server's semantics:
 * - POST   /apis/batch/v1/namespaces/{ns}/jobs: 201 with the defaulted Job (uid, resourceVersion,
 *   controller-uid/job-name labels, selector, defaults, `status: {}`); 409 AlreadyExists; 422
 *   Invalid when the body fails the OpenAPI schema (kubernetes-models) or the Job validation rules
 *   in api-objects.ts; a `Warning` header for each "restricted" Pod Security violation.
 * - GET    .../jobs/{name}, .../pods/{name}: the object, or 404 NotFound.
 * - GET    .../jobs, .../pods with labelSelector/fieldSelector: a JobList/PodList whose items carry
 *   no kind/apiVersion (as in the real lists) and whose metadata.resourceVersion is the revision.
 * - GET    ...?watch=true: a chunked stream of newline-delimited `{"type","object"}` events
 *   (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR). resourceVersion unset or "0": synthetic ADDED
 *   events for the current objects, then changes; a resourceVersion: every change after it, then
 *   changes; one older than the last compaction: an ERROR event with a 410 Expired Status.
 *   `timeoutSeconds` ends the stream (after a BOOKMARK when `allowWatchBookmarks`).
 * - GET    /api/v1/namespaces/{ns}/pods/{name}/log: text/plain; 400 BadRequest while the container
 *   waits to start; `timestamps=true` prefixes each line with an RFC 3339 time with nanoseconds
 *   (lines written together share it); `sinceTime` filters by whole seconds; `follow=true` keeps
 *   the response open until the container terminates.
 * - DELETE .../jobs/{name}: `propagationPolicy` Foreground: 200 with the Job, now carrying a
 *   deletionTimestamp and the `foregroundDeletion` finalizer, which is removed (DELETED) once its
 *   pods are gone; Background: 200 with a Success Status, the Job DELETED, its pods removed after;
 *   none (the batch/v1 default, Orphan): the Job removed, its pods left. 404 when absent.
 * - Every request must carry `Authorization: Bearer <token>`, else 401.
 *
 * Where the shapes come from (fetched and read while writing this, not invented):
 * - Kubernetes API reference: Job v1 and Pod v1 (kubernetes.io/docs/reference/kubernetes-api/
 *   workload-resources/job-v1, pod-v1), WatchEvent (definitions/watch-event-v1-meta), Status
 *   (common-definitions/status); "API Concepts" (efficient detection of changes, resourceVersion
 *   semantics, 410 Gone, watch bookmarks); "Jobs" (terminal conditions, FailureTarget and
 *   SuccessCriteriaMet since 1.31, the pod labels); garbage collection (foreground deletion).
 * - `kubectl get job -o yaml` output of a 1.31+ cluster kept as a public test fixture: the
 *   server-set labels, selector and defaults, and the status of a complete Job (SuccessCriteriaMet
 *   + Complete, "CompletionsReached", "Reached expected number of succeeded pods") and of a failed
 *   one (FailureTarget + Failed, "BackoffLimitExceeded", "Job has reached the specified backoff
 *   limit"); "DeadlineExceeded", "Job was active longer than specified deadline" from Job events.
 * - The log endpoint's 400 for a starting container, `container "x" in pod "y" is waiting to start:
 *   ContainerCreating`, with its Status body (kubernetes/kubectl#1612, kubernetes/kubernetes#28746,
 *   TangleML/tangle#139); the AlreadyExists Status body as the API server sends it.
 * - @kubernetes/client-node 1.4's own Watch (one JSON event per line) and Log (`follow`,
 *   `timestamps`, `sinceTime` query parameters) implementations.
 *
 * Not modelled: admission webhooks, RBAC, field managers, server-side apply, protobuf, HTTP/2, and
 * the full validation of every field. The scenario, not a controller, decides what happens.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  alreadyExists,
  defaultedJob,
  deleteSuccess,
  invalidJob,
  notFound,
  now,
  restrictedViolations,
  statusFailure,
  type ApiStatus,
  type IJob,
  type IPod,
} from './api-objects.js';
import { JobController, ScenarioStopped, type JobScenario } from './job-scenario.js';

type Resource = 'jobs' | 'pods';
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
type ApiObject = IJob | IPod;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status?: number;
}

interface StoredEvent {
  revision: number;
  resource: Resource;
  type: EventType;
  object: ApiObject;
}

interface Watcher {
  resource: Resource;
  matches: (object: ApiObject) => boolean;
  response: http.ServerResponse;
  bookmarks: boolean;
  timer?: NodeJS.Timeout;
}

interface LogFollower {
  pod: string;
  response: http.ServerResponse;
  timestamps: boolean;
}

const CONTAINER_WAITING = (container: string, pod: string, reason: string) =>
  statusFailure(
    400,
    'BadRequest',
    `container "${container}" in pod "${pod}" is waiting to start: ${reason}`,
  );

export class KubeApiServer {
  readonly token = `sentimentops-test-${randomUUID()}`;
  /** Every request, in order, with the status it got. */
  readonly requests: RecordedRequest[] = [];
  /** `Warning` headers sent (Pod Security violations). */
  readonly warnings: string[] = [];
  /** Errors thrown by scenarios (a scenario stopped by the Job's deletion is not one). */
  readonly scenarioErrors: unknown[] = [];
  /** What the cluster does with each Job created through the API. */
  scenario: JobScenario | undefined;
  /** How long the garbage collector takes to act on a deletion. */
  gcDelayMs = 30;
  /** While true, every request gets 503 ServiceUnavailable (see `outage`). */
  unavailable = false;

  private server: http.Server | https.Server | undefined;
  private tls: { key: string; cert: string } | undefined;
  private readonly jobs = new Map<string, IJob>();
  private readonly pods = new Map<string, IPod>();
  private readonly events: StoredEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly logFollowers = new Set<LogFollower>();
  private readonly podLogs = new Map<string, { time: string; text: string }[]>();
  private readonly scenarios = new Set<Promise<void>>();
  private revision = 1000;
  private compactedThrough = 0;
  private lastLogNs = 0n;

  constructor(readonly namespace = 'sentimentops') {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  /**
   * Listens on a free port of 127.0.0.1: over TLS with a certificate made for the run, as an API
   * server does (client-node refuses a bearer token over plain HTTP unless TLS checks are off),
   * or over HTTP with `skipTLSVerify` where openssl is missing.
   */
  async start(): Promise<void> {
    this.tls = selfSignedCertificate();
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) =>
      void this.handle(req, res);
    const server = this.tls ? https.createServer(this.tls, handler) : http.createServer(handler);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const watcher of this.watchers) this.endWatch(watcher);
    for (const follower of this.logFollowers) follower.response.end();
    this.logFollowers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A KubeConfig built from an object, as a caller outside a cluster would: server and token. */
  kubeConfig(token = this.token): KubeConfig {
    const config = new KubeConfig();
    const trust = this.tls
      ? { caData: Buffer.from(this.tls.cert).toString('base64'), skipTLSVerify: false }
      : { skipTLSVerify: true };
    config.loadFromOptions({
      clusters: [{ name: 'recorded', server: this.url, ...trust }],
      users: [{ name: 'trainer-controller', token }],
      contexts: [
        {
          name: 'recorded',
          cluster: 'recorded',
          user: 'trainer-controller',
          namespace: this.namespace,
        },
      ],
      currentContext: 'recorded',
    });
    return config;
  }

  /** Resolves when every scenario started so far has ended. */
  async settled(): Promise<void> {
    while (this.scenarios.size) await Promise.all([...this.scenarios]);
  }

  job(name: string): IJob | undefined {
    const job = this.jobs.get(name);
    return job && structuredClone(job);
  }

  podsOf(jobName: string): IPod[] {
    return [...this.pods.values()]
      .filter((pod) => pod.metadata?.labels?.['batch.kubernetes.io/job-name'] === jobName)
      .map((pod) => structuredClone(pod));
  }

  openStreams(): { watches: number; logs: number } {
    return { watches: this.watchers.size, logs: this.logFollowers.size };
  }

  /** Ends every open watch, as the API server does at its request timeout. */
  closeWatches(): void {
    for (const watcher of this.watchers) this.endWatch(watcher);
  }

  /** Ends every open watch with an ERROR 410 Expired event, as a watcher that fell behind gets. */
  expireWatches(): void {
    for (const watcher of this.watchers) {
      clearTimeout(watcher.timer);
      this.watchers.delete(watcher);
      const message = 'The resourceVersion for the provided watch is too old.';
      watcher.response.end(watchEvent('ERROR', statusFailure(410, 'Expired', message)));
    }
  }

  /** The API server goes away for `ms`: open streams drop, requests get 503, then it is back. */
  async outage(ms: number): Promise<void> {
    this.unavailable = true;
    this.dropLogStreams();
    for (const watcher of this.watchers) {
      this.watchers.delete(watcher);
      watcher.response.destroy();
    }
    await delay(ms);
    this.unavailable = false;
  }

  /** Forgets the history so far: a watch from an older resourceVersion gets 410 Expired. */
  compact(): void {
    this.compactedThrough = this.revision;
  }

  /** Drops every log stream while the containers run, like a lost connection. */
  dropLogStreams(): void {
    for (const follower of this.logFollowers) follower.response.destroy();
    this.logFollowers.clear();
  }

  /** Stores a Job as if someone else had created it (no scenario runs for it). */
  putJob(body: IJob): IJob {
    const job = defaultedJob(body, '0');
    this.commit('jobs', 'ADDED', job);
    return structuredClone(job);
  }

  // --- what the scenario (the cluster's controllers and kubelet) does ---

  isLive(name: string, uid: string): boolean {
    const job = this.jobs.get(name);
    return job?.metadata?.uid === uid && !job.metadata.deletionTimestamp;
  }

  updateJob(name: string, change: (job: IJob) => void): void {
    const job = structuredClone(this.jobs.get(name));
    if (!job) throw new Error(`no Job ${name}`);
    change(job);
    this.commit('jobs', 'MODIFIED', job);
  }

  addPod(pod: IPod): void {
    this.podLogs.set(pod.metadata!.name!, []);
    this.commit('pods', 'ADDED', pod);
  }

  updatePod(name: string, change: (pod: IPod) => void): IPod {
    const pod = structuredClone(this.pods.get(name));
    if (!pod) throw new Error(`no pod ${name}`);
    change(pod);
    this.commit('pods', 'MODIFIED', pod);
    return pod;
  }

  deletePod(name: string): void {
    const pod = this.pods.get(name);
    if (pod) this.commit('pods', 'DELETED', structuredClone(pod));
    this.endLogs(name);
  }

  /** Lines the container wrote (stdout and stderr alike reach the pod log), one timestamp. */
  appendLog(pod: string, lines: string[]): void {
    const time = this.nextLogTime();
    const log = this.podLogs.get(pod) ?? [];
    this.podLogs.set(pod, log);
    for (const text of lines) {
      log.push({ time, text });
      for (const follower of this.logFollowers) {
        if (follower.pod === pod) follower.response.write(logLine(time, text, follower.timestamps));
      }
    }
  }

  /**
   * A terminated pod stays (its job-tracking finalizer) until the Job controller has counted it;
   * here, until a client has read it since it terminated, or `maxMs` passed. Without this the
   * tests would depend on who wins a race of a few milliseconds; a cluster gives more time.
   */
  lingerTerminated(pod: string, maxMs = 1000): Promise<void> {
    const path = `/api/v1/namespaces/${this.namespace}/pods/${pod}`;
    return this.nextRequest((r) => r.method === 'GET' && r.path === path, maxMs);
  }

  /** Resolves at the next request that matches (after this call), or after `maxMs`. */
  async nextRequest(matches: (request: RecordedRequest) => boolean, maxMs = 2000): Promise<void> {
    const since = this.requests.length;
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && !this.requests.slice(since).some(matches)) await delay(5);
  }

  /** The container ended: its followed logs end. */
  endLogs(pod: string): void {
    for (const follower of this.logFollowers) {
      if (follower.pod !== pod) continue;
      follower.response.end();
      this.logFollowers.delete(follower);
    }
  }

  // --- HTTP ---

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const raw = await readBody(req);
      if (raw) record.body = parseJson(raw);
      if (this.unavailable) {
        const message = 'the API server is unavailable: its control plane is being upgraded';
        return reply(503, statusFailure(503, 'ServiceUnavailable', message));
      }
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        return reply(401, statusFailure(401, 'Unauthorized', 'Unauthorized'));
      }
      const route = matchRoute(url.pathname);
      if (!route) {
        const message = 'the server could not find the requested resource';
        return reply(404, statusFailure(404, 'NotFound', message));
      }
      if (route.namespace !== this.namespace) {
        return reply(404, notFound('namespaces', route.namespace));
      }
      const query = record.query;
      const method = record.method;
      if (route.kind === 'collection' && method === 'GET') {
        if (query.watch === 'true' || query.watch === '1') {
          record.status = 200;
          return this.watch(route.resource, query, res);
        }
        return reply(200, this.list(route.resource, query));
      }
      if (route.kind === 'collection' && method === 'POST' && route.resource === 'jobs') {
        const [status, body, headers] = this.createJob(record.body);
        return reply(status, body, headers);
      }
      if (route.kind === 'item' && method === 'GET') {
        const object = (route.resource === 'jobs' ? this.jobs : this.pods).get(route.name);
        const resourceName = route.resource === 'jobs' ? 'jobs.batch' : 'pods';
        return object ? reply(200, object) : reply(404, notFound(resourceName, route.name));
      }
      if (route.kind === 'item' && method === 'DELETE' && route.resource === 'jobs') {
        const options = record.body as { propagationPolicy?: string } | undefined;
        const policy = query.propagationPolicy ?? options?.propagationPolicy;
        const [status, body] = this.deleteJob(route.name, policy);
        return reply(status, body);
      }
      if (route.kind === 'log' && method === 'GET') {
        const refusal = this.log(route.name, query, res);
        if (refusal) return reply(refusal.code!, refusal);
        record.status = 200;
        return;
      }
      reply(405, statusFailure(405, 'MethodNotAllowed', `the server does not allow this method`));
    } catch (error) {
      if (!res.headersSent) reply(500, statusFailure(500, 'InternalError', String(error)));
    }
  }

  private createJob(body: unknown): [number, IJob | ApiStatus, http.OutgoingHttpHeaders] {
    const invalid = invalidJob(body, this.namespace);
    if (invalid) return [422, invalid, {}];
    const name = (body as IJob).metadata!.name!;
    if (this.jobs.has(name)) return [409, alreadyExists('jobs.batch', name), {}];
    const job = defaultedJob(body as IJob, '0');
    const violations = restrictedViolations(job);
    const headers: http.OutgoingHttpHeaders = {};
    if (violations.length) {
      const warning = `would violate PodSecurity "restricted:latest": ${violations.join(', ')}`;
      this.warnings.push(warning);
      headers.Warning = `299 - ${JSON.stringify(warning)}`;
    }
    this.commit('jobs', 'ADDED', job);
    const scenario = this.scenario;
    if (scenario) {
      const controller = new JobController(this, name, job.metadata!.uid!);
      const run = scenario(controller)
        .catch((error: unknown) => {
          if (!(error instanceof ScenarioStopped)) this.scenarioErrors.push(error);
        })
        .finally(() => this.scenarios.delete(run));
      this.scenarios.add(run);
    }
    return [201, job, headers];
  }

  private deleteJob(name: string, policy: string | undefined): [number, IJob | ApiStatus] {
    const job = this.jobs.get(name);
    if (!job) return [404, notFound('jobs.batch', name)];
    const uid = job.metadata!.uid!;
    if (job.metadata!.deletionTimestamp) return [200, job];
    if (policy === 'Foreground') {
      const deleting = structuredClone(job);
      deleting.metadata!.deletionTimestamp = now();
      deleting.metadata!.deletionGracePeriodSeconds = 0;
      deleting.metadata!.finalizers = [
        ...(deleting.metadata!.finalizers ?? []),
        'foregroundDeletion',
      ];
      this.commit('jobs', 'MODIFIED', deleting);
      void delay(this.gcDelayMs)
        .then(() => this.removePodsOf(uid))
        .then(() => {
          const current = this.jobs.get(name);
          if (current?.metadata?.uid === uid)
            this.commit('jobs', 'DELETED', structuredClone(current));
        });
      return [200, structuredClone(deleting)];
    }
    this.commit('jobs', 'DELETED', structuredClone(job));
    if (policy === 'Background') void delay(this.gcDelayMs).then(() => this.removePodsOf(uid));
    return [200, deleteSuccess(name, uid)];
  }

  /**
   * The garbage collector deletes the Job's pods: the kubelet stops each running container
   * (SIGTERM: exit 143), the pod stays until its job-tracking finalizer is removed, then goes.
   */
  private async removePodsOf(jobUid: string): Promise<void> {
    const owned = [...this.pods.values()].filter(
      (pod) => pod.metadata?.ownerReferences?.[0]?.uid === jobUid,
    );
    for (const pod of owned) {
      const name = pod.metadata!.name!;
      const running = pod.status?.containerStatuses?.[0]?.state?.running;
      this.updatePod(name, (p) => {
        p.metadata!.deletionTimestamp = now();
        p.metadata!.deletionGracePeriodSeconds = 30;
        if (!running) return;
        const status = p.status!.containerStatuses![0];
        status.state = {
          terminated: {
            exitCode: 143,
            reason: 'Error',
            startedAt: running.startedAt,
            finishedAt: now(),
          },
        };
        status.ready = false;
        status.started = false;
        p.status!.phase = 'Failed';
      });
      this.endLogs(name);
    }
    await Promise.all(owned.map((pod) => this.lingerTerminated(pod.metadata!.name!)));
    for (const pod of owned) this.deletePod(pod.metadata!.name!);
  }

  private list(resource: Resource, query: Record<string, string>) {
    const matches = selectorMatcher(query);
    const objects = [...(resource === 'jobs' ? this.jobs : this.pods).values()].filter(matches);
    return {
      kind: resource === 'jobs' ? 'JobList' : 'PodList',
      apiVersion: resource === 'jobs' ? 'batch/v1' : 'v1',
      metadata: { resourceVersion: String(this.revision) },
      items: objects.map(withoutTypeMeta),
    };
  }

  private watch(resource: Resource, query: Record<string, string>, res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const watcher: Watcher = {
      resource,
      matches: selectorMatcher(query),
      response: res,
      bookmarks: query.allowWatchBookmarks === 'true',
    };
    const from = query.resourceVersion;
    if (from && from !== '0' && Number(from) < this.compactedThrough) {
      const message = `too old resource version: ${from} (${this.compactedThrough})`;
      res.end(watchEvent('ERROR', statusFailure(410, 'Expired', message)));
      return;
    }
    if (!from || from === '0') {
      const current = [...(resource === 'jobs' ? this.jobs : this.pods).values()];
      for (const object of current.filter(watcher.matches)) res.write(watchEvent('ADDED', object));
    } else {
      for (const event of this.events) {
        if (
          event.revision > Number(from) &&
          event.resource === resource &&
          watcher.matches(event.object)
        ) {
          res.write(watchEvent(event.type, event.object));
        }
      }
    }
    this.watchers.add(watcher);
    const timeout = Number(query.timeoutSeconds);
    if (timeout > 0) watcher.timer = setTimeout(() => this.endWatch(watcher), timeout * 1000);
    res.on('close', () => {
      clearTimeout(watcher.timer);
      this.watchers.delete(watcher);
    });
  }

  private endWatch(watcher: Watcher): void {
    clearTimeout(watcher.timer);
    this.watchers.delete(watcher);
    if (watcher.bookmarks) {
      const kind = watcher.resource === 'jobs' ? 'Job' : 'Pod';
      const apiVersion = watcher.resource === 'jobs' ? 'batch/v1' : 'v1';
      const metadata = { resourceVersion: String(this.revision) };
      watcher.response.write(watchEvent('BOOKMARK', { kind, apiVersion, metadata }));
    }
    watcher.response.end();
  }

  private log(podName: string, query: Record<string, string>, res: http.ServerResponse) {
    const pod = this.pods.get(podName);
    if (!pod) return notFound('pods', podName);
    const container = query.container ?? pod.spec!.containers[0].name;
    const status = pod.status?.containerStatuses?.find((c) => c.name === container);
    if (!pod.spec!.containers.some((c) => c.name === container)) {
      return statusFailure(
        400,
        'BadRequest',
        `container ${container} is not valid for pod ${podName}`,
      );
    }
    if (!status?.state?.running && !status?.state?.terminated) {
      const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
      return CONTAINER_WAITING(container, podName, reason);
    }
    const timestamps = query.timestamps === 'true';
    const since = query.sinceTime?.slice(0, 19);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    for (const { time, text } of this.podLogs.get(podName) ?? []) {
      if (!since || time.slice(0, 19) >= since) res.write(logLine(time, text, timestamps));
    }
    if (query.follow === 'true' && status.state.running) {
      const follower = { pod: podName, response: res, timestamps };
      this.logFollowers.add(follower);
      res.on('close', () => this.logFollowers.delete(follower));
    } else {
      res.end();
    }
    return undefined;
  }

  private commit(resource: Resource, type: EventType, object: ApiObject): void {
    this.revision += 1;
    object.metadata!.resourceVersion = String(this.revision);
    const store = (resource === 'jobs' ? this.jobs : this.pods) as Map<string, ApiObject>;
    if (type === 'DELETED') store.delete(object.metadata!.name!);
    else store.set(object.metadata!.name!, object);
    const event = { revision: this.revision, resource, type, object: structuredClone(object) };
    this.events.push(event);
    for (const watcher of this.watchers) {
      if (watcher.resource === resource && watcher.matches(event.object)) {
        watcher.response.write(watchEvent(type, event.object));
      }
    }
  }

  /** RFC 3339 with nine fraction digits, as the kubelet writes log timestamps; never decreasing. */
  private nextLogTime(): string {
    const ns = BigInt(Date.now()) * 1_000_000n;
    this.lastLogNs = ns > this.lastLogNs ? ns : this.lastLogNs + 1000n;
    const seconds = new Date(Number(this.lastLogNs / 1_000_000n)).toISOString().slice(0, 19);
    return `${seconds}.${String(this.lastLogNs % 1_000_000_000n).padStart(9, '0')}Z`;
  }
}

type Route =
  | { kind: 'collection'; resource: Resource; namespace: string }
  | { kind: 'item'; resource: Resource; namespace: string; name: string }
  | { kind: 'log'; resource: 'pods'; namespace: string; name: string };

function matchRoute(path: string): Route | undefined {
  const m =
    /^\/(?:apis\/batch\/v1\/namespaces\/([^/]+)\/(jobs)|api\/v1\/namespaces\/([^/]+)\/(pods))(?:\/([^/]+)(\/log)?)?$/.exec(
      path,
    );
  if (!m) return undefined;
  const namespace = decodeURIComponent(m[1] ?? m[3]);
  const resource = (m[2] ?? m[4]) as Resource;
  const name = m[5] && decodeURIComponent(m[5]);
  if (m[6]) return resource === 'pods' ? { kind: 'log', resource, namespace, name } : undefined;
  return name
    ? { kind: 'item', resource, namespace, name }
    : { kind: 'collection', resource, namespace };
}

/** labelSelector (`k=v`, `k==v`, `k!=v`, `k`, `!k`) and fieldSelector (`metadata.name`, `metadata.namespace`). */
function selectorMatcher(query: Record<string, string>): (object: ApiObject) => boolean {
  const labels = (query.labelSelector ?? '').split(',').filter(Boolean);
  const fields = (query.fieldSelector ?? '').split(',').filter(Boolean);
  return (object) => {
    const have = object.metadata?.labels ?? {};
    const labelsMatch = labels.every((requirement) => {
      const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(\S*)\s*$/.exec(requirement);
      if (m) return m[2] === '!=' ? have[m[1]] !== m[3] : have[m[1]] === m[3];
      const key = requirement.trim();
      return key.startsWith('!') ? !(key.slice(1) in have) : key in have;
    });
    const fieldsMatch = fields.every((requirement) => {
      const [field, value] = requirement.split('=');
      if (field === 'metadata.name') return object.metadata?.name === value;
      if (field === 'metadata.namespace') return object.metadata?.namespace === value;
      return false;
    });
    return labelsMatch && fieldsMatch;
  };
}

/** List items carry no kind/apiVersion: the list's own say what they are. */
function withoutTypeMeta(object: ApiObject): Partial<ApiObject> {
  const item: Partial<ApiObject> = { ...object };
  delete item.kind;
  delete item.apiVersion;
  return item;
}

/** A key and certificate for 127.0.0.1, made with openssl; undefined where openssl is missing. */
function selfSignedCertificate(): { key: string; cert: string } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-api-tls-'));
  try {
    // prettier-ignore
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=kube-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function watchEvent(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

function logLine(time: string, text: string, timestamps: boolean): string {
  return timestamps ? `${time} ${text}\n` : `${text}\n`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
