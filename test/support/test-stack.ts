// What the integration tests' global setup started, written to a JSON file (TEST_STACK_FILE) so
// that teardown, and any test that needs more than the URLs, can find it.
import fs from 'node:fs';

export interface TestStack {
  /** Temp dir holding the stores, the logs and this file. */
  dir: string;
  nats: { url: string; monitorUrl: string; port: number; pid: number; logFile: string };
  postgres: { url: string; port: number; pid: number; logFile: string };
}

export function readTestStack(file = process.env.TEST_STACK_FILE): TestStack {
  if (!file) throw new Error('TEST_STACK_FILE is not set: run through the integration project');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestStack;
}

export function writeTestStack(file: string, stack: TestStack): void {
  fs.writeFileSync(file, `${JSON.stringify(stack, null, 2)}\n`);
}
