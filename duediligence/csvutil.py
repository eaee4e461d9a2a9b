"""The one CSV writer of the product: every CSV file or download goes through it.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@`` (and, in some, a tab,
carriage return, ``|`` or ``%``) as a formula, so a client name, news title or query written
verbatim into a CSV can execute when a compliance officer opens the file ("CSV injection").
Following the OWASP advice (https://owasp.org/www-community/attacks/CSV_Injection) every such
cell is prefixed with a single quote, which spreadsheets show as text (a negative number too:
``-1+cmd|...`` starts like one).

``tests/test_csv_outputs.py`` checks that no other module calls ``csv.writer`` or
``csv.DictWriter`` and walks every CSV output the product writes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:
    _DictWriter = csv.DictWriter  # not subscriptable at run time before Python 3.12

# OWASP's list plus the pipe and percent some spreadsheets also interpret, and newlines.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value: Any) -> str:
    """A cell that spreadsheets will not run as a formula: a value whose text starts with a
    formula character (after leading spaces) gets a ``'`` prefix; ``None`` becomes ``""``."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_PREFIXES) else text


def is_safe_cell(cell: str) -> bool:
    """True when ``cell`` (as read back from a CSV file) cannot run as a formula."""
    return not cell.lstrip(" ").startswith(FORMULA_PREFIXES)


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`neutralise`."""

    def __init__(self, handle: IO[str], **kwargs: Any) -> None:
        """Wrap ``handle`` (opened with ``newline=""``); ``kwargs`` go to ``csv.writer``."""
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row, formulas neutralised."""
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write many rows, formulas neutralised."""
        for row in rows:
            self.writerow(row)


class SafeDictWriter(_DictWriter):
    """``csv.DictWriter`` whose rows (and header) go through :class:`SafeWriter`."""

    def __init__(self, handle: IO[str], fieldnames: Sequence[str], **kwargs: Any) -> None:
        """Like ``csv.DictWriter(handle, fieldnames, **kwargs)``."""
        writer_keys = {"dialect", "delimiter", "quotechar", "lineterminator", "quoting"}
        super().__init__(handle, fieldnames, **kwargs)
        self.writer = SafeWriter(  # type: ignore[assignment]
            handle, **{k: v for k, v in kwargs.items() if k in writer_keys}
        )


def writer(handle: IO[str], **kwargs: Any) -> SafeWriter:
    """The product's CSV writer (see the module docstring)."""
    return SafeWriter(handle, **kwargs)


def dict_writer(handle: IO[str], fieldnames: Sequence[str], **kwargs: Any) -> SafeDictWriter:
    """The product's CSV dict writer (see the module docstring)."""
    return SafeDictWriter(handle, fieldnames, **kwargs)
