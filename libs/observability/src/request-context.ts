import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface RequestScope {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Request ids must be safe to log and to put in a header: bounded, printable, no separators. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id of the work in progress, carried across awaits by AsyncLocalStorage, so logs and
 * outgoing NATS messages pick it up without threading it through every call.
 */
export const RequestContext = {
  run<T>(requestId: string | undefined | null, fn: () => T): T {
    return storage.run({ requestId: RequestContext.accept(requestId) }, fn);
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
  /** Keeps a caller's id when it is well-formed, otherwise starts a new one. */
  accept(candidate: string | undefined | null): string {
    return candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
  },
};
