"""essex-report: a reproducible annual report workbook for Essex County Council."""

__version__ = "0.2.0"
