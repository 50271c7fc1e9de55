"""Reading data files safely: every file is checked before it is read (inside the data folder,
a file, not too large, UTF-8), and every CSV line is parsed on its own, so a stray quote or an
oversized field is a problem with its line, never a traceback or a swallowed row."""

from __future__ import annotations

import csv
import difflib
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from essex_report import limits
from essex_report.data import schema
from essex_report.errors import Problem, Problems, Reason, shown
from essex_report.text import hidden_problem, mixed_script, nfc
from essex_report.years import FinancialYear

VALUES_FILE = "values.csv"
NARRATIVE_DIR = "narrative"
MISSING = "the file is missing"
BOM = "\ufeff"  # a byte-order mark: one is read by utf-8-sig, more are stripped


@dataclass
class Reads:
    """What a process read of the data: each file's bytes by digest and each folder's listing,
    by path, and each value by its year, indicator and breakdown (model.Values). A notebook's
    cached run is used again only while everything it read is unchanged."""

    files: dict[str, str] = field(default_factory=dict)
    listings: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # model.value_key -> fingerprint

    def to_json(self) -> dict[str, dict[str, str]]:
        return {
            "files": dict(self.files),
            "listings": dict(self.listings),
            "values": dict(self.values),
        }

    @classmethod
    def from_json(cls, record: object) -> Reads:
        """Reads as to_json wrote them; anything else is no reads (and so never unchanged)."""
        if not isinstance(record, dict):
            raise ValueError("reads are not an object")
        files, listings = record.get("files"), record.get("listings")
        if not isinstance(files, dict) or not isinstance(listings, dict):
            raise ValueError("reads need files and listings")
        values = record.get("values", {})
        if not isinstance(values, dict):
            raise ValueError("reads' values must be an object")
        return cls(
            {str(k): str(v) for k, v in files.items()},
            {str(k): str(v) for k, v in listings.items()},
            {str(k): str(v) for k, v in values.items()},
        )

    def merge(self, other: Reads) -> None:
        self.files.update(other.files)
        self.listings.update(other.listings)
        self.values.update(other.values)


_recorders: list[Reads] = []


@contextmanager
def recording() -> Iterator[Reads]:
    """Record every data file read and folder listed while the block runs (in this process)."""
    reads = Reads()
    _recorders.append(reads)
    try:
        yield reads
    finally:
        _recorders.remove(reads)


def listing_digest(names: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode("utf-8")).hexdigest()


_loading: list[bool] = []  # values are not noted while a workbook is loaded (load.py)


def recording_now() -> bool:
    """Whether a value read now is noted: something is recording, and it is not the loading
    (which reads every value to derive and check; a notebook reads what it prints)."""
    return bool(_recorders) and not _loading


@contextmanager
def loading() -> Iterator[None]:
    _loading.append(True)
    try:
        yield
    finally:
        _loading.pop()


def record_value(key: str, fingerprint: str) -> None:
    """A value (or all of a year's) as a notebook read it (model.Values)."""
    for reads in _recorders:
        reads.values.setdefault(key, fingerprint)


def record_listing(key: str, names: list[str]) -> None:
    """What loading found in a folder (`key` says which, and how it was listed: load.py):
    a file added or removed there changes what loads."""
    for reads in _recorders:
        reads.listings[key] = listing_digest(names)


def year_folder(data_dir: Path, year: FinancialYear) -> Path:
    """A year's data folder: data/2019-20/."""
    return data_dir / year.slug


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


