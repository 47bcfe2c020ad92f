"""Read a team spreadsheet (CSV, tab-separated text or XLSX) into sheets of raw rows, numbered
as the file shows them, without ever allocating more than the limits allow.

Every limit is checked while reading, before the large allocation it guards: the file size,
the unzipped size of a workbook (zip bombs), rows, columns, cells, the characters of one
cell and of the whole file. A file over a limit is refused whole with a reason naming the
limit and, where there is one, the row or cell.

- CSV and text: UTF-8 (with or without BOM), GB18030/GBK, UTF-16 (what Excel's "Unicode
  text" saves, tab-separated); comma- or tab-separated, found from the text.
- XLSX is streamed with expat (stdlib): only the cells that exist are kept, at their column,
  so a declared dimension (`<dimension ref="A1:XFD1048576"/>`) or a far-away cell allocates
  nothing. Shared strings, inline and rich text, Excel date and time cells (number formats,
  the 1904 date system), booleans and cached formula values are read as openpyxl reads them;
  merged cells are filled into every row and column they span. A DTD or entity declaration
  (never in a real workbook; the way to an entity bomb) refuses the file.
"""
from __future__ import annotations

import csv
import gc
import hashlib
import io
import os
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from xml.parsers import expat

import numpy as np

from sitrep import config

ENCODINGS = ("utf-8-sig", "gb18030")
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


