"""Load the cross-year catalogues (sources, frameworks, themes, priorities, indicators)."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from pathlib import Path

from essex_report.data import schema
from essex_report.data.files import Row, read_table
from essex_report.data.formatting import SCALE
from essex_report.data.model import (
    Break,
    Catalogue,
    Framework,
    Indicator,
    Priority,
    Relation,
    Source,
    Theme,
)
from essex_report.errors import Problem, Problems, Reason, shown
from essex_report.years import parse_year


def unknown(file: str, row: Row, column: str, value: str, known: Iterable[str]) -> Problem:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Problem(
        file,
        f"'{value}' is not a known {column}{hint}",
        line=row.line,
        column=column,
        reason=Reason.UNKNOWN,
    )


def load_catalogue(data_dir: Path, problems: Problems) -> Catalogue:
    cat = Catalogue()
    for table in schema.CATALOGUES:
        path = data_dir / table.file
        before = len(problems)
        rows = read_table(path, table, problems, root=data_dir)
        file = shown(path)
        if not rows and len(problems) > before:
            cat.unreadable.add(table.file)
        for row in rows:
            if problems.at(file, row.line):  # a row is used only without problems of its own
                cat.rejected_ids.add(row.cells.get("id", ""))
                cat.rejected_rows[(table.file, row.cells.get("id", ""))] = (file, row.line)
                continue
            _add(cat, table, row, file, problems)
    _check_overlaps(cat, data_dir, problems)
    _check_loops(cat, shown(data_dir / schema.RELATIONS.file), problems)
    return cat


def _check_loops(cat: Catalogue, file: str, problems: Problems) -> None:
    """A figure worked out, through other figures, from itself (a is the sum of b and c, b of
    a and c) is never worked out: the relation that closes such a loop (the last in the file)
    is refused, naming it. A change is of the previous year's figure: it closes no loop."""
    inputs: dict[str, set[str]] = {}

    def path(start: str, goal: str, seen: set[str]) -> list[str] | None:
        for name in sorted(inputs.get(start, ())):
            if name == goal:
                return [name]
            if name not in seen:
                seen.add(name)
                found = path(name, goal, seen)
                if found is not None:
                    return [name, *found]
        return None

    for relation in reversed(cat.relations.copy()):  # the last relation closes the loop
        if relation.rule == "change":
            continue
        inputs.clear()  # what each figure is worked out from, by the relations still kept
        for kept in cat.relations:
            if kept.rule != "change":
                inputs.setdefault(kept.figure, set()).update(kept.inputs)
        for name in relation.inputs:
            loop = path(name, relation.figure, {name})
            if loop is not None:
                chain = " -> ".join([relation.figure, name, *loop])
                problems.add(
                    file,
                    f"'{relation.figure}' is worked out from itself through other figures "
                    f"({chain}); remove one of the relations of that loop",
                    Reason.INVALID,
                    line=relation.line,
                    column="inputs",
                )
                cat.relations.remove(relation)
                break


def _add(cat: Catalogue, table: schema.Table, row: Row, file: str, problems: Problems) -> None:
    """One checked row into the catalogue, with the references it makes."""
    c = row.cells
    if table is schema.SOURCES:
        cat.sources[c["id"]] = Source(c["id"], c["title"], c["publisher"], c["published"], c["url"])
    elif table is schema.FRAMEWORKS:
        fw = Framework(
            c["id"],
            c["name"],
            parse_year(c["first_year"]),
            parse_year(c["last_year"]),
            c["theme_term"],
            c["priority_term"],
            c["source"],
            c["section"],
        )
        if fw.last_year < fw.first_year:
            problems.add(
                file,
                f"{fw.last_year} is before first_year {fw.first_year}",
                Reason.FRAMEWORK,
                line=row.line,
                column="last_year",
            )
        cat.frameworks[fw.id] = fw
    elif table is schema.THEMES:
        cat.themes[c["id"]] = Theme(
            c["framework"],
            c["id"],
            int(c["number"]),
            c["title"],
            c["equality_objective"],
            c["source"],
            c["section"],
        )
        if c["framework"] not in cat.frameworks and not cat.doubtful(
            c["framework"], schema.FRAMEWORKS
        ):
            problems.append(unknown(file, row, "framework", c["framework"], cat.frameworks))
    elif table is schema.PRIORITIES:
        _add_priority(cat, row, file, problems)
    elif table is schema.RELATIONS:
        _add_relation(cat, row, file, problems)
    elif table is schema.BREAKS:
        _add_break(cat, row, file, problems)
    else:
        cat.indicators[c["id"]] = Indicator(
            c["id"],
            c["label"],
            c["unit"],
            c["direction"],
            int(c["decimals"]) if c["decimals"] else None,
            c["chapter"],
            c["definition"],
        )


