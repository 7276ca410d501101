"""The training job's expected failures.

Everything a user can cause (a bad config, a bad input file, a missing artifact) raises a
`TrainingError` subclass with a message that names the problem. The CLI prints such an error as
`error: <message>` and exits 1, without a traceback; any other exception is a bug and keeps its
traceback.
"""


class TrainingError(Exception):
    """Base class of the errors the CLI reports as `error: <message>` (exit status 1)."""


class ConfigError(TrainingError):
    """The configuration file or a `--set` override is invalid."""


class DataError(TrainingError):
    """Input data is missing, unreadable or malformed (bad column, unknown label, empty file...)."""


class ModelError(TrainingError):
    """A model, tokenizer or checkpoint cannot be built, loaded or trained as configured."""


class ExportError(TrainingError):
    """The ONNX export or its PyTorch-vs-ONNX parity check failed."""