class RefusedFile(Exception):
    """The whole file is refused; `code` names the reason in the catalogs."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = config.MAX_FILE_MB
    max_rows: int = config.MAX_ROWS
    max_xlsx_uncompressed_mb: float = config.MAX_XLSX_UNCOMPRESSED_MB
    max_columns: int = config.MAX_COLUMNS
    max_cells: int = config.MAX_CELLS
    max_cell_chars: int = config.MAX_CELL_CHARS
    max_chars: int = config.MAX_CHARS
    max_sheets: int = config.MAX_SHEETS
    max_xml_part_mb: float = config.MAX_XML_PART_MB


class Sheet:
    """A sheet's rows: (1-based row number as the spreadsheet shows it, cells).

    Rows without a value are left out (they are blank to the importer). A CSV without a quote
    character is kept as its lines (`lines`, a pyarrow string array; row number = line
    number, cells = the line split at the delimiter, exactly what the csv module makes of it)
    so the importer can work on whole columns; `rows` is built only when asked.
    """

    def __init__(self, name: str | None, rows: list[tuple[int, list]] | None = None, *,
                 lines=None, digest: str | None = None, delimiter: str = ","):
        self.name = name                # None for a CSV
        self._rows = rows
        self.lines = lines              # pyarrow string array, or None
        self.digest = digest            # sha256 of the file's bytes, when known
        self.delimiter = delimiter

    @property
    def rows(self) -> list[tuple[int, list]]:
        if self._rows is None:
            self._rows = [(number, split_line(line, self.delimiter))
                          for number, line in enumerate(self.lines.to_pylist(), start=1)]
        return self._rows

    def __len__(self) -> int:
        return len(self.lines) if self._rows is None else len(self._rows)

    def row(self, index: int) -> tuple[int, list]:
        """The row at this 0-based index."""
        if self._rows is None:
            return index + 1, split_line(self.lines[index].as_py(), self.delimiter)
        return self._rows[index]

    def iter_rows(self, start: int = 0) -> Iterator[tuple[int, list]]:
        """The rows from this 0-based index on, without building them all first."""
        if self._rows is not None:
            yield from islice(self._rows, start, None)
            return
        for index in range(start, len(self.lines)):
            yield self.row(index)


def split_line(line: str, delimiter: str = ",") -> list[str]:
    """One line of a CSV without quotes, as the csv module reads it (an empty line: no cells)."""
    return line.split(delimiter) if line else []


def read_file(path: Path, limits: Limits | None = None) -> list[Sheet]:
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RefusedFile("not_spreadsheet")
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise RefusedFile("too_large", size=f"{size_mb:.1f}", limit=f"{limits.max_file_mb:g}")
    if suffix in TEXT_SUFFIXES:
        return [_read_text(path, limits)]
    return _read_xlsx(path, limits)


# ---------------------------------------------------------------- CSV and text

def _decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-16 by its BOM (or by its NUL bytes), else UTF-8 (BOM or not),
    else GB18030. Other bytes with NULs are not text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in raw[:4096]:
        head = raw[:4096]
        zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
        if zeros_odd > len(head) // 4 and zeros_even == 0:
            encoding = "utf-16-le"
        elif zeros_even > len(head) // 4 and zeros_odd == 0:
            encoding = "utf-16-be"
        else:
            raise RefusedFile("not_spreadsheet")
    else:
        for encoding in ENCODINGS:
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
        raise RefusedFile("bad_encoding")
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError:
        raise RefusedFile("bad_encoding") from None


def _delimiter(text: str) -> str:
    """Tab when the text's start holds more tabs than commas (Excel's "Unicode text")."""
    head = text[:65536]
    return "\t" if head.count("\t") > head.count(",") else ","


def _read_text(path: Path, limits: Limits) -> Sheet:
    # Without a quote (or NUL) every line is a row: read as lines, column-wise (UTF-8 checked
    # by pyarrow, which accepts exactly what the utf-8 codec accepts; else decoded below).
    # Such a file's lines are not kept: where they are, read again when asked (FileLines).
    scanned = FileLines.scan(path, limits)
    if scanned is not None:
        lines, delimiter, digest = scanned
        return Sheet(None, lines=lines, digest=digest, delimiter=delimiter)
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    text, encoding = _decode(raw)
    del raw
    delimiter = _delimiter(text)
    if '"' not in text and "\x00" not in text:
        sheet = _csv_lines(text.encode("utf-8"), digest, limits, bom=False, delimiter=delimiter)
        if sheet is not None:
            return sheet
    return _csv_rows(text, digest, limits, delimiter)


def _csv_rows(text: str, digest: str, limits: Limits, delimiter: str) -> Sheet:
    """The csv module's reading (quoted cells), with the limits checked row by row."""
    rows = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    paused = gc.isenabled()
    gc.disable()  # a million small lists: the collector would revisit them again and again
    try:
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:  # a cell over the csv module's own limit (131,072), or worse
                if "field limit" in str(err):
                    raise RefusedFile("cell_too_long", row=reader.line_num,
                                      limit=f"{limits.max_cell_chars:,}") from None
                raise RefusedFile("bad_csv", row=reader.line_num, error=str(err)[:200]) from None
            number += 1
            if number > limits.max_rows + 50:  # + title, notes and header rows
                raise RefusedFile("too_many_rows", limit=f"{limits.max_rows:,}")
            if len(row) > limits.max_columns:
                raise RefusedFile("too_many_columns", row=number, limit=f"{limits.max_columns:,}")
            if row and max(map(len, row)) > limits.max_cell_chars:
                raise RefusedFile("cell_too_long", row=number, limit=f"{limits.max_cell_chars:,}")
            cells += len(row)
            if cells > limits.max_cells:
                raise RefusedFile("too_many_cells", limit=f"{limits.max_cells:,}")
            rows.append((number, row))
    finally:
        if paused:
            gc.enable()
    return Sheet(None, rows, digest=digest, delimiter=delimiter)


def _csv_lines(data: bytes, digest: str, limits: Limits, bom: bool, delimiter: str = ",") -> Sheet | None:
    """UTF-8 bytes of a CSV without quotes as a Sheet of lines (a pyarrow string array):
    lines end at \\n, \\r\\n or \\r, as for csv.reader on io.StringIO(text, newline=""),
    and with `bom` a leading BOM is dropped (the utf-8-sig codec). None when the bytes are
    not UTF-8. The limits on rows, columns and cell length are checked on whole columns."""
    if bom and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = _split_lines(data)
    if lines is None:
        return None
    if len(lines) > limits.max_rows + 50:  # + title, notes and header rows
        raise RefusedFile("too_many_rows", limit=f"{limits.max_rows:,}")
    _check_lines(lines, 0, limits, delimiter)
    return Sheet(None, lines=lines, digest=digest, delimiter=delimiter)


