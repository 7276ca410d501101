"""SentimentOps training job."""

__version__ = "0.1.0"
