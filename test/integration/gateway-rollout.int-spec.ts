// The gateway's side of a canary rollout on a real NATS (JetStream): the gateway app as main.ts
// starts it, two stand-in inference tracks answering `inference.predict.v1.champion` and
// `.challenger` as inference does (Nest's reply packets), and the test playing the
// trainer-controller: it publishes `rollout.changed.v1` and reads the gateway's `rollout.stats.v1`.
// Clients are split by the weight, sticky keys stay on one track, a challenger that stops serving
// costs no request, and the statistics count exactly what the tracks answered.
import { type INestApplication } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  connect,
  type Msg,
  type NatsConnection as Nc,
  type Subscription,
} from '@nats-io/transport-node';
import { loadConfig } from '@sentimentops/config';
import {
  predictContract,
  type PredictRequest,
  registryContracts,
  RolloutChanged,
  type RolloutChangedV1,
  rolloutContracts,
  RolloutStats,
  type RolloutStatsV1,
  type Track,
} from '@sentimentops/contracts';
import { EventPublisher } from '@sentimentops/messaging';
import { bootstrap } from '@sentimentops/service-kit';
import { randomUUID } from 'node:crypto';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { GatewayModule } from '../../apps/gateway/src/gateway.module.js';
import { ChallengerCopies } from '../../apps/gateway/src/rollouts/challenger-copies.js';
import { freePorts } from '../support/ports.js';
import { eventually } from '../support/test-app.js';

const TOKEN = 'it-admin-token-0123456789';
const VERSIONS: Record<Track, string> = { champion: '3', challenger: '4' };

interface NestPacket {
  id: string;
  data: unknown;
}

/**
 * One inference track: answers every batch like inference does, counting batches and texts. The
 * champion calls texts with "good" positive; the challenger calls every text negative, so a
 * mirrored "good" text is a disagreement.
 */
class FakeTrack {
  batches = 0;
  texts = 0;
  private sub?: Subscription;

  constructor(
    private readonly nc: Nc,
    readonly track: Track,
  ) {}

  start() {
    this.sub = this.nc.subscribe(predictContract(this.track).subject, {
      queue: 'inference',
      callback: (_err, msg) => this.answer(msg),
    });
  }

  stop() {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  private answer(msg: Msg) {
    const packet = msg.json<NestPacket>();
    const { texts } = packet.data as PredictRequest;
    this.batches++;
    this.texts += texts.length;
    const predictions = texts.map((text) => {
      const positive = this.track === 'champion' && text.includes('good') ? 0.95 : 0.05;
      return {
        id: randomUUID(),
        label: positive > 0.5 ? 'positive' : 'negative',
        score: Math.max(positive, 1 - positive),
        probabilities: { negative: 1 - positive, positive },
        truncated: false,
      };
    });
    const response = { predictions, model: { name: 'sentiment', version: VERSIONS[this.track] } };
    msg.respond(JSON.stringify({ id: packet.id, response, isDisposed: true }));
  }
}

/** Answers a request subject the way a Nest app would, with a fixed reply. */
function serve(nc: Nc, subject: string, response: unknown): Subscription {
  return nc.subscribe(subject, {
    callback: (_err, msg) => {
      const packet = msg.json<NestPacket>();
      msg.respond(JSON.stringify({ id: packet.id, response, isDisposed: true }));
    },
  });
}

async function startGateway(env: Record<string, string> = {}) {
  const [httpPort, grpcPort] = await freePorts(2);
  const config = loadConfig(GatewayConfig, {
    NATS_URL: process.env.TEST_NATS_URL,
    GATEWAY_HTTP_PORT: String(httpPort),
    GATEWAY_GRPC_PORT: String(grpcPort),
    SENTIMENTOPS_ADMIN_TOKENS: `it:${TOKEN}`,
    GATEWAY_ROLLOUT_STATS_S: '1',
    INSTANCE_ID: `it-gateway-${httpPort}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  const app = await bootstrap(GatewayModule.forRoot(config), config, {
    configure: (a) => {
      (a as NestExpressApplication).useBodyParser('json', { limit: config.GATEWAY_MAX_BODY_BYTES });
    },
  });
  const url = `http://127.0.0.1:${httpPort}`;
  await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 30_000);
  return { app, url, instance: config.INSTANCE_ID! };
}

/** The gateway's instance-scoped consumer of rollout changes exists: what it is sent, it hears. */
async function listening(nc: Nc, instance: string) {
  const jsm = await jetstreamManager(nc);
  await eventually(async () => {
    for await (const c of jsm.consumers.list('ROLLOUTS'))
      if (c.name === `gateway-rollouts_${instance}`) return true;
    return false;
  }, 15_000);
}

async function predict(url: string, text: string, routingKey?: string) {
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(routingKey ? { 'x-sentimentops-routing-key': routingKey } : {}),
    },
    body: JSON.stringify({ text }),
  });
  const body = (await res.json()) as { label: string; model: { version: string } };
  return { status: res.status, version: body.model?.version, label: body.label };
}

