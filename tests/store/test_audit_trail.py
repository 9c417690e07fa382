"""The audit log is append-only in the database itself and its hash chain finds tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sysreview.demo import DemoReview
from sysreview.services.audit import list_audit, verify_audit
from sysreview.services.reviews import open_review


def test_every_change_of_the_demo_build_is_in_the_trail(demo: DemoReview) -> None:
    actions = [row["action"] for row in list_audit(demo.store, demo.review, "hp")]
    assert actions[0] == "review.create"
    assert actions.count("member.role") == 4
    assert verify_audit(demo.store) is None


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_or_remove_audit_rows(
    demo: DemoReview, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"), demo.store.write() as session:
        session.execute(text(statement))
    assert verify_audit(demo.store) is None


def _bypass_triggers(demo: DemoReview, statement: str) -> None:
    """What an attacker with raw file or superuser access could do."""
    with demo.store.write() as session:
        if demo.store.dialect == "sqlite":
            session.execute(text("DROP TRIGGER audit_log_no_update"))
            session.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        session.execute(text(statement))


def test_verify_names_the_entry_whose_content_was_altered(demo: DemoReview) -> None:
    _bypass_triggers(
        demo, "UPDATE audit_log SET new_value = replace(new_value, 'ln', 'lx') WHERE id = 3"
    )
    broken = verify_audit(demo.store)
    assert broken is not None
    assert broken.entry_id == 3
    assert "altered" in broken.problem


def test_verify_notices_a_removed_entry(demo: DemoReview) -> None:
    _bypass_triggers(demo, "DELETE FROM audit_log WHERE id = 4")
    broken = verify_audit(demo.store)
    assert broken is not None
    assert broken.entry_id == 5
    assert "removed" in broken.problem


def test_editing_the_protocol_records_old_and_new_value(demo: DemoReview) -> None:
    path = demo.review.folder / "protocol.yaml"
    path.write_text(path.read_text().replace("role: reviewer", "role: viewer", 1))
    reopened = open_review(demo.store, demo.review.folder, actor="hp")
    assert reopened.role_of("ln") == "viewer"
    rows = list_audit(demo.store, reopened, "hp")
    change = [r for r in rows if r["action"] == "protocol.change"]
    assert len(change) == 1
    assert '"role": "reviewer"' in change[0]["old_value"]
    role_rows = [r for r in rows if r["action"] == "member.role" and r["entity_id"] == "ln"]
    assert role_rows[-1]["old_value"] == '"reviewer"'
    assert role_rows[-1]["new_value"] == '"viewer"'
    assert verify_audit(demo.store) is None
