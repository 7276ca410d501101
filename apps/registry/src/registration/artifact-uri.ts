import { parseArtifactUri, UnsupportedArtifactUriError } from '@sentimentops/artifact-store';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * One spelling per model directory, so that the same artifact is recognised when registered
 * twice: `file:///abs/dir` or `gs://bucket/prefix`, no trailing slash. An absolute path becomes a
 * file:// URI; what the artifact store refuses (relative, `..`, other schemes) is a 400.
 */
export function normaliseArtifactUri(uri: string): string {
  try {
    const location = parseArtifactUri(uri.trim(), { prefix: true });
    return location.scheme === 'file'
      ? pathToFileURL(location.path).href.replace(/\/$/, '')
      : `gs://${location.bucket}/${location.key}`;
  } catch (err) {
    if (!(err instanceof UnsupportedArtifactUriError)) throw err;
    throw new ServiceException(ErrorCode.InvalidArgument, `artifactUri: ${err.message}`, [
      `artifactUri: ${err.message}`,
    ]);
  }
}

/** A setting that may be a path relative to the working directory, as an artifact URI. */
export function artifactUriFromSetting(setting: string): string {
  return normaliseArtifactUri(/^[a-z][a-z0-9+.-]*:/i.test(setting) ? setting : resolve(setting));
}
