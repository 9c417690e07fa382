"""``sysreview synthesis``: thematic coding, evidence matrices and meta-analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sysreview.cli import synthesis_checking, synthesis_codes
from sysreview.errors import InvalidInput
from sysreview.files import write_file_atomically

app = typer.Typer(
    help="Synthesis: codes and themes, the evidence matrix, meta-analysis.", no_args_is_help=True
)
synthesis_codes.register(app)
synthesis_checking.register(app)


@app.command("meta")
def meta(
    table: Annotated[
        Path, typer.Argument(help="CSV with a study column and the measure's columns.")
    ],
    measure: Annotated[str, typer.Option(help="RR, OR, RD, MD, SMD, ZCOR or GEN.")] = "RR",
    method: Annotated[str, typer.Option(help="FE, MH, DL, REML or PM.")] = "REML",
    knapp_hartung: Annotated[bool, typer.Option("--knapp-hartung")] = False,
    add: Annotated[
        float, typer.Option(help="Continuity correction for 2x2 tables with a zero cell.")
    ] = 0.5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity", help="Add leave-one-out, Egger's test and trim-and-fill (k >= 3)."
        ),
    ] = False,
    forest: Annotated[
        Path | None, typer.Option(help="Write the forest plot (.svg, .png, .pdf).")
    ] = None,
    funnel: Annotated[
        Path | None, typer.Option(help="Write the funnel plot (.svg, .png, .pdf).")
    ] = None,
) -> None:
    """Meta-analyse a CSV table of studies; numbers as R's metafor gives them.

    Ratio measures (RR, OR) are analysed, and printed by --json, on the log scale. A `subgroup`
    column adds subgroup totals and the test for subgroup differences.

    Example: sysreview synthesis meta bcg.csv --measure RR --method REML --json --forest f.svg
    """
    from sysreview.synthesis import meta as ma

    effects = ma.effects_from_rows(measure, ma.read_csv(table), source=str(table), add=add)
    result = ma.meta_analysis(effects, method, knapp_hartung=knapp_hartung)
    subgroups = (
        ma.subgroup_analysis(effects, method, knapp_hartung=knapp_hartung)
        if effects.groups
        else None
    )
    checks = ma.robustness(effects, method, knapp_hartung=knapp_hartung) if sensitivity else None
    figures = {}
    for path, draw in ((forest, "forest"), (funnel, "funnel")):
        if path is None:
            continue
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ma.FORMATS:
            raise InvalidInput(f"{path}: the figure must end in .svg, .png or .pdf")
        figures[path] = (
            ma.forest_plot(result, subgroups=subgroups, fmt=fmt)
            if draw == "forest"
            else ma.funnel_plot(result, fmt=fmt)
        )
    for path, content in figures.items():
        write_file_atomically(path, content)
    if as_json:
        data = result.as_json()
        if checks:
            data |= checks.as_json()
        if subgroups:
            data["subgroups"] = {
                "q_between": subgroups.q_between,
                "df": subgroups.df,
                "p_value": subgroups.p_value,
                "groups": [
                    {
                        "name": g.name,
                        "k": g.k,
                        "estimate": g.estimate,
                        "se": g.se,
                        "ci_lower": g.ci_lower,
                        "ci_upper": g.ci_upper,
                    }
                    for g in subgroups.subgroups
                ],
            }
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(_summary(result))
    if checks:
        typer.echo(_checks(checks, result.measure))


def _summary(result: Any) -> str:
    shown = result.display()
    lines = [
        f"{result.method} model, k = {result.k}, measure {result.measure}"
        + (" (Knapp-Hartung)" if result.knapp_hartung else ""),
        f"estimate {shown['estimate']:.4f}  "
        f"95% CI [{shown['ci_lower']:.4f}, {shown['ci_upper']:.4f}]  p = {result.p_value:.4g}",
        f"prediction interval [{shown['pi_lower']:.4f}, {shown['pi_upper']:.4f}]",
        f"tau2 = {result.tau2:.4f}  I2 = {result.i2:.2f}%  H2 = {result.h2:.2f}"
        f"  Q({result.q_df}) = {result.q:.4f}, p = {result.q_p:.4g}",
    ]
    return "\n".join(lines)


def _checks(checks: Any, measure: str) -> str:
    from sysreview.synthesis.meta import back_transform

    lines = []
    if checks.egger:
        e = checks.egger
        lines.append(f"Egger's test: slope {e.slope:.4f} (se {e.se:.4f}), p = {e.p_value:.4g}")
    if checks.trim_and_fill:
        t = checks.trim_and_fill
        shown = back_transform(measure, t.adjusted.estimate) or 0.0
        lines.append(
            f"trim-and-fill ({t.estimator}): {t.k0} studies filled on the {t.side}; "
            f"estimate {shown:.4f}"
        )
    for left in checks.leave_one_out:
        shown = back_transform(measure, left.result.estimate) or 0.0
        lines.append(f"without {left.study}: estimate {shown:.4f}, I2 = {left.result.i2:.2f}%")
    return "\n".join(lines)
