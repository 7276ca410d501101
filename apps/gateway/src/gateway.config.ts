import { EnvInt, EnvPort, ServiceConfig } from '@sentimentops/config';
import { MAX_BATCH_TEXTS } from '@sentimentops/contracts';
import {
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

/**
 * Admin tokens are named: the name is the actor recorded in audit events. Give them as
 * SENTIMENTOPS_ADMIN_TOKENS="alice:<token>,ci:<token>", or one token as SENTIMENTOPS_ADMIN_TOKEN
 * (named by SENTIMENTOPS_ADMIN_TOKEN_NAME, default "admin").
 */
export class GatewayConfig extends ServiceConfig {
  readonly appName = 'gateway';
  get httpPort() {
    return this.GATEWAY_HTTP_PORT;
  }

  @EnvPort()
  GATEWAY_HTTP_PORT = 8080;

  /** gRPC: inference.GRPCInferenceService (OIP v2) and sentimentops.v1.SentimentService. */
  @EnvPort()
  GATEWAY_GRPC_PORT = 8081;

  /** Texts in one prediction request (REST, OIP v2, gRPC); a larger batch is refused. */
  @EnvInt(1, MAX_BATCH_TEXTS)
  GATEWAY_MAX_BATCH = 64;

  /** How long one attempt at a prediction may take; a timeout is retried once. */
  @EnvInt(50, 120_000)
  GATEWAY_PREDICT_TIMEOUT_MS = 5_000;

  /**
   * Hedged predictions: an attempt slower than the p99 of the track's recent answers is sent once
   * more and the first answer wins (predict/hedge-policy.ts), so a replica that dies holding
   * requests costs them about a p99 instead of the timeout. At most this share of requests, in
   * percent, is hedged; 0 turns hedging off (a timeout is then the only retry).
   */
  @EnvInt(0, 100)
  GATEWAY_PREDICT_HEDGE_PERCENT = 10;

  /** The least a hedge waits, in ms, whatever the measured p99 (at most half the timeout). */
  @EnvInt(1, 60_000)
  GATEWAY_PREDICT_HEDGE_MIN_MS = 50;

  /**
   * How long an admin call to the registry may take. Registration reads and hashes a whole model
   * directory, so this is far longer than a prediction's timeout.
   */
  @EnvInt(100, 600_000)
  GATEWAY_REGISTRY_TIMEOUT_MS = 30_000;

  /**
   * How long an admin call to the drift app may take. A check reads a whole window of logged
   * predictions and computes every feature's statistics before it answers.
   */
  @EnvInt(100, 600_000)
  GATEWAY_DRIFT_TIMEOUT_MS = 60_000;

  /**
   * How long an admin call to the trainer-controller may take. Its answers are database reads and
   * writes (a run's training happens after the answer), so this guards against a stuck controller.
   */
  @EnvInt(100, 600_000)
  GATEWAY_PIPELINE_TIMEOUT_MS = 30_000;

  /**
   * How long an admin call about rollouts may take (the trainer-controller answers them). A start
   * or an action is a database write and one event, so this guards against a stuck controller.
   */
  @EnvInt(100, 600_000)
  GATEWAY_ROLLOUT_TIMEOUT_MS = 30_000;

  /**
   * The window of the gateway's own rollout statistics, in seconds: every window, one
   * `rollout.stats.v1` per rollout with traffic in it (what the rollout analysis judges by).
   */
  @EnvInt(1, 3_600)
  GATEWAY_ROLLOUT_STATS_S = 5;

  /** Largest request body, JSON or binary (HTTP 413 / gRPC RESOURCE_EXHAUSTED above it). */
  @EnvInt(1024, 64 * 1024 * 1024)
  GATEWAY_MAX_BODY_BYTES = 1024 * 1024;

  /**
   * Per-client rate limit on predictions (REST, OIP v2, gRPC), in texts a second: a token bucket
   * per client address (see rate-limit/). 0 turns it off (`make up` does, on loopback, where every
   * client is 127.0.0.1).
   */
  @EnvInt(0, 1_000_000)
  GATEWAY_RATE_LIMIT_RPS = 50;

  /** Texts a client may send at once above the rate; at least GATEWAY_MAX_BATCH. */
  @EnvInt(1, 10_000_000)
  @ValidateBy({
    name: 'coversMaxBatch',
    validator: {
      validate: (burst: unknown, args) => {
        const c = args!.object as GatewayConfig;
        return c.GATEWAY_RATE_LIMIT_RPS === 0 || Number(burst) >= c.GATEWAY_MAX_BATCH;
      },
      defaultMessage: () => 'must be at least GATEWAY_MAX_BATCH, or no full batch could pass',
    },
  })
  GATEWAY_RATE_LIMIT_BURST = 256;

  /** Clients tracked at once; beyond it the least recently seen is forgotten (bounds memory). */
  @EnvInt(1, 10_000_000)
  GATEWAY_RATE_LIMIT_CLIENTS = 100_000;

  /**
   * Proxies in front of the gateway that append to X-Forwarded-For (ingress-nginx: 1). The client
   * is the address the outermost of them saw; 0 (the default) ignores the header, which a client
   * could otherwise write to pick its own rate-limit key.
   */
  @EnvInt(0, 10)
  GATEWAY_TRUST_PROXY = 0;

  @ValidateIf(
    (c: GatewayConfig) => !c.SENTIMENTOPS_ADMIN_TOKEN || c.SENTIMENTOPS_ADMIN_TOKENS !== undefined,
  )
  @IsDefined({
    message: 'is required unless SENTIMENTOPS_ADMIN_TOKEN is set: the admin API needs a token',
  })
  @Matches(
    /^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_\-+/=.~]{16,}(,[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_\-+/=.~]{16,})*$/,
    {
      message: 'must be "name:token" pairs separated by commas; tokens of at least 16 characters',
    },
  )
  // A name given twice would silently keep the last token, and one token under two names would
  // record either name as the actor: both are refused. (The message names names, never tokens.)
  @ValidateBy({
    name: 'uniqueAdminTokens',
    validator: {
      validate: (_value: unknown, args) =>
        adminTokenClash(args!.object as GatewayConfig) === undefined,
      defaultMessage: (args) => adminTokenClash(args!.object as GatewayConfig) ?? '',
    },
  })
  SENTIMENTOPS_ADMIN_TOKENS?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  SENTIMENTOPS_ADMIN_TOKEN?: string;

  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  SENTIMENTOPS_ADMIN_TOKEN_NAME = 'admin';

  /** Every configured admin token by name. Validation guarantees the format. */
  adminTokens(): Map<string, string> {
    const tokens = new Map<string, string>();
    for (const pair of this.SENTIMENTOPS_ADMIN_TOKENS?.split(',') ?? []) {
      const i = pair.indexOf(':');
      tokens.set(pair.slice(0, i), pair.slice(i + 1));
    }
    if (this.SENTIMENTOPS_ADMIN_TOKEN)
      tokens.set(this.SENTIMENTOPS_ADMIN_TOKEN_NAME, this.SENTIMENTOPS_ADMIN_TOKEN);
    return tokens;
  }
}

/** What makes the configured tokens ambiguous, or undefined when every name and token is unique. */
function adminTokenClash(config: GatewayConfig): string | undefined {
  const pairs = (config.SENTIMENTOPS_ADMIN_TOKENS?.split(',') ?? []).map((pair) => {
    const i = pair.indexOf(':');
    return [pair.slice(0, i), pair.slice(i + 1)] as const;
  });
  if (config.SENTIMENTOPS_ADMIN_TOKEN)
    pairs.push([config.SENTIMENTOPS_ADMIN_TOKEN_NAME, config.SENTIMENTOPS_ADMIN_TOKEN]);
  const byName = new Map<string, string>();
  const byToken = new Map<string, string>();
  for (const [name, token] of pairs) {
    if (byName.has(name))
      return `names "${name}" twice (SENTIMENTOPS_ADMIN_TOKEN_NAME counts too): each name is one actor`;
    const other = byToken.get(token);
    if (other !== undefined) return `gives "${other}" and "${name}" the same token`;
    byName.set(name, token);
    byToken.set(token, name);
  }
  return undefined;
}