def _split_lines(data: bytes, exact: bool = False):
    """UTF-8 bytes (no BOM) as a pyarrow string array of lines (ending at \\n, \\r\\n or
    \\r; a last line break ends the last line, it does not start an empty one); None when
    the bytes are not UTF-8. `exact`: the bytes from a line's start to another's end, every
    break between two lines (empty bytes: one empty line)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not data and not exact:
        return pa.array([], type=pa.string())
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    buffer = pa.py_buffer(data)
    if data.endswith(b"\n") and not exact:
        buffer = buffer.slice(0, buffer.size - 1)
    offsets = pa.py_buffer(np.array([0, buffer.size], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])
    try:
        whole = whole.cast(pa.large_string())
    except pa.ArrowInvalid:  # not UTF-8
        return None
    return pc.split_pattern(whole, "\n").flatten().cast(pa.string())


def _check_lines(lines, first: int, limits: Limits, delimiter: str) -> None:
    """The limits on columns and cell length, on lines whose first is the file's line `first` + 1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(lines):
        return
    columns = pc.count_substring(lines, delimiter).to_numpy(zero_copy_only=False)
    if columns.max() >= limits.max_columns:
        raise RefusedFile("too_many_columns", row=first + int(columns.argmax()) + 1,
                          limit=f"{limits.max_columns:,}")
    lengths = pc.utf8_length(lines).to_numpy(zero_copy_only=False)
    if lengths.max() > limits.max_cell_chars:  # only then is a cell possibly too long
        longest = [max(map(len, line.split(delimiter)))
                   for line in lines.filter(pa.array(lengths > limits.max_cell_chars)).to_pylist()]
        if max(longest) > limits.max_cell_chars:
            row = np.flatnonzero(lengths > limits.max_cell_chars)[
                next(i for i, n in enumerate(longest) if n > limits.max_cell_chars)]
            raise RefusedFile("cell_too_long", row=first + int(row) + 1, limit=f"{limits.max_cell_chars:,}")


class FileChanged(Exception):
    """The file changed on disk after it was read (its lines are read again from it)."""


