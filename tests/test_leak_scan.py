"""The leak scan: every XML part of a built .docx, and the file name, for personal data."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import docx
import pytest

from imr_app.core.drafts import new_draft
from imr_app.core.model import ImrDraft, Subject, SubjectRole
from imr_app.core.pseudonymise import pseudonymise
from imr_app.core.question_sets import default_question_set
from imr_app.services.leak_scan import (
    FILE_NAME,
    Leak,
    LeakKind,
    LeakScanner,
    accepted_key,
    describe,
    nhs_number_is_valid,
    ni_number_is_valid,
    phone_number_is_valid,
    place_in_words,
    postcode_is_valid,
    scan_docx,
    scan_draft,
    scan_text,
    unaccepted,
)

SUBJECTS = [
    Subject("Amina", SubjectRole.VICTIM, real_name="Halima Osman"),
    Subject("Ryan Davis", SubjectRole.PERPETRATOR, real_name="Yusuf Osman-Clarke"),
    Subject("Child B", SubjectRole.CHILD, real_name="Zoë Ó Briain"),
]


@pytest.fixture
def scanner() -> LeakScanner:
    return LeakScanner(SUBJECTS)


@pytest.fixture
def register_draft() -> ImrDraft:
    draft = new_draft(default_question_set(), "DHR Amina", agency="Northshire Police")
    draft.subjects = [Subject(s.pseudonym, s.role, s.real_name, id=s.id) for s in SUBJECTS]
    return draft


def _found(leaks: list[Leak]) -> list[tuple[LeakKind, str]]:
    return [(leak.kind, leak.text) for leak in leaks]


def _kinds(scanner: LeakScanner, text: str) -> list[tuple[LeakKind, str]]:
    return _found(scanner.scan_text(text))


# -- the .docx -----------------------------------------------------------------------------


def _save(document: docx.document.Document, path: Path) -> Path:
    document.save(str(path))
    return path


def test_a_clean_document_has_no_hits(scanner: LeakScanner, tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "OFFICIAL-SENSITIVE"
    document.sections[0].footer.paragraphs[0].text = "OFFICIAL-SENSITIVE  Version 1.0"
    document.add_heading("Chronology", 1)
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(
        table.rows[1].cells,
        ("12/05/2016", "14:30", "Police control room log", "Amina called 999 in 2016."),
        strict=True,
    ):
        cell.text = text
    document.add_paragraph("Entry 4f3a9c0d1e2b4c5d8e9f0a1b2c3d4e5f was merged on 01/02/2017.")
    document.core_properties.author = "Northshire Police"
    assert scanner.scan_docx(_save(document, tmp_path / "IMR DHR Amina v1.0.docx")) == []


def test_names_in_every_part_and_the_file_name(scanner: LeakScanner, tmp_path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "OFFICIAL-SENSITIVE  Halima Osman"
    section.footer.paragraphs[0].text = "Prepared about ZOË Ó BRIAIN"
    document.add_paragraph("Introduction")
    body = document.add_paragraph("The officer spoke to ")
    body.add_run("Hal").bold = True  # one name over two runs, as Word splits them
    body.add_run("ima Osman’s neighbour.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[1].text = "Mr Osman-Clarke was not at home."
    commented = document.add_paragraph("See the GP record.")
    document.add_comment(
        commented.runs[0], text="Ask Halima's GP", author="Yusuf Osman-Clarke", initials="YO"
    )
    document.core_properties.author = "Halima Osman"
    document.core_properties.title = "IMR for Zoe O Briain"
    path = _save(document, tmp_path / "Halima_Osman IMR.docx")

    leaks = scanner.scan_docx(path)
    where = {(leak.part, leak.text) for leak in leaks}
    assert any(p.startswith("word/header") and t == "Halima Osman" for p, t in where)
    assert any(p.startswith("word/footer") and t == "ZOË Ó BRIAIN" for p, t in where)
    assert ("word/document.xml", "Halima Osman") in where  # joined across the runs
    assert ("word/document.xml", "Osman-Clarke") in where
    assert ("word/comments.xml", "Halima") in where
    assert ("word/comments.xml", "Yusuf Osman-Clarke") in where  # the comment's author
    assert ("docProps/core.xml", "Halima Osman") in where
    assert ("docProps/core.xml", "Zoe O Briain") in where
    assert (FILE_NAME, "Halima Osman") in where

    by_text = {leak.text: leak for leak in leaks if leak.part == "word/document.xml"}
    split = by_text["Halima Osman"]
    assert split.location == "word/document.xml, paragraph 2"
    assert split.context == "The officer spoke to Halima Osman’s neighbour."
    assert split.subject_id == SUBJECTS[0].id
    locations = {(leak.text, leak.location) for leak in leaks if leak.part == "docProps/core.xml"}
    assert locations == {
        ("Halima Osman", "docProps/core.xml, dc:creator"),
        ("Zoe O Briain", "docProps/core.xml, dc:title"),
    }
    author = next(leak for leak in leaks if "attribute" in leak.location)
    assert author.location == "word/comments.xml, attribute w:author"
    assert next(leak for leak in leaks if leak.part == FILE_NAME).location == FILE_NAME


def test_the_file_name_given_for_a_temporary_file(scanner: LeakScanner, tmp_path: Path) -> None:
    path = _save(docx.Document(), tmp_path / "export-1234.tmp")
    leaks = scanner.scan_docx(path, file_name="IMR Yusuf Osman-Clarke.docx")
    assert _found(leaks) == [(LeakKind.REAL_NAME, "Yusuf Osman-Clarke")]


def test_numbers_and_dates_of_birth_in_a_table(scanner: LeakScanner, tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "NHS 943 476 5919"
    table.rows[0].cells[1].text = "DOB: 12/05/1985"
    table.rows[1].cells[0].text = "Lives at ME14 1XX"
    table.rows[1].cells[1].text = "Mobile 07700 900123, NI JG 10 37 59 A"
    leaks = scanner.scan_docx(_save(document, tmp_path / "IMR.docx"))
    assert _found(leaks) == [
        (LeakKind.NHS_NUMBER, "943 476 5919"),
        (LeakKind.DATE_OF_BIRTH, "12/05/1985"),
        (LeakKind.POSTCODE, "ME14 1XX"),
        (LeakKind.PHONE, "07700 900123"),
        (LeakKind.NI_NUMBER, "JG 10 37 59 A"),
    ]
    assert [leak.location for leak in leaks] == [
        f"word/document.xml, paragraph {n}" for n in (1, 2, 3, 4, 4)
    ]


def _rewrite(path: Path, parts: dict[str, bytes]) -> None:
    """Add or replace parts of a saved package (what python-docx cannot write itself)."""
    with zipfile.ZipFile(path) as package:
        kept = {i.filename: package.read(i) for i in package.infolist()}
    kept.update(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in kept.items():
            package.writestr(name, data)


def test_embedded_data_and_extended_properties(scanner: LeakScanner, tmp_path: Path) -> None:
    path = _save(docx.Document(), tmp_path / "IMR.docx")
    embedded = (
        '{\n  "id": "4f3a9c0d1e2b4c5d8e9f0a1b2c3d4e5f",\n  "date_start": "2021-03-04",\n'
        '  "event": "Halima &amp; her son attended",\n  "note": "NHS 9434765919"\n}'
    )
    _rewrite(
        path,
        {
            "customXml/item9.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<imr:data xmlns:imr="urn:imr-author">{embedded}</imr:data>'
            ).encode(),
            "docProps/app.xml": (
                b'<?xml version="1.0" encoding="UTF-8"?>\n<Properties xmlns="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/extended-properties">'
                b"<Company>Osman-Clarke Family Trust</Company></Properties>"
            ),
        },
    )
    leaks = scanner.scan_docx(path)
    assert [(leak.kind, leak.text, leak.location) for leak in leaks] == [
        (LeakKind.REAL_NAME, "Osman-Clarke", "docProps/app.xml, Company"),
        (LeakKind.REAL_NAME, "Halima", "customXml/item9.xml, imr:data, line 4"),
        (LeakKind.NHS_NUMBER, "9434765919", "customXml/item9.xml, imr:data, line 5"),
    ]


def test_parts_lxml_reads_comments_cdata_and_layout(scanner: LeakScanner, tmp_path: Path) -> None:
    path = _save(docx.Document(), tmp_path / "IMR.docx")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    header = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a template made by hand -->
<x:hdr xmlns:x="{w}">
  <x:p>
    <x:r><x:t>Halima</x:t></x:r>
    <x:r><x:tab/><x:t>Osman</x:t></x:r>
  </x:p>
  <x:p><x:r><x:t><![CDATA[Tel 020 7946 0018]]></x:t></x:r></x:p>
</x:hdr>"""
    pretty = f"""<?xml version="1.0" encoding="UTF-8"?>
<w:ftr xmlns:w="{w}">
  <w:p/>
  <w:p>
    <w:r>
      <w:t xml:space="preserve">Halima </w:t>
    </w:r>
    <w:r><w:t>Osman</w:t></w:r>
  </w:p>
</w:ftr>"""
    _rewrite(path, {"word/header7.xml": header.encode(), "word/footer7.xml": pretty.encode()})
    leaks = scanner.scan_docx(path)
    assert [(leak.text, leak.location) for leak in leaks] == [
        ("Halima Osman", "word/header7.xml, paragraph 1"),  # a tab is a space
        ("020 7946 0018", "word/header7.xml, paragraph 2"),
        ("Halima Osman", "word/footer7.xml, paragraph 2"),  # the empty paragraph counts
    ]


