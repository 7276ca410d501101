import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, ServiceException, type Track } from '@sentimentops/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { InferenceConfig } from '../inference.config.js';
import { InferenceMetric } from '../inference.metrics.js';
import { ModelArtifactCache } from '../model/artifact-cache.js';
import { loadModelArtifact, ModelArtifactError } from '../model/model-artifact.js';
import { LoadedModel, type ModelObserver } from './loaded-model.js';

/**
 * Which loaded model serves each track. A swap loads and warms the new model first, then points
 * the track at it in one assignment, then lets the old one finish what it had queued before its
 * workers stop: requests never see a missing or half-loaded model. Tracks that serve the same
 * artifact share one loaded model.
 */
@Injectable()
export class ModelSlots implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelSlots.name);
  private readonly slots = new Map<Track, LoadedModel>();
  /** Tracks whose alias names no version: empty on purpose, not still loading. */
  private readonly emptied = new Set<Track>();
  /** The alias revision each track serves; an older one arriving late is not applied. */
  private readonly revisions = new Map<Track, number>();
  /** Swaps run one at a time, in the order they were asked for. */
  private swaps: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: InferenceConfig,
    @InjectMetric(InferenceMetric.batchSize) private readonly batchSize: Histogram<string>,
    @InjectMetric(InferenceMetric.batchWidth) private readonly batchWidth: Histogram<string>,
    @InjectMetric(InferenceMetric.batchTokens) private readonly batchTokens: Counter<string>,
    @InjectMetric(InferenceMetric.queueDepth) private readonly queueDepth: Gauge<string>,
    @InjectMetric(InferenceMetric.tokenizeSeconds) private readonly tokenize: Histogram<string>,
    @InjectMetric(InferenceMetric.modelSeconds) private readonly modelSeconds: Histogram<string>,
    @InjectMetric(InferenceMetric.modelInfo) private readonly modelInfo: Gauge<string>,
    @InjectMetric(InferenceMetric.modelLoads) private readonly loads: Counter<string>,
    private readonly artifacts: ModelArtifactCache,
  ) {}

  /** The model serving a track, or UNAVAILABLE (HTTP 503) when there is none yet. */
  serving(track: Track): LoadedModel {
    const model = this.slots.get(track);
    if (!model) throw new ServiceException(ErrorCode.Unavailable, `no model loaded for ${track}`);
    return model;
  }

  isServing(track: Track): boolean {
    return this.slots.has(track);
  }

  /** Serving, or empty because its alias names no version: either way, not waiting for a model. */
  isSettled(track: Track): boolean {
    return this.slots.has(track) || this.emptied.has(track);
  }

  /**
   * Loads the model at `location` as `version` and switches the tracks to it once it is warm.
   * `revision` is the alias revision that named it (0: configuration); a track already serving a
   * newer revision keeps it.
   */
  swap(tracks: readonly Track[], location: string, version: string, revision = 0): Promise<void> {
    const run = this.swaps.then(() => {
      const current = tracks.filter((t) => revision >= (this.revisions.get(t) ?? 0));
      if (current.length === 0) return;
      return this.doSwap(current, location, version).then(() => {
        for (const t of current) {
          this.revisions.set(t, revision);
          this.emptied.delete(t);
        }
      });
    });
    this.swaps = run.catch(() => undefined);
    return run;
  }

  /** The track stops serving (its alias was removed); requests get UNAVAILABLE. */
  unload(track: Track, revision = 0): Promise<void> {
    const run = this.swaps.then(async () => {
      if (revision < (this.revisions.get(track) ?? 0)) return;
      this.revisions.set(track, revision);
      this.emptied.add(track);
      const old = this.slots.get(track);
      this.slots.delete(track);
      this.modelInfo.reset();
      this.publishInfo();
      if (old) await this.release(old);
    });
    this.swaps = run.catch(() => undefined);
    return run;
  }

  async onApplicationShutdown() {
    const models = new Set(this.slots.values());
    this.slots.clear();
    await Promise.all([...models].map((m) => m.close()));
  }

  private async doSwap(tracks: readonly Track[], location: string, version: string) {
    let model: LoadedModel;
    try {
      model = await this.reuseOrLoad(location, version);
    } catch (err) {
      this.loads.inc({ outcome: err instanceof ModelArtifactError ? 'refused' : 'failed' });
      throw err;
    }
    const replaced = tracks.map((t) => this.slots.get(t)).filter((m) => m && m !== model);
    for (const t of tracks) this.slots.set(t, model);
    this.modelInfo.reset();
    this.publishInfo();
    this.logger.log(
      `serving ${model.ref.name} v${model.ref.version} (${model.artifact.variant}, sha256 ${model.artifact.onnxSha256.slice(0, 12)}) on ${tracks.join(', ')}`,
    );
    await Promise.all([...new Set(replaced)].map((m) => this.release(m!)));
  }

  private async reuseOrLoad(location: string, version: string): Promise<LoadedModel> {
    const artifact = await loadModelArtifact(
      location,
      this.config.INFERENCE_MODEL_VARIANT,
      this.artifacts,
    );
    for (const m of this.slots.values()) {
      if (m.artifact.onnxSha256 === artifact.onnxSha256 && m.ref.version === version) return m;
    }
    const started = performance.now();
    const model = await LoadedModel.load(
      artifact,
      version,
      {
        pool: {
          workers: this.config.INFERENCE_WORKERS,
          intraOpThreads: this.config.intraOpThreads(),
          interOpThreads: this.config.INFERENCE_INTER_OP_THREADS,
          spinning: this.config.INFERENCE_ORT_SPINNING,
        },
        batching: {
          maxBatchSize: this.config.INFERENCE_MAX_BATCH_SIZE,
          maxQueueDelayMs: this.config.INFERENCE_MAX_QUEUE_DELAY_MS,
          maxQueued: this.config.INFERENCE_MAX_QUEUE,
          maxPaddingRatio: this.config.INFERENCE_MAX_PADDING_RATIO,
        },
      },
      this.observer(version),
    );
    this.loads.inc({ outcome: 'loaded' });
    this.logger.log(
      `loaded ${artifact.dir} as v${version} in ${Math.round(performance.now() - started)} ms (sha256 verified, warmed up)`,
    );
    return model;
  }

  /** Closes a model no track serves any more, after its queue has drained. */
  private async release(model: LoadedModel) {
    if ([...this.slots.values()].includes(model)) return;
    await model.close();
    this.queueDepth.remove({ model_version: model.ref.version });
    this.logger.log(`retired ${model.ref.name} v${model.ref.version}`);
  }

  private publishInfo() {
    for (const [track, m] of this.slots) {
      this.modelInfo.set(
        {
          track,
          model: m.ref.name,
          version: m.ref.version,
          variant: m.artifact.variant,
          sha256: m.artifact.onnxSha256,
        },
        1,
      );
    }
  }

  private observer(version: string): ModelObserver {
    const labels = { model_version: version };
    return {
      tokenized: (s) => this.tokenize.observe(labels, s),
      batch: (size, width) => {
        this.batchSize.observe(labels, size);
        this.batchWidth.observe(labels, width);
      },
      queueDepth: (d) => this.queueDepth.set(labels, d),
      modelRun: (s) => this.modelSeconds.observe(labels, s),
      tokens: (real, padded) => {
        this.batchTokens.inc({ ...labels, kind: 'real' }, real);
        this.batchTokens.inc({ ...labels, kind: 'padded' }, padded);
      },
    };
  }
}
