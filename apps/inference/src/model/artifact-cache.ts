import { type Provider } from '@nestjs/common';
import {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  type ArtifactStores,
  artifactStoresFromEnv,
  ArtifactTooLargeError,
  downloadDirectory,
  UnsupportedArtifactUriError,
} from '@sentimentops/artifact-store';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceConfig } from '../inference.config.js';
import { ModelArtifactError, parseModelCard, type RemoteModelDirs } from './model-artifact.js';
import { CARD_FILE } from '@sentimentops/contracts';

/** A card is JSON of a few kilobytes (metrics, lineage); anything near this is not a card. */
const MAX_CARD_BYTES = 1024 * 1024;

export interface FetchedModelDir {
  dir: string;
  /** The copy was already there (same card): its files were not downloaded again. */
  reused: boolean;
}

/**
 * Local copies of model directories that live in object storage (gs://), one folder per URI under
 * `root`. The card is read first (bounded) and checked, then exactly the files it lists are
 * downloaded, each verified against its sha256, into a staging folder that is renamed into place
 * when complete. A copy whose card is unchanged is reused; the loader verifies it again anyway.
 */
export class ModelArtifactCache implements RemoteModelDirs {
  constructor(
    private readonly stores: ArtifactStores,
    private readonly root: string,
  ) {}

  async fetch(uri: string, { refresh = false } = {}): Promise<FetchedModelDir> {
    try {
      return await this.copy(uri.replace(/\/+$/, ''), refresh);
    } catch (err) {
      // What is wrong with the artifact refuses it; other failures (network, auth) stay errors.
      if (
        err instanceof ArtifactNotFoundError ||
        err instanceof ArtifactIntegrityError ||
        err instanceof ArtifactTooLargeError ||
        err instanceof UnsupportedArtifactUriError
      )
        throw new ModelArtifactError(uri, err.message);
      throw err;
    }
  }

  private async copy(prefix: string, refresh: boolean): Promise<FetchedModelDir> {
    const store = this.stores.forUri(prefix);
    const cardBytes = await store.readBytes(`${prefix}/${CARD_FILE}`, MAX_CARD_BYTES);
    const card = parseModelCard(prefix, cardBytes.toString('utf8'));
    const dir = join(this.root, createHash('sha256').update(prefix).digest('hex'));
    if (
      !refresh &&
      (await readFile(join(dir, CARD_FILE)).catch(() => undefined))?.equals(cardBytes)
    )
      return { dir, reused: true };

    await mkdir(this.root, { recursive: true });
    const staging = `${dir}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await downloadDirectory(store, prefix, staging, card.files);
      await writeFile(join(staging, CARD_FILE), cardBytes);
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    return { dir, reused: false };
  }
}

/** The cache as the inference module provides it: stores and folder from the app's config. */
export const modelArtifactCacheProvider: Provider = {
  provide: ModelArtifactCache,
  inject: [InferenceConfig],
  useFactory: (config: InferenceConfig) =>
    new ModelArtifactCache(artifactStoresFromEnv(config), config.modelCacheDir()),
};
