"""Help texts that read the same in any terminal width.

Typer's rich help keeps the single line breaks of a docstring inside a paragraph (in the
command list too), so a docstring wrapped at 95 columns came out as ragged half-lines in an
80-column terminal. :func:`reflow_help` joins the lines of each prose paragraph once, when the
app is built; indented blocks (examples), lists and ``\\b`` blocks keep their lines.
"""

from __future__ import annotations

import inspect
import re

import typer

_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """``text`` with the lines of each prose paragraph joined by single spaces.

    Paragraphs are separated by blank lines. A paragraph is left as written when any of its
    lines is indented (an example), starts a list item (``-``, ``*``, ``1.``) or when it begins
    with ``\\b`` (click's "do not rewrap" marker).
    """
    paragraphs = inspect.cleandoc(text).split("\n\n")
    out = []
    for para in paragraphs:
        lines = para.split("\n")
        keep = para.startswith("\b") or any(
            line[:1].isspace() or _LIST_ITEM.match(line) for line in lines
        )
        out.append(para if keep else " ".join(line.strip() for line in lines))
    return "\n\n".join(out)


def reflow_help(app: typer.Typer) -> None:
    """Reflow the help of every command and group of ``app``, recursively, in place.

    Only strings are touched: Typer's placeholders for "not given" stay as they are, and a
    command without explicit help gets its reflowed docstring as its help.
    """
    for command in app.registered_commands:
        doc = command.help if isinstance(command.help, str) else inspect.getdoc(command.callback)
        if doc:
            command.help = reflow(doc)
    callback = app.registered_callback
    if callback is not None:
        if isinstance(callback.help, str):
            callback.help = reflow(callback.help)
        elif callback.callback is not None and callback.callback.__doc__:
            # the docstring is Typer's last resort (after ``Typer(help=...)``): reflow it in
            # place rather than turn it into an explicit help that would take precedence
            callback.callback.__doc__ = reflow(callback.callback.__doc__)
    if isinstance(app.info.help, str):
        app.info.help = reflow(app.info.help)
    for group in app.registered_groups:
        if isinstance(group.help, str):
            group.help = reflow(group.help)
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)
