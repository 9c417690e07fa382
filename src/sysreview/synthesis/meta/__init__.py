"""Meta-analysis checked against R's metafor: effect sizes, pooling, heterogeneity, subgroups,
leave-one-out, Egger's test, trim-and-fill, and forest and funnel plots.

See docs/meta-analysis.md for what comes from statsmodels and scipy and what is written here.
"""

from sysreview.synthesis.meta.bias import EggerTest, TrimAndFill, egger_test, trim_and_fill
from sysreview.synthesis.meta.effects import MEASURES, EffectSizes, back_transform, kind_of
from sysreview.synthesis.meta.estimators import METHODS
from sysreview.synthesis.meta.models import MetaResult, StudyRow, meta_analysis
from sysreview.synthesis.meta.plots import FORMATS, forest_plot, funnel_plot
from sysreview.synthesis.meta.robustness import Robustness, robustness
from sysreview.synthesis.meta.sensitivity import (
    LeftOut,
    SubgroupAnalysis,
    leave_one_out,
    subgroup_analysis,
)
from sysreview.synthesis.meta.table import effects_from_rows, parse_csv, read_csv

__all__ = [
    "FORMATS",
    "MEASURES",
    "METHODS",
    "EffectSizes",
    "EggerTest",
    "LeftOut",
    "MetaResult",
    "Robustness",
    "StudyRow",
    "SubgroupAnalysis",
    "TrimAndFill",
    "back_transform",
    "effects_from_rows",
    "egger_test",
    "forest_plot",
    "funnel_plot",
    "kind_of",
    "leave_one_out",
    "meta_analysis",
    "parse_csv",
    "read_csv",
    "robustness",
    "subgroup_analysis",
    "trim_and_fill",
]
