"""The PDF's tags finished after either renderer: each table body row's first cell a row
header, as the web page's is.

Typst tags a table's header row (`TH`, scope Column, with an `ID` each body cell names in its
`Headers`) but has no way, without an experimental feature the typst wheel does not enable,
to mark a row header. The first cell of each body row names the row (a service, an area, a
year, an aim), so here it becomes a `TH` with scope Row and an `ID` of its own, which the
row's other cells name among their headers; the `IDTree` lists it. Nothing else changes: the
pages, the marked content and the other tags are copied as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def _children(node: DictionaryObject) -> list[DictionaryObject]:
    """A structure element's child elements (not its marked content or object references)."""
    kids: Any = node.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    items = kids if isinstance(kids, list) else [kids]
    found = [item.get_object() for item in items]
    return [k for k in found if isinstance(k, DictionaryObject) and "/S" in k]


def _tables(node: DictionaryObject) -> Iterator[DictionaryObject]:
    for child in _children(node):
        if child.get("/S") == "/Table":
            yield child
        yield from _tables(child)


def _table_attributes(cell: DictionaryObject) -> DictionaryObject:
    """The cell's attribute dictionary owned by Table (Typst writes one for every cell)."""
    attributes: Any = cell.get("/A")
    owned = attributes if isinstance(attributes, list) else [attributes]
    for item in owned:
        item = item.get_object() if item is not None else None
        if isinstance(item, DictionaryObject) and item.get("/O") == "/Table":
            return item
    table = DictionaryObject({NameObject("/O"): NameObject("/Table")})
    cell[NameObject("/A")] = ArrayObject([table, *[a for a in owned if a is not None]])
    return table


def row_headers(path: Path) -> int:
    """Mark each table body row's first cell as its row header, in place; how many."""
    writer = PdfWriter(clone_from=path)
    tree = writer.root_object.get("/StructTreeRoot")
    if tree is None:
        return 0
    tree = tree.get_object()
    ids = tree.get("/IDTree")
    names: dict[str, Any] = {}
    if ids is not None:
        listed = list(ids.get_object().get("/Names", []))
        names = {str(listed[i]): listed[i + 1] for i in range(0, len(listed), 2)}
    marked = 0
    for table in _tables(tree):
        for part in _children(table):
            if part.get("/S") != "/TBody":
                continue
            for row in _children(part):
                cells = _children(row)
                if not cells or cells[0].get("/S") != "/TD":
                    continue
                marked += 1
                head, ident = cells[0], f"essex-row-{marked}"
                head[NameObject("/S")] = NameObject("/TH")
                head[NameObject("/ID")] = TextStringObject(ident)
                _table_attributes(head)[NameObject("/Scope")] = NameObject("/Row")
                names[ident] = head.indirect_reference
                for cell in cells[1:]:
                    owned = _table_attributes(cell)
                    headers = owned.get("/Headers")
                    if not isinstance(headers, ArrayObject):
                        headers = ArrayObject()
                        owned[NameObject("/Headers")] = headers
                    headers.append(TextStringObject(ident))
    if not marked:
        return 0
    tree[NameObject("/IDTree")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [item for key in sorted(names) for item in (TextStringObject(key), names[key])]
            )
        }
    )
    staging = path.with_name(path.name + ".tmp")  # the PDF read is never the one written
    with staging.open("wb") as out:
        writer.write(out)
    staging.replace(path)
    return marked
