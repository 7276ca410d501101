"""A toy task for the model, training and export tests: filler words plus sentiment words, so the
labels are separable by vocabulary alone and a one-layer model learns them in seconds."""

import random
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

POSITIVE = ["great", "excellent", "wonderful", "loved", "superb", "brilliant"]
NEGATIVE = ["awful", "terrible", "boring", "hated", "dreadful", "poor"]
FILLER = ["the", "movie", "plot", "acting", "was", "film", "really", "quite", "story", "cast", "and", "it"]


def synthetic(
    n: int, seed: int, *, min_words: int = 1, max_words: int = 14, max_sentiment_words: int = 1
) -> tuple[list[str], list[int]]:
    """Alternating labels (1 = positive); each text has 1..max_sentiment_words sentiment words."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        words = rng.choices(FILLER, k=rng.randint(min_words, max_words))
        for _ in range(rng.randint(1, max_sentiment_words)):
            words.insert(rng.randint(0, len(words)), rng.choice(POSITIVE if label else NEGATIVE))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def tiny_tokenizer(texts: list[str], path: Path | None = None) -> PreTrainedTokenizerFast:
    """A 120-piece BERT-style WordPiece tokenizer; saved as tokenizer.json when `path` is given."""
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=120, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    tok.decoder = decoders.WordPiece()
    source: dict = {"tokenizer_object": tok}
    if path is not None:
        tok.save(str(path))
        source = {"tokenizer_file": str(path)}
    return PreTrainedTokenizerFast(
        **source,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
