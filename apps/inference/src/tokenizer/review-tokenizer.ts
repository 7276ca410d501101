import { Tokenizer } from 'tokenizers';
import { normaliseText } from './normalise-text.js';

/** What drift compares with the reference profile, per text (the training code's definitions). */
export interface TextProfile {
  /** Tokens of the full encoding, special tokens included, before truncation. */
  tokenLength: number;
  /** Unknown-token ids / non-special tokens of that full encoding (0 when there are none). */
  unknownTokenRate: number;
}

export interface EncodedText {
  ids: number[];
  /** The text had more tokens than the model's max length; only the first ones were kept. */
  truncated: boolean;
}

/**
 * The model's own tokenizer.json through Hugging Face's Rust `tokenizers` (the same library the
 * training code encodes with), after the training normaliser. Special tokens are added, texts are
 * truncated to the card's max length, and padding is left to the batcher, which pads each batch
 * only to its own longest text.
 */
export class ReviewTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly full: Tokenizer,
    readonly maxLength: number,
    private readonly unkTokenId: number | undefined,
  ) {}

  static fromFile(path: string, maxLength: number, unkTokenId?: number): ReviewTokenizer {
    const tokenizer = Tokenizer.fromFile(path);
    // The file may carry settings of its own; serving's are the card's, so they are set here.
    tokenizer.disablePadding();
    tokenizer.setTruncation(maxLength);
    // The untruncated twin measures what truncation would hide (as training's profile does).
    const full = Tokenizer.fromFile(path);
    full.disablePadding();
    full.disableTruncation();
    return new ReviewTokenizer(tokenizer, full, maxLength, unkTokenId);
  }

  /** Encodes on the library's own threads: the event loop is not held while it works. */
  async encode(texts: readonly string[]): Promise<EncodedText[]> {
    const encodings = await this.tokenizer.encodeBatch(texts.map(normaliseText));
    return encodings.map((e) => ({ ids: e.getIds(), truncated: e.getOverflowing().length > 0 }));
  }

  /** Token length and unknown-token rate of each text, for the logged predictions drift reads. */
  async profile(texts: readonly string[]): Promise<TextProfile[]> {
    const encodings = await this.full.encodeBatch(texts.map(normaliseText));
    return encodings.map((e) => {
      const ids = e.getIds();
      const special = e.getSpecialTokensMask();
      let content = 0;
      let unknown = 0;
      for (let i = 0; i < ids.length; i++) {
        if (special[i]) continue;
        content++;
        if (ids[i] === this.unkTokenId) unknown++;
      }
      return { tokenLength: ids.length, unknownTokenRate: content > 0 ? unknown / content : 0 };
    });
  }
}
