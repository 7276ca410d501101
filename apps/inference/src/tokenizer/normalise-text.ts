import { decodeHTMLStrict } from 'entities';

/**
 * The serving twin of training's `normalise_text` (training/src/sentimentops_train/ingest/
 * normalise.py, NORMALISER_VERSION "1"): every training review went through it, so every served
 * text must too, or the model sees tags and entities it never learned. No library reproduces
 * Python's rules exactly, hence this port; the token-id parity test holds it to the original.
 */
export const NORMALISER_VERSION = '1';

// Python's `\s` for str patterns (str.isspace); JavaScript's `\s` differs (it adds U+FEFF, lacks
// U+001C-U+001F and U+0085), so the class is spelled out.
const WS =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_BUT_NEWLINE = WS.replace('\\n', '');
// Python's `\w` for str patterns: letters, digits and numerics of any script, and `_`.
const WORD = '\\p{L}\\p{N}_';

const LINE_BREAK = new RegExp(`<[${WS}]*(?:br|/?p)[${WS}]*/?[${WS}]*>`, 'giu');
const ATTRIBUTES = `(?:[${WS}]+[${WORD}:-]+[${WS}]*=[${WS}]*(?:"[^"<>]*"|'[^'<>]*'|[^${WS}"'<>]+))*[${WS}]*/?>`;
const BLOCK_TAG = new RegExp(
  `</?(?:blockquote|center|div|h[1-6]|hr|li|ol|pre|ul)${ATTRIBUTES}`,
  'giu',
);
const INLINE_TAG = new RegExp(
  '</?(?:a|abbr|b|big|cite|code|del|em|font|i|img|ins|q|s|small|span|strike|strong|sub|sup|tt|u)' +
    ATTRIBUTES,
  'giu',
);
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;
const NEWLINES = /\r\n|[\r\u2028\u2029\x85]/g;
const SPACES = new RegExp(`[${WS_BUT_NEWLINE}]+`, 'gu');
// Unicode category Cc (C0, DEL, C1) except the newline, plus the byte order mark and zero-width
// space: invisible characters that split words without showing.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u200b]/g;
const EDGE_SPACE = new RegExp(`^[${WS}]+|[${WS}]+$`, 'gu');

/** The form of a review the model was trained on: tags resolved, NFC, whitespace collapsed. */
export function normaliseText(text: string): string {
  let t = text.replace(LINE_BREAK, '\n');
  t = t.replace(BLOCK_TAG, '\n');
  t = t.replace(INLINE_TAG, '');
  t = t.replace(ENTITY, (entity) => decodeHTMLStrict(entity));
  t = t.replace(NEWLINES, '\n');
  t = t.replace(SPACES, ' ');
  t = t.replace(INVISIBLE, '');
  t = t
    .split('\n')
    .map((line) => line.replace(EDGE_SPACE, ''))
    .filter((line) => line !== '')
    .join('\n');
  return t.normalize('NFC');
}