def test_link_targets_and_alt_text(scanner: LeakScanner, tmp_path: Path) -> None:
    path = _save(docx.Document(), tmp_path / "IMR.docx")
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId99" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="mailto:halima.osman@example.org" TargetMode="External"/></Relationships>'
    )
    _rewrite(path, {"word/_rels/header9.xml.rels": rels.encode()})
    leaks = scanner.scan_docx(path)
    assert [(leak.text, leak.location) for leak in leaks] == [
        ("halima", "word/_rels/header9.xml.rels, attribute Target"),
        ("osman", "word/_rels/header9.xml.rels, attribute Target"),
    ]


def test_a_pseudonymised_export_of_the_draft_is_clean(
    register_draft: ImrDraft, tmp_path: Path
) -> None:
    register_draft.analysis = "Halima Osman told Mr Osman-Clarke's GP; Zoë was at school."
    clean = pseudonymise(register_draft)
    document = docx.Document()
    document.add_paragraph(clean.analysis)
    path = _save(document, tmp_path / "IMR.docx")
    assert scan_docx(path, register_draft) == []
    document.add_paragraph(register_draft.analysis)
    leaks = scan_docx(_save(document, tmp_path / "IMR.docx"), register_draft)
    assert [leak.text for leak in leaks] == ["Halima Osman", "Osman-Clarke", "Zoë"]


