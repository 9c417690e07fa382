"""The checks a reviewer runs after pooling: leave-one-out, Egger's test and trim-and-fill,
together, each left out (None) where there are too few studies for it (fewer than three)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sysreview.synthesis.meta.bias import EggerTest, TrimAndFill, egger_test, trim_and_fill
from sysreview.synthesis.meta.effects import EffectSizes
from sysreview.synthesis.meta.sensitivity import LeftOut, leave_one_out


@dataclass(frozen=True)
class Robustness:
    leave_one_out: tuple[LeftOut, ...]
    egger: EggerTest | None
    trim_and_fill: TrimAndFill | None

    def as_json(self) -> dict[str, Any]:
        """Plain numbers for ``--json`` (analysis scale, like the main result)."""
        data: dict[str, Any] = {
            "leave_one_out": [
                {
                    "study": left.study,
                    "estimate": left.result.estimate,
                    "se": left.result.se,
                    "ci_lower": left.result.ci_lower,
                    "ci_upper": left.result.ci_upper,
                    "tau2": left.result.tau2,
                    "i2": left.result.i2,
                    "q": left.result.q,
                }
                for left in self.leave_one_out
            ],
            "egger": None,
            "trim_and_fill": None,
        }
        if self.egger:
            e = self.egger
            data["egger"] = {
                "slope": e.slope,
                "se": e.se,
                "statistic": e.statistic,
                "p_value": e.p_value,
                "df": e.df,
            }
        if self.trim_and_fill:
            t = self.trim_and_fill
            data["trim_and_fill"] = {
                "k0": t.k0,
                "side": t.side,
                "estimator": t.estimator,
                "estimate": t.adjusted.estimate,
                "ci_lower": t.adjusted.ci_lower,
                "ci_upper": t.adjusted.ci_upper,
                "filled_effects": list(t.filled_effects),
            }
        return data


def robustness(effects: EffectSizes, method: str, *, knapp_hartung: bool = False) -> Robustness:
    """Leave-one-out, Egger's test and trim-and-fill with the analysis's own model."""
    if effects.k < 3:
        return Robustness((), None, None)
    return Robustness(
        leave_one_out=tuple(leave_one_out(effects, method, knapp_hartung=knapp_hartung)),
        egger=egger_test(effects, method, knapp_hartung=knapp_hartung),
        trim_and_fill=trim_and_fill(effects, method, knapp_hartung=knapp_hartung),
    )