def _refused(path: Path, root: Path | None) -> str | None:
    """Why a data file may not be read, or None: a link out of the data folder or a loop,
    a folder, a file too large to be data."""
    try:
        resolved = path.resolve(strict=path.is_symlink())
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return "is a symbolic link that loops or points nowhere; replace it with the file"
    if root is not None and not resolved.is_relative_to(root.resolve()):
        return (
            f"is a symbolic link to {resolved}, outside the data folder; copy the file "
            "into the data folder instead"
        )
    try:
        status = path.stat()
    except FileNotFoundError:
        return MISSING
    size = status.st_size
    if stat.S_ISDIR(status.st_mode):
        return "is a folder; expected a file"
    if not stat.S_ISREG(status.st_mode):  # a pipe or a device would block or never end
        return "is not a regular file (a pipe or a device?); expected a file"
    if size > limits.MAX_DATA_FILE_BYTES:
        return (
            f"is {size / 2**20:.0f} MB; a data file may be at most "
            f"{limits.MAX_DATA_FILE_BYTES // 2**20} MB (is it the right file?)"
        )
    return None


def read_text(
    path: Path, problems: Problems, root: Path | None = None, note_file: bool = True
) -> str | None:
    """A file's text as UTF-8, NFC-normalised (one spelling for what looks the same; a
    byte-order mark, even doubled, and Windows line endings are accepted).

    `root` is the data folder the file must stay inside (symbolic links included). `note_file`:
    whether recording() notes the file (values.csv is noted value by value instead).
    """
    refusal = _refused(path, root)
    recorders = _recorders if note_file else []
    for reads in recorders:  # what it is now: a missing file that appears changes the load
        reads.files[str(path)] = "absent" if refusal == MISSING else "refused"
    if refusal:
        problems.add(shown(path), refusal, Reason.UNREADABLE)
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or os.strerror(error.errno or 0)
        problems.add(shown(path), f"cannot be read: {reason}", Reason.UNREADABLE)
        return None
    for reads in recorders:
        reads.files[str(path)] = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.add(
            shown(path),
            f"is not UTF-8: byte 0x{raw[error.start]:02X} at byte offset {error.start}; "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8')",
            Reason.UNREADABLE,
            line=line,
        )
        return None
    return nfc(text.lstrip(BOM).replace("\r\n", "\n").replace("\r", "\n"))


def parse_line(
    text: str, number: int, file: str, header: list[str], problems: Problems
) -> list[str] | None:
    """One CSV line as fields. A field never spans lines: a quote left open is a problem on
    the line where it opened (the rows below it are still read)."""
    try:
        return next(csv.reader([text], strict=True), [])
    except csv.Error as error:
        reason = str(error)
    index = _bad_field(text)
    column = header[index] if index < len(header) else None
    if "limit" in reason:
        column = None
        message = (
            f"a field is longer than {csv.field_size_limit()} characters; "
            "is a closing quote missing, or is this the right file?"
        )
    elif "end of data" in reason:
        message = (
            "a double quote opens a field that is not closed on this line (a field cannot "
            'span lines); close it with " or remove it'
        )
    elif "expected after" in reason:
        message = (
            "a quoted field has text after its closing quote; write the whole field in "
            'double quotes and double any quote inside it ("")'
        )
    else:
        message = f"is not valid CSV ({reason}); save the file again as CSV UTF-8"
    problems.add(file, message, Reason.NOT_CSV, line=number, column=column)
    return None


def salvage(text: str) -> list[str]:
    """The fields of a line that does not parse, read leniently: only to know which row it
    was (its key), never to use its values."""
    try:
        return next(csv.reader([text], strict=False), [])
    except csv.Error:
        return []


def _bad_field(text: str) -> int:
    """The index of the field where a line stops being CSV: a quote that never closes, or
    text after a closing quote."""
    field, quoted, closed, start = 0, False, False, True
    position = 0
    while position < len(text):
        char = text[position]
        if quoted:
            if char == '"' and text[position + 1 : position + 2] == '"':
                position += 1  # a doubled quote inside a quoted field
            elif char == '"':
                quoted, closed = False, True
        elif char == ",":
            field, closed, start = field + 1, False, True
            position += 1
            continue
        elif closed:
            return field
        elif char == '"' and start:
            quoted = True
        start = False
        position += 1
    return field