def test_the_quick_and_the_parsed_reading_agree(scanner: LeakScanner, tmp_path: Path) -> None:
    # The body is read with a regex; the same part with an XML comment goes through lxml.
    document = docx.Document()
    document.add_paragraph("")
    tabbed = document.add_paragraph("Halima")
    tabbed.runs[0].add_tab()
    tabbed.add_run("Osman & Mr Osman-Clarke <home>")
    broken = document.add_paragraph("Seen by")
    broken.runs[0].add_break()
    broken.add_run("Zoë Ó Briain, 07700 900123")
    table = document.add_table(rows=2, cols=2)
    table.rows[1].cells[1].text = "NHS 943 476 5919"
    table.rows[1].cells[1].add_paragraph("")
    table.rows[1].cells[1].add_paragraph("DOB 12/05/1985")
    document.add_paragraph("Halima’s last contact")
    quick = _save(document, tmp_path / "quick.docx")
    with zipfile.ZipFile(quick) as package:
        body = package.read("word/document.xml").decode()
    parsed = _save(document, tmp_path / "parsed.docx")
    commented = body.replace("?>", "?><!-- parsed -->", 1)
    _rewrite(parsed, {"word/document.xml": commented.encode()})

    def hits(path: Path) -> list[tuple[str, str, str]]:
        return [(leak.text, leak.location, leak.context) for leak in scanner.scan_docx(path)]

    assert hits(quick) == hits(parsed)
    assert [(text, where) for text, where, _ in hits(quick)] == [
        ("Halima Osman", "word/document.xml, paragraph 2"),
        ("Osman-Clarke", "word/document.xml, paragraph 2"),
        ("Zoë Ó Briain", "word/document.xml, paragraph 3"),
        ("07700 900123", "word/document.xml, paragraph 3"),
        ("943 476 5919", "word/document.xml, paragraph 7"),
        ("12/05/1985", "word/document.xml, paragraph 9"),
        ("Halima", "word/document.xml, paragraph 10"),
    ]
    assert hits(quick)[0][2] == "Halima Osman & Mr Osman-Clarke <home>"


