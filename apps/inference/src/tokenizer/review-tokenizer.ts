import { Tokenizer } from 'tokenizers';
import { normaliseText } from './normalise-text.js';

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
    readonly maxLength: number,
  ) {}

  static fromFile(path: string, maxLength: number): ReviewTokenizer {
    const tokenizer = Tokenizer.fromFile(path);
    // The file may carry settings of its own; serving's are the card's, so they are set here.
    tokenizer.disablePadding();
    tokenizer.setTruncation(maxLength);
    return new ReviewTokenizer(tokenizer, maxLength);
  }

  /** Encodes on the library's own threads: the event loop is not held while it works. */
  async encode(texts: readonly string[]): Promise<EncodedText[]> {
    const encodings = await this.tokenizer.encodeBatch(texts.map(normaliseText));
    return encodings.map((e) => ({ ids: e.getIds(), truncated: e.getOverflowing().length > 0 }));
  }
}
