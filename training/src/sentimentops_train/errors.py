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


class DataValidationError(DataError):
    """The dataset failed expectations of the `validate` step; its report lists each one."""


class StoreError(TrainingError):
    """The artifact store cannot be used: a missing client library or credentials, an object
    that is not there, or a stored snapshot whose files do not match its record."""


class TrackingError(TrainingError):
    """MLFLOW_TRACKING_URI is set but the run cannot be logged there: no mlflow client installed,
    the server unreachable, or a request it refused."""
