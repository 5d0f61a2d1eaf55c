"""What travels with the exported IMR: the embedded data and Word's password protection.

The embedded copy is read back from the very .docx that would be emailed, plain and
protected; the protected file is checked as the Chair's Word would meet it (an OLE2 file
that python-docx cannot open and msoffcrypto decrypts only with the right password).
"""

from __future__ import annotations

import copy
import io
import os
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree
from msoffcrypto.exceptions import InvalidKeyError
from msoffcrypto.format.ooxml import OOXMLFile

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.core.model import ImrDraft, SignOff, WorkflowState
from imr_app.paths import resource_path
from imr_app.services.docx_protection import (
    OLE2_SIGNATURE,
    ProtectionError,
    WrongPasswordError,
    check_password,
    decrypt_bytes,
    is_protected,
    protect,
)
from imr_app.services.embedded_data import (
    NAMESPACE,
    ROOT_TAG,
    EmbeddedDataError,
    embed,
    read_embedded,
    read_embedded_json,
)
from imr_app.services.export_docx import (
    DEFAULT_TEMPLATE,
    ExportCancelled,
    ExportOptions,
    export,
    open_template,
    suggested_email_subject,
)

EXAMPLE = resource_path("examples", "example-imr.json")
EXPORT_DATE = date(2023, 2, 1)
PASSWORD = "Kestrel-Harbour-42"
REMINDER = "Send the password by another channel (phone or text), never in the same email."
PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def example_draft() -> ImrDraft:
    return interchange.loads(EXAMPLE.read_text(encoding="utf-8"))


def without_names_by_hand(draft: ImrDraft) -> ImrDraft:
    """The original minus real names, notes about people, reviewers' comments and the audit
    trail (internal to the agency), done independently."""
    expected = copy.deepcopy(draft)
    for subject in expected.subjects:
        subject.real_name = ""
        subject.notes = ""
    expected.comments = []
    expected.audit = []
    return expected


def do_export(draft: ImrDraft, out: Path, **options: object) -> Path:
    settings = {"draft_copy": False, "export_date": EXPORT_DATE, **options}
    export(draft, out, ExportOptions(**settings))  # type: ignore[arg-type]
    return out


def decrypt_file(path: Path, password: str) -> bytes:
    with open(path, "rb") as stream:
        office = OOXMLFile(stream)
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    return out.getvalue()


def all_text(document: docx.document.Document) -> list[str]:
    """Body paragraphs, every table cell, and every header and footer, in order."""
    text = [p.text for p in document.paragraphs]
    for table in document.tables:
        text.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        text.extend(p.text for p in section.header.paragraphs)
        text.extend(p.text for p in section.footer.paragraphs)
    return text


def real_name_parts(draft: ImrDraft) -> set[str]:
    return {part for s in draft.subjects for part in s.real_name.split() if len(part) > 2}


# ---- the embedded copy --------------------------------------------------------------------


def test_the_example_round_trips_without_real_names(tmp_path: Path):
    original = example_draft()
    assert any(s.real_name for s in original.subjects)  # else this would prove nothing
    path = do_export(original, tmp_path / "IMR.docx")
    back = read_embedded(path)
    assert interchange.to_document(back) == interchange.to_document(without_names_by_hand(original))
    assert [(s.pseudonym, s.role) for s in back.subjects] == [
        (s.pseudonym, s.role) for s in original.subjects
    ]
    assert len(back.chronology) == len(original.chronology)


def test_no_real_name_is_anywhere_in_the_embedded_part(tmp_path: Path):
    original = example_draft()
    path = do_export(original, tmp_path / "IMR.docx")
    with zipfile.ZipFile(path) as z:
        custom = b"".join(z.read(n) for n in z.namelist() if n.startswith("customXml/"))
    assert custom
    for part in real_name_parts(original):
        assert part.encode() not in custom, part


def test_real_names_typed_in_prose_are_pseudonymised_in_the_copy(tmp_path: Path):
    draft = example_draft()
    victim = draft.subjects[0]
    draft.analysis = f"{victim.real_name} was seen twice; {victim.real_name.split()[0]}'s GP."
    path = do_export(draft, tmp_path / "IMR.docx")
    back = read_embedded(path)
    assert back.analysis == f"{victim.pseudonym} was seen twice; {victim.pseudonym}'s GP."
    assert draft.subjects[0].real_name  # the author's draft keeps its names


