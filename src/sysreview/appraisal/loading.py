"""Loading checklist files: the shipped ones, a review's own, and ones derived from another.

A file either defines a whole tool or says ``derived_from: <id>@<version>`` and lists the items
it drops and adds (and any bands, answers or domains it changes), as the reference review did
to the JBI cross-sectional checklist. Every problem is a ChecklistError naming the file and
line; nothing half-loaded is ever returned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sysreview.appraisal.algorithm import check_algorithm, parse_algorithm
from sysreview.appraisal.fields import (
    ITEM_FIELDS,
    Roles,
    read_bands,
    read_item,
    read_levels,
    read_options,
    read_source,
    renumber,
)
from sysreview.appraisal.model import (
    KINDS,
    Band,
    Checklist,
    ChecklistError,
    Domain,
    Item,
    Kind,
    Level,
    Option,
)
from sysreview.appraisal.scoring import achievable_fractions, band_for
from sysreview.appraisal.yamlnode import Fields, YNode, compose

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
DEFAULT_ANSWERS = (
    Option("Yes", points=1),
    Option("No"),
    Option("Unclear", uncertain=True),
    Option("Not applicable", not_applicable=True),
)
TOP_FIELDS = (
    "id", "name", "version", "kind", "source", "robvis_tool", "answers", "not_applicable",
    "uncertain", "scoring", "ratings", "items", "domains", "judgements", "overall",
    "derived_from", "drop", "add",
)  # fmt: skip
SHIPPED_FOLDER = "sysreview/appraisal/checklists"


def load_checklist(path: Path | str, known: Mapping[str, Checklist] | None = None) -> Checklist:
    """Load one checklist file; a derived one finds its base in ``known`` (default: shipped)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ChecklistError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ChecklistError("the file is not UTF-8 text", file=str(path), line=line) from None
    return parse_checklist(text, str(path), known)


def parse_checklist(
    text: str, filename: str, known: Mapping[str, Checklist] | None = None
) -> Checklist:
    """A checklist from the text of its file (``filename`` is only used in messages)."""
    fields = compose(text, filename).fields("the checklist", TOP_FIELDS)
    derived = fields.get("derived_from")
    if derived is None:
        for name in ("drop", "add"):
            if name in fields:
                raise fields.need(name).error(f"'{name}' is only for a derived checklist")
        return _build(fields, None)
    return _build(fields, _base(derived, shipped_checklists() if known is None else known))


def _base(node: YNode, known: Mapping[str, Checklist]) -> Checklist:
    reference = node.text("derived_from")
    base_id, at, version = reference.partition("@")
    if not at or not version:
        raise node.error(f"derived_from must read <checklist id>@<version>, not '{reference}'")
    base = known.get(base_id)
    if base is None:
        raise node.error(f"derived from '{base_id}', which is not a known checklist")
    if base.version != version:
        raise node.error(
            f"derived from {reference}, but the known {base_id} is version {base.version}"
        )
    return base


def _build(fields: Fields, base: Checklist | None) -> Checklist:
    ident = fields.text("id")
    if not ID_PATTERN.match(ident):
        raise fields.need("id").error(
            f"id '{ident}' must be lower-case letters, digits, '.', '_' or '-'"
        )
    kind = _kind(fields, base)
    roles = Roles.read(fields, scored=kind == "checklist", base=base)
    answers = fields.get("answers")
    defaults = read_options(answers, "answers", roles) if answers else None
    if defaults is None:
        defaults = base.default_options if base else DEFAULT_ANSWERS
    items = (
        _derived_items(fields, base, defaults, roles) if base else _items(fields, defaults, roles)
    )
    roles.check_used(fields, [*defaults, *(o for item in items for o in item.options)])
    levels = _levels(fields, kind, base)
    checklist = Checklist(
        id=ident,
        name=fields.text("name"),
        version=fields.text("version"),
        kind=kind,
        source=read_source(fields.need("source")),
        items=tuple(items),
        default_options=defaults,
        ratings=_ratings(fields, kind, base),
        domains=_domains(fields, kind, base, items, levels),
        levels=levels,
        no_information_below=_overall(fields, levels, base),
        robvis_tool=fields.text("robvis_tool", base.robvis_tool if base else "Generic"),
        derived_from=base.reference if base else None,
        path=fields.owner.file,
    )
    _check_bands(checklist, fields)
    return checklist


