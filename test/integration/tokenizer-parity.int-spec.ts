// Node serving and the Python training code must turn every text into the same token ids:
// otherwise the served model sees inputs it was never trained or evaluated on. Real parts on both
// sides: the bundled model's tokenizer.json through Hugging Face tokenizers (Rust, via Node and
// via Python), training's normalise_text against its TypeScript port.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewTokenizer } from '../../apps/inference/src/tokenizer/review-tokenizer.js';

const MODEL_DIR = join(process.cwd(), 'models', 'sentiment-demo');
const PYTHON = join(process.cwd(), '.cache', 'venv', 'bin', 'python');

/** Texts that exercise the normaliser and the tokenizer where they are most likely to differ. */
const EDGE_CASES = [
  '',
  '   ',
  'Great movie.<br /><br />Would watch again!',
  '<i>Not</i> bad at all &mdash; really&nbsp;good &amp; fun &notathing &#128512; &#x1F600; &#0;',
  'I <3 this and a<b and c>d, <div class="x">block</div>, <a href="/y">link</a>',
  'Café, naïve, façade, cafe\u0301, \uFB01ne, Ｆｕｌｌｗｉｄｔｈ, ß, İstanbul',
  '東京の映画はとても良かった！ 정말 좋아요 очень хорошо فيلم رائع',
  'emoji 😀🎬👍🏽 and symbols ™ © ½ ² → ♥',
  'tabs\tand\u00a0nbsp\u2003em\u200bzero\ufeffbom\u0007bell\x85nel\u2028ls',
  'line one\r\nline two\rline three\n\n\n  line four  ',
  "don't can't won't it's O'Brien's rock'n'roll 1990s 3.5/10 $20 9/10!!!",
  'SHOUTING IS FUN!!! WhAt A mOvIe?!?! ... -- ;; ((brackets))',
  'word '.repeat(400),
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic',
  Array.from({ length: 60 }, (_, i) => `sentence ${i} was fine.`).join(' '),
];

function devReviews(): string[] {
  const path = join(process.cwd(), 'training', 'data', 'handwritten-dev', 'reviews.jsonl');
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

describe('token ids and text profiles: Node serving vs the Python training code', () => {
  const corpus = [...EDGE_CASES, ...devReviews()];

  it(`are identical on ${EDGE_CASES.length} edge cases and the hand-written dev set`, async () => {
    const card = JSON.parse(readFileSync(join(MODEL_DIR, 'model-card.json'), 'utf8')) as {
      max_length: number;
      tokenizer: { unk_token_id: number };
    };
    const tokenizer = ReviewTokenizer.fromFile(
      join(MODEL_DIR, 'tokenizer.json'),
      card.max_length,
      card.tokenizer.unk_token_id,
    );
    const encoded = await tokenizer.encode(corpus);
    const profiles = await tokenizer.profile(corpus);
    // What serving encodes, and what it logs for drift, as the training code measures both.
    const node = encoded.map((e, i) => ({ ...e, ...profiles[i] }));

    const python = JSON.parse(
      execFileSync(PYTHON, [join('test', 'support', 'python', 'encode_texts.py'), MODEL_DIR], {
        input: JSON.stringify(corpus),
        maxBuffer: 64 * 1024 * 1024,
      }).toString('utf8'),
    ) as { ids: number[]; truncated: boolean; tokenLength: number; unknownTokenRate: number }[];

    expect(python).toHaveLength(corpus.length);
    const mismatches = corpus.flatMap((text, i) =>
      JSON.stringify(node[i]) === JSON.stringify(python[i])
        ? []
        : [{ text: text.slice(0, 80), node: node[i], python: python[i] }],
    );
    expect(mismatches).toEqual([]);
    // The corpus reaches the interesting cases: some texts truncated, some not.
    expect(node.filter((e) => e.truncated).length).toBeGreaterThanOrEqual(2);
    expect(node.some((e) => e.ids.length === card.max_length)).toBe(true);
    expect(node.some((e) => e.unknownTokenRate > 0)).toBe(true);
  });
});
