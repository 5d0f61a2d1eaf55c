"""``imr-app``: the command line over the same core the GUI uses.

Exit codes: 0 ok, 1 the file's content fails a check, 2 usage or input error.
Errors are one line on stderr, never a traceback. Passphrases are never taken
as arguments (they would show in the process list): they are prompted for on a
terminal, or read from a file (``--passphrase-file``, ``-`` for stdin) or a named
environment variable (``--passphrase-env``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import imr_app
from imr_app.context import AppContext
from imr_app.core.errors import ImrError

if TYPE_CHECKING:
    from imr_app.core.model import ImrDraft
    from imr_app.core.workflow import Actor
    from imr_app.services.export_docx import ExportResult
    from imr_app.services.leak_scan import Leak
    from imr_app.storage.document import ImrDocument

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A one-line message for stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def main(argv: list[str] | None = None, context: AppContext | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (len(argv) == 1 and argv[0].lower().endswith(".imr")):
        return _run_gui(context or AppContext(), argv[0] if argv else None)
    if any(a == "--passphrase" or a.startswith("--passphrase=") for a in argv):
        print(
            "imr-app: a passphrase is never taken as an argument (it would show in the process "
            "list): use --passphrase-file or --passphrase-env, or type it when asked",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or --version already
        return int(exc.code or 0)
    try:
        return int(args.handler(args, context or AppContext()))
    except CliError as exc:
        print(f"imr-app: {exc}", file=sys.stderr)
        return exc.code
    except (ImrError, OSError) as exc:
        print(f"imr-app: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("imr-app: interrupted", file=sys.stderr)
        return EXIT_USAGE


def _run_gui(context: AppContext, file: str | None) -> int:
    from imr_app.gui.app import run_gui

    return run_gui(context, Path(file) if file else None)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"imr-app: {message}\n")


class _Version(argparse.Action):
    """``--version`` reads the package metadata only when asked (it slows every start-up)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> NoReturn:
        print(f"IMR Author {imr_app.__version__}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="imr-app", description="Write an Individual Management Review.", allow_abbrev=False
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, handler: object, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        p.set_defaults(handler=handler)
        return p

    p = command("gui", _cmd_gui, "start the app (the same as running imr-app with no arguments)")
    p.add_argument("file", nargs="?", type=Path)

    p = command("new", _cmd_new, "create an empty draft with the default question set")
    _file_arg(p)
    p.add_argument("--review-name", default="", help="the review's name, e.g. 'DHR Amina'")
    p.add_argument("--review-type", default="DHR", help="DHR, DARDR, MAR, SAR, CSPR or OTHER")
    p.add_argument("--agency", default="", help="your agency's name")
    p.add_argument("--question-set", type=Path, help="a panel's own terms of reference file")
    _new_passphrase_args(p)

    p = command("import", _cmd_import, "create a draft from interchange JSON")
    _file_arg(p)
    p.add_argument("--from", dest="source", type=Path, required=True, help="the JSON file")
    _new_passphrase_args(p)

    p = command("dump", _cmd_dump, "write the draft as interchange JSON to stdout")
    _file_arg(p)
    p.add_argument("--out", type=Path, help="write to this file instead of stdout")
    _open_args(p)

    p = command("info", _cmd_info, "show review, agency, state and counts (no case content)")
    _file_arg(p)
    _open_args(p)

    p = command("check", _cmd_check, "check for errors: exit 1 while hard errors remain")
    _file_arg(p)
    _open_args(p)

    p = command(
        "export",
        _cmd_export,
        "export the IMR as a Word document; hard errors block it unless --draft",
    )
    _file_arg(p)
    p.add_argument("--out", type=Path, required=True, help="the Word document to write (.docx)")
    p.add_argument(
        "--draft",
        action="store_true",
        help="export even while hard errors remain, as a copy marked DRAFT",
    )
    p.add_argument(
        "--report-version", default="1.0", metavar="X.Y", help="the version in the footer"
    )
    p.add_argument("--template", type=Path, help="an agency's own Word template (.docx, .dotx)")
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="KEY",
        help="accept a leak-scan hit (its key is printed with it); needs --reason",
    )
    p.add_argument("--reason", default="", help="why the accepted hits may stay (audited)")
    p.add_argument(
        "--password-file",
        type=Path,
        metavar="F",
        help="protect the document with the password on the first line of F ('-': stdin); "
        "Word asks for it when the document is opened",
    )
    p.add_argument("--password", nargs="?", action=_RefusePassword, help=argparse.SUPPRESS)
    p.add_argument(
        "--review-copy",
        action="store_true",
        help="a copy for the author and the safeguarding lead with the unresolved comments "
        "as Word comments, marked REVIEW COPY (never for the Chair)",
    )
    _open_args(p)

    p = command("change-passphrase", _cmd_change_passphrase, "re-key a draft")
    _file_arg(p)
    _open_args(p)
    p.add_argument("--new-passphrase-file", type=Path, help="read the new passphrase from a file")
    p.add_argument("--new-passphrase-env", metavar="NAME", help="read it from this variable")

    p = command("forget", _cmd_forget, "forget this draft's key on this computer")
    _file_arg(p)
    _open_args(p)

    p = command(
        "compare",
        _cmd_compare,
        "say which of two copies of a draft is newer; exit 1 if each was changed apart",
    )
    _file_arg(p)
    p.add_argument("other", type=Path, help="the other copy (.imr); copies share the passphrase")
    _open_args(p)

    command("selftest", _cmd_selftest, "check that encryption, resources and import work")

    _workflow_commands(command)
    _comment_commands(command)

    p = sub.add_parser(
        "chronology", help="work on a draft's chronology", description="Work on the chronology."
    )
    chronology = p.add_subparsers(dest="chronology_command", required=True, parser_class=_Parser)
    help_text = "add rows from a CSV exported by a case management system"
    p = chronology.add_parser("import", help=help_text, description=help_text, allow_abbrev=False)
    p.set_defaults(handler=_cmd_chronology_import)
    _file_arg(p)
    p.add_argument("--from", dest="source", type=Path, required=True, help="the CSV file")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD,...",
        help="map columns to fields, e.g. 'Date Seen=date,System=source' (FIELD 'ignore' drops "
        "a column); columns named after a field map without it",
    )
    p.add_argument("--report", type=Path, help="write the rejected rows to this CSV file")
    _open_args(p)
    return parser


