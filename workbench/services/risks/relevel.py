"""Changing the risk method, and re-levelling every risk under the new one.

A new method is stored as the next version. Every risk's levels are recomputed from its
ratings; when a scale changes size, ratings keep their place from bottom to top (5 of 5 becomes
4 of 4). If that moves any assessed risk, the change needs the user's confirmation, and the
audit entry lists what moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from workbench.models import Risk, RiskMethodVersion, utc_now
from workbench.services.common.errors import ServiceError
from workbench.services.risks.method import MethodError, RiskMethod, current_method, rescale
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

# The audit entry lists this many moved risks by name; beyond that it counts them.
LOGGED_MOVES = 200


class ConfirmationNeeded(ServiceError):
    """The change re-levels assessed risks and the user has not confirmed it yet."""


@dataclass(frozen=True)
class Move:
    """What a method change does to one risk."""

    ref: str
    title: str
    ratings_before: tuple[int | None, int | None, int | None, int | None]
    ratings_after: tuple[int | None, int | None, int | None, int | None]
    level_before: str
    level_after: str
    residual_before: str
    residual_after: str

    @property
    def level_changed(self) -> bool:
        return (self.level_before, self.residual_before) != (self.level_after, self.residual_after)

    def describe(self) -> str:
        parts = []
        if self.level_before != self.level_after:
            parts.append(f"{self.level_before or 'unrated'} → {self.level_after or 'unrated'}")
        if self.residual_before != self.residual_after:
            parts.append(
                f"residual {self.residual_before or 'unrated'} → {self.residual_after or 'unrated'}"
            )
        if self.ratings_before != self.ratings_after and not parts:
            parts.append("ratings moved to the new scale, level unchanged")
        return f"{self.ref} {self.title}: {'; '.join(parts)}"


def _assessed(session: Session) -> list[Risk]:
    return list(
        session.exec(
            select(Risk)
            .where(
                (col(Risk.likelihood).is_not(None)) | (col(Risk.residual_likelihood).is_not(None))
            )
            .order_by(col(Risk.id))
        )
    )


def _moves(old: RiskMethod, new: RiskMethod, risks: list[Risk]) -> list[tuple[Risk, Move]]:
    """Every assessed risk with what the change does to it (most of them: nothing)."""
    size = (len(old.likelihood), len(old.impact), len(new.likelihood), len(new.impact))
    found = []
    for risk in risks:
        before = (risk.likelihood, risk.impact, risk.residual_likelihood, risk.residual_impact)
        after = (
            rescale(risk.likelihood, size[0], size[2]),
            rescale(risk.impact, size[1], size[3]),
            rescale(risk.residual_likelihood, size[0], size[2]),
            rescale(risk.residual_impact, size[1], size[3]),
        )
        found.append(
            (
                risk,
                Move(
                    ref=risk.ref,
                    title=risk.title,
                    ratings_before=before,
                    ratings_after=after,
                    level_before=old.level_name(risk.level),
                    level_after=new.level_name(new.level_of(after[0], after[1])),
                    residual_before=old.level_name(risk.residual_level),
                    residual_after=new.level_name(new.level_of(after[2], after[3])),
                ),
            )
        )
    return found


def _moved(found: list[tuple[Risk, Move]]) -> list[Move]:
    return [m for _, m in found if m.level_changed or m.ratings_before != m.ratings_after]


def preview(workspace: Workspace, new: RiskMethod) -> list[Move]:
    """The risks a change to ``new`` would move (ratings or levels), without changing anything."""
    with workspace.read() as session:
        return _moved(_moves(current_method(session), new, _assessed(session)))


def set_method(
    workspace: Workspace,
    *,
    actor: str,
    method: RiskMethod,
    comment: str = "",
    confirmed: bool = False,
) -> tuple[ChangeSet, list[Move]]:
    """Store ``method`` as the next version and re-level every risk under it.

    Raises:
        ConfirmationNeeded: risks would move and ``confirmed`` is False; nothing was changed.
        MethodError: the method is the same as the one in force.
    """
    with run_write(workspace, actor=actor, action="risk.method.set", entity="risk_method") as write:
        session = write.session
        old = current_method(session)
        if old.same_as(method):
            raise MethodError("the method is the same as the one in force; nothing was changed")
        found = _moves(old, method, _assessed(session))
        moves = _moved(found)
        if moves and not confirmed:
            raise ConfirmationNeeded(
                f"changing the method re-levels {len(moves)} assessed risk(s); confirm to go on"
            )
        row = RiskMethodVersion(
            data=method.canonical(), sha256=method.sha256, author=actor, comment=comment.strip()
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        stored = RiskMethod(
            method.likelihood, method.impact, method.levels, method.matrix, method.threshold,
            row.id,
        )  # fmt: skip
        moved_ids = _relevel(session, stored, found)
        write.entity_id = row.id
        write.summary.update(
            version=row.id,
            sha256=row.sha256,
            previous_version=old.version,
            size={"before": old.size, "after": method.size},
            comment=row.comment,
            relevelled=len(moves),
            moves=[move.describe() for move in moves[:LOGGED_MOVES]],
        )
        write.changed(risk_method=True, risks=moved_ids)
    return write.changes, moves


def _relevel(session: Session, method: RiskMethod, found: list[tuple[Risk, Move]]) -> list[int]:
    """Store every assessed risk's ratings and level indexes under the new method (an index
    can change while the level's name does not, when levels are added or reordered)."""
    now = utc_now()
    updates: list[dict[str, object]] = []
    for risk, move in found:
        likelihood, impact, residual_likelihood, residual_impact = move.ratings_after
        values = {
            "likelihood": likelihood,
            "impact": impact,
            "residual_likelihood": residual_likelihood,
            "residual_impact": residual_impact,
            "level": method.level_of(likelihood, impact),
            "residual_level": method.level_of(residual_likelihood, residual_impact),
        }
        if any(getattr(risk, name) != value for name, value in values.items()):
            updates.append({"id": risk.id, **values, "updated_at": now})
    if updates:
        session.execute(update(Risk), updates)
    return [int(str(row["id"])) for row in updates]