/** Sums what a rollout's stats events counted, per track. */
function totals(events: RolloutStatsV1[], rolloutId: string) {
  const sum = {
    champion: 0,
    challenger: 0,
    errors: 0,
    scores: 0,
    latency: 0,
    compared: 0,
    agreed: 0,
  };
  for (const e of events.filter((x) => x.rolloutId === rolloutId)) {
    for (const t of e.tracks) {
      sum[t.track] += t.requests;
      sum.errors += t.errors;
      sum.scores += t.scores.reduce((a, b) => a + b, 0);
      sum.latency += t.latency.reduce((a, b) => a + b, 0);
    }
    sum.compared += e.compared;
    sum.agreed += e.agreed;
  }
  return sum;
}

describe('gateway canary routing and rollout statistics', () => {
  let nc: Nc;
  let champion: FakeTrack;
  let challenger: FakeTrack;
  let stats: RolloutStatsV1[];
  let extra: Subscription[];
  let gateway: { app: INestApplication; url: string; instance: string };
  let revision = 0;

  const change = (rolloutId: string, overrides: Partial<RolloutChangedV1>): RolloutChangedV1 => ({
    rolloutId,
    modelName: 'sentiment',
    version: VERSIONS.challenger,
    championVersion: VERSIONS.champion,
    state: 'progressing',
    mode: 'canary',
    weight: 0,
    mirrorPercent: 0,
    sticky: false,
    revision: ++revision,
    actor: 'rollout',
    occurredAt: new Date().toISOString(),
    ...overrides,
  });

  /** Publishes a change and waits until the gateway routes by it (its weight gauge). */
  async function publish(app: INestApplication, url: string, event: RolloutChangedV1) {
    await app.get(EventPublisher).publish(RolloutChanged, event, { messageId: randomUUID() });
    const active = event.state === 'progressing' || event.state === 'paused';
    const line = new RegExp(
      `^sentimentops_gateway_rollout_weight\\{model="sentiment",version="${event.version}"[^}]*\\} ${event.weight}$`,
      'm',
    );
    await eventually(async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      return active
        ? line.test(metrics)
        : !metrics.includes('sentimentops_gateway_rollout_weight{');
    });
  }

  beforeAll(async () => {
    nc = await connect({ servers: process.env.TEST_NATS_URL });
    champion = new FakeTrack(nc, 'champion');
    challenger = new FakeTrack(nc, 'challenger');
    champion.start();
    challenger.start();
    stats = [];
    nc.subscribe(RolloutStats.subject, {
      callback: (_err, msg) => {
        stats.push(msg.json<RolloutStatsV1>());
      },
    });
    // What the gateway reads at start: no rollout yet, no aliases (no controller, no registry).
    extra = [
      serve(nc, rolloutContracts.current.subject, { rollout: null }),
      serve(nc, registryContracts.listAliases.subject, { aliases: [] }),
    ];
    gateway = await startGateway();
    await listening(nc, gateway.instance);
  }, 60_000);

  afterAll(async () => {
    await gateway?.app.close();
    for (const s of extra ?? []) s.unsubscribe();
    await nc?.drain();
  });

  beforeEach(() => {
    champion.batches = challenger.batches = 0;
    champion.texts = challenger.texts = 0;
  });

  it('splits 200 predictions by the weight and counts each track exactly in its statistics', async () => {
    const id = randomUUID();
    await publish(gateway.app, gateway.url, change(id, { weight: 30, mirrorPercent: 50 }));

    const answered: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const res = await predict(gateway.url, i % 2 === 0 ? 'a good film' : 'a bad film');
      expect(res.status).toBe(200);
      answered[res.version] = (answered[res.version] ?? 0) + 1;
    }
    // The copies are sent after the replies: count once the last has been answered.
    await eventually(() => gateway.app.get(ChallengerCopies).pending() === 0);
    // Binomial(200, 0.3): 60 expected, sd 6.5; the bounds are 4 sd wide.
    expect(answered[VERSIONS.challenger]).toBeGreaterThanOrEqual(34);
    expect(answered[VERSIONS.challenger]).toBeLessThanOrEqual(86);
    expect(answered[VERSIONS.champion] + answered[VERSIONS.challenger]).toBe(200);
    expect(champion.batches).toBe(answered[VERSIONS.champion]);
    // The challenger also scored mirrored copies of about half of the champion's batches.
    const copies = challenger.batches - answered[VERSIONS.challenger];
    expect(copies).toBeGreaterThan(answered[VERSIONS.champion] * 0.25);
    expect(copies).toBeLessThan(answered[VERSIONS.champion] * 0.75);

    await eventually(() => {
      const sum = totals(stats, id);
      return sum.champion === champion.batches && sum.challenger === challenger.batches;
    }, 10_000);
    const sum = totals(stats, id);
    expect(sum.errors).toBe(0);
    expect(sum.latency).toBe(champion.batches + challenger.batches);
    expect(sum.scores).toBe(champion.texts + challenger.texts);
    // Each copy is one text, compared once; the challenger disagrees on the "good" ones only.
    expect(sum.compared).toBe(copies);
    expect(sum.agreed).toBeGreaterThan(0);
    expect(sum.agreed).toBeLessThan(copies);
    const events = stats.filter((e) => e.rolloutId === id);
    expect(new Set(events.map((e) => e.statsId)).size).toBe(events.length);
    expect(events.every((e) => e.gateway === gateway.instance)).toBe(true);
    expect(events.every((e) => e.windowStart < e.windowEnd)).toBe(true);
  }, 60_000);

  it('keeps a sticky routing key on one track, and the champion answers a shadowed batch', async () => {
    const id = randomUUID();
    await publish(gateway.app, gateway.url, change(id, { weight: 50, sticky: true }));
    for (const key of ['user-1', 'user-2', 'user-3', 'user-4']) {
      const versions = new Set<string>();
      for (let i = 0; i < 10; i++) versions.add((await predict(gateway.url, 'good', key)).version);
      expect([key, versions.size]).toEqual([key, 1]);
    }

    await publish(
      gateway.app,
      gateway.url,
      change(id, { mode: 'shadow', weight: 0, mirrorPercent: 100 }),
    );
    for (let i = 0; i < 20; i++)
      expect((await predict(gateway.url, 'good', `user-${i}`)).version).toBe(VERSIONS.champion);
    await eventually(() => challenger.batches >= 20);
  }, 60_000);

  it('fails no request when the challenger stops serving before the gateway hears the rollout ended', async () => {
    const id = randomUUID();
    await publish(gateway.app, gateway.url, change(id, { weight: 100 }));
    expect((await predict(gateway.url, 'good')).version).toBe(VERSIONS.challenger);
    challenger.stop();
    try {
      for (let i = 0; i < 20; i++) {
        const res = await predict(gateway.url, 'good');
        expect([res.status, res.version]).toEqual([200, VERSIONS.champion]);
      }
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      const fallbacks =
        /^sentimentops_gateway_rollout_fallbacks_total\{model="sentiment"[^}]*\} (\d+)$/m;
      expect(Number(fallbacks.exec(metrics)?.[1])).toBeGreaterThanOrEqual(20);

      await publish(gateway.app, gateway.url, change(id, { state: 'promoted', weight: 100 }));
      for (let i = 0; i < 5; i++) expect((await predict(gateway.url, 'good')).status).toBe(200);
    } finally {
      challenger.start();
    }
  }, 60_000);

  it('publishes the last window when it shuts down', async () => {
    // A window far longer than the test: only the shutdown can end it.
    const quiet = await startGateway({ GATEWAY_ROLLOUT_STATS_S: '3600' });
    try {
      await listening(nc, quiet.instance);
      const id = randomUUID();
      await publish(quiet.app, quiet.url, change(id, { weight: 50 }));
      for (let i = 0; i < 12; i++) expect((await predict(quiet.url, 'bad')).status).toBe(200);
    } finally {
      await quiet.app.close();
    }
    await eventually(() => stats.some((e) => e.gateway === quiet.instance), 5_000);
    const last = stats.filter((e) => e.gateway === quiet.instance);
    expect(last).toHaveLength(1);
    expect(last[0].tracks.reduce((n, t) => n + t.requests, 0)).toBe(12);
  }, 60_000);
});
