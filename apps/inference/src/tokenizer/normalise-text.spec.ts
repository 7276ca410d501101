import { normaliseText } from './normalise-text.js';

describe('normaliseText (the port of training normalise_text)', () => {
  it.each([
    ['line breaks become newlines', 'Great.<br /><br />Loved it', 'Great.\nLoved it'],
    ['inline tags vanish, block tags separate', '<i>so</i> good<div class="x">end', 'so good\nend'],
    ['prose that looks like a tag survives', 'I <3 it and a<b and c>d', 'I <3 it and a<b and c>d'],
    ['complete entities only', 'Tom &amp; Jerry &notit &eacute;', 'Tom & Jerry &notit é'],
    ['whitespace collapsed, lines trimmed', '  a \t b \u00a0 c \r\n\r\n  d  ', 'a b c\nd'],
    ['invisible characters removed', 'zero\u200bwidth\ufeff\u0007', 'zerowidth'],
    ['NFC composition', 'cafe\u0301', 'caf\u00e9'],
    ['an all-markup text is empty', '<br/><p></p>  ', ''],
  ])('%s', (_name, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });
});