def _kind(fields: Fields, base: Checklist | None) -> Kind:
    if "kind" not in fields:
        if base is None:
            raise fields.owner.error("the checklist: missing field 'kind'")
        return base.kind
    kind = fields.text("kind")
    if kind not in KINDS:
        raise fields.need("kind").error(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
    if base is not None and kind != base.kind:
        raise fields.need("kind").error(f"a derived checklist keeps its base's kind ({base.kind})")
    return kind  # type: ignore[return-value]


def _items(fields: Fields, defaults: tuple[Option, ...], roles: Roles) -> list[Item]:
    """A whole tool's items: ids unique, numbered 1, 2, 3 … in order."""
    node = fields.need("items")
    entries = node.items("'items'")
    if not entries:
        raise node.error("'items' must not be empty")
    items: list[Item] = []
    for position, entry in enumerate(entries, start=1):
        item = read_item(entry, defaults, roles)
        first = next((i for i in items if i.id == item.id), None)
        if first is not None:
            raise entry.error(f"item id '{item.id}' is used twice (first on line {first.line})")
        if item.number != position:
            raise entry.error(
                f"item '{item.id}' is number {item.number}, but items are numbered 1, 2, 3 … "
                f"in order (expected {position})"
            )
        items.append(item)
    return items


def _derived_items(
    fields: Fields, base: Checklist, defaults: tuple[Option, ...], roles: Roles
) -> list[Item]:
    """The base's items less those dropped, plus those added (in place), renumbered."""
    if "items" in fields:
        raise fields.need("items").error("a derived checklist lists 'drop' and 'add', not 'items'")
    items = list(base.items)
    for entry in fields.need("drop").items("'drop'") if "drop" in fields else []:
        wanted = entry.text("drop entry")
        if not any(i.id == wanted for i in items):
            raise entry.error(f"cannot drop '{wanted}': {base.reference} has no such item")
        items = [i for i in items if i.id != wanted]
    for entry in fields.need("add").items("'add'") if "add" in fields else []:
        item = read_item(entry, defaults, roles, added=True)
        if any(i.id == item.id for i in items):
            raise entry.error(f"item id '{item.id}' is used twice")
        after = entry.fields("added item", ITEM_FIELDS).get("after")
        if after is None:
            items.append(item)
            continue
        index = next((n for n, i in enumerate(items) if i.id == after.text("after")), None)
        if index is None:
            raise after.error(f"cannot add after '{after.text('after')}': no such item")
        items.insert(index + 1, item)
    if not items:
        raise fields.owner.error("the derived checklist drops every item")
    return renumber(items)


def _ratings(fields: Fields, kind: Kind, base: Checklist | None) -> tuple[Band, ...]:
    node = fields.get("ratings")
    if node is None:
        return base.ratings if base else ()
    if kind != "checklist":
        raise node.error("a domain-based tool has judgements, not ratings")
    return read_bands(node)


def _check_bands(checklist: Checklist, fields: Fields) -> None:
    """Every band must be reachable by some combination of answers."""
    reached = {band_for(checklist.ratings, value) for value in achievable_fractions(checklist)}
    for band in checklist.ratings:
        if band.label not in reached:
            raise ChecklistError(
                f"no combination of answers gives the rating '{band.label}'",
                file=fields.owner.file,
                line=band.line or fields.owner.line,
            )


def _levels(fields: Fields, kind: Kind, base: Checklist | None) -> tuple[Level, ...]:
    node = fields.get("judgements")
    if node is None:
        if kind == "domain-based" and base is None:
            raise fields.owner.error("the checklist: missing field 'judgements'")
        return base.levels if base else ()
    if kind != "domain-based":
        raise node.error("only a domain-based tool has 'judgements'")
    return read_levels(node)


def _overall(fields: Fields, levels: tuple[Level, ...], base: Checklist | None) -> str | None:
    node = fields.get("overall")
    if node is None:
        return base.no_information_below if base else None
    spec = node.fields("overall", ("rule", "no_information_below"))
    if spec.text("rule") != "worst":
        raise spec.need("rule").error("the only overall rule is 'worst'")
    threshold = spec.text("no_information_below", "") or None
    if threshold and threshold not in {lv.label for lv in levels}:
        raise spec.need("no_information_below").error(f"'{threshold}' is not a judgement")
    return threshold


def _domains(
    fields: Fields, kind: Kind, base: Checklist | None, items: list[Item], levels: tuple[Level, ...]
) -> tuple[Domain, ...]:
    """Domains (a derived file may replace one by id), each item in a listed domain."""
    domains = {d.id: d for d in base.domains} if base else {}
    to_check = []
    for entry in fields.need("domains").items("'domains'") if "domains" in fields else []:
        spec = entry.fields("domain", ("id", "name", "short", "algorithm"))
        algorithm = None
        if "algorithm" in spec:
            if kind != "domain-based":
                raise spec.need("algorithm").error("only a domain-based tool has algorithms")
            algorithm = parse_algorithm(spec.need("algorithm"), "algorithm")
            to_check.append((algorithm, spec.need("algorithm"), spec.text("id")))
        domain = Domain(spec.text("id"), spec.text("name"), spec.text("short", ""), algorithm)
        domains[domain.id] = domain
    if kind == "domain-based" and not domains:
        raise fields.owner.error("the checklist: a domain-based tool needs 'domains'")
    for item in items:
        if (domains or item.domain) and item.domain not in domains:
            raise ChecklistError(
                f"item '{item.id}' is in domain '{item.domain}', which is not listed",
                file=fields.owner.file,
                line=item.line,
            )
    for algorithm, node, domain_id in to_check:
        check_algorithm(algorithm, node, domain_id, items, levels)
    return tuple(domains.values())


def _checklist_files() -> list[tuple[str, str]]:
    folder = resources.files("sysreview.appraisal") / "checklists"
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


@lru_cache(maxsize=1)
def _shipped() -> tuple[Checklist, ...]:
    """Every shipped checklist, each base loaded before the files derived from it."""
    pending = _checklist_files()
    if not pending:
        raise ChecklistError(
            f"no checklist files in {SHIPPED_FOLDER}: was sysreview installed without its data?"
        )
    loaded: dict[str, Checklist] = {}
    while pending:
        waiting = [(n, t) for n, t in pending if _declared_base(t, n) not in (None, *loaded)]
        for name, text in pending:
            if (name, text) not in waiting:
                checklist = parse_checklist(text, f"{SHIPPED_FOLDER}/{name}", loaded)
                if checklist.id in loaded:
                    raise ChecklistError(f"two shipped checklists have the id {checklist.id}")
                loaded[checklist.id] = checklist
        if len(waiting) == len(pending):
            names = ", ".join(n for n, _ in waiting)
            raise ChecklistError(f"shipped checklists derive from unknown bases: {names}")
        pending = waiting
    return tuple(loaded.values())


def _declared_base(text: str, name: str) -> str | None:
    root = compose(text, f"{SHIPPED_FOLDER}/{name}")
    if not root.is_mapping:
        return None
    for key, value in root.node.value:
        if key.value == "derived_from":
            return str(value.value).partition("@")[0]
    return None


def shipped_checklists() -> dict[str, Checklist]:
    """The checklists that come with sysreview, by id (a new dict on each call)."""
    return {checklist.id: checklist for checklist in _shipped()}
