"""Apprentice Portfolio: an offline EPA portfolio for UK apprentices."""

__version__ = "0.1.0"
