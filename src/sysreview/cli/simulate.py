"""``sysreview simulate``: replay a labelled review with a ranking model and measure it.

A few lines over :func:`sysreview.ranking.simulate`: read the file, find each record's id and
``label_included``, run the simulation, write the screening order, print the figures.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer

from sysreview import ranking as ranking_models  # models load on first use, not per command
from sysreview.cli.options import read_input
from sysreview.cli.progress import progress_bar
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically
from sysreview.formats import read_file
from sysreview.ranking import DEFAULT_PRESET, STOPPING_RULES
from sysreview.records import Record
from sysreview.services.dedup_files import record_id

TRUE_LABELS = {"1", "true", "yes", "y", "included", "include"}
FALSE_LABELS = {"0", "false", "no", "n", "excluded", "exclude"}


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``sysreview`` command."""
    app.command(
        "simulate", context_settings={"allow_extra_args": True, "ignore_unknown_options": False}
    )(simulate)


def simulate(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Argument(
            help="A labelled file in any importable format, with a label_included column.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option(help="Where to write the screening order (CSV).")],
    prior_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--prior-ids",
            help="Record ids screened first (ids may follow one --prior-ids, space-separated).",
            show_default=False,
        ),
    ] = None,
    prior_included: Annotated[
        int, typer.Option(help="Draw this many included records as priors.")
    ] = 0,
    prior_excluded: Annotated[
        int, typer.Option(help="Draw this many excluded records as priors.")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed for the priors drawn and the model.")] = 0,
    model: Annotated[
        str, typer.Option(help="Ranking preset (`sysreview ranking models` lists them).")
    ] = DEFAULT_PRESET,
    stop: Annotated[
        str | None,
        typer.Option(help=f"Report where a stopping rule stops: {', '.join(STOPPING_RULES)}."),
    ] = None,
) -> None:
    """Simulate screening a labelled review with a ranking model; print WSS, recall and loss.

    Example: sysreview simulate Donners_2021.csv --prior-included 1 --prior-excluded 1 --out o.csv
    Example: sysreview simulate labelled.ris --prior-ids W1 W2 --out o.csv --stop hypergeometric
    """
    ids, texts, included = _read_labelled(data)
    chosen = _priors(ctx, ids, included, prior_ids, prior_included, prior_excluded, seed)
    # refuses an unknown model, or one whose optional part is not installed
    ranking_models.get_preset(model)
    if stop is not None and stop not in STOPPING_RULES:
        rules = ", ".join(STOPPING_RULES)
        raise InvalidInput(f"unknown stopping rule {stop!r}; choose one of: {rules}")
    with progress_bar() as report:
        result = ranking_models.simulate(
            texts, included, chosen, model, seed, stop, progress=report
        )
    _write_order(out, [ids[i] for i in result.order])
    for line in summary_lines(result):
        typer.echo(line)


def _label(record: Record, where: str) -> bool:
    values = record.source_fields.get("label_included")
    if not values:
        raise InvalidInput(f"{where}: no label_included value (the file needs that column)")
    value = values[0].strip().lower()
    if value in TRUE_LABELS or value.replace(".0", "") == "1":
        return True
    if value in FALSE_LABELS or value.replace(".0", "") == "0":
        return False
    raise InvalidInput(f"{where}: label_included is {values[0]!r}; use 1 or 0")


def _read_labelled(path: Path) -> tuple[list[str], list[tuple[str, str]], list[bool]]:
    data = read_input(path)
    result = read_file(data, filename=path.name, skip_bad=True)
    for skipped in result.skipped:
        typer.echo(f"warning: {path.name}:{skipped.line}: left out ({skipped.reason})", err=True)
    records = result.records
    ids, texts, included = [], [], []
    seen: set[str] = set()
    for record in records:
        key = record_id(record, path.name)
        if key in seen:
            raise InvalidInput(f"{path.name}: record id {key!r} appears twice")
        seen.add(key)
        ids.append(key)
        texts.append((record.title, record.abstract))
        included.append(_label(record, f"{path.name}:{record.source_line}"))
    return ids, texts, included


def _priors(
    ctx: typer.Context,
    ids: list[str],
    included: list[bool],
    prior_ids: list[str] | None,
    n_included: int,
    n_excluded: int,
    seed: int,
) -> list[int]:
    given = [part for value in (prior_ids or []) for part in value.split(",") if part.strip()]
    given += list(ctx.args)
    if given and not prior_ids:
        raise InvalidInput(f"unexpected argument(s): {' '.join(ctx.args)}")
    if given and (n_included or n_excluded):
        raise InvalidInput("give either --prior-ids or --prior-included/--prior-excluded")
    if given:
        position = {key: i for i, key in enumerate(ids)}
        missing = [key for key in given if key.strip() not in position]
        if missing:
            raise InvalidInput(f"prior id(s) not in the file: {', '.join(missing)}")
        return [position[key.strip()] for key in given]
    if not (n_included or n_excluded):
        raise InvalidInput("give --prior-ids, or --prior-included and --prior-excluded")
    return ranking_models.draw_priors(included, n_included, n_excluded, seed)


def _write_order(path: Path, ids: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["record_id"])
    writer.writerows([key] for key in ids)
    write_file_atomically(path, buffer.getvalue().encode("utf-8"))


def summary_lines(result: ranking_models.SimulationResult) -> list[str]:
    """The figures of one simulation as printed lines (priors left out of every figure)."""
    m = result.metrics()
    lines = [
        f"model: {result.preset}  seed: {result.random_state}  priors: {len(result.prior_ids)}",
        f"records: {m.records}  relevant: {m.relevant}  (priors left out)",
        f"WSS@95: {m.wss95:.4f}",
        f"WSS@100: {m.wss100:.4f}",
        f"recall@10%: {m.recall_at_10:.4f}",
        f"recall@20%: {m.recall_at_20:.4f}",
        f"screened to 95% recall: {m.screened_to_95}",
        f"screened to 100% recall: {m.screened_to_100}",
        f"ATD: {m.atd:.2f} records",
        f"loss: {m.loss:.4f}",
        f"wall time: {result.wall_seconds:.2f} s",
        f"mean retrain time: {result.mean_retrain_seconds * 1000:.2f} ms "
        f"({len(result.retrain_seconds)} retrains)",
    ]
    if result.stop is not None:
        s = result.stop
        lines.append(
            f"stop ({s.rule}, {s.kind}): after {s.screened} records "
            f"({s.ranked} ranked + {s.sampled} random sample); recall {s.recall:.4f}; "
            f"work saved {s.work_saved:.4f}"
        )
    return lines
