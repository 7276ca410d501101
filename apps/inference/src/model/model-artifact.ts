import {
  CARD_FILE,
  CardFile,
  ContractViolationError,
  type ModelCard as Card,
  ModelCard,
  validateMessage,
} from '@sentimentops/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ModelVariant = 'fp32' | 'int8';

/** A model directory that cannot be served: the message names what is wrong with it. */
export class ModelArtifactError extends Error {
  constructor(
    readonly dir: string,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(`model at ${dir}: ${message}${problems.length ? `: ${problems.join('; ')}` : ''}`);
    this.name = 'ModelArtifactError';
  }
}

/** A verified model directory: every file it serves from matches the sha256 in its card. */
export interface ModelArtifact {
  dir: string;
  card: Card;
  variant: ModelVariant;
  onnxPath: string;
  onnxSha256: string;
  tokenizerPath: string;
}

/** A local directory, given as a path or a file:// URI (gs:// goes through RemoteModelDirs). */
export function localModelDir(location: string): string {
  if (location.startsWith('file://')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    throw new ModelArtifactError(
      location,
      'only local directories and file:// URIs can be served here',
    );
  return isAbsolute(location) ? location : resolve(location);
}

/** Local copies of model directories in object storage (ModelArtifactCache). */
export interface RemoteModelDirs {
  /** A local copy of `uri`; `reused` when it was there already, `refresh` to copy it again. */
  fetch(uri: string, options?: { refresh?: boolean }): Promise<{ dir: string; reused: boolean }>;
}

/** A model directory in object storage, fetched through RemoteModelDirs. */
export function isRemoteModelLocation(location: string): boolean {
  return /^gs:\/\//i.test(location);
}

/**
 * Reads and checks a model directory: the card's shape, then the sha256 of every file in the card
 * against the bytes on disk. A directory that fails is refused as a whole; nothing of it is used.
 * A gs:// directory is first copied (verified) into the local cache, then checked the same way.
 */
export async function loadModelArtifact(
  location: string,
  variant: ModelVariant,
  cache?: RemoteModelDirs,
): Promise<ModelArtifact> {
  if (!cache || !isRemoteModelLocation(location))
    return loadModelDir(localModelDir(location), variant);
  const copy = await cache.fetch(location);
  try {
    return await loadModelDir(copy.dir, variant);
  } catch (err) {
    if (!(err instanceof ModelArtifactError) || !copy.reused) throw err;
    // The copy made earlier no longer matches its card (changed on disk): fetch it once more.
    return loadModelDir((await cache.fetch(location, { refresh: true })).dir, variant);
  }
}

async function loadModelDir(dir: string, variant: ModelVariant): Promise<ModelArtifact> {
  const card = await readCard(dir);
  const onnxFile = variant === 'int8' ? card.onnx.int8?.file : card.onnx.file;
  if (!onnxFile) throw new ModelArtifactError(dir, 'the card lists no int8 model');
  const served = [onnxFile, card.tokenizer.file];
  const missing = served.filter((f) => !card.files[f]);
  if (missing.length) throw new ModelArtifactError(dir, 'the card has no sha256 for', missing);

  const problems: string[] = [];
  await Promise.all(
    Object.entries(card.files).map(async ([name, expected]) => {
      const problem = await checkFile(dir, name, expected);
      if (problem) problems.push(problem);
    }),
  );
  if (problems.length)
    throw new ModelArtifactError(dir, 'files do not match the card', problems.sort());
  return {
    dir,
    card,
    variant,
    onnxPath: join(dir, onnxFile),
    onnxSha256: card.files[onnxFile].sha256,
    tokenizerPath: join(dir, card.tokenizer.file),
  };
}

async function readCard(dir: string): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(join(dir, CARD_FILE), 'utf8');
  } catch (err) {
    throw new ModelArtifactError(dir, `cannot read ${CARD_FILE} (${(err as Error).message})`);
  }
  return parseModelCard(dir, text);
}

/** Checks a card's text: the fields serving depends on, and file names that stay in `dir`. */
export function parseModelCard(dir: string, text: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelArtifactError(dir, `cannot read ${CARD_FILE} (${(err as Error).message})`);
  }
  let card: ModelCard;
  try {
    // Unknown keys are the training code's business (metrics, lineage): only ours are checked.
    card = validateMessage(ModelCard, raw, { forbidUnknown: false });
  } catch (err) {
    const problems = err instanceof ContractViolationError ? err.problems : [String(err)];
    throw new ModelArtifactError(dir, `${CARD_FILE} is not a valid card`, problems);
  }
  const badFiles = Object.entries(card.files).flatMap(([name, file]) => {
    const errors = validateSync(plainToInstance(CardFile, file));
    const unsafe = name.includes('/') || name.includes('\\') || name.startsWith('.');
    return errors.length || unsafe ? [`files.${name}`] : [];
  });
  if (badFiles.length) throw new ModelArtifactError(dir, `${CARD_FILE} lists bad files`, badFiles);
  return card;
}

async function checkFile(
  dir: string,
  name: string,
  expected: CardFile,
): Promise<string | undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(join(dir, name)) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      hash.update(chunk);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `${name}: ${e.code === 'ENOENT' ? 'missing' : e.message}`;
  }
  const actual = hash.digest('hex');
  if (actual !== expected.sha256) return `${name}: sha256 ${actual} != card ${expected.sha256}`;
  if (bytes !== expected.bytes) return `${name}: ${bytes} bytes != card ${expected.bytes}`;
  return undefined;
}
