"""logstats: access log statistics."""

from logstats.aggregate import Summary, error_rate, hourly, status_classes, summarize, top_paths
from logstats.parser import Record, parse_line, parse_lines
from logstats.cli import render
from logstats.stats import mean, percentile

__all__ = [
    "Record",
    "Summary",
    "error_rate",
    "hourly",
    "mean",
    "parse_line",
    "parse_lines",
    "percentile",
    "render",
    "status_classes",
    "summarize",
    "top_paths",
]
