/**
 * Every `sentimentops` command the operator documents in a shell block (docs/runbook.md,
 * README.md; cli/README.md's blocks are synopses, not commands) must exist: its subcommands, its options and the number of its arguments are checked against
 * the CLI's own commander program, so a renamed flag or command fails here, not at 3 a.m.
 */
import { type Command, type Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliContext } from './cli.context.js';
import { buildProgram } from './cli.program.js';
import { memoryStream } from './testing/cli.testing.js';

const ROOT = join(__dirname, '..', '..');
const DOCS = ['docs/runbook.md', 'README.md'];

/** Placeholders of the docs, made concrete. */
const PLACEHOLDERS: Record<string, string> = {
  '<version>': '7',
  '<id>': '6f1c2b3a',
  '<alias>': 'challenger',
  '<sha256>': 'a'.repeat(64),
};

/** `npx sentimentops ...` / `sentimentops ...` lines of the fenced shell blocks of a document. */
export function documentedCommands(markdown: string): string[] {
  const commands: string[] = [];
  let inBlock = false;
  let inShell = false;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('```')) {
      inShell = !inBlock && /^```(sh|bash|shell|console)$/.test(line);
      inBlock = !inBlock;
      continue;
    }
    if (!inShell) continue;
    // At the start of the line (after VAR=value words), or inside $( ... ): `-n sentimentops` is
    // a kubectl namespace, not the CLI.
    const found =
      /^(?:[A-Z_]+=\S*\s+)*(?:npx\s+)?sentimentops\s+(.*)$/.exec(line) ??
      /\$\((?:npx\s+)?sentimentops\s+([^)]*)\)/.exec(line);
    // `rollout pause|resume --reason "..."`: one command per alternative.
    if (found) commands.push(...alternatives(found[1].trim()));
  }
  return commands;
}

function alternatives(line: string): string[] {
  const choice = /(^|\s)(\w[\w-]*(?:\|\w[\w-]*)+)(?=\s|$)/.exec(line);
  if (!choice) return [line];
  const at = choice.index + choice[1].length;
  return choice[2]
    .split('|')
    .flatMap((word) => alternatives(line.slice(0, at) + word + line.slice(at + choice[2].length)));
}

/**
 * Splits a command line as a shell would for these simple cases: words and quoted strings, up to
 * the first unquoted `|`, `&&`, `||`, `;`, `>` or comment. `<placeholders>` (spaces and all) are
 * one word.
 */
export function words(line: string): string[] {
  const out: string[] = [];
  const text = line.replace(/<[^<>]+>/g, (p) => PLACEHOLDERS[p] ?? 'placeholder');
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|([^\s"']+)/g)) {
    const bare = m[3];
    if (bare !== undefined && /^(\||&&|\|\||;|>|2>|#)/.test(bare)) break;
    if (bare?.endsWith(';')) {
      out.push(bare.slice(0, -1));
      break;
    }
    out.push(m[1] ?? m[2] ?? bare);
  }
  return out;
}

/** What is wrong with `argv` for `program`, or undefined: the command path, its options, its arguments. */
export function problemWith(program: Command, argv: string[]): string | undefined {
  let command = program;
  const known: Option[] = [...program.options];
  const positional: string[] = [];
  const help = argv.includes('--help') || argv.includes('-h');
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word.startsWith('-')) {
      const [flag] = word.split('=');
      const option = known.find((o) => o.long === flag || o.short === flag);
      if (!option && flag !== '--help' && flag !== '-h') return `unknown option ${flag}`;
      if (option && (option.required || option.optional) && !word.includes('=')) i++;
      continue;
    }
    const sub =
      positional.length === 0 ? command.commands.find((c) => c.name() === word) : undefined;
    if (sub) {
      command = sub;
      known.push(...sub.options);
    } else if (command === program) {
      return `no command "${word}"`;
    } else {
      positional.push(word);
    }
  }
  if (command.commands.length > 0 && !help)
    return `"${command.name()}" needs a subcommand (${command.commands.map((c) => c.name()).join(', ')})`;
  const declared = command.registeredArguments;
  const required = declared.filter((a) => a.required).length;
  if (positional.length < required && !help)
    return `${command.name()} needs ${required} argument(s), got ${positional.length}`;
  if (!declared.some((a) => a.variadic) && positional.length > declared.length)
    return `${command.name()} takes ${declared.length} argument(s), got ${positional.length}: ${positional.join(' ')}`;
  return undefined;
}

const program = buildProgram(
  new CliContext(
    { stdout: memoryStream(), stderr: memoryStream(), env: {}, cwd: ROOT },
    '0.0.0-test',
  ),
);

describe.each(DOCS)('the sentimentops commands of %s', (doc) => {
  const commands = documentedCommands(readFileSync(join(ROOT, doc), 'utf8'));

  it('has some', () => {
    expect(commands.length).toBeGreaterThan(doc === 'docs/runbook.md' ? 30 : 0);
  });

  it('exist, with the options and arguments they are written with', () => {
    const problems = commands
      .map((line) => ({ line, problem: problemWith(program, words(line)) }))
      .filter((c) => c.problem !== undefined);
    expect(problems).toEqual([]);
  });
});

describe('problemWith', () => {
  it.each([
    ['pipeline run --reason "x" --wait', undefined],
    ['models alias champion 7 --override --reason "back"', undefined],
    ['--json models list', undefined],
    ['pipeline frobnicate', '"pipeline" needs a subcommand (run, list, status, cancel, retry)'],
    ['pipeline', '"pipeline" needs a subcommand (run, list, status, cancel, retry)'],
    ['pipeline run --wiat', 'unknown option --wiat'],
    ['rollout start', 'start needs 1 argument(s), got 0'],
    ['models show 7 8', 'show takes 1 argument(s), got 2: 7 8'],
    ['deploy', 'no command "deploy"'],
    ['models list | head', undefined],
    ['models alias champion <version> --reason "a; b"', undefined],
  ])('%s: %s', (line, problem) => {
    expect(problemWith(program, words(line))).toBe(problem);
  });
});