def _file_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="the draft (.imr)")


def _passphrase_source_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--passphrase-file", type=Path, help="read the passphrase from a file ('-': stdin)"
    )
    p.add_argument(
        "--passphrase-env", metavar="NAME", help="read it from this environment variable"
    )


def _open_args(p: argparse.ArgumentParser) -> None:
    _passphrase_source_args(p)
    p.add_argument("--take-over", action="store_true", help="take over a lock left by a crash")


def _new_passphrase_args(p: argparse.ArgumentParser) -> None:
    _passphrase_source_args(p)
    p.add_argument(
        "--no-remember", action="store_true", help="do not remember the key in the OS keyring"
    )


# ---- passphrases -----------------------------------------------------------------
def _passphrase_from(file: Path | None, env: str | None) -> str | None:
    if file is not None:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        return text.splitlines()[0] if text.splitlines() else ""
    if env is not None:
        if env not in os.environ:
            raise CliError(f"environment variable {env} is not set")
        return os.environ[env]
    return None


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise CliError("no passphrase given: use --passphrase-file or --passphrase-env")
    return getpass.getpass(prompt)


def _new_passphrase(file: Path | None, env: str | None) -> str:
    from imr_app.core.passphrase import check_new_passphrase

    given = _passphrase_from(file, env)
    if given is None:
        given = _ask("New passphrase: ")
        check_new_passphrase(given, _ask("Repeat it: "))
    else:
        check_new_passphrase(given)
    return given


