"""Export figure: the whole IMR with 10,000 chronology entries as a .docx.

The baseline is the floor of the same job: the same chronology rows written as a bare
WordprocessingML table with lxml and zipfile, with none of the template, styles,
sections or other content.
"""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

from bench import harness
from bench.bench_storage import build_draft
from imr_app.core.chronology_dates import format_recorded
from imr_app.core.model import ImrDraft
from imr_app.services import export_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


@cache
def _data() -> tuple[Path, ImrDraft]:
    folder = Path(harness.resources.enter_context(tempfile.TemporaryDirectory()))
    return folder, build_draft()


def _export() -> None:
    folder, draft = _data()
    options = export_docx.ExportOptions(draft_copy=True, export_date=date(2026, 11, 25))
    export_docx.export(draft, folder / "imr.docx", options)


def _floor() -> None:
    folder, draft = _data()
    names = {s.id: s.pseudonym for s in draft.subjects}
    body = etree.Element(f"{{{W}}}body")
    table = etree.SubElement(body, f"{{{W}}}tbl")
    for entry in draft.chronology:
        row = etree.SubElement(table, f"{{{W}}}tr")
        cells = (
            format_recorded(entry),
            entry.time,
            entry.source,
            ", ".join(names.get(s, "") for s in entry.subjects),
            entry.event,
            entry.action,
            entry.outcome,
        )
        for text in cells:
            run = etree.SubElement(
                etree.SubElement(etree.SubElement(row, f"{{{W}}}tc"), f"{{{W}}}p"), f"{{{W}}}r"
            )
            etree.SubElement(run, f"{{{W}}}t").text = text
    document = etree.Element(f"{{{W}}}document", nsmap={"w": W})
    document.append(body)
    with zipfile.ZipFile(folder / "floor.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", etree.tostring(document, xml_declaration=True))


def figures() -> list[harness.Figure]:
    return [
        harness.Figure(
            name="export a draft with 10,000 chronology entries vs bare lxml table",
            measured=_export,
            baseline=_floor,
            target=4,
            ceiling_ms=3000,
            repeats=5,
            quick_repeats=2,
            warmups=1,
        )
    ]