def test_the_part_is_stored_as_word_stores_custom_xml(tmp_path: Path):
    path = do_export(example_draft(), tmp_path / "IMR.docx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        item = etree.fromstring(z.read("customXml/item1.xml"))
        props = etree.fromstring(z.read("customXml/itemProps1.xml"))
        item_rels = etree.fromstring(z.read("customXml/_rels/item1.xml.rels"))
        document_rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        types = z.read("[Content_Types].xml").decode()
    assert sorted(n for n in names if n.startswith("customXml/")) == [
        "customXml/_rels/item1.xml.rels",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
    ]
    assert item.tag == ROOT_TAG
    assert item.nsmap == {"imr": NAMESPACE}
    assert item.get("format_version") == "1"
    assert interchange.loads(item.text).id == example_draft().id
    to_item = [r for r in document_rels if r.get("Type") == RT.CUSTOM_XML]
    assert [r.get("Target") for r in to_item] == ["../customXml/item1.xml"]
    assert [(r.get("Type"), r.get("Target")) for r in item_rels] == [
        (RT.CUSTOM_XML_PROPS, "itemProps1.xml")
    ]
    ds = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
    assert props.get(f"{{{ds}}}itemID").startswith("{")
    assert [r.get(f"{{{ds}}}uri") for r in props.iter(f"{{{ds}}}schemaRef")] == [NAMESPACE]
    assert f'PartName="/customXml/itemProps1.xml" ContentType="{CT.OFC_CUSTOM_XML_PROPERTIES}"' in (
        types
    )
    docx.Document(str(path))  # still a document python-docx (and so Word) opens


def test_a_templates_own_custom_xml_is_dropped_but_ours_is_kept(tmp_path: Path):
    """A template may carry custom XML, even an earlier export's data: only ours goes out."""
    template = open_template(resource_path(*DEFAULT_TEMPLATE))
    package = template.part.package
    foreign = Part(
        PackURI("/customXml/item1.xml"),
        CT.XML,
        b"<?xml version='1.0'?><records><person>Halima Osman</person></records>",
        package,
    )
    template.part.relate_to(foreign, RT.CUSTOM_XML)
    earlier = example_draft()
    earlier.id = "an-earlier-review"
    earlier.review.name = "DHR Someone Else"
    embed(template, earlier)  # as if an old export were used as the template
    template_path = tmp_path / "agency-template.docx"
    template.save(str(template_path))
    with zipfile.ZipFile(template_path) as z:
        assert sum(n.startswith("customXml/item") for n in z.namelist()) >= 2

    draft = example_draft()
    path = do_export(draft, tmp_path / "IMR.docx", template=template_path)
    with zipfile.ZipFile(path) as z:
        custom = sorted(n for n in z.namelist() if n.startswith("customXml/"))
        everything = b"".join(z.read(n) for n in z.namelist())
    assert custom == [
        "customXml/_rels/item1.xml.rels",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
    ]
    assert b"Halima Osman" not in everything
    assert b"Someone Else" not in everything
    assert read_embedded(path).id == draft.id


def test_embedding_again_replaces_the_copy(tmp_path: Path):
    document = open_template()
    first = example_draft()
    embed(document, first)
    second = example_draft()
    second.review.name = "DHR Amina (revised)"
    embed(document, second)
    path = tmp_path / "twice.docx"
    document.save(str(path))
    with zipfile.ZipFile(path) as z:
        items = [n for n in z.namelist() if n.startswith("customXml/item")]
    assert len(items) == 2  # one item and its properties
    assert read_embedded(path).review.name == "DHR Amina (revised)"


def test_awkward_text_survives_the_xml(tmp_path: Path):
    draft = example_draft()
    awkward = 'a < b && c > "d" ]]> \ufffe tab\there 😀 Zoë\nnext line'
    draft.chronology[0].event = awkward
    draft.analysis = "\ufffe\uffff"
    path = do_export(draft, tmp_path / "IMR.docx")
    back = read_embedded(path)
    assert back.chronology[0].event == awkward
    assert back.analysis == "\ufffe\uffff"


def test_a_word_document_without_our_data_is_a_clear_error(tmp_path: Path):
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    with pytest.raises(EmbeddedDataError, match="carries no IMR data"):
        read_embedded(plain)
    not_word = tmp_path / "notes.docx"
    not_word.write_text("not a zip", encoding="utf-8")
    with pytest.raises(EmbeddedDataError, match="not a Word document"):
        read_embedded(not_word)


# ---- password protection ---------------------------------------------------------------------


def test_a_protected_export_is_an_encrypted_word_file(tmp_path: Path):
    draft = example_draft()
    plain = do_export(draft, tmp_path / "plain.docx")
    protected = do_export(draft, tmp_path / "IMR.docx", password=PASSWORD)

    assert protected.read_bytes()[:4] == bytes.fromhex("D0CF11E0")
    assert is_protected(protected) and not is_protected(plain)
    with pytest.raises(PackageNotFoundError):
        docx.Document(str(protected))
    opened = docx.Document(io.BytesIO(decrypt_file(protected, PASSWORD)))
    assert all_text(opened) == all_text(docx.Document(str(plain)))
    assert "Amina" in "\n".join(all_text(opened))


def test_a_wrong_password_is_refused(tmp_path: Path):
    protected = do_export(example_draft(), tmp_path / "IMR.docx", password=PASSWORD)
    with pytest.raises(InvalidKeyError):
        decrypt_file(protected, "not-the-password")
    with open(protected, "rb") as stream:
        office = OOXMLFile(stream)
        with pytest.raises(InvalidKeyError):
            office.load_key(password="not-the-password", verify_password=True)
    with pytest.raises(WrongPasswordError):
        decrypt_bytes(protected.read_bytes(), "not-the-password")
    with pytest.raises(WrongPasswordError):
        read_embedded(protected, "not-the-password")


def test_the_embedded_data_is_readable_after_decryption(tmp_path: Path):
    original = example_draft()
    protected = do_export(original, tmp_path / "IMR.docx", password=PASSWORD)
    back = read_embedded(protected, PASSWORD)
    assert interchange.to_document(back) == interchange.to_document(without_names_by_hand(original))
    with pytest.raises(EmbeddedDataError, match="protected with a password"):
        read_embedded_json(protected)


def test_no_readable_copy_ever_touches_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """What is moved into place is already encrypted, and nothing is left beside it."""
    moved: list[bytes] = []
    real_replace = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        moved.append(Path(src).read_bytes()[:8])
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    out = tmp_path / "IMR.docx"
    do_export(example_draft(), out, password=PASSWORD)
    assert moved == [OLE2_SIGNATURE]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMR.docx"]


def test_cancelling_while_protecting_leaves_nothing(tmp_path: Path):
    messages: list[str] = []
    out = tmp_path / "IMR.docx"
    with pytest.raises(ExportCancelled):
        export(
            example_draft(),
            out,
            ExportOptions(draft_copy=False, password=PASSWORD),
            progress=lambda _, message: messages.append(message),
            cancelled=lambda: bool(messages) and messages[-1].startswith("Protecting"),
        )
    assert list(tmp_path.iterdir()) == []


def test_an_unusable_password_fails_before_any_work(tmp_path: Path):
    steps: list[str] = []
    for bad in ("", " leading", "trailing ", "x" * 256, "bell\a", "abc", "hunter2"):
        with pytest.raises(ProtectionError):
            export(
                example_draft(),
                tmp_path / "IMR.docx",
                ExportOptions(draft_copy=False, password=bad),
                progress=lambda _, message: steps.append(message),
            )
    assert steps == []
    assert list(tmp_path.iterdir()) == []
    check_password("correct horse battery staple")


def test_protect_encrypts_a_finished_file_in_place(tmp_path: Path):
    path = do_export(example_draft(), tmp_path / "IMR.docx")
    before = path.read_bytes()
    protect(path, PASSWORD)
    assert is_protected(path)
    assert decrypt_file(path, PASSWORD) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMR.docx"]
    with pytest.raises(ProtectionError):
        protect(path, PASSWORD)  # already protected
    assert decrypt_file(path, PASSWORD) == before


def test_the_password_stays_out_of_the_options_repr():
    options = ExportOptions(draft_copy=False, password=PASSWORD)
    assert PASSWORD not in repr(options)


# ---- the email subject ---------------------------------------------------------------------


def test_the_suggested_subject_leads_with_the_marking():
    draft = example_draft()
    draft.workflow.state = WorkflowState.SIGNED_OFF
    draft.workflow.sign_off = SignOff("A Manager", "Head of Safeguarding", date(2023, 1, 30))
    assert (
        suggested_email_subject(draft, "1.0")
        == "OFFICIAL-SENSITIVE: DHR Amina – Northshire Police IMR v1.0"
    )
    assert suggested_email_subject(draft, "1.0", draft_copy=True).endswith("v1.0 (DRAFT)")
    draft.review.protective_marking = "  OFFICIAL  "
    assert suggested_email_subject(draft, "Final").startswith("OFFICIAL: DHR Amina – ")
    assert suggested_email_subject(draft, "Final").endswith("IMR Final")


def test_the_suggested_subject_never_names_a_subject():
    draft = example_draft()
    victim = draft.subjects[0]
    draft.review.name = f"DHR {victim.real_name}"
    subject = suggested_email_subject(draft, "0.3")
    assert subject.startswith(f"OFFICIAL-SENSITIVE: DHR {victim.pseudonym} – ")
    assert subject.endswith("(DRAFT)")  # the example is not signed off
    for part in real_name_parts(draft):
        assert part not in subject


# ---- the command line -----------------------------------------------------------------------


@pytest.fixture
def example_file(tmp_path: Path, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.conftest import PASSPHRASE

    monkeypatch.setenv("IMR_PASS", PASSPHRASE)
    draft_file = tmp_path / "example.imr"
    command = ["import", str(draft_file), "--from", str(EXAMPLE), "--passphrase-env", "IMR_PASS"]
    assert main(command, context) == 0
    return draft_file


def test_cli_password_file_protects_and_reminds(
    example_file: Path, context: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    password_file = tmp_path / "password.txt"
    password_file.write_text(f"\ufeff{PASSWORD}\r\nignored second line\n", encoding="utf-8")
    out = tmp_path / "IMR.docx"
    capsys.readouterr()
    command = ["export", str(example_file), "--out", str(out), "--password-file"]
    assert main([*command, str(password_file)], context) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert REMINDER in captured.err
    assert (
        "suggested email subject: OFFICIAL-SENSITIVE: DHR Amina – Northshire Police IMR v1.0"
        in captured.err
    )
    assert PASSWORD not in captured.err + captured.out
    assert is_protected(out)
    assert read_embedded(out, PASSWORD).review.name == "DHR Amina"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".IMR-")]


def test_cli_password_from_stdin(
    example_file: Path,
    context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    out = tmp_path / "IMR.docx"
    command = ["export", str(example_file), "--out", str(out), "--password-file", "-"]
    assert main(command, context) == 0
    assert read_embedded(out, PASSWORD).id == example_draft().id


def test_cli_plain_export_gives_no_reminder(
    example_file: Path, context: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "IMR.docx"
    capsys.readouterr()
    assert main(["export", str(example_file), "--out", str(out)], context) == 0
    assert REMINDER not in capsys.readouterr().err
    assert not is_protected(out)
    assert read_embedded(out).id == example_draft().id


def test_cli_refuses_a_password_argument(
    example_file: Path, context: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "IMR.docx"
    capsys.readouterr()
    command = ["export", str(example_file), "--out", str(out), "--password", "hunter2-secret"]
    assert main(command, context) == 2
    err = capsys.readouterr().err
    assert "use --password-file" in err
    assert "hunter2-secret" not in err
    assert not out.exists()


@pytest.mark.parametrize("content", ["", "\n", " padded \n"])
def test_cli_refuses_an_unusable_password_file(
    example_file: Path,
    context: AppContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
):
    password_file = tmp_path / "password.txt"
    password_file.write_text(content, encoding="utf-8")
    out = tmp_path / "IMR.docx"
    capsys.readouterr()
    command = ["export", str(example_file), "--out", str(out), "--password-file"]
    assert main([*command, str(password_file)], context) == 2
    assert "password.txt" in capsys.readouterr().err
    assert not out.exists()


def test_cli_missing_password_file_is_a_usage_error(
    example_file: Path, context: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "IMR.docx"
    command = ["export", str(example_file), "--out", str(out), "--password-file"]
    assert main([*command, str(tmp_path / "absent.txt")], context) == 2
    assert "absent.txt" in capsys.readouterr().err
    assert not out.exists()