# ---- opening ---------------------------------------------------------------------
def _open(
    args: argparse.Namespace,
    context: AppContext,
    file: Path | None = None,
    given: str | None = None,
) -> ImrDocument:
    """Open ``args.file`` (or ``file``) with the passphrase options (or ``given``, already read)."""
    from imr_app.settings import SettingsStore
    from imr_app.storage.document import ImrDocument, OpenStatus

    file = args.file if file is None else file
    if given is None:
        given = _passphrase_from(args.passphrase_file, args.passphrase_env)
    result = ImrDocument.open(file, context.keystore, passphrase=given, take_over=args.take_over)
    if result.status is OpenStatus.NEEDS_PASSPHRASE and given is None:
        if result.detail:
            print(f"imr-app: {result.message} ({result.detail})", file=sys.stderr)
        given = _ask(f"Passphrase for {file.name}: ")
        result = ImrDocument.open(
            file, context.keystore, passphrase=given, take_over=args.take_over
        )
    if not result.ok or result.document is None:
        hint = " Use --take-over if it was left by a crash." if result.holder else ""
        raise CliError(f"{file}: {result.message}{hint}")
    for warning in result.warnings:
        print(f"imr-app: {warning}", file=sys.stderr)
    # Any write records this opening in the copy's lineage under the user's name.
    result.document.set_user(SettingsStore(context.paths.config_dir).load().user_name)
    return result.document