def _add_priority(cat: Catalogue, row: Row, file: str, problems: Problems) -> None:
    c = row.cells
    cat.priorities[c["id"]] = Priority(
        c["framework"],
        c["id"],
        c["theme"],
        int(c["number"]),
        c["title"],
        c["keyword"],
        c["source"],
        c["section"],
    )
    theme = cat.themes.get(c["theme"])
    if theme is None and cat.doubtful(c["theme"], schema.THEMES):
        cat.rejected_ids.add(c["id"])
    elif theme is None:
        cat.rejected_ids.add(c["id"])
        problems.append(unknown(file, row, "theme", c["theme"], cat.themes))
    elif theme.framework != c["framework"]:
        problems.add(
            file,
            f"theme '{c['theme']}' belongs to framework '{theme.framework}', not "
            f"'{c['framework']}'",
            Reason.FRAMEWORK,
            line=row.line,
            column="theme",
        )


# How many inputs each rule takes: (least, most).
INPUTS = {
    "sum": (2, None),
    "share": (2, 2),
    "difference": (2, 2),
    "rest": (1, None),
    "change": (1, 1),
}
RULE_FORMS = {
    "sum": "the lines that add up to the figure",
    "share": "the part, then the whole it is a share of",
    "difference": "the figure taken from, then the figure taken away",
    "rest": "the shares that, with the figure, make 100%",
    "change": "the figure whose change on the previous year this is",
}


def _add_relation(cat: Catalogue, row: Row, file: str, problems: Problems) -> None:
    """A relation whose figures are all in the catalogue, with units the rule can combine."""
    c = row.cells
    inputs, unless = tuple(c["inputs"].split()), tuple(c["unless"].split())

    def bad(message: str, column: str) -> None:
        problems.add(file, message, Reason.INVALID, line=row.line, column=column)

    names = [("figure", c["figure"]), *(("inputs", i) for i in inputs)]
    names += [("unless", i) for i in unless]
    missing = False
    for column, name in names:
        if name not in cat.indicators:
            missing = True
            if not cat.doubtful(name, schema.INDICATORS):
                close = difflib.get_close_matches(name, list(cat.indicators), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                bad(f"'{name}' is not an indicator in indicators.csv{hint}", column)
    if missing:
        return
    rule = c["rule"]
    least, most = INPUTS[rule]
    if len(inputs) < least or (most is not None and len(inputs) > most):
        count = f"{least}" if least == most else f"at least {least}"
        bad(f"a {rule} takes {count} inputs ({RULE_FORMS[rule]}); found {len(inputs)}", "inputs")
        return
    if c["figure"] in inputs:
        bad(f"'{c['figure']}' is worked out from itself", "inputs")
        return
    units = [cat.indicators[i].unit for i in inputs]
    unit = cat.indicators[c["figure"]].unit
    if rule in ("share", "rest", "change") and unit != "percent":
        bad(f"a {rule} is a percentage, but '{c['figure']}' is in {unit}", "figure")
        return
    if rule == "rest" and set(units) != {"percent"}:
        bad("a rest is 100% less other percentages; every input must be in percent", "inputs")
        return
    if rule == "sum" and len(set(units)) > 1:
        bad(f"the lines of a sum share one unit; found {', '.join(dict.fromkeys(units))}", "inputs")
        return
    together = units if rule == "share" else [*units, unit]
    if rule in ("sum", "difference", "share") and not _combinable(together):
        bad(f"the units {', '.join(dict.fromkeys(together))} cannot be added or compared", "inputs")
        return
    cat.relations.append(Relation(c["figure"], rule, inputs, unless, c["note"], row.line))


def _combinable(units: list[str]) -> bool:
    """Units that can be added: money at any scale (£m and £bn), or one other unit."""
    return all(u in SCALE for u in units) or len(set(units)) == 1


def _add_break(cat: Catalogue, row: Row, file: str, problems: Problems) -> None:
    c = row.cells
    if c["indicator"] not in cat.indicators:
        if not cat.doubtful(c["indicator"], schema.INDICATORS):
            problems.append(unknown(file, row, "indicator", c["indicator"], cat.indicators))
        return
    if c["source"] not in cat.sources and not cat.doubtful(c["source"], schema.SOURCES):
        problems.add(
            file,
            f"'{c['source']}' is not in data/sources.csv; add a row there saying what it is",
            Reason.UNKNOWN,
            line=row.line,
            column="source",
        )
    found = Break(
        c["indicator"], parse_year(c["year"]), c["change"], c["reason"], c["source"], c["section"]
    )
    cat.breaks.setdefault(found.indicator, []).append(found)
    cat.breaks[found.indicator].sort(key=lambda b: b.year)


def _check_overlaps(cat: Catalogue, data_dir: Path, problems: Problems) -> None:
    shared = set(cat.themes) & set(cat.priorities)
    for name in sorted(shared):
        problems.add(
            shown(data_dir / schema.PRIORITIES.file),
            f"id '{name}' is also a theme id; ids must be unique",
            Reason.DUPLICATE,
            column="id",
        )
    frameworks = sorted(cat.frameworks.values(), key=lambda f: f.first_year)
    for earlier, later in itertools.pairwise(frameworks):
        if later.first_year <= earlier.last_year:
            problems.add(
                shown(data_dir / schema.FRAMEWORKS.file),
                f"'{later.id}' starts in {later.first_year}, before "
                f"'{earlier.id}' ends in {earlier.last_year}; a year has one framework",
                Reason.FRAMEWORK,
                column="first_year",
            )
