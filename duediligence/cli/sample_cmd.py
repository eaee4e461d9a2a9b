"""``duediligence sample ...``: (re)generate sample data and scale data."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from duediligence.cli.common import out

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
    from duediligence.sampledata.scale import generate_scale

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
    from duediligence.sampledata.media_corpus import write_corpus
    from duediligence.sampledata.roster import write_sample_data

    counts = write_sample_data(output)
    corpus = write_corpus(output / "corpus")
    out.print(f"roster: {counts}; corpus: {corpus}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the ``sample`` group."""
    app.add_typer(sample_app, name="sample")