# -- NHS numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),
        ("4010232137", True),
        ("9434765918", False),  # wrong check digit
        ("9434765910", False),
        ("1000000010", False),  # check digit would be 10: never issued
        ("0000000000", False),  # a placeholder
        ("943476591", False),
    ],
)
def test_nhs_number_check_digit(digits: str, valid: bool) -> None:
    assert nhs_number_is_valid(digits) is valid


def test_nhs_numbers_in_text(scanner: LeakScanner) -> None:
    text = (
        "Valid 943 476 5919 and 9434765919 and 401 023 2137; invalid 943 476 5918, "
        "mixed spacing 943 4765919, inside a longer number 19434765919, id x9434765919."
    )
    assert _kinds(scanner, text) == [
        (LeakKind.NHS_NUMBER, "943 476 5919"),
        (LeakKind.NHS_NUMBER, "9434765919"),
        (LeakKind.NHS_NUMBER, "401 023 2137"),
    ]


# -- National Insurance numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("AB123456C", True),
        ("AB 12 34 56 C", True),
        ("jg103759a", True),
        ("CE123456D", True),
        ("GB123456A", False),  # an excluded pair
        ("NK123456A", False),
        ("TN123456A", False),
        ("ZZ123456A", False),
        ("DA123456A", False),  # D never first
        ("QQ123456C", False),  # Q never first or second: the prefix of HMRC's examples
        ("AO123456A", False),  # O never second
        ("OA123456A", True),  # but O may be first
        ("AB123456E", False),  # suffix A to D only
        ("AB12345C", False),
    ],
)
def test_ni_number_rules(text: str, valid: bool) -> None:
    assert ni_number_is_valid(text) is valid


def test_ni_numbers_in_text(scanner: LeakScanner) -> None:
    text = "NI AB 12 34 56 C, JG103759A; not GB123456A, QQ 12 34 56 C, XAB123456C or AB123456E."
    assert _kinds(scanner, text) == [
        (LeakKind.NI_NUMBER, "AB 12 34 56 C"),
        (LeakKind.NI_NUMBER, "JG103759A"),
    ]


# -- postcodes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    ["ME14 1XX", "SW1A 2AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX"],
)
def test_official_postcodes(postcode: str) -> None:
    assert postcode_is_valid(postcode)
    assert postcode_is_valid(postcode.replace(" ", ""))
    assert postcode_is_valid(postcode.lower())


@pytest.mark.parametrize("text", ["QE14 1XX", "ME14 1CX", "ME14 1XI", "ZJ1 1AA", "ME14", "1XX"])
def test_not_postcodes(text: str) -> None:
    assert not postcode_is_valid(text)


def test_postcodes_in_text(scanner: LeakScanner) -> None:
    text = "Moved from ME14 1XX to SW1A2AA (flat 3), then M1 1AE; not QE14 1XX, A1 road, 2nd floor."
    assert _kinds(scanner, text) == [
        (LeakKind.POSTCODE, "ME14 1XX"),
        (LeakKind.POSTCODE, "SW1A2AA"),
        (LeakKind.POSTCODE, "M1 1AE"),
    ]


