"""Critical appraisal: checklists as data files, scores and ratings, risk-of-bias judgements.

Checklists ship as YAML under ``checklists/`` (JBI, CASP, MMAT, RoB 2, ROBINS-I,
Newcastle–Ottawa); a review may add its own or derive one from a shipped one. Everything here is
plain data in and out: no database, no HTTP, no terminal.

    >>> jbi = shipped_checklists()["jbi-cross-sectional-modified"]
    >>> answers = [Answer(item.id, "Yes") for item in jbi.items]
    >>> str(score(jbi, answers))
    '8/8 High'
"""

from sysreview.appraisal.algorithm import Proposal, overall_judgement
from sysreview.appraisal.judgement import (
    StudyJudgements,
    domain_judgement,
    rob2_domain_judgement,
    study_judgements,
)
from sysreview.appraisal.loading import load_checklist, parse_checklist, shipped_checklists
from sysreview.appraisal.model import (
    Band,
    Checklist,
    ChecklistError,
    Domain,
    Item,
    Level,
    Option,
    Source,
)
from sysreview.appraisal.plots import summary_svg, traffic_light_svg
from sysreview.appraisal.scoring import (
    Answer,
    QualityIssue,
    Score,
    issues_summary,
    quality_issues,
    score,
    validate_answers,
)
from sysreview.appraisal.tables import (
    AnswersFileError,
    AppraisalRow,
    AppraisalTable,
    JudgementTable,
    appraisal_table,
    judgement_table,
    parse_answers_csv,
    read_answers_csv,
    read_tool_names,
)

__all__ = [
    "Answer",
    "AnswersFileError",
    "AppraisalRow",
    "AppraisalTable",
    "Band",
    "Checklist",
    "ChecklistError",
    "Domain",
    "Item",
    "JudgementTable",
    "Level",
    "Option",
    "Proposal",
    "QualityIssue",
    "Score",
    "Source",
    "StudyJudgements",
    "appraisal_table",
    "domain_judgement",
    "issues_summary",
    "judgement_table",
    "load_checklist",
    "overall_judgement",
    "parse_checklist",
    "quality_issues",
    "parse_answers_csv",
    "read_answers_csv",
    "read_tool_names",
    "rob2_domain_judgement",
    "score",
    "shipped_checklists",
    "study_judgements",
    "summary_svg",
    "traffic_light_svg",
    "validate_answers",
]
