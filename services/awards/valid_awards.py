"""Which awards count: the one home of the rule "awards of a cancelled decision do not count".

An award counts (for the rules, the history, the reports, the overview, the certificates)
when it has no decision (entered as history) or its decision is not cancelled (state
``da_huy``). An initiative relied on by an award of a cancelled decision is free again.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from models import Award, Decision

CANCELLED = "da_huy"


def award_counts() -> ColumnElement[bool]:
    """The WHERE condition of the awards that count. The query must outer-join ``Decision``
    on ``Award.decision_id`` (an award without a decision counts)."""
    return or_(Award.decision_id.is_(None), Decision.state != CANCELLED)


def decision_cancelled(state: str | None) -> bool:
    """True for the state of a cancelled decision (its awards do not count)."""
    return state == CANCELLED


__all__ = ["CANCELLED", "award_counts", "decision_cancelled"]