def _header_problems(file: str, header: list[str], table: schema.Table) -> list[Problem]:
    found: list[Problem] = []
    expected = table.names
    extra = [name for name in header if name not in expected]
    for name in expected:
        if name in header or table.column(name).may_be_absent:
            continue
        close = difflib.get_close_matches(name, extra, n=1)
        if close:
            message = f"found a column named '{close[0]}'; expected '{name}'"
            reason = Reason.RENAMED_COLUMN
            extra.remove(close[0])
        else:
            message = f"the column is missing; expected the columns {', '.join(expected)}"
            reason = Reason.MISSING_COLUMN
        found.append(Problem(file, message, line=1, column=name, reason=reason))
    for name in extra:
        found.append(
            Problem(
                file,
                f"is not a column of {table.file}; expected only {', '.join(expected)}",
                line=1,
                column=name,
                reason=Reason.EXTRA_COLUMN,
            )
        )
    duplicated = {name for name in header if header.count(name) > 1}
    for name in sorted(duplicated):
        found.append(Problem(file, "the column appears twice", 1, name, reason=Reason.DUPLICATE))
    return found


def read_table(
    path: Path,
    table: schema.Table,
    problems: Problems,
    root: Path | None = None,
    note_file: bool = True,
) -> list[Row]:
    """Rows of a CSV file checked against its table schema; problems are appended."""
    text = read_text(path, problems, root, note_file)
    if text is None:
        return []
    file = shown(path)
    lines = text.split("\n")
    fields = parse_line(lines[0], 1, file, table.names, problems) if lines[0].strip() else []
    if fields is None:
        return []
    header = [name.strip() for name in fields]
    for name in header:
        hidden = hidden_problem(name)
        if hidden:  # reported once, here: the name is then read without it
            problems.add(file, f"a column name {hidden}", Reason.INVALID, line=1)
    header = ["".join(c for c in name if hidden_problem(c) is None) for name in header]
    if not header:
        problems.add(
            file, f"the file is empty; expected the header {','.join(table.names)}", Reason.EMPTY
        )
        return []
    header_problems = _header_problems(file, header, table)
    problems.extend(header_problems)
    if any(p.reason in (Reason.MISSING_COLUMN, Reason.RENAMED_COLUMN) for p in header_problems):
        return []  # without its columns no row can be read; the header problem says why
    rows: list[Row] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        record = parse_line(raw, line, file, header, problems)
        if record is None:  # its problem is reported; listed by its key, never used
            record = salvage(raw)
            if len(record) != len(header):
                continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.add(
                file,
                f"has {len(record)} fields; expected {len(header)} like the header "
                "(a comma inside a field needs the field in double quotes)",
                Reason.FIELD_COUNT,
                line=line,
            )
            continue
        cells = {c.name: "" for c in table.columns if c.may_be_absent}
        cells.update({name: cell.strip() for name, cell in zip(header, record, strict=True)})
        _check_cells(file, line, cells, table, problems)
        key = tuple(cells.get(name, "") for name in table.key)
        if key in seen:
            shown_key = " + ".join(f"{n} '{v}'" for n, v in zip(table.key, key, strict=True))
            problems.add(
                file,
                f"duplicate key {shown_key}: already on line {seen[key]}",
                Reason.DUPLICATE,
                line=line,
                column=table.key[0],
            )
        else:
            seen[key] = line
        rows.append(Row(line, cells))
    return rows


def _check_cells(
    file: str, line: int, cells: dict[str, str], table: schema.Table, problems: Problems
) -> None:
    for column in table.columns:
        if column.name not in cells:
            continue
        value = cells[column.name]
        hidden = hidden_problem(value) or (
            mixed_script(value) if column.name in table.key else None  # names must be one
        )
        if hidden:
            problems.add(file, hidden, Reason.INVALID, line=line, column=column.name)
            continue
        if not value:
            if column.required:
                problems.add(
                    file,
                    f"is empty; expected a value in every row of {table.file}",
                    Reason.EMPTY,
                    line=line,
                    column=column.name,
                )
            continue
        message = column.check(value) if column.check else None
        if message:
            problems.add(file, message, Reason.INVALID, line=line, column=column.name)