class FileLines:
    """A UTF-8 CSV's lines without holding them: where each line starts and ends in the file
    (16 bytes a line, against the line itself), read again from the file a block at a time.
    What the importer holds of a big CSV is then these positions and the part it works on,
    not the whole sheet (57 MB for the 1 M-row bench file).

    Behaves as the pyarrow string array of the lines for what the importer asks of it:
    len, slice, one line, to_pylist. Every read checks the file is the one read first (same
    inode, size and modification time; the lines and the file's SHA-256 came from those
    bytes), and raises FileChanged otherwise: an import never mixes two versions of a file."""

    BLOCK = 65_536      # lines read at a time for one line (the per-row path reads in order)
    CHECK = 50_000      # lines checked at a time while scanning (the limits, UTF-8)
    CHUNK = 1 << 20     # bytes read at a time while scanning

    def __init__(self, path: Path, identity: tuple, starts: np.ndarray, ends: np.ndarray):
        self.path, self.identity = path, identity
        self.starts, self.ends = starts, ends  # byte offsets in the file, per line
        self._block: tuple[int, object] | None = None  # (first line, lines) read last

    @classmethod
    def scan(cls, path: Path, limits: Limits) -> tuple[FileLines, str, str] | None:
        """(lines, delimiter, the file's SHA-256) of a UTF-8 CSV without quotes or NULs, read
        CHUNK bytes at a time: where each line is, the limits checked CHECK lines at a time
        before anything is kept. None when the file is not such a CSV (or changed while it
        was read): the caller reads its bytes whole."""
        before = path.stat()
        if before.st_size >= 1 << 30:
            return None
        digest = hashlib.sha256()
        breaks, after_cr = [], []  # each line break's last byte (file offset); a \r\n's \n
        size, head, last = 0, b"", -1  # bytes read, the first chunk, the byte before this chunk
        with open(path, "rb") as handle:
            while chunk := handle.read(cls.CHUNK):
                if len(head) < 65536:  # the file's start: its BOM, its delimiter
                    head += chunk[:65536 - len(head)]
                    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                        return None
                if b'"' in chunk or b"\x00" in chunk:
                    return None
                digest.update(chunk)
                data = np.frombuffer(chunk, dtype=np.uint8)
                # A break is \n, \r\n (one break: its \n) or \r alone; a \r ending the
                # previous chunk is alone when this one does not start with \n.
                if last == 13 and data[0] != 10:
                    breaks.append(np.array([size - 1]))
                    after_cr.append(np.zeros(1, dtype=bool))
                newline = np.flatnonzero(data == 10)
                before_byte = data[np.maximum(newline - 1, 0)]
                crlf = np.where(newline > 0, before_byte == 13, last == 13)
                cr = np.flatnonzero(data[:-1] == 13)
                alone = cr[data[cr + 1] != 10]
                found = np.concatenate([newline, alone])
                order = np.argsort(found, kind="stable")
                breaks.append(found[order] + size)
                after_cr.append(np.concatenate([crlf, np.zeros(len(alone), dtype=bool)])[order])
                size += len(chunk)
                last = int(data[-1])
                if sum(map(len, breaks)) > limits.max_rows + 51:  # + title, notes, header rows
                    raise RefusedFile("too_many_rows", limit=f"{limits.max_rows:,}")
        if last == 13:  # the file ends with \r
            breaks.append(np.array([size - 1]))
            after_cr.append(np.zeros(1, dtype=bool))
        ends_at = np.concatenate(breaks).astype(np.int64) if breaks else np.zeros(0, dtype=np.int64)
        crlf = np.concatenate(after_cr) if after_cr else np.zeros(0, dtype=bool)
        begin = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        starts = np.concatenate([[begin], ends_at + 1]).astype(np.int64)
        ends = np.concatenate([ends_at - crlf, [size]]).astype(np.int64)  # a \r\n line ends before its \r
        if size == begin:
            starts, ends = starts[:0], ends[:0]
        elif len(ends_at) and ends_at[-1] == size - 1:  # a last break ends the last line
            starts, ends = starts[:-1], ends[:-1]
        if len(starts) > limits.max_rows + 50:
            raise RefusedFile("too_many_rows", limit=f"{limits.max_rows:,}")
        delimiter = _delimiter(head.decode("utf-8", "replace"))
        lines = cls(path, (before.st_ino, before.st_size, before.st_mtime_ns), starts, ends)
        try:
            for first in range(0, len(lines), cls.CHECK):
                block = lines._read(first, min(first + cls.CHECK, len(lines)))
                if block is None:  # not UTF-8
                    return None
                _check_lines(block, first, limits, delimiter)
        except FileChanged:
            return None
        if size != before.st_size:
            return None
        return lines, delimiter, digest.hexdigest()

    def __len__(self) -> int:
        return len(self.starts)

    def slice(self, offset: int = 0, length: int | None = None):
        """Lines offset .. offset + length (None: to the last), read from the file."""
        lines = self._read(offset, len(self) if length is None else min(offset + length, len(self)))
        if lines is None:
            raise FileChanged(str(self.path))
        return lines

    def _read(self, first: int, end: int):
        """Lines first .. end read from the file; None when they are not UTF-8."""
        import pyarrow as pa

        if first >= end:
            return pa.array([], type=pa.string())
        with open(self.path, "rb") as handle:
            found = os.fstat(handle.fileno())
            if (found.st_ino, found.st_size, found.st_mtime_ns) != self.identity:
                raise FileChanged(str(self.path))
            handle.seek(int(self.starts[first]))
            data = handle.read(int(self.ends[end - 1] - self.starts[first]))
        lines = _split_lines(data, exact=True)
        if lines is not None and len(lines) != end - first:
            raise FileChanged(str(self.path))
        return lines

    def __getitem__(self, index: int):
        if self._block is None or not 0 <= index - self._block[0] < len(self._block[1]):
            first = index - index % self.BLOCK
            self._block = (first, self.slice(first, self.BLOCK))
        return self._block[1][index - self._block[0]]

    def to_pylist(self) -> list[str]:
        return [line for first in range(0, len(self), self.CHECK)
                for line in self.slice(first, self.CHECK).to_pylist()]


# ---------------------------------------------------------------- XLSX

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_TYPES = ("/worksheet",)   # relationship types end so (transitional and strict)
EXCEL_MAX_ROW, EXCEL_MAX_COLUMN = 1_048_576, 16_384


