"""Token ids as the training code produces them, for the Node-vs-Python parity test.

Reads a JSON array of texts on stdin; writes a JSON array of {"ids": [...], "truncated": bool,
"tokenLength": int, "unknownTokenRate": float}: each text normalised as ingestion stores it
(normalise_text), then encoded with the model directory's tokenizer.json as the training code's
serving path encodes it (ServingTokenizer); length and unknown-token rate as the reference
profile measures them (lengths_and_unknown_rates).

    python encode_texts.py MODEL_DIR < texts.json
"""

import json
import sys
from pathlib import Path

from sentimentops_train.ingest.normalise import normalise_text
from sentimentops_train.serving import TOKENIZER_FILE, ServingTokenizer


def main() -> None:
    model_dir = Path(sys.argv[1])
    card = json.loads((model_dir / "model-card.json").read_text())
    max_length = card["max_length"]
    tokenizer = ServingTokenizer(model_dir / TOKENIZER_FILE, max_length)
    texts = [normalise_text(t) for t in json.load(sys.stdin)]
    ids = tokenizer.encode(texts)
    full_lengths, unknown_rates = tokenizer.lengths_and_unknown_rates(texts)
    json.dump(
        [
            {
                "ids": row,
                "truncated": bool(length > max_length),
                "tokenLength": int(length),
                "unknownTokenRate": float(rate),
            }
            for row, length, rate in zip(ids, full_lengths, unknown_rates, strict=True)
        ],
        sys.stdout,
    )


if __name__ == "__main__":
    main()
