#!/usr/bin/env node
// Checks monitoring/alertmanager/examples/ against the Alertmanager configuration with amtool
// (scripts/check/monitoring.sh runs it; AMTOOL may name the binary):
//   - <name>.webhook.json: a notification as Alertmanager sends it; each of its alerts' labels
//     must route to its `receiver` (`amtool config routes test --verify.receivers`);
//   - <name>.postable.json: alerts as POSTed to /api/v2/alerts (by Prometheus or the
//     trainer-controller); each must route to the receiver of <name>.webhook.json;
//   - <name>.slack.json: the body Slack receives; its channel must be the one that receiver posts to.
import { load as loadYaml } from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = join(ROOT, 'monitoring/alertmanager/alertmanager.yml');
const EXAMPLES = join(ROOT, 'monitoring/alertmanager/examples');
const AMTOOL = process.env.AMTOOL || 'amtool';

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const read = (file) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
const config = loadYaml(readFileSync(CONFIG, 'utf8'));
let routed = 0;

function expectRoute(where, labels, receiver) {
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const run = spawnSync(
    AMTOOL,
    [
      'config',
      'routes',
      'test',
      `--config.file=${CONFIG}`,
      `--verify.receivers=${receiver}`,
      ...matchers,
    ],
    { encoding: 'utf8' },
  );
  routed += 1;
  if (run.error) fail(where, run.error.message);
  else if (run.status !== 0)
    fail(where, `routes to ${run.stdout.trim().split('\n')[0]}, expected ${receiver}`);
}

function checkAlert(where, alert) {
  if (!alert.labels?.alertname) fail(where, 'an alert without labels.alertname');
  if (!alert.startsAt || Number.isNaN(Date.parse(alert.startsAt)))
    fail(where, 'startsAt is no time');
}

const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
for (const file of files) {
  const [stem, kind] = file.replace(/\.json$/, '').split(/\.(?=[^.]+$)/);
  const body = read(file);
  const webhookFile = `${stem}.webhook.json`;
  const receiver = existsSync(join(EXAMPLES, webhookFile)) ? read(webhookFile).receiver : undefined;
  switch (kind) {
    case 'webhook':
      if (body.version !== '4' || !['firing', 'resolved'].includes(body.status) || !body.groupKey) {
        fail(file, 'not a webhook payload (version "4", status, groupKey)');
      }
      body.alerts.forEach((a, i) => {
        checkAlert(`${file} alert ${i + 1}`, a);
        expectRoute(`${file} alert ${i + 1}`, a.labels, body.receiver);
      });
      break;
    case 'postable':
      if (!Array.isArray(body)) fail(file, 'POST /api/v2/alerts takes an array of alerts');
      else if (!receiver) fail(file, `needs ${webhookFile} to say which receiver it reaches`);
      else
        body.forEach((a, i) => {
          checkAlert(`${file} alert ${i + 1}`, a);
          expectRoute(`${file} alert ${i + 1}`, a.labels, receiver);
        });
      break;
    case 'slack': {
      const channels = (config.receivers.find((r) => r.name === receiver)?.slack_configs ?? []).map(
        (s) => s.channel,
      );
      if (!receiver) fail(file, `needs ${webhookFile} to say which receiver sent it`);
      else if (!channels.includes(body.channel)) {
        fail(
          file,
          `channel ${body.channel} is not where ${receiver} posts (${channels.join(', ')})`,
        );
      }
      if (!body.attachments?.length)
        fail(file, 'a Slack message from Alertmanager has attachments');
      break;
    }
    default:
      fail(file, 'name it <name>.webhook.json, <name>.postable.json or <name>.slack.json');
  }
}

if (problems.length) {
  for (const p of problems) console.error(`  FAIL ${p}`);
  console.error(`alertmanager examples: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`  ${files.length} example payloads; ${routed} alerts routed where expected (amtool)`);
