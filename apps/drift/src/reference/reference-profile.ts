import { Injectable } from '@nestjs/common';
import { ArtifactStores } from '@sentimentops/artifact-store';
import {
  ErrorCode,
  registryContracts,
  SENTIMENT_LABELS,
  type SentimentLabel,
  ServiceException,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { createHash } from 'node:crypto';
import { DriftConfig } from '../drift.config.js';

/** The numeric features drift compares; the names the reference profile gives them. */
export const NUMERIC_FEATURES = ['score', 'token_length', 'unknown_token_rate'] as const;
export type NumericFeature = (typeof NUMERIC_FEATURES)[number];

/** A model version's reference: the training job's sample of its validation predictions. */
export interface ReferenceProfile {
  modelName: string;
  version: string;
  /** Rows the profile describes (the validation split), and the sample drawn from them. */
  n: number;
  samples: Record<NumericFeature, Float64Array>;
  labelShares: Record<SentimentLabel, number>;
  truncationRate: number;
}

export interface ProfileFile {
  n: number;
  features: Record<NumericFeature, { sample: number[] }>;
  predicted_label: { shares: Record<SentimentLabel, number> };
  truncation_rate: number;
}

const PROFILE_FILE = 'reference-profile.json';
const MAX_PROFILE_BYTES = 16 * 1024 * 1024;

/**
 * Reference profiles by model version, read once from the version's artifact (the registry says
 * where it is and what its sha256 must be) and kept: an artifact never changes.
 */
@Injectable()
export class ReferenceProfiles {
  private readonly cache = new Map<string, Promise<ReferenceProfile>>();

  constructor(
    private readonly requester: NatsRequester,
    private readonly stores: ArtifactStores,
    private readonly config: DriftConfig,
  ) {}

  get(modelName: string, version: string): Promise<ReferenceProfile> {
    const key = `${modelName}@${version}`;
    let profile = this.cache.get(key);
    if (!profile) {
      profile = this.load(modelName, version);
      this.cache.set(key, profile);
      profile.catch(() => this.cache.delete(key)); // a failure is not remembered
    }
    return profile;
  }

  private async load(modelName: string, version: string): Promise<ReferenceProfile> {
    const detail = await this.requester.request(
      registryContracts.getVersion,
      { modelName, version },
      this.config.NATS_REQUEST_TIMEOUT_MS,
    );
    const name = (detail.card.reference_profile as string | undefined) ?? PROFILE_FILE;
    const expected = detail.files[name];
    if (!expected) {
      throw new ServiceException(
        ErrorCode.FailedPrecondition,
        `${modelName} v${version} has no ${name}: drift has nothing to compare with`,
      );
    }
    const uri = `${detail.artifactUri}/${name}`;
    const bytes = await this.stores.forUri(uri).readBytes(uri, MAX_PROFILE_BYTES);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== expected.sha256) {
      throw new ServiceException(
        ErrorCode.FailedPrecondition,
        `${uri} has sha256 ${sha256}, the registry says ${expected.sha256}`,
      );
    }
    return parseProfile(modelName, version, JSON.parse(bytes.toString('utf8')) as ProfileFile);
  }
}

export function parseProfile(
  modelName: string,
  version: string,
  file: ProfileFile,
): ReferenceProfile {
  const samples = Object.fromEntries(
    NUMERIC_FEATURES.map((f) => {
      const sample = file.features?.[f]?.sample;
      if (!Array.isArray(sample) || sample.length === 0) {
        throw new ServiceException(
          ErrorCode.FailedPrecondition,
          `the reference profile of ${modelName} v${version} has no sample of ${f}`,
        );
      }
      return [f, Float64Array.from(sample)];
    }),
  ) as Record<NumericFeature, Float64Array>;
  const shares = file.predicted_label?.shares ?? {};
  return {
    modelName,
    version,
    n: file.n,
    samples,
    labelShares: Object.fromEntries(SENTIMENT_LABELS.map((l) => [l, shares[l] ?? 0])) as Record<
      SentimentLabel,
      number
    >,
    truncationRate: file.truncation_rate,
  };
}
