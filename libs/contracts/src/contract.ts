import type { EventSubject } from './subjects.js';

export type Class<T> = new () => T;

/** A durable event: its subject and the class that validates its payload. */
export interface EventContract<T extends object> {
  readonly subject: EventSubject;
  readonly payload: Class<T>;
}

/** A request/reply operation: subject, request payload class and reply payload class. */
export interface RequestContract<Req extends object, Res extends object> {
  readonly subject: string;
  readonly request: Class<Req>;
  readonly reply: Class<Res>;
}

export function defineEvent<T extends object>(
  subject: EventSubject,
  payload: Class<T>,
): EventContract<T> {
  return { subject, payload };
}

export function defineRequest<Req extends object, Res extends object>(
  subject: string,
  request: Class<Req>,
  reply: Class<Res>,
): RequestContract<Req, Res> {
  return { subject, request, reply };
}

export type PayloadOf<C> = C extends EventContract<infer T> ? T : never;