# -- phone numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("07700 900123", True),
        ("07700900123", True),
        ("+44 7700 900123", True),
        ("+447700900123", True),
        ("+44 (0)20 7946 0018", True),
        ("020 7946 0018", True),
        ("0161 496 0000", True),
        ("01632 960123", True),
        ("016977 4567", True),  # a ten-digit 01 number
        ("0300 123 4567", True),
        ("07700 9001", False),  # too short
        ("0800 123 4567", False),  # freephone: not a person's number
        ("020 7946 00181", False),  # too long
    ],
)
def test_phone_number_rules(text: str, valid: bool) -> None:
    assert phone_number_is_valid(text) is valid


def test_phone_numbers_in_text(scanner: LeakScanner) -> None:
    text = (
        "Call 07700 900123 or +44 (0)20 7946 0018 or (0161) 496 0000 or 020-7946-0018; "
        "07700 900123 456 is a number and more. Not 0800 123 4567, 12/05/2016, 07 12 2016."
    )
    assert _kinds(scanner, text) == [
        (LeakKind.PHONE, "07700 900123"),
        (LeakKind.PHONE, "+44 (0)20 7946 0018"),
        (LeakKind.PHONE, "(0161) 496 0000"),
        (LeakKind.PHONE, "020-7946-0018"),
        (LeakKind.PHONE, "07700 900123"),
    ]


# -- dates of birth --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB: 12/05/1985", "12/05/1985"),
        ("d.o.b. 1.5.85", "1.5.85"),
        ("Date of birth (as recorded): 3 March 1990", "3 March 1990"),
        ("Her son was born on 12th May 2017 at home", "12th May 2017"),
        ("born in Leeds in May 1985", "May 1985"),
        ("born June 4, 1979", "June 4, 1979"),
        ("Adult B (12/05/1985 DOB)", "12/05/1985"),
        ("Adult B, 1985-05-12 (DOB)", "1985-05-12"),
    ],
)
def test_dates_of_birth(scanner: LeakScanner, text: str, date: str) -> None:
    assert _kinds(scanner, text) == [(LeakKind.DATE_OF_BIRTH, date)]


@pytest.mark.parametrize(
    "text",
    [
        "On 12/05/2016 at 14:30 officers attended.",
        "In 2016 she moved; in May 2017 she called.",
        "She was born in Leeds. On 12/05/2016 police attended.",
        "Born and raised locally; seen on 3 March 2019.",
        "The DOB field was blank when the referral was made on 01/02/2020 by the school.",
        "Case 2016/0457, crime reference 14/12345/16, incident 1234 of 12/05/2016.",
        "Time 23:59, period 01/01/2015 to 30/08/2018, year 2018, age 34.",
        "Ids 4f3a9c0d1e2b4c5d8e9f0a1b2c3d4e5f 94347659190000000000000000000000 "
        "00000000000000000000009434765919 07700900123a5b6c7d8e9f0a1b2c3d4e",
    ],
)
def test_no_false_positives_on_ordinary_text(scanner: LeakScanner, text: str) -> None:
    assert scanner.scan_text(text) == []


def test_no_false_positives_on_many_chronology_ids(scanner: LeakScanner) -> None:
    ids = [hashlib.md5(str(i).encode()).hexdigest() for i in range(5000)]
    digits_only = [i for i in ids if i.isdigit()]
    text = "\n".join(f'"id": "{i}", "time": "{i[:2]}:{i[2:4]}", "date": "2016-05-12"' for i in ids)
    assert scanner.scan_text(text) == []
    assert scanner.scan_text(" ".join(ids)) == []
    assert digits_only == []  # the test would mean less if one were all digits


# -- scanning text and the draft -------------------------------------------------------------


