#!/usr/bin/env python3
"""Drives the gateway with the standard Open Inference Protocol v2 clients, unchanged.

tritonclient.http (JSON and the binary tensor data extension) and tritonclient.grpc call every
OIP endpoint the gateway serves, infer with a BYTES input named "text", and a few requests that
must fail. The script prints one JSON report on stdout for test/e2e/oip-clients.e2e-spec.ts to
check; it judges nothing itself, so a failed check shows what the server actually answered.

    python test/e2e/clients/oip_clients.py --http-url 127.0.0.1:8080 --grpc-url 127.0.0.1:8081

Exit status: 0 with the report, 1 when a client call raised unexpectedly (traceback on stderr),
2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL = "sentiment"
TEXTS = [
    "A wonderful, heartfelt film. I loved every minute of it.",
    "Dull, slow and far too long. A waste of an evening.",
    "Déçu par la fin 😞, but the acting was great",
]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--http-url", required=True, help="gateway HTTP, host:port")
    parser.add_argument("--grpc-url", required=True, help="gateway gRPC, host:port")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per call")
    args = parser.parse_args(argv)
    # tritonclient wants host:port without a scheme; accept either.
    for name in ("http_url", "grpc_url"):
        setattr(args, name, getattr(args, name).split("://", 1)[-1].rstrip("/"))
    return args


def text_array(texts: Sequence[str]) -> np.ndarray:
    return np.array(texts, dtype=np.object_)


def as_text(values: np.ndarray) -> list[str]:
    """BYTES outputs come back as bytes (binary) or str (JSON): the same text either way."""
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values.reshape(-1)]


def summarise(result: Any, response: dict[str, Any]) -> dict[str, Any]:
    labels = result.as_numpy("label")
    probabilities = result.as_numpy("probabilities")
    return {
        "model_name": response.get("model_name"),
        "model_version": response.get("model_version"),
        "id": response.get("id"),
        "labels": None if labels is None else as_text(labels),
        "label_shape": None if labels is None else list(labels.shape),
        "probabilities": None if probabilities is None else probabilities.astype(float).tolist(),
        "probabilities_dtype": None if probabilities is None else str(probabilities.dtype),
    }


def refusal(call: Callable[[], Any]) -> dict[str, Any]:
    """What the server said to a request that must fail, or that it did not fail."""
    try:
        call()
    except InferenceServerException as err:
        return {"failed": True, "status": err.status(), "message": err.message()}
    return {"failed": False}


def check_http(url: str, timeout: float) -> dict[str, Any]:
    client = httpclient.InferenceServerClient(
        url=url, connection_timeout=timeout, network_timeout=timeout
    )
    try:

        def infer(binary: bool, outputs: bool = True, **kwargs: Any) -> dict[str, Any]:
            text = httpclient.InferInput("text", [len(TEXTS)], "BYTES")
            text.set_data_from_numpy(text_array(TEXTS), binary_data=binary)
            requested = (
                [
                    httpclient.InferRequestedOutput("label", binary_data=binary),
                    httpclient.InferRequestedOutput("probabilities", binary_data=binary),
                ]
                if outputs
                else None
            )
            result = client.infer(MODEL, [text], outputs=requested, **kwargs)
            return summarise(result, result.get_response())

        metadata = client.get_model_metadata(MODEL)
        version = metadata["versions"][0]
        wrong_input = httpclient.InferInput("txt", [1], "BYTES")
        wrong_input.set_data_from_numpy(text_array(["x"]), binary_data=False)
        return {
            "server_live": client.is_server_live(),
            "server_ready": client.is_server_ready(),
            "server_metadata": client.get_server_metadata(),
            "model_metadata": metadata,
            "model_ready": client.is_model_ready(MODEL),
            "model_ready_versioned": client.is_model_ready(MODEL, model_version=version),
            "infer_binary": infer(binary=True, request_id="http-binary"),
            "infer_json": infer(binary=False, request_id="http-json"),
            "infer_default_outputs": infer(binary=True, outputs=False),
            "infer_versioned": infer(binary=False, model_version=version),
            "unknown_model": refusal(lambda: client.get_model_metadata("no-such-model")),
            "wrong_version": refusal(lambda: infer(binary=True, model_version="999999")),
            "wrong_input": refusal(lambda: client.infer(MODEL, [wrong_input])),
        }
    finally:
        client.close()


def check_grpc(url: str, timeout: float) -> dict[str, Any]:
    client = grpcclient.InferenceServerClient(url=url)
    try:

        def infer(**kwargs: Any) -> dict[str, Any]:
            text = grpcclient.InferInput("text", [len(TEXTS)], "BYTES")
            text.set_data_from_numpy(text_array(TEXTS))
            outputs = [
                grpcclient.InferRequestedOutput("label"),
                grpcclient.InferRequestedOutput("probabilities"),
            ]
            result = client.infer(MODEL, [text], outputs=outputs, client_timeout=timeout, **kwargs)
            return summarise(result, result.get_response(as_json=True))

        metadata = client.get_model_metadata(MODEL, as_json=True, client_timeout=timeout)
        version = metadata["versions"][0]
        wrong_input = grpcclient.InferInput("txt", [1], "BYTES")
        wrong_input.set_data_from_numpy(text_array(["x"]))
        return {
            "server_live": client.is_server_live(client_timeout=timeout),
            "server_ready": client.is_server_ready(client_timeout=timeout),
            "server_metadata": client.get_server_metadata(as_json=True, client_timeout=timeout),
            "model_metadata": metadata,
            "model_ready": client.is_model_ready(MODEL, client_timeout=timeout),
            "model_ready_versioned": client.is_model_ready(
                MODEL, model_version=version, client_timeout=timeout
            ),
            "infer": infer(request_id="grpc-raw"),
            "infer_versioned": infer(model_version=version),
            "unknown_model": refusal(lambda: client.get_model_metadata("no-such-model")),
            "wrong_version": refusal(lambda: infer(model_version="999999")),
            "wrong_input": refusal(lambda: client.infer(MODEL, [wrong_input])),
        }
    finally:
        client.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = {
        "texts": TEXTS,
        "http": check_http(args.http_url, args.timeout),
        "grpc": check_grpc(args.grpc_url, args.timeout),
    }
    json.dump(report, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
