"""Streams of logged-prediction features for the drift scenario test, made by the project's own
review generator and served model: what inference would log for each text.

    python drift_scenarios.py MODEL_DIR SPEC.json > streams.json

SPEC: {"seed": int, "streams": {"<name>": {"count": int, "domain_weights"?: {...},
"structure_weights"?: {...}}}}. Writes {"<name>": {"score": [...], "label": [...],
"token_length": [...], "unknown_token_rate": [...], "truncated": [...]}} with, per text: the
positive-class probability of model.onnx, the predicted label (argmax, ties negative, as the
reference profile), the untruncated token length and unknown-token rate, and truncation.
"""

import json
import sys
from pathlib import Path

import numpy as np

from sentimentops_train.generate.generator import generate_reviews
from sentimentops_train.ingest.normalise import normalise_text
from sentimentops_train.serving import TOKENIZER_FILE, ServingTokenizer, onnx_predict_fn


def main() -> None:
    model_dir = Path(sys.argv[1])
    spec = json.loads(Path(sys.argv[2]).read_text())
    card = json.loads((model_dir / "model-card.json").read_text())
    predict = onnx_predict_fn(model_dir)
    tokenizer = ServingTokenizer(model_dir / TOKENIZER_FILE, card["max_length"])
    positive = card["labels"].index("positive")
    out = {}
    for offset, (name, stream) in enumerate(spec["streams"].items()):
        reviews = generate_reviews(
            stream["count"],
            spec["seed"] + 1000 * offset,
            domain_weights=stream.get("domain_weights"),
            structure_weights=stream.get("structure_weights"),
        )
        texts = [normalise_text(r.text) for r in reviews]
        probabilities = np.asarray(predict(texts))
        lengths, unknown = tokenizer.lengths_and_unknown_rates(texts)
        score = probabilities[:, positive]
        out[name] = {
            "score": score.tolist(),
            "label": ["positive" if s > 0.5 else "negative" for s in score.tolist()],
            "token_length": lengths.tolist(),
            "unknown_token_rate": unknown.tolist(),
            "truncated": (lengths > card["max_length"]).tolist(),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
