import { type ArtifactStore } from './artifact-store.js';
import { UnsupportedArtifactUriError } from './artifact-store.errors.js';
import { artifactScheme } from './artifact-uri.js';
import { FileArtifactStore } from './file-artifact-store.js';
import { GcsArtifactStore } from './gcs-artifact-store.js';

/** Picks the store by the URI's scheme; plain absolute paths count as file://. */
export class ArtifactStores {
  private readonly byScheme = new Map<string, ArtifactStore>();

  constructor(stores: ArtifactStore[]) {
    for (const store of stores) this.byScheme.set(store.scheme, store);
  }

  /** The store for `uri`; UnsupportedArtifactUriError for a URI no store here can serve. */
  forUri(uri: string): ArtifactStore {
    const scheme = artifactScheme(uri);
    const store = this.byScheme.get(scheme);
    if (!store) throw new UnsupportedArtifactUriError(uri, `no ${scheme}:// store configured`);
    return store;
  }
}

/** The settings the stores take from an app's typed config (the names are the env variables). */
export interface ArtifactStoreEnv {
  /** Cloud Storage endpoint other than Google's (fake-gcs-server in tests); unset in a cluster. */
  ARTIFACT_GCS_ENDPOINT?: string;
  GOOGLE_CLOUD_PROJECT?: string;
}

/**
 * Both stores, the same way everywhere: the local disk, and Cloud Storage with its credentials
 * from the environment (Workload Identity in a cluster). Nothing is contacted until a gs:// URI is
 * used, so a local stack without a cloud account builds them too.
 */
export function artifactStoresFromEnv(env: ArtifactStoreEnv): ArtifactStores {
  return new ArtifactStores([
    new FileArtifactStore(),
    new GcsArtifactStore({
      apiEndpoint: env.ARTIFACT_GCS_ENDPOINT || undefined,
      projectId: env.GOOGLE_CLOUD_PROJECT || undefined,
    }),
  ]);
}
