// Jest globalTeardown of the integration project: stops what global-setup started and removes
// its temp dir (kept, with the server logs, when SENTIMENTOPS_KEEP_TEST_STACK=1).
// First: lets Node's require() find the helpers below (see the file).
import './resolve-ts-sources.cjs';
import fs from 'node:fs';
import { stopPid } from './probes.js';
import { readTestStack } from './test-stack.js';

export default async function globalTeardown(): Promise<void> {
  if (!process.env.TEST_STACK_FILE) return; // setup failed before starting anything
  const stack = readTestStack();
  await Promise.all([stopPid(stack.postgres.pid), stopPid(stack.nats.pid)]);
  if (process.env.SENTIMENTOPS_KEEP_TEST_STACK === '1') {
    console.log(`\nintegration test stack kept in ${stack.dir}`);
  } else {
    fs.rmSync(stack.dir, { recursive: true, force: true });
  }
}
