import { join, relative, sep } from 'node:path';
import { type ArtifactStore, type Digest, type ObjectInfo } from './artifact-store.js';
import { ArtifactIntegrityError, ArtifactNotFoundError } from './artifact-store.errors.js';
import { checkRelativeName, parseArtifactUri, type ArtifactLocation } from './artifact-uri.js';

/** Objects downloaded at the same time. */
const PARALLEL_DOWNLOADS = 4;

/**
 * Copies a model directory (every object under `prefixUri`) to `localDir`, keeping relative names.
 *
 * With `files` (name -> Digest, as a model card lists them) exactly those files are copied, each
 * verified: a missing one is ArtifactNotFoundError, a wrong one ArtifactIntegrityError, and
 * objects the map does not name are left behind, since nothing could vouch for them. Each file
 * appears complete or not at all (see ArtifactStore.download), but the directory is filled file
 * by file: download into a fresh directory and rename it when a whole one is needed.
 */
export async function downloadDirectory(
  store: ArtifactStore,
  prefixUri: string,
  localDir: string,
  files?: Record<string, Digest>,
): Promise<void> {
  const prefix = parseArtifactUri(prefixUri, { prefix: true });
  const listed = new Map<string, ObjectInfo>();
  for (const object of await store.list(prefixUri)) {
    listed.set(checkRelativeName(relativeName(prefix, object.uri), prefixUri), object);
  }
  if (listed.size === 0) throw new ArtifactNotFoundError(prefixUri, 'no objects under it');

  const wanted: [string, ObjectInfo, Digest | undefined][] = [];
  if (files) {
    for (const [name, digest] of Object.entries(files)) {
      const object = listed.get(checkRelativeName(name, prefixUri));
      if (!object) throw new ArtifactNotFoundError(`${prefixUri.replace(/\/$/, '')}/${name}`);
      // The listing has the size already: a wrong one fails before any byte is copied.
      if (object.bytes !== digest.bytes)
        throw new ArtifactIntegrityError(
          object.uri,
          digest,
          { bytes: object.bytes },
          'not downloaded',
        );
      wanted.push([name, object, digest]);
    }
  } else {
    for (const [name, object] of listed) wanted.push([name, object, undefined]);
  }

  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const [name, object, digest] = wanted[next++];
      await store.download(object.uri, join(localDir, ...name.split('/')), digest);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, wanted.length) }, worker));
}

/** `uri`'s name below `prefix`, with `/` separators. */
function relativeName(prefix: ArtifactLocation, uri: string): string {
  const object = parseArtifactUri(uri);
  if (prefix.scheme === 'gs' && object.scheme === 'gs' && object.bucket === prefix.bucket) {
    if (object.key.startsWith(`${prefix.key}/`)) return object.key.slice(prefix.key.length + 1);
  } else if (prefix.scheme === 'file' && object.scheme === 'file') {
    const name = relative(prefix.path, object.path);
    if (name && !name.startsWith('..')) return name.split(sep).join('/');
  }
  throw new Error(`listing ${formatPrefix(prefix)} returned ${uri}, which is not under it`);
}

function formatPrefix(prefix: ArtifactLocation) {
  return prefix.scheme === 'gs' ? `gs://${prefix.bucket}/${prefix.key}` : prefix.path;
}
