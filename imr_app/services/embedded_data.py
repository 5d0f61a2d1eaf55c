"""The IMR's structured data, carried inside the exported .docx for the Chair's tools.

The Independent Chair merges every agency's chronology into one. Re-typing tables out of
Word is slow and error-prone, and a second attachment gets lost or mismatched, so every
export carries the interchange JSON (docs/interchange-format.md) in the document itself, as
a Word custom XML part: ``customXml/itemN.xml`` with its ``itemPropsN.xml`` and a
relationship from the main document part, which is how Word stores and keeps such data when
the file is opened and saved again.

The copy is made without real names: subjects keep their pseudonym and role, their real
name and the author's private notes about them are blank, and the prose is pseudonymised
(``imr_app.core.pseudonymise.without_real_names``).

The part is::

    <imr:interchange xmlns:imr="urn:imr-author:interchange:1" format_version="1">
      {"format_version": 1, ...}
    </imr:interchange>

with the JSON as escaped text. ``read_embedded`` finds it again, in a protected document
too when given the password.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from imr_app.core import interchange
from imr_app.core.errors import ImrError
from imr_app.core.model import ImrDraft
from imr_app.core.pseudonymise import without_real_names
from imr_app.services.docx_protection import decrypt_bytes, is_protected_bytes

NAMESPACE = "urn:imr-author:interchange:1"
ROOT_TAG = f"{{{NAMESPACE}}}interchange"
ITEM_PARTNAME = "/customXml/item%d.xml"
PROPS_PARTNAME = "/customXml/itemProps%d.xml"
# Stable data-store ids: the same draft gets the same itemID in every export of it.
_ITEM_ID_NAMESPACE = uuid.UUID("5b0f4a52-5c43-4bb4-9d55-2d0b8f7f3e21")

_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = RT.OFFICE_DOCUMENT
# XML 1.0 cannot hold these even escaped; json.dumps already escapes the C0 controls.
_XML_ILLEGAL = re.compile("[\ud800-\udfff\ufffe\uffff]")
# A parser for files from elsewhere: no entities, no network; big text for 10,000 rows.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class EmbeddedDataError(ImrError):
    """A Word document that carries no IMR data that can be read."""


# ---- writing ----------------------------------------------------------------------------


def interchange_document(draft: ImrDraft) -> dict[str, Any]:
    """The interchange document of ``draft`` without real names, ready for ``json.dumps``.

    A draft that still names people goes through ``without_real_names`` (a pseudonymised
    copy). One that names nobody, as the export's prepared copy does, is serialised as it
    is and only the subjects' notes are blanked in the result: that skips a deep copy of
    what may be 10,000 chronology rows.
    """
    if any(subject.real_name.strip() for subject in draft.subjects):
        draft = without_real_names(draft)
    document = interchange.to_document(draft)
    for subject in document["subjects"]:
        subject["real_name"] = ""
        subject["notes"] = ""
    # Reviewers' comments and the agency's audit trail are internal, as in the document itself.
    document["comments"] = []
    document["audit"] = []
    return document


def item_xml(draft: ImrDraft) -> bytes:
    """The custom XML part itself: the JSON, as text, in the IMR Author element."""
    text = json.dumps(interchange_document(draft), ensure_ascii=False, separators=(",", ":"))
    # Only inside JSON strings can these appear, where a \\u escape means the same thing.
    text = _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    root = etree.Element(ROOT_TAG, nsmap={"imr": NAMESPACE})
    root.set("format_version", str(interchange.FORMAT_VERSION))
    root.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _item_props_xml(item_id: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<ds:datastoreItem ds:itemID="{{{item_id}}}" xmlns:ds="{_DS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()


def is_ours(blob: bytes) -> bool:
    """Whether a custom XML part's bytes are IMR Author's interchange element."""
    try:
        root = etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError:
        return False
    return root.tag == ROOT_TAG


def embed(target: DocxDocument | OpcPackage, draft: ImrDraft) -> None:
    """Add the draft's data (without real names) to a python-docx document or package.

    Any earlier copy of ours in the same document is replaced, never duplicated, so the
    Chair's tools find exactly one. Custom XML a template brings is the export's business
    (it drops it before building); this only adds.
    """
    main = target.part if isinstance(target, DocxDocument) else target.main_document_part
    package = main.package
    for rel_id, rel in list(main.rels.items()):
        if rel.reltype == RT.CUSTOM_XML and not rel.is_external and is_ours(rel.target_part.blob):
            del main.rels[rel_id]
    item_name = package.next_partname(ITEM_PARTNAME)
    props_name = PackURI(PROPS_PARTNAME % item_name.idx)
    item_id = str(uuid.uuid5(_ITEM_ID_NAMESPACE, draft.id)).upper()
    item = Part(item_name, CT.XML, item_xml(draft), package)
    props = Part(props_name, CT.OFC_CUSTOM_XML_PROPERTIES, _item_props_xml(item_id), package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    main.relate_to(item, RT.CUSTOM_XML)


# ---- reading ----------------------------------------------------------------------------


def read_embedded(path: Path, password: str | None = None) -> ImrDraft:
    """The draft carried by an exported .docx (protected or not), as an ``ImrDraft``.

    Raises ``EmbeddedDataError`` for a file with no IMR data, ``WrongPasswordError`` when
    the password does not open it, and ``InterchangeError`` for data that does not fit the
    interchange format (written by a newer IMR Author, say).
    """
    return interchange.loads(read_embedded_json(path, password))


def read_embedded_json(path: Path, password: str | None = None) -> str:
    """The embedded interchange JSON text, for tools that want the JSON itself."""
    path = Path(path)
    data = path.read_bytes()
    if is_protected_bytes(data):
        if password is None:
            raise EmbeddedDataError(
                f"{path.name} is protected with a password; give the password to read it."
            )
        data = decrypt_bytes(data, password)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise EmbeddedDataError(f"{path.name} is not a Word document (.docx).") from None
    with archive:
        for name in _candidates(archive):
            try:
                root = etree.fromstring(archive.read(name), _PARSER)
            except (KeyError, etree.XMLSyntaxError):
                continue
            if root.tag == ROOT_TAG:
                return root.text or ""
    raise EmbeddedDataError(
        f"{path.name} carries no IMR data: it was not exported by IMR Author, or the data "
        "was removed when it was saved by another program."
    )


def _candidates(archive: zipfile.ZipFile) -> list[str]:
    """Custom XML parts, those the main document relates to first, then any others.

    The relationships are the proper way to find them; the fallback still finds the data
    in a file whose relationships another tool rewrote.
    """
    names = set(archive.namelist())
    found: list[str] = []
    main = _targets(archive, "", _OFFICE_DOCUMENT)
    for document in main[:1]:
        folder, file = posixpath.split(document)
        rels = posixpath.join(folder, "_rels", f"{file}.rels")
        found.extend(t for t in _targets(archive, rels, RT.CUSTOM_XML) if t in names)
    others = sorted(n for n in names if n.lower().startswith("customxml/") and n.count("/") == 1)
    found.extend(n for n in others if n not in found and not _is_props(n))
    return found


def _is_props(name: str) -> bool:
    return posixpath.basename(name).lower().startswith("itemprops")


def _targets(archive: zipfile.ZipFile, rels_name: str, reltype: str) -> list[str]:
    """Zip names of the internal targets of ``reltype`` in a .rels part ('' for the root)."""
    rels_name = rels_name or "_rels/.rels"
    try:
        root = etree.fromstring(archive.read(rels_name), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return []
    source_folder = posixpath.dirname(posixpath.dirname(rels_name))
    targets = []
    for rel in root.iter(f"{{{_PR}}}Relationship"):
        if rel.get("Type") != reltype or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        joined = target[1:] if target.startswith("/") else posixpath.join(source_folder, target)
        targets.append(posixpath.normpath(joined))
    return targets
