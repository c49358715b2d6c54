"""Assets, kept light: what a risk can affect, with an owner and confidentiality, integrity and
availability ratings. Risks need not name any (the 2022 edition does not require an asset-based
assessment)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.models import Asset, AssetType, RiskAssetLink
from workbench.services.common.errors import NotFoundError, ServiceError
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

RATINGS = {1: "low", 2: "medium", 3: "high"}


class AssetError(ServiceError):
    """An asset request that cannot be met; the message is for the user."""


@dataclass(frozen=True)
class AssetInfo:
    id: int
    name: str
    type: AssetType
    owner: str
    description: str
    confidentiality: int | None
    integrity: int | None
    availability: int | None
    risks: int = 0

    def rating_text(self) -> str:
        parts = (
            ("C", self.confidentiality),
            ("I", self.integrity),
            ("A", self.availability),
        )
        return " ".join(f"{letter}:{RATINGS[value]}" for letter, value in parts if value)


def parse_rating(text: str | int | None) -> int | None:
    """A CIA rating as 1-3 or low, medium, high; empty is not rated."""
    if text is None or str(text).strip() == "":
        return None
    cleaned = str(text).strip().lower()
    for value, name in RATINGS.items():
        if cleaned in (str(value), name, name[0]):
            return value
    raise AssetError(f"'{text}' is not a rating (use 1-3 or low, medium, high)")


def parse_type(text: str) -> AssetType:
    try:
        return AssetType(text.strip().lower())
    except ValueError:
        known = ", ".join(t.value for t in AssetType)
        raise AssetError(f"'{text}' is not an asset type (known: {known})") from None


def find_asset(session: Session, name: str) -> Asset | None:
    return session.exec(
        select(Asset).where(func.lower(Asset.name) == " ".join(name.split()).lower())
    ).first()


def _info(asset: Asset, risks: int = 0) -> AssetInfo:
    assert asset.id is not None
    return AssetInfo(
        asset.id, asset.name, asset.type, asset.owner, asset.description,
        asset.confidentiality, asset.integrity, asset.availability, risks,
    )  # fmt: skip


def insert_asset(
    session: Session,
    *,
    name: str,
    type: AssetType,
    owner: str = "",
    description: str = "",
    confidentiality: int | None = None,
    integrity: int | None = None,
    availability: int | None = None,
) -> Asset:
    """Add an asset inside the caller's write."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise AssetError("an asset needs a name")
    if find_asset(session, cleaned) is not None:
        raise AssetError(f"there is already an asset named '{cleaned}'")
    for value in (confidentiality, integrity, availability):
        if value is not None and value not in RATINGS:
            raise AssetError("ratings run from 1 (low) to 3 (high)")
    asset = Asset(
        name=cleaned, type=type, owner=owner.strip(), description=description.strip(),
        confidentiality=confidentiality, integrity=integrity, availability=availability,
    )  # fmt: skip
    session.add(asset)
    session.flush()
    return asset


def add_asset(
    workspace: Workspace,
    *,
    actor: str,
    name: str,
    type: AssetType,
    owner: str = "",
    description: str = "",
    confidentiality: int | None = None,
    integrity: int | None = None,
    availability: int | None = None,
) -> tuple[ChangeSet, AssetInfo]:
    with run_write(workspace, actor=actor, action="asset.add", entity="asset") as write:
        asset = insert_asset(
            write.session, name=name, type=type, owner=owner, description=description,
            confidentiality=confidentiality, integrity=integrity, availability=availability,
        )  # fmt: skip
        assert asset.id is not None
        write.entity_id = asset.id
        write.summary.update(
            name=asset.name, type=asset.type.value, owner=asset.owner,
            confidentiality=confidentiality, integrity=integrity, availability=availability,
        )  # fmt: skip
        write.changed(assets=[asset.id])
        info = _info(asset)
    return write.changes, info


def list_assets(workspace: Workspace) -> list[AssetInfo]:
    with workspace.read() as session:
        counts = dict(
            session.exec(
                select(RiskAssetLink.asset_id, func.count()).group_by(col(RiskAssetLink.asset_id))
            ).all()
        )
        return [
            _info(asset, counts.get(asset.id or 0, 0))
            for asset in session.exec(select(Asset).order_by(func.lower(Asset.name)))
        ]


def get_asset(workspace: Workspace, name: str) -> AssetInfo:
    with workspace.read() as session:
        asset = find_asset(session, name)
        if asset is None:
            raise NotFoundError(f"there is no asset named '{name.strip()}'")
        return _info(asset)
