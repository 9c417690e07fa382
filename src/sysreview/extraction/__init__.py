"""Extraction forms: checking a value against its field, and settling a field's final value.

The form is data in the protocol (``extraction.fields``); this module knows nothing of where
values are stored. In the verify workflow a verifier's correction wins over the extracted value;
a field is verified when every required verifier accepted or corrected it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sysreview.errors import InvalidInput
from sysreview.protocol import ExtractionField

YES_NO = ("Yes", "No")


def check_value(field: ExtractionField, value: str | list[str]) -> str | list[str]:
    """The value in the field's shape, or InvalidInput saying what the field takes."""
    if field.type == "multi":
        chosen = [v.strip() for v in (value if isinstance(value, list) else value.split(";"))]
        chosen = [v for v in chosen if v]
        unknown = [v for v in chosen if v not in field.options]
        if unknown:
            raise InvalidInput(f"{field.label}: {unknown[0]!r} is not one of {field.options}")
        return chosen
    text = value if isinstance(value, str) else "; ".join(value)
    text = text.strip()
    if not text:
        if field.required:
            raise InvalidInput(f"{field.label} is required")
        return ""
    if field.type == "number":
        try:
            float(text)
        except ValueError:
            raise InvalidInput(f"{field.label} takes a number, not {text!r}") from None
    elif field.type == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{field.label} takes a date like 2017-11-01") from None
    elif field.type == "choice" and text not in field.options:
        raise InvalidInput(f"{field.label}: {text!r} is not one of {field.options}")
    elif field.type == "yesno" and text not in YES_NO:
        raise InvalidInput(f"{field.label} takes Yes or No")
    return text


@dataclass(frozen=True)
class FieldValue:
    """One person's value for a field: ``extracted``, ``verified`` or ``corrected``."""

    author: str
    kind: str
    value: str | list[str]


def final_value(values: Sequence[FieldValue]) -> str | list[str]:
    """The value a report shows: the last correction, else the extracted value."""
    corrected = [v for v in values if v.kind == "corrected"]
    if corrected:
        return corrected[-1].value
    extracted = [v for v in values if v.kind == "extracted"]
    return extracted[0].value if extracted else ""


def is_verified(values: Sequence[FieldValue], verifiers: int) -> bool:
    return sum(1 for v in values if v.kind in ("verified", "corrected")) >= verifiers