def _create(path: Path, draft: object, args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.paths import DRAFT_SUFFIX
    from imr_app.settings import SettingsStore
    from imr_app.storage.document import ImrDocument

    if path.suffix.lower() != DRAFT_SUFFIX:
        raise CliError(f"a draft's name must end in {DRAFT_SUFFIX}: {path}")
    if path.exists():
        raise CliError(f"{path} already exists; choose another name")
    passphrase = _new_passphrase(args.passphrase_file, args.passphrase_env)
    document, warnings = ImrDocument.create(
        path,
        passphrase,
        draft,
        context.keystore,
        remember=not args.no_remember,  # type: ignore[arg-type]
        user=SettingsStore(context.paths.config_dir).load().user_name,
    )
    document.close()
    for warning in warnings:
        print(f"imr-app: {warning}", file=sys.stderr)
    print(f"Created {path}")
    return EXIT_OK


# ---- commands --------------------------------------------------------------------
def _cmd_gui(args: argparse.Namespace, context: AppContext) -> int:
    return _run_gui(context, str(args.file) if args.file else None)


def _cmd_new(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.drafts import new_draft
    from imr_app.core.model import ReviewType
    from imr_app.core.question_sets import default_question_set, load_question_set

    try:
        review_type = ReviewType(args.review_type.upper())
    except ValueError:
        raise CliError(f"unknown review type {args.review_type!r}") from None
    question_set = (
        load_question_set(args.question_set) if args.question_set else default_question_set()
    )
    draft = new_draft(question_set, args.review_name, review_type, args.agency)
    return _create(args.file, draft, args, context)


def _cmd_import(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import interchange

    try:
        text = args.source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{args.source}: not UTF-8 text") from None
    try:
        draft = interchange.loads(text)
    except ImrError as exc:
        raise CliError(f"{args.source}: {exc}") from None
    return _create(args.file, draft, args, context)


def _cmd_dump(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import interchange

    with _open(args, context) as document:
        text = interchange.dumps(document.load())
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_info(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.summary import summarise

    with _open(args, context) as document:
        draft = document.load()
    for label, value in summarise(draft):
        print(f"{label + ':':<22}{value}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.services.checks import check_draft

    with _open(args, context) as document:
        problems = check_draft(document.load())
    for problem in problems:
        print(problem.describe())
    errors = sum(p.is_error for p in problems)
    print(f"{_plural(errors, 'error')}, {_plural(len(problems) - errors, 'warning')}")
    return EXIT_CHECK_FAILED if errors else EXIT_OK


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _RefusePassword(argparse.Action):
    """``--password``: refused with a pointer to ``--password-file``, the value unechoed.

    A password on the command line shows in the process list and the shell's history, and
    argparse's own "unrecognized arguments" message would print it back to the terminal.
    """

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        parser.error(
            "a password is never taken as an argument (it would show in the process list): "
            "use --password-file"
        )


def _export_password(args: argparse.Namespace) -> str | None:
    """The first line of ``--password-file`` (a byte-order mark dropped), checked for Word.

    Read before the draft is opened, so a missing or unusable password file fails fast and
    never leaves the draft locked.
    """
    from imr_app.services.docx_protection import ProtectionError, check_password

    file: Path | None = args.password_file
    if file is None:
        return None
    if str(file) == "-":
        if args.passphrase_file is not None and str(args.passphrase_file) == "-":
            raise CliError("--password-file and --passphrase-file cannot both read stdin")
        text = sys.stdin.read().removeprefix("\ufeff")
    else:
        text = file.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    password = lines[0] if lines else ""
    try:
        check_password(password)
    except ProtectionError as exc:
        raise CliError(f"{file}: {exc}") from None
    return password


def _cmd_export(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.drafts import now
    from imr_app.core.model import AuditEvent
    from imr_app.services import export_docx
    from imr_app.services.leak_acceptance import acceptance

    out: Path = args.out
    if out.suffix.lower() != ".docx":
        raise CliError(f"the output must be a Word document ending in .docx: {out}")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")
    password = _export_password(args)
    if args.accept and not args.reason.strip():
        raise CliError("--accept needs --reason: why may these details stay in the IMR?")
    with _open(args, context) as document:
        for key in args.accept:
            document.repo.add_audit(acceptance(key, args.reason, actor=_user()))
        draft = document.load()
        if args.template is not None:  # the agency's choice is kept with the draft
            draft.agency.template = str(args.template.resolve())
            document.repo.save_part("agency", draft.agency)
        result = _export_draft(args, draft, out, password)
        protected = "password-protected" if password else "not password-protected"
        kind = "draft copy" if args.draft else "final"
        if args.review_copy:
            kind += f", review copy with {_plural(result.review_comments, 'comment')}"
        detail = f"{out.name}, {kind}, {protected}"
        document.repo.add_audit(AuditEvent(now(), "exported", actor=_user(), detail=detail))
    for warning in result.warnings:
        print(f"imr-app: {warning}", file=sys.stderr)
    for leak in result.leaks:
        print(f"imr-app: in the DRAFT copy: {_describe_leak(leak)}", file=sys.stderr)
    if args.review_copy:
        comments = _plural(result.review_comments, "comment")
        print(f"imr-app: review copy with {comments}: not for the Chair", file=sys.stderr)
    print(result.path)
    if password is not None:
        subject = export_docx.suggested_email_subject(
            draft, args.report_version, draft_copy=args.draft
        )
        print(
            "imr-app: the document is protected with a password; Word asks for it on opening.\n"
            "imr-app: Send the password by another channel (phone or text), never in the same "
            f"email.\nimr-app: suggested email subject: {subject}",
            file=sys.stderr,
        )
    return EXIT_OK


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return ""


def _describe_leak(leak: Leak) -> str:
    from imr_app.services.leak_scan import accepted_key

    return (
        f"{leak.kind.label} '{leak.text}' in {leak.location}: {leak.context} "
        f"(key {accepted_key(leak)})"
    )


def _export_draft(
    args: argparse.Namespace, draft: ImrDraft, out: Path, password: str | None
) -> ExportResult:
    """Pre-flight, build, leak scan: raises CliError (exit 1) when the IMR may not leave."""
    from imr_app.services import export_docx
    from imr_app.services.checks import check_draft
    from imr_app.services.leak_acceptance import accepted_keys

    # Pre-flight: the same checks as "Check for errors"; a draft copy may still go out.
    errors = [p for p in check_draft(draft) if p.is_error]
    if errors and not args.draft:
        for problem in errors:
            print(problem.describe(), file=sys.stderr)
        raise CliError(
            f"{_plural(len(errors), 'error')} must be fixed before a final export; "
            "use --draft to export a copy marked DRAFT",
            EXIT_CHECK_FAILED,
        )
    options = export_docx.ExportOptions(
        draft_copy=args.draft,
        version=args.report_version,
        template=args.template,
        password=password,
        accepted_leaks=accepted_keys(draft),
        review_copy=args.review_copy,
    )
    try:
        return export_docx.export(draft, out, options)
    except export_docx.LeaksFound as exc:
        for leak in exc.leaks:
            print(f"imr-app: {_describe_leak(leak)}", file=sys.stderr)
        raise CliError(
            f"{exc} (nothing was written); accept one with --accept KEY --reason '…'",
            EXIT_CHECK_FAILED,
        ) from None


def _cmd_change_passphrase(args: argparse.Namespace, context: AppContext) -> int:
    with _open(args, context) as document:
        new = _new_passphrase(args.new_passphrase_file, args.new_passphrase_env)
        document.change_passphrase(new, context.keystore)
    print(f"Changed the passphrase of {args.file}")
    return EXIT_OK


def _cmd_forget(args: argparse.Namespace, context: AppContext) -> int:
    with _open(args, context) as document:
        forgotten = document.forget_key(context.keystore)
    print("Forgotten on this computer." if forgotten else "It was not remembered here.")
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace, context: AppContext) -> int:
    """Which copy is newer (exit 0), or what each holds alone when both changed (exit 1)."""
    from imr_app.core.lineage import Relation, compare

    first, second = args.file, args.other
    if first.resolve() == second.resolve():
        raise CliError(f"{first} and {second} are the same file; give two copies")
    given = _passphrase_from(args.passphrase_file, args.passphrase_env)  # read once, used twice
    with _open(args, context, first, given) as document:
        a = document.lineage()
    with _open(args, context, second, given) as document:
        b = document.lineage()
    result = compare(a, b)
    names = {"a": first.name, "b": second.name}
    if result.relation is Relation.UNRELATED:
        raise CliError(f"{first.name} and {second.name} are different drafts, not two copies")
    if result.relation is Relation.SAME:
        if not (a.sessions and b.sessions):  # made before copies kept their editing history
            print(
                f"{first.name} and {second.name} cannot be told apart: "
                f"{first.name if not a.sessions else second.name} holds no editing history "
                "(it was saved before IMR Author recorded one). Compare them by eye."
            )
            return EXIT_CHECK_FAILED
        print(f"{first.name} and {second.name} hold the same changes.")
        return EXIT_OK
    if result.relation is Relation.DIVERGED:
        print(f"{first.name} and {second.name} have each been changed since they parted.")
    else:
        newer, older = ("a", "b") if result.relation is Relation.A_NEWER else ("b", "a")
        print(f"{names[newer]} is newer: it holds everything in {names[older]} and more.")
    print(result.parted())
    for side, changes in (("a", result.a_only), ("b", result.b_only)):
        if changes:
            print(f"\nOnly in {names[side]}:")
            for line in changes.lines():
                print(f"  {line}")
    return EXIT_CHECK_FAILED if result.relation is Relation.DIVERGED else EXIT_OK


def _cmd_selftest(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.selftest import run_selftest

    problems = run_selftest()
    for problem in problems:
        print(f"imr-app: selftest: {problem}", file=sys.stderr)
    if not problems:
        print("selftest ok")
    return EXIT_CHECK_FAILED if problems else EXIT_OK


def _parse_map(values: list[str]) -> dict[str, str]:
    """``--map 'Date Seen=date,System=source'`` (repeatable) as header -> field."""
    mapping: dict[str, str] = {}
    for value in values:
        for pair in value.split(","):
            header, equals, target = pair.rpartition("=")
            if not equals or not header.strip():
                raise CliError(f"--map expects HEADER=FIELD, not {pair.strip()!r}")
            mapping[header.strip()] = target.strip()
    return mapping


def _cmd_chronology_import(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.services import chronology_import as ci
    from imr_app.storage.sqlcipher_compat import DatabaseError

    # The CSV and the mapping are checked before the draft is opened (and locked).
    mapping = _parse_map(args.map)
    try:
        table = ci.load_table(args.source)
        used = ci.resolve_mapping(table.headers, mapping)
    except ImrError as exc:
        raise CliError(f"{args.source}: {exc}") from None
    missing = [name for name in ci.REQUIRED if name not in used.values()]
    if missing:
        raise CliError(
            f"{args.source}: no column is mapped to {' or '.join(missing)}; "
            f"use --map 'HEADER={missing[0]}'"
        )
    if not table.records:
        raise CliError(f"{args.source}: there are no rows under the header")
    with _open(args, context) as document:
        draft = document.load()
        result = ci.preview(table, mapping, draft.subjects)
        # The report first: if it cannot be written, nothing has been imported either.
        if args.report is not None:
            ci.write_rejection_report(result.rejections, args.report)
        if result.accepted:
            try:
                ci.commit(document.repo, len(draft.chronology), result.accepted, args.source.name)
            except DatabaseError as exc:
                raise CliError(f"nothing was imported: {exc}") from None
    for rejection in result.rejections:
        print(f"line {rejection.line}: {rejection.reason}")
    imported, rejected = len(result.accepted), len(result.rejections)
    print(
        f"Imported {imported:,} {'entry' if imported == 1 else 'entries'}; "
        f"{rejected:,} {'row' if rejected == 1 else 'rows'} rejected."
    )
    return EXIT_OK if imported else EXIT_CHECK_FAILED


# ---- review and sign-off ---------------------------------------------------------
def _workflow_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """``status``, ``submit``, ``return``, ``signoff`` and ``reopen``: the same rules as the app."""
    p = command(
        "status",
        _cmd_status,
        "show the review state, the last step and the sign-off; exit 1 if the content has "
        "changed since it was signed off",
    )
    _file_arg(p)
    _open_args(p)

    p = command("submit", _cmd_submit, "submit for review; exit 1 while hard errors remain")
    _file_arg(p)
    _actor_args(p)
    _open_args(p)

    p = command("return", _cmd_return, "return a submitted IMR to its author for changes")
    _file_arg(p)
    p.add_argument("--comment", required=True, help="what needs changing")
    _actor_args(p)
    _open_args(p)

    p = command(
        "signoff",
        _cmd_signoff,
        "sign a submitted IMR off on the agency's behalf (not by its author)",
    )
    _file_arg(p)
    p.add_argument("--name", required=True, help="the name of the person signing off")
    p.add_argument("--role", required=True, help="their role, e.g. 'Safeguarding Lead'")
    p.add_argument("--statement", default="", help="the sign-off statement")
    p.add_argument(
        "--override-reason",
        default="",
        help="why the author may sign off their own IMR (shown on the sign-off)",
    )
    _open_args(p)

    p = command("reopen", _cmd_reopen, "reopen a signed-off IMR; the sign-off is withdrawn")
    _file_arg(p)
    p.add_argument("--reason", required=True, help="why it is being reopened (audited)")
    _actor_args(p)
    _open_args(p)

    p = command("history", _cmd_history, "list the revisions kept at submission and sign-off")
    _file_arg(p)
    _open_args(p)

    p = command("diff", _cmd_diff, "show what changed between two revisions, word by word")
    _file_arg(p)
    p.add_argument(
        "--from", dest="source", type=int, required=True, metavar="N", help="the older revision"
    )
    p.add_argument("--to", type=int, metavar="M", help="the newer revision (default: the latest)")
    _open_args(p)

    p = command("audit", _cmd_audit, "show the audit log; --csv copies it for the agency's records")
    _file_arg(p)
    p.add_argument(
        "--kind",
        choices=AUDIT_KINDS,
        default="all",
        help="only review steps (workflow), comments or exports (default: all)",
    )
    p.add_argument(
        "--csv", type=Path, metavar="OUT", help="write it as CSV (no comments or reasons)"
    )
    _actor_args(p)
    _open_args(p)


# core.audit.AuditKind's values, written out so building the parser imports nothing more.
AUDIT_KINDS = ("all", "workflow", "comments", "exports")


def _actor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", help="who is taking this step (default: your name in the settings)")
    p.add_argument("--role", help="their role (default: your role in the settings)")


def _actor(args: argparse.Namespace, context: AppContext) -> Actor:
    """The person taking the step: the flags, else the app's settings, else the login name."""
    from imr_app.core.workflow import Actor
    from imr_app.settings import SettingsStore

    settings = SettingsStore(context.paths.config_dir).load()
    name = args.name or settings.user_name or _user()
    role = args.role if args.role is not None else settings.user_role
    return Actor(name, role)


def _take_step(
    args: argparse.Namespace, context: AppContext, step: Callable[[ImrDraft], object]
) -> int:
    """Open, apply one workflow step, and save it with its audit events and revision."""
    from imr_app.core.errors import InvalidTransitionError
    from imr_app.core.workflow import STATE_LABELS, SubmissionBlocked
    from imr_app.services.review import take_step

    with _open(args, context) as document:
        draft = document.load()
        try:
            take_step(document, draft, step)
        except SubmissionBlocked as exc:
            for problem in exc.problems:
                print(problem.describe(), file=sys.stderr)
            raise CliError(str(exc), EXIT_CHECK_FAILED) from None
        except InvalidTransitionError as exc:
            raise CliError(str(exc), EXIT_CHECK_FAILED) from None
    print(f"{args.file.name}: {STATE_LABELS[draft.workflow.state]}")
    return EXIT_OK


def _cmd_history(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.workflow import STATE_LABELS

    with _open(args, context) as document:
        revisions = document.repo.revisions()
    if not revisions:
        print("No revisions yet: one is kept at each submission and sign-off.")
        return EXIT_OK
    for r in revisions:
        who = f"{r.actor} ({r.role})" if r.role else r.actor
        why = f"{STATE_LABELS[r.state]}: {r.reason}" if r.reason else STATE_LABELS[r.state]
        print(f"{r.number:>3}  {r.created_at:%d/%m/%Y %H:%M}  {who}  {why}")
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.revision_diff import diff

    with _open(args, context) as document:
        by_number = {r.number: r for r in document.repo.revisions()}
        if not by_number:
            raise CliError(f"{args.file.name} has no revisions yet")
        to = args.to if args.to is not None else max(by_number)
        for n in (args.source, to):
            if n not in by_number:
                known = f"revisions 1 to {max(by_number)}" if len(by_number) > 1 else "revision 1"
                raise CliError(f"there is no revision {n}; {args.file.name} has {known}")
        old = document.repo.revision_snapshot(by_number[args.source].id)
        new = document.repo.revision_snapshot(by_number[to].id)
    print(f"Changes from revision {args.source} to revision {to}\n")
    sys.stdout.write(diff(old, new).render_text())
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import audit
    from imr_app.services.audit_export import export_audit_log, read_trail

    kind = audit.AuditKind(args.kind)
    out: Path | None = args.csv
    if out is not None and not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")
    with _open(args, context) as document:
        if out is not None:
            done, _ = export_audit_log(document, out, _actor(args, context), kind)
            print(f"Wrote {_plural(done.count, 'event')} to {done.path}")
            return EXIT_OK
        events = audit.filter_events(read_trail(document), kind)
    rows = [(audit.when(e), audit.who(e), audit.label(e), audit.detail_text(e)) for e in events]
    if not rows:
        print("No events of this kind.")
        return EXIT_OK
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        columns = [row[i].ljust(widths[i]) for i in range(3)]
        print("  ".join([*columns, row[3]]).rstrip())
    return EXIT_OK


def _cmd_status(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.workflow import STATE_LABELS, last_step, verify_sign_off

    with _open(args, context) as document:
        draft = document.load()
    print(f"{'State:':<22}{STATE_LABELS[draft.workflow.state]}")
    event = last_step(draft)
    if event is not None:
        who = f"{event.actor} ({event.role})" if event.role else event.actor
        when = f"{event.at:%d/%m/%Y %H:%M}"
        print(f"{'Last step:':<22}{event.action.replace('_', ' ')} by {who}, {when}")
    sign_off = draft.workflow.sign_off
    if sign_off is None:
        return EXIT_OK
    print(f"{'Signed off by:':<22}{sign_off.name} ({sign_off.role}), {sign_off.signed_on:%d/%m/%Y}")
    if sign_off.statement:
        print(f"{'Statement:':<22}{sign_off.statement}")
    if sign_off.override_reason:
        print(f"{'Override reason:':<22}{sign_off.override_reason}")
    unchanged = verify_sign_off(draft)
    verdict = "unchanged since sign-off" if unchanged else "CHANGED since sign-off"
    print(f"{'Content:':<22}{verdict} (hash {sign_off.content_hash[:12]}…)")
    return EXIT_OK if unchanged else EXIT_CHECK_FAILED


def _cmd_submit(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.services.review import submit_for_review

    actor = _actor(args, context)
    return _take_step(args, context, lambda draft: submit_for_review(draft, actor))


def _cmd_return(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.workflow import return_for_changes

    actor = _actor(args, context)
    return _take_step(args, context, lambda draft: return_for_changes(draft, actor, args.comment))


def _cmd_signoff(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.workflow import Actor, sign_off

    actor = Actor(args.name, args.role)
    return _take_step(
        args,
        context,
        lambda draft: sign_off(draft, actor, args.statement, args.override_reason),
    )


def _cmd_reopen(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core.workflow import reopen

    actor = _actor(args, context)
    return _take_step(args, context, lambda draft: reopen(draft, actor, args.reason))


# ---- review comments -------------------------------------------------------------
def _comment_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """``comment``, ``reply``, ``resolve`` and ``comments``: the review conversation."""
    p = command("comment", _cmd_comment, "comment on a section, an answer's words or a row")
    _file_arg(p)
    p.add_argument(
        "--on",
        required=True,
        metavar="KIND:REF",
        help="section:analysis, answer:iv, chronology:ID, recommendation:ID or "
        "equality:SUBJECT_ID:CHARACTERISTIC",
    )
    p.add_argument("--quote", default="", help="with answer:N, the words the comment is on")
    p.add_argument("--text", required=True, help="the comment")
    _actor_args(p)
    _open_args(p)

    p = command("reply", _cmd_reply, "reply to a comment")
    _file_arg(p)
    p.add_argument("--to", required=True, metavar="ID", help="the comment being answered")
    p.add_argument("--text", required=True, help="the reply")
    _actor_args(p)
    _open_args(p)

    p = command("resolve", _cmd_resolve, "mark a comment's whole thread as resolved")
    _file_arg(p)
    p.add_argument("--comment", required=True, metavar="ID", help="any comment in the thread")
    _actor_args(p)
    _open_args(p)

    p = command("comments", _cmd_comments, "list the unresolved comment threads")
    _file_arg(p)
    p.add_argument("--all", action="store_true", help="include the resolved threads")
    _open_args(p)


def _change_comments(
    args: argparse.Namespace, context: AppContext, change: Callable[[ImrDraft], str]
) -> int:
    """Open, apply one change to the comments, and save them with their audit events together."""
    from imr_app.core.comments import CommentError
    from imr_app.services.review import change_comments

    with _open(args, context) as document:
        draft = document.load()
        try:
            message = change_comments(document, draft, change)
        except CommentError as exc:
            raise CliError(str(exc)) from None
    print(message)
    return EXIT_OK


def _cmd_comment(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import comments

    actor = _actor(args, context)

    def change(draft: ImrDraft) -> str:
        anchor = comments.parse_anchor(args.on)
        if args.quote and anchor.kind != comments.AnchorKind.ANSWER:
            raise comments.AnchorError("--quote goes with --on answer:N only.")
        if anchor.kind == comments.AnchorKind.ANSWER:
            anchor = comments.anchor_answer(draft, anchor.ref, args.quote)
        comment = comments.add_comment(draft, anchor, args.text, actor)
        return f"Comment {comment.id} on {comments.describe_anchor(draft, anchor)}"

    return _change_comments(args, context, change)


def _cmd_reply(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import comments

    actor = _actor(args, context)

    def change(draft: ImrDraft) -> str:
        comment = comments.reply(draft, args.to, args.text, actor)
        return f"Reply {comment.id} to comment {comment.parent_id}"

    return _change_comments(args, context, change)


def _cmd_resolve(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import comments

    actor = _actor(args, context)

    def change(draft: ImrDraft) -> str:
        root = comments.thread_root(draft, comments.find_comment(draft, args.comment))
        comments.resolve(draft, root.id, actor)
        return f"Resolved comment {root.id} and its replies"

    return _change_comments(args, context, change)


def _cmd_comments(args: argparse.Namespace, context: AppContext) -> int:
    from imr_app.core import comments

    with _open(args, context) as document:
        draft = document.load()
    shown = comments.threads(draft, include_resolved=args.all)
    if not shown:
        print("No comments." if args.all else "No unresolved comments.")
        return EXIT_OK
    for thread in shown:
        state = "resolved" if thread.resolved else "unresolved"
        where = comments.describe_anchor(draft, thread.comment.anchor)
        print(f"{thread.comment.id}  {where}  [{state}]")
        for depth, comment in [(1, thread.comment), *((2, r) for r in thread.replies)]:
            indent = "  " * depth
            who = (
                f"{comment.author_name} ({comment.author_role})"
                if comment.author_role
                else (comment.author_name)
            )
            when = f"{comment.created_at.astimezone():%d/%m/%Y %H:%M}" if comment.created_at else ""
            label = f"{comment.id}  " if depth > 1 else ""
            print(f"{indent}{label}{who}, {when}: {' '.join(comment.text.split())}")
    unresolved = len(comments.unresolved(draft))
    print(f"{_plural(unresolved, 'unresolved thread')}")
    return EXIT_OK
