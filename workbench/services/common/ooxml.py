"""Office Open XML packages (Word, Excel) made honest and reproducible.

python-docx and openpyxl stamp their packages with the time of saving and claim to be
"Microsoft Macintosh Word" or "Microsoft Excel Compatible / Openpyxl", and python-docx's
template carries a blank thumbnail. :func:`normalise` rewrites a saved package: every entry
dated the given moment, the application properties naming the workbench, unwanted parts and
every reference to them removed. The same input then gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection
from datetime import datetime

from workbench import __version__
from workbench.services.common.markup import escape

APP_XML = "docProps/app.xml"
THUMBNAIL = "docProps/thumbnail.jpeg"
APPLICATION = "GRC Workbench"
# The earliest time a zip entry can carry.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def app_properties(company: str = "") -> bytes:
    """``docProps/app.xml`` naming the workbench as the application that wrote the file."""
    # AppVersion must look like "XX.YYYY" for Office to accept the file.
    major, minor, *_ = (__version__.split(".") + ["0", "0"])[:2]
    company_xml = f"<Company>{escape(company)}</Company>" if company else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes"><Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity>'
        f"<ScaleCrop>false</ScaleCrop>{company_xml}<LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        f"<AppVersion>{int(major):02d}.{int(minor):04d}</AppVersion></Properties>"
    ).encode()


def _without_references(data: bytes, dropped: Collection[str]) -> bytes:
    """A relationships or content-types part with every element naming a dropped part removed."""
    text = data.decode("utf-8")
    for part in dropped:
        target = re.escape(part)
        # Relationships name the target relative to the package root ("docProps/x"), content
        # types by part name ("/docProps/x").
        text = re.sub(rf'<Relationship [^>]*Target="/?{target}"[^>]*/>', "", text)
        text = re.sub(rf'<Override [^>]*PartName="/{target}"[^>]*/>', "", text)
    return text.encode("utf-8")


def normalise(
    data: bytes,
    *,
    when: datetime,
    company: str = "",
    drop: Collection[str] = (THUMBNAIL,),
) -> bytes:
    """The package ``data`` rewritten: entries dated ``when``, the workbench as application,
    the ``drop`` parts gone (with the relationships and content types that named them)."""
    stamp = max(ZIP_EPOCH, when.timetuple()[:6])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for name in (info.filename for info in source.infolist()):
            if name in drop:
                continue
            if name == APP_XML:
                content = app_properties(company)
            else:
                content = source.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                content = _without_references(content, drop)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Fixed, so the bytes do not depend on the system that wrote them.
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()
