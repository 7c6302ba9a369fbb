"""Errors a user can act on. The CLI prints their message, never a traceback."""

from __future__ import annotations


class NaravardError(Exception):
    """A problem in the user's input or data; `exit_code` is what the CLI exits with."""

    exit_code = 1


class DataSyntaxError(NaravardError):
    """A Turtle file does not parse; the message is `path:LINE: message`."""


class QueryError(NaravardError):
    """A query is malformed, unknown or misses a parameter."""

    exit_code = 2
