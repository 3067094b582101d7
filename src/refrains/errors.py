"""Exceptions raised by refrains.

All of them derive from one root, so callers can catch everything refrains raises
with a single ``except RefrainsError``::

    RefrainsError
    ├── InputError            a file or record cannot be read as a document (names the file)
    │   ├── DecodeError       bytes that decode in no known encoding, or binary data
    │   └── EmptyDocumentError no text left after cleaning
    ├── ConfigError           a setting or option with a bad value
    ├── NotInstalled          an optional dependency is missing (says what to install)
    └── StoreError            the store cannot be opened, migrated or written
"""

from __future__ import annotations


class RefrainsError(Exception):
    """Root of every error raised by refrains."""


class InputError(RefrainsError):
    """A file or record that cannot become a document.

    The message always names the file (and the record, for JSONL/CSV) and the problem.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # pickled across worker processes: rebuild from both arguments, not from the message
        return (type(self), (self.path, self.reason))


class DecodeError(InputError):
    """Bytes that are not text in any encoding refrains can detect."""


class EmptyDocumentError(InputError):
    """A document with no text left once page furniture is removed."""


class ConfigError(RefrainsError):
    """A setting with a bad value; the message says which and what is allowed."""


class NotInstalled(RefrainsError):
    """An optional dependency is missing; the message gives the install command."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed: run  pip install 'refrains[{extra}]'")
        self.package = package


class StoreError(RefrainsError):
    """The store cannot be opened, migrated or written."""
