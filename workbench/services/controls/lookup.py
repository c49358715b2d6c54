"""Finding a control by what a person types: ``A.8.13``, ``8.13``, a custom id or a full ref."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from workbench.models import Control
from workbench.services.catalog.standards import default_catalog
from workbench.services.common.errors import NotFoundError


def find_control(session: Session, text: str) -> Control:
    """The control named by its id (``A.8.13``; ``8.13`` is read as Annex A), custom id or ref.

    Raises:
        NotFoundError: no control has that id.
    """
    wanted = text.strip()
    if not wanted:
        raise NotFoundError("name a control, such as A.8.13")
    column = Control.ref if "/" in wanted else Control.local_id
    candidates = [wanted]
    if wanted[:1].isdigit():
        candidates.append(f"A.{wanted}")
    for candidate in candidates:
        found = session.exec(
            select(Control).where(func.lower(col(column)) == candidate.lower())
        ).first()
        if found is not None:
            return found
    raise NotFoundError(
        f"there is no control {wanted} (Annex A ids look like A.8.13; "
        "custom controls use the id they were given)"
    )


def control_title(control: Control) -> str:
    """A catalog control's title from the catalog (its wording may be corrected there), a
    custom control's own."""
    return default_catalog().title(control.ref) or control.title