def _read_xlsx(path: Path, limits: Limits) -> list[Sheet]:
    if not zipfile.is_zipfile(path):
        raise RefusedFile("not_spreadsheet")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise RefusedFile("bad_xlsx", error=str(err)[:200]) from None
    with archive:
        unzipped_mb = sum(info.file_size for info in archive.infolist()) / 1e6
        if unzipped_mb > limits.max_xlsx_uncompressed_mb:
            raise RefusedFile("zip_bomb", size=f"{unzipped_mb:.0f}",
                              limit=f"{limits.max_xlsx_uncompressed_mb:g}")
        try:
            return _Workbook(archive, limits).sheets()
        except RefusedFile:
            raise
        except (KeyError, ValueError, IndexError, expat.ExpatError, zipfile.BadZipFile, EOFError,
                OSError, NotImplementedError) as err:  # a corrupt or foreign zip
            raise RefusedFile("bad_xlsx", error=f"{type(err).__name__}: {str(err)[:200]}") from None


class _Budget:
    """Cells and characters kept so far, over the whole workbook."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0
        self.chars = 0

    def add_cells(self, n: int) -> None:
        self.cells += n
        if self.cells > self.limits.max_cells:
            raise RefusedFile("too_many_cells", limit=f"{self.limits.max_cells:,}")

    def add_chars(self, n: int) -> None:
        self.chars += n
        if self.chars > self.limits.max_chars:
            raise RefusedFile("too_many_chars", limit=f"{self.limits.max_chars:,}")


def _parser(start=None, end=None, text=None) -> expat.XMLParserType:
    """An expat parser giving local names (any namespace), refusing DTDs and entities."""
    parser = expat.ParserCreate(namespace_separator="\x01")
    parser.buffer_text = True
    parser.buffer_size = 1 << 15

    def refuse(*_):
        raise RefusedFile("bad_xlsx", error="a DTD or entity declaration")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    if start:
        parser.StartElementHandler = lambda name, attrs: start(name.rpartition("\x01")[2], attrs)
    if end:
        parser.EndElementHandler = lambda name: end(name.rpartition("\x01")[2])
    if text:
        parser.CharacterDataHandler = text
    return parser


def _feed(archive: zipfile.ZipFile, member: str, parser, max_mb: float | None = None) -> None:
    info = archive.getinfo(member)
    if max_mb is not None and info.file_size > max_mb * 1e6:
        raise RefusedFile("zip_bomb", size=f"{info.file_size / 1e6:.0f}", limit=f"{max_mb:g}")
    with archive.open(info) as handle:
        while block := handle.read(1 << 16):
            parser.Parse(block, False)
    parser.Parse(b"", True)


def _attr(attrs: dict, name: str):
    """An attribute by its local name (r:id and its namespaced forms)."""
    if name in attrs:
        return attrs[name]
    for key, value in attrs.items():
        if key.rpartition("\x01")[2] == name:
            return value
    return None


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive, self.limits = archive, limits
        self.budget = _Budget(limits)
        self.date1904 = False
        self.sheet_refs: list[tuple[str, str]] = []    # (name, relationship id)
        self._read_workbook()
        self.targets = self._read_rels()
        self.date_styles, self.timedelta_styles = self._read_styles()
        self.strings = self._read_strings()

    def _part(self, name: str) -> str:
        return next((n for n in self.archive.namelist() if n.lower() == name.lower()), name)

    def _read_workbook(self) -> None:
        def start(name, attrs):
            if name == "sheet":
                if len(self.sheet_refs) >= self.limits.max_sheets:
                    raise RefusedFile("too_many_sheets", limit=self.limits.max_sheets)
                self.sheet_refs.append((attrs.get("name") or "", _attr(attrs, "id")))
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904") in ("1", "true")

        _feed(self.archive, self._part("xl/workbook.xml"), _parser(start=start), self.limits.max_xml_part_mb)

    def _read_rels(self) -> dict[str, str]:
        targets = {}

        def start(name, attrs):
            if name == "Relationship" and (attrs.get("Type") or "").endswith(_WORKSHEET_TYPES):
                target = attrs.get("Target") or ""
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
                targets[attrs.get("Id")] = target

        _feed(self.archive, self._part("xl/_rels/workbook.xml.rels"), _parser(start=start),
              self.limits.max_xml_part_mb)
        return targets

    def _read_styles(self) -> tuple[set[int], set[int]]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        name = self._part("xl/styles.xml")
        if name not in self.archive.namelist():
            return set(), set()
        formats: dict[int, str] = {}
        xf_formats: list[int] = []
        where: list[str] = []

        def start(tag, attrs):
            where.append(tag)
            if tag == "numFmt":
                formats[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode") or ""
            elif tag == "xf" and len(where) >= 2 and where[-2] == "cellXfs":
                xf_formats.append(int(attrs.get("numFmtId", "0")))

        _feed(self.archive, name, _parser(start=start, end=lambda tag: where.pop()),
              self.limits.max_xml_part_mb)
        dates, deltas = set(), set()
        for index, fmt_id in enumerate(xf_formats):
            code = formats.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
            if code and is_date_format(code):
                dates.add(index)
            if code and is_timedelta_format(code):
                deltas.add(index)
        return dates, deltas

    def _read_strings(self) -> list[str]:
        """The shared strings: each <si>'s text (plain or rich runs, phonetic runs left out)."""
        name = self._part("xl/sharedStrings.xml")
        if name not in self.archive.namelist():
            return []
        strings: list[str] = []
        parts: list[str] = []
        state = {"t": 0, "rPh": 0, "length": 0}
        limits, budget = self.limits, self.budget

        def start(tag, attrs):
            if tag == "si":
                parts.clear()
                state["length"] = 0
            elif tag in ("t", "rPh"):
                state[tag] += 1

        def end(tag):
            if tag == "si":
                if len(strings) >= limits.max_cells:
                    raise RefusedFile("too_many_cells", limit=f"{limits.max_cells:,}")
                strings.append("".join(parts).replace("x005F_", ""))
            elif tag in ("t", "rPh"):
                state[tag] -= 1

        def text(data):
            if state["t"] and not state["rPh"]:
                state["length"] += len(data)
                if state["length"] > limits.max_cell_chars:
                    raise RefusedFile("cell_too_long", row="—", limit=f"{limits.max_cell_chars:,}")
                budget.add_chars(len(data))
                parts.append(data)

        _feed(self.archive, name, _parser(start=start, end=end, text=text))
        return strings

    def sheets(self) -> list[Sheet]:
        out = []
        for name, rel in self.sheet_refs:
            member = self.targets.get(rel)
            if member is None:  # a chart sheet or a dialog sheet: no cells
                continue
            out.append(Sheet(name, _SheetReader(self, self._part(member)).read()))
        return out