def test_scan_text_locates_lines(register_draft: ImrDraft) -> None:
    leaks = scan_text("First line.\nThen Halima Osman rang.", register_draft, "analysis")
    assert [(leak.text, leak.location, leak.part) for leak in leaks] == [
        ("Halima Osman", "analysis, line 2", "draft")
    ]
    assert scan_text("Halima rang", register_draft, "analysis")[0].location == "analysis"


def test_scan_draft_names_the_field(register_draft: ImrDraft) -> None:
    register_draft.analysis = "Halima Osman (DOB 12/05/1985) rang."
    register_draft.answer_for("i").text = "Ó Briain's school"
    leaks = scan_draft(register_draft)
    assert [(leak.kind, leak.text, leak.location) for leak in leaks] == [
        (LeakKind.REAL_NAME, "Ó Briain", "answers[0].text"),
        (LeakKind.REAL_NAME, "Halima Osman", "analysis"),
        (LeakKind.DATE_OF_BIRTH, "12/05/1985", "analysis"),
    ]
    # The register's own real names are where they belong, not hits.
    assert all("real_name" not in leak.location for leak in leaks)
    assert [leak.text for leak in scan_draft(pseudonymise(register_draft))] == ["12/05/1985"]


@pytest.mark.parametrize("filler", ["Adult A’s contact. ", "Adult A's contact. "])
def test_one_long_line_like_the_embedded_data(scanner: LeakScanner, filler: str) -> None:
    # The export embeds its JSON as one line of megabytes: hits are found by searching
    # around words, never by reading the whole line, and must land on the right text.
    chunk = filler * 400
    text = (
        chunk
        + "Halima Osman rang. "
        + chunk
        + "A baby was born on 12/05/2017. "
        + chunk
        + "ZOË Ó BRIAIN "
        + "x" * 300
        + " Osman "
        + chunk
        + "Osman"
    )
    leaks = scanner.scan_text(text, "customXml/item1.xml, imr:interchange")
    assert _found(leaks) == [
        (LeakKind.REAL_NAME, "Halima Osman"),
        (LeakKind.DATE_OF_BIRTH, "12/05/2017"),
        (LeakKind.REAL_NAME, "ZOË Ó BRIAIN"),
        (LeakKind.REAL_NAME, "Osman"),
        (LeakKind.REAL_NAME, "Osman"),
    ]
    assert leaks[0].context.startswith("…") and leaks[0].context.endswith("…")
    assert "Halima Osman rang." in leaks[0].context
    assert leaks[-1].context.endswith("Osman")
    assert all(leak.location == "customXml/item1.xml, imr:interchange" for leak in leaks)


def test_decomposed_accents_are_found(scanner: LeakScanner) -> None:
    leaks = scanner.scan_text("Visited Zoe\u0308 \u004f\u0301 Briain at school")
    assert _found(leaks) == [(LeakKind.REAL_NAME, "Zoë Ó Briain")]


def test_a_dotted_capital_i_does_not_shift_the_search(scanner: LeakScanner) -> None:
    # "İ".lower() is two characters: offsets must still point at the right text.
    leaks = scanner.scan_text("İİİİ İstanbul trip; Halima Osman called 07700 900123")
    assert _found(leaks) == [
        (LeakKind.REAL_NAME, "Halima Osman"),
        (LeakKind.PHONE, "07700 900123"),
    ]


# -- accepting a hit -------------------------------------------------------------------------


def test_accepted_key_is_stable_across_exports() -> None:
    first = Leak(
        LeakKind.NHS_NUMBER, "943 476 5919", "word/header1.xml, paragraph 1", "", "word/header1.xml"
    )
    moved = Leak(
        LeakKind.NHS_NUMBER, "9434765919", "word/header2.xml, paragraph 7", "x", "word/header2.xml"
    )
    body = Leak(
        LeakKind.NHS_NUMBER,
        "943 476 5919",
        "word/document.xml, paragraph 3",
        "",
        "word/document.xml",
    )
    # One detail accepted is accepted wherever it shows: the body, a header, the Chair's copy.
    assert accepted_key(first) == accepted_key(moved) == accepted_key(body)
    assert accepted_key(first).startswith("nhs_number:")
    other = Leak(LeakKind.NHS_NUMBER, "401 023 2137", "", "", "word/document.xml")
    assert accepted_key(other) != accepted_key(first)


