"""Leak scan figure: the last check before a 10,000-row IMR leaves the machine.

The .docx is written directly with lxml and zipfile (quick to build, and the same shape as
python-docx writes: a landscape chronology table of 10,000 rows, a cell per column, the
marking in a header and footer, document properties, and the interchange JSON embedded as
one line of text in a custom XML part, as the export embeds it). One row in fifty says
"born", as real chronologies do, so the date-of-birth check has work; two leaks are planted,
a real name in the header and an NHS number in row 5,000, so the figure also proves the
scan still finds what it is for. The baseline is the least any scan must do: read every XML
part out of the zip, decode it and run one ``str.find`` over it.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from bench import harness
from bench.bench_storage import build_draft
from imr_app.core import interchange
from imr_app.core.model import ImrDraft
from imr_app.core.pseudonymise import without_real_names
from imr_app.services.leak_scan import Leak, LeakKind, scan_docx

ROWS = 10_000
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = {"w": W, "r": R}
REAL_NAMES = ("Halima Osman", "Yusuf Osman", "Zoë Ó Briain")
PLANTED_NHS = "943 476 5919"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _paragraph(parent: etree._Element, text: str, style: str | None = None) -> None:
    p = etree.SubElement(parent, _w("p"))
    if style:
        ppr = etree.SubElement(p, _w("pPr"))
        etree.SubElement(ppr, _w("pStyle")).set(_w("val"), style)
    if text:
        t = etree.SubElement(etree.SubElement(p, _w("r")), _w("t"))
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _document(draft: ImrDraft, names: dict[str, str]) -> bytes:
    root = etree.Element(_w("document"), nsmap=_NS)
    body = etree.SubElement(root, _w("body"))
    _paragraph(body, "Chronology", "Heading1")
    table = etree.SubElement(body, _w("tbl"))
    widths = (1200, 700, 1800, 1500, 4200, 2600, 2000)
    headers = ("Date", "Time", "Source", "Subjects", "Event", "Action", "Outcome")
    rows = [headers] + [
        (
            entry.date_as_recorded or entry.date_start.strftime("%d/%m/%Y"),
            entry.time,
            entry.source,
            ", ".join(names[s] for s in entry.subjects),
            entry.event,
            entry.action,
            entry.outcome,
        )
        for entry in draft.chronology
    ]
    for index, values in enumerate(rows):
        tr = etree.SubElement(table, _w("tr"))
        if index == 0:
            etree.SubElement(etree.SubElement(tr, _w("trPr")), _w("tblHeader"))
        for width, value in zip(widths, values, strict=True):
            tc = etree.SubElement(tr, _w("tc"))
            tcw = etree.SubElement(etree.SubElement(tc, _w("tcPr")), _w("tcW"))
            tcw.set(_w("w"), str(width))
            tcw.set(_w("type"), "dxa")
            _paragraph(tc, value, "TableText")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _header_footer(tag: str, text: str) -> bytes:
    root = etree.Element(_w(tag), nsmap=_NS)
    _paragraph(root, text, "Header")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


_CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/header1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>\
<Override PartName="/word/footer1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>\
<Override PartName="/docProps/core.xml" \
ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" \
ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""
_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="word/document.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>\
<Relationship Id="rId2" Target="docProps/core.xml" \
Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>\
<Relationship Id="rId3" Target="docProps/app.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"/>\
</Relationships>"""
_CORE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties \
xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:title>IMR DHR Adult A</dc:title><dc:creator>Northshire Police</dc:creator>\
<cp:lastModifiedBy>Northshire Police</cp:lastModifiedBy>\
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T09:00:00Z</dcterms:created>\
</cp:coreProperties>"""
_APP = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>IMR Author</Application><Company>Northshire Police</Company></Properties>"""


def write_export(path: Path, rows: int = ROWS) -> ImrDraft:
    """A .docx shaped like the IMR export, with two planted leaks; returns its draft."""
    draft = build_draft(rows)
    for subject, real_name in zip(draft.subjects, REAL_NAMES, strict=True):
        subject.real_name = real_name
    for entry in draft.chronology[::50]:  # real chronologies say "born": a DOB keyword
        entry.event += " Child C was born at the maternity unit in 2013."
    draft.chronology[rows // 2].event += f" NHS number {PLANTED_NHS} was on the referral."
    names = {s.id: s.pseudonym for s in draft.subjects}
    # As the export embeds it: the interchange JSON without real names, on one line.
    embedded = json.dumps(
        interchange.to_document(without_real_names(draft)),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    namespace = "urn:imr-author:interchange:1"
    item = etree.Element(f"{{{namespace}}}interchange", nsmap={"imr": namespace})
    item.text = embedded
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", _document(draft, names))
        package.writestr(
            "word/header1.xml", _header_footer("hdr", "OFFICIAL-SENSITIVE  Halima Osman")
        )
        package.writestr("word/footer1.xml", _header_footer("ftr", "OFFICIAL-SENSITIVE"))
        package.writestr("docProps/core.xml", _CORE)
        package.writestr("docProps/app.xml", _APP)
        package.writestr(
            "customXml/item1.xml",
            etree.tostring(item, xml_declaration=True, encoding="UTF-8", standalone=True),
        )
    return draft


class _Scan:
    def __init__(self) -> None:
        self.path = Path()
        self.draft: ImrDraft | None = None

    def setup(self) -> None:
        folder = Path(
            harness.resources.enter_context(tempfile.TemporaryDirectory(prefix="imr-bench-"))
        )
        self.path = folder / "IMR DHR Adult A v1.0.docx"
        self.draft = write_export(self.path)
        leaks = self.measured()
        found = sorted((leak.kind, leak.text, leak.part) for leak in leaks)
        expected = [
            (LeakKind.REAL_NAME, "Halima Osman", "word/header1.xml"),
            (LeakKind.NHS_NUMBER, PLANTED_NHS, "customXml/item1.xml"),
            (LeakKind.NHS_NUMBER, PLANTED_NHS, "word/document.xml"),
        ]
        if found != sorted(expected):
            raise RuntimeError(f"the scan found {found}, expected {expected}")

    def measured(self) -> list[Leak]:
        assert self.draft is not None
        return list(scan_docx(self.path, self.draft))

    def baseline(self) -> int:
        found = 0
        with zipfile.ZipFile(self.path) as package:
            for info in package.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    found += package.read(info).decode("utf-8").find("Halima") != -1
        return found


def figures() -> list[harness.Figure]:
    bench = _Scan()
    return [
        harness.Figure(
            name=f"leak scan of a {ROWS:,}-row export",
            measured=bench.measured,
            baseline=bench.baseline,
            target=25,
            statistic="median",
            ceiling_ms=1000,
            repeats=15,
            quick_repeats=3,
            warmups=1,
            setup=bench.setup,
        )
    ]
