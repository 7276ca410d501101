/**
 * `sentimentops predict "text" ["text" ...]`: the sentiment of each text through the gateway's
 * public POST /predict (no admin token needed). Texts can also come from a file or stdin, one per
 * line (`--file reviews.txt`, `--file -`), and go as one batch.
 */
import { type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { type CliContext } from '../cli.context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { GatewayError } from '../http/gateway.error.js';

interface Prediction {
  id: string;
  label: string;
  score: number;
  probabilities: { negative: number; positive: number };
  truncated: boolean;
}

export interface PredictResult {
  predictions: (Prediction & { text: string })[];
  model: { name: string; version: string };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('predict')
    .description('predict the sentiment of one or more texts (POST /predict)')
    .argument('[texts...]', 'texts to classify; each argument is one text')
    .option('-f, --file <path>', 'read texts from a file, one per line ("-" for stdin)')
    .action(
      ctx.action(async ({ client, out }, command) => {
        const texts = (command.processedArgs[0] as string[] | undefined) ?? [];
        const { file } = command.opts<{ file?: string }>();
        const all = [...texts, ...(file ? readLines(file) : [])];
        if (all.length === 0) {
          throw new CliError('give at least one text, or --file', ExitCode.Usage);
        }
        const body = await client.post('/predict', { texts: all }, { auth: false });
        const reply = parseReply(body, all.length);
        const result: PredictResult = {
          predictions: reply.predictions.map((p, i) => ({ text: all[i], ...p })),
          model: reply.model,
        };
        out.result(result, (r) => {
          out.table(
            ['label', 'score', 'text'],
            r.predictions.map((p) => [
              p.label,
              p.score.toFixed(3),
              `${ellipsis(p.text, 60)}${p.truncated ? ' (truncated)' : ''}`,
            ]),
          );
          out.line(`model ${r.model.name} v${r.model.version}`);
        });
      }),
    );
}

function readLines(path: string): string[] {
  let content: string;
  try {
    content = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`, ExitCode.Usage);
  }
  return content.split(/\r?\n/).filter((line) => line.trim() !== '');
}

function parseReply(
  body: unknown,
  expected: number,
): Omit<PredictResult, 'predictions'> & {
  predictions: Prediction[];
} {
  const reply = body as { predictions?: unknown; model?: { name?: unknown; version?: unknown } };
  if (
    !Array.isArray(reply?.predictions) ||
    reply.predictions.length !== expected ||
    typeof reply.model?.version !== 'string'
  ) {
    throw new GatewayError('POST /predict returned an unexpected body', 'protocol');
  }
  return reply as PredictResult;
}

const ellipsis = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
