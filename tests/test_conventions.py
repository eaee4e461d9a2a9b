"""The caller owns the session and passes it keyword-only (DESIGN, "Conventions").

Every function or method of the package that takes a parameter named ``session`` must take it
after the ``*`` (``def f(*, session: Session, ...)`` or ``def f(x, *, session, ...)``), so a call
always reads ``f(session=session, ...)`` and a positional argument can never land in the session's
place. The test reads the source (it imports nothing), nested functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import duediligence

PACKAGE = Path(duediligence.__file__).parent


def session_parameters(tree: ast.AST) -> tuple[list[tuple[int, str]], int]:
    """Functions of ``tree`` taking ``session`` positionally, as (line, name), and how many take
    it keyword-only."""
    positional: list[tuple[int, str]] = []
    keyword_only = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        args = node.args
        name = node.name if not isinstance(node, ast.Lambda) else "<lambda>"
        if "session" in [a.arg for a in args.posonlyargs + args.args]:
            positional.append((node.lineno, name))
        elif "session" in [a.arg for a in args.kwonlyargs]:
            keyword_only += 1
    return positional, keyword_only


def test_the_checker_finds_a_positional_session() -> None:
    source = (
        "def a(session, x): ...\n"
        "def b(x, session=None): ...\n"
        "def c(session, /): ...\n"
        "class K:\n"
        "    def d(self, session): ...\n"
        "    async def e(self, session, *, y): ...\n"
        "f = lambda session: session\n"
        "def ok(x, *, session): ...\n"
        "def ok_too(*roles, session): ...\n"
        "def other(db, sessions): ...\n"
    )
    positional, keyword_only = session_parameters(ast.parse(source))
    assert [name for _, name in positional] == ["a", "b", "c", "d", "e", "<lambda>"]
    assert keyword_only == 2


def test_every_session_parameter_is_keyword_only() -> None:
    offenders: list[str] = []
    keyword_only = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        positional, kw = session_parameters(ast.parse(path.read_bytes(), filename=str(path)))
        keyword_only += kw
        rel = path.relative_to(PACKAGE.parent)
        offenders += [f"{rel}:{line} {name}" for line, name in positional]
    assert not offenders, "session must be keyword-only (def f(*, session, ...)):\n" + "\n".join(
        offenders
    )
    # The walk really saw the package's session-taking functions (not an empty folder).
    assert keyword_only > 100