class _SheetReader:
    """One worksheet's XML, streamed: the cells that exist, at their column; then merged cells."""

    def __init__(self, book: _Workbook, member: str):
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

        self.from_excel, self.from_ISO8601 = from_excel, from_ISO8601  # (imported once, not per cell)

        self.book, self.member = book, member
        self.limits, self.budget = book.limits, book.budget
        self.epoch = MAC_EPOCH if book.date1904 else WINDOWS_EPOCH
        self.rows: list[tuple[int, list]] = []
        self.merged: list[str] = []
        self.row_number = 0
        self.cells: list = []
        self.column = 0
        self.cell_type = "n"
        self.style = 0
        self.text: list[str] = []
        self.text_length = 0
        self.in_value = 0       # inside <v>, or <t> of an inline string outside <rPh>
        self.in_inline = 0
        self.in_phonetic = 0

    def read(self) -> list[tuple[int, list]]:
        _feed(self.book.archive, self.member, _parser(start=self.start, end=self.end, text=self.chars))
        self._fill_merged()
        return self.rows

    def start(self, tag, attrs):
        if tag == "c":
            ref = attrs.get("r")
            column = _column_of(ref) if ref else 0
            self.column = column if column >= 1 else self.column + 1
            if self.column > self.limits.max_columns:
                raise RefusedFile("too_many_columns", row=self.row_number,
                                  limit=f"{self.limits.max_columns:,}")
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.text.clear()
            self.text_length = 0
        elif tag == "v":
            self.in_value += 1
        elif tag == "is":
            self.in_inline += 1
        elif tag == "t" and self.in_inline and not self.in_phonetic:
            self.in_value += 1
        elif tag == "rPh":
            self.in_phonetic += 1
        elif tag == "row":
            ref = attrs.get("r")
            number = int(ref) if ref and ref.isdigit() else self.row_number + 1
            if number > EXCEL_MAX_ROW:
                raise RefusedFile("bad_xlsx", error=f"row {number}")
            self.row_number = number
            self.cells = []
            self.column = 0
        elif tag == "mergeCell":
            if len(self.merged) >= self.limits.max_cells:
                raise RefusedFile("too_many_cells", limit=f"{self.limits.max_cells:,}")
            self.merged.append(attrs.get("ref") or "")

    def chars(self, data: str):
        if self.in_value:
            self.text_length += len(data)
            if self.text_length > self.limits.max_cell_chars:
                raise RefusedFile("cell_too_long", row=self.row_number, limit=f"{self.limits.max_cell_chars:,}")
            self.text.append(data)

    def end(self, tag):
        if tag == "c":
            value = self._value()
            if value is not None:
                cells = self.cells
                if len(cells) < self.column:
                    cells.extend([None] * (self.column - len(cells)))
                cells[self.column - 1] = value
                self.budget.add_cells(1)
                if isinstance(value, str) and self.cell_type != "s":
                    self.budget.add_chars(len(value))
        elif tag == "v":
            self.in_value -= 1
        elif tag == "is":
            self.in_inline -= 1
        elif tag == "t" and self.in_inline and not self.in_phonetic:
            self.in_value -= 1
        elif tag == "rPh":
            self.in_phonetic -= 1
        elif tag == "row":
            if self.cells and not all(c is None or (isinstance(c, str) and not c.strip()) for c in self.cells):
                if len(self.rows) >= self.limits.max_rows + 50:  # + title, notes and header rows
                    raise RefusedFile("too_many_rows", limit=f"{self.limits.max_rows:,}")
                self.rows.append((self.row_number, self.cells))
            self.cells = []

    def _value(self):
        """The cell's value as openpyxl (data_only) gives it."""
        text = "".join(self.text)
        kind = self.cell_type
        if kind == "inlineStr":
            return text if self.text else None
        if not text:
            return None
        if kind == "s":
            return self.book.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind in ("str", "e"):
            return text
        if kind == "d":
            try:
                return self.from_ISO8601(text)
            except ValueError:
                return text
        value = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        if self.style in self.book.date_styles:
            try:
                return self.from_excel(value, self.epoch, timedelta=self.style in self.book.timedelta_styles)
            except (OverflowError, ValueError):
                return value  # a serial no date has: the parsers reject it
        return value

    def _fill_merged(self) -> None:
        """Each merged range's top-left value into every kept row and column it spans (up to
        the column limit); a row left blank stays blank."""
        from bisect import bisect_left

        from openpyxl.utils.cell import range_boundaries

        if not self.merged or not self.rows:
            return
        numbers = [number for number, _ in self.rows]
        for ref in self.merged:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except (ValueError, TypeError):
                continue
            max_col = min(max_col, self.limits.max_columns)
            first = bisect_left(numbers, min_row)
            if first == len(numbers) or numbers[first] != min_row:
                continue  # its top-left cell is in a blank row: nothing to fill
            top = self.rows[first][1]
            value = top[min_col - 1] if min_col - 1 < len(top) else None
            index = first
            while index < len(numbers) and numbers[index] <= max_row:
                row = self.rows[index][1]
                if len(row) < max_col:
                    row.extend([None] * (max_col - len(row)))
                self.budget.add_cells(max_col - min_col + 1)
                for c in range(min_col - 1, max_col):
                    row[c] = value
                index += 1


def _column_of(ref: str) -> int:
    """The 1-based column of a cell reference (`XFD1048576` -> 16384)."""
    column = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            column = column * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            column = column * 26 + ord(ch) - 96
        else:
            break
        if column > EXCEL_MAX_COLUMN:
            break
    return column
