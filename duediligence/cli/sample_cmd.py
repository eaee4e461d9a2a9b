"""``duediligence sample ...``: (re)generate sample data and scale data.

The generators are not part of the installed package: they live in the top-level ``sampledata``
package of a source checkout (beside ``duediligence/``), and these commands import them when they
run. From an installed wheel the commands stop with a :class:`ConfigError` that says so; the
demo and the training code need only the data files, which the wheel carries.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from duediligence.cli.common import out
from duediligence.errors import ConfigError
from duediligence.shipped import SOURCE_ROOT, is_source_checkout


def _use_generators() -> None:
    """Make the checkout's ``sampledata`` package importable (its root on ``sys.path``).

    Raises :class:`ConfigError` (exit code 2) outside a source checkout, or when the checkout
    has no ``sampledata/`` folder: the wheel does not carry the generators.
    """
    if not is_source_checkout() or not (SOURCE_ROOT / "sampledata" / "__init__.py").is_file():
        raise ConfigError(
            "the sample-data generators are not installed with duediligence: they live in "
            "the source repository's sampledata/ folder. Run `duediligence sample ...` from a "
            "checkout (git clone the repository, then `make install` there). The demo does not "
            "need them: the sample data it imports is shipped with the package."
        )
    root = str(SOURCE_ROOT)
    if root not in sys.path:
        sys.path.append(root)


sample_app = typer.Typer(
    help="Sample and scale data.\n\nExample:\n\n    duediligence sample generate --clients 1000 "
    "--signals-per-client 10 --output /tmp/scale",
    no_args_is_help=True,
)


@sample_app.command("generate")
def generate(
    clients: int = typer.Option(1000, "--clients", min=1, help="Number of clients."),
    signals_per_client: float = typer.Option(
        10, "--signals-per-client", min=0, help="Average signals per client."
    ),
    output: Path = typer.Option(..., "--output", help="Folder for the CSV files."),
    seed: int = typer.Option(1, "--seed", help="Random seed (same seed, same files)."),
) -> None:
    """Write importable clients/parties/engagements/signals CSVs at any scale.

    Example:

        duediligence sample generate --clients 100000 --signals-per-client 10 --output /tmp/scale
    """
    _use_generators()
    from sampledata.scale import generate_scale

    start = time.perf_counter()
    counts = generate_scale(
        output, clients=clients, signals_per_client=signals_per_client, seed=seed
    )
    out.print(
        f"wrote {counts.clients:,} clients, {counts.parties:,} parties, "
        f"{counts.engagements:,} engagements and {counts.signals:,} signals to {output} "
        f"in {time.perf_counter() - start:.1f} s",
        highlight=False,
    )


@sample_app.command("roster")
def roster(
    output: Path = typer.Option(Path("sample_data"), "--output", help="Folder to write into."),
) -> None:
    """Regenerate the shipped sample roster, labels, case study and corpus (seeded).

    Example:

        duediligence sample roster --output sample_data
    """
    _use_generators()
    from sampledata.media_corpus import write_corpus
    from sampledata.roster import write_sample_data

    counts = write_sample_data(output)
    corpus = write_corpus(output / "corpus")
    out.print(f"roster: {counts}; corpus: {corpus}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the ``sample`` group."""
    app.add_typer(sample_app, name="sample")