def test_accepted_key_normalises_and_never_holds_the_data() -> None:
    def key(kind: LeakKind, text: str, part: str = "word/document.xml") -> str:
        return accepted_key(Leak(kind, text, "", "", part))

    assert key(LeakKind.PHONE, "+44 (0)20 7946 0018") == key(LeakKind.PHONE, "020 7946 0018")
    assert key(LeakKind.POSTCODE, "me14 1xx") == key(LeakKind.POSTCODE, "ME141XX")
    assert key(LeakKind.REAL_NAME, "HALIMA  Osman") == key(LeakKind.REAL_NAME, "Halima Osman")
    assert key(LeakKind.REAL_NAME, "Osman’s") == key(LeakKind.REAL_NAME, "Osman's")
    assert key(LeakKind.REAL_NAME, "Halima") != key(LeakKind.REAL_NAME, "Halima Osman")
    assert key(LeakKind.REAL_NAME, "Halima", FILE_NAME).startswith("real_name:")
    recorded = key(LeakKind.REAL_NAME, "Halima Osman") + key(LeakKind.NHS_NUMBER, "9434765919")
    assert "halima" not in recorded.lower() and "9434765919" not in recorded


def test_unaccepted_hits_block_and_describe_names_them(
    scanner: LeakScanner, tmp_path: Path
) -> None:
    document = docx.Document()
    document.add_paragraph("Halima Osman, NHS 943 476 5919")
    leaks = scanner.scan_docx(_save(document, tmp_path / "IMR.docx"))
    assert len(unaccepted(leaks, [])) == 2
    accepted = [accepted_key(leaks[1])]
    assert unaccepted(leaks, accepted) == [leaks[0]]
    document.add_paragraph("Another line first")
    again = scanner.scan_docx(_save(document, tmp_path / "IMR v2.docx"))
    assert unaccepted(again, accepted) == [again[0]]
    lines = list(describe(leaks))
    assert lines[1] == (
        "word/document.xml, paragraph 1: NHS number '943 476 5919' in "
        "“Halima Osman, NHS 943 476 5919”"
    )


@pytest.mark.parametrize(
    ("part", "location", "said"),
    [
        ("word/document.xml", "word/document.xml, paragraph 126", "The report, paragraph 126"),
        ("customXml/item1.xml", "customXml/item1.xml, imr:interchange", "The Chair's data copy"),
        ("docProps/core.xml", "docProps/core.xml, dc:title", "The document's properties"),
        ("word/footer1.xml", "word/footer1.xml, paragraph 1", "A page footer, paragraph 1"),
        (FILE_NAME, FILE_NAME, "The file name"),
        ("word/odd.xml", "word/odd.xml, paragraph 3", "word/odd.xml, paragraph 3"),
    ],
)
def test_places_are_named_as_a_reader_would_say_them(part: str, location: str, said: str):
    assert place_in_words(Leak(LeakKind.POSTCODE, "NE1 4ST", location, "", part)) == said


def test_the_context_from_the_data_copy_has_no_escaped_line_breaks(tmp_path: Path):
    package = tmp_path / "IMR.docx"
    with zipfile.ZipFile(package, "w") as docx:
        docx.writestr(
            "customXml/item1.xml",
            '<imr>{"analysis": "First paragraph.\\n\\nSeen at NE1 4ST by the team."}</imr>',
        )
        docx.writestr("docProps/app.xml", "<p>Saved in C:\\new\\NE2 4AB folder</p>")
    found = {leak.text: leak.context for leak in LeakScanner().scan_docx(package)}
    assert "First paragraph. Seen at NE1 4ST by the team." in found["NE1 4ST"]
    assert "C:\\new" in found["NE2 4AB"]  # elsewhere a backslash and n are as written
