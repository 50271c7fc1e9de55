"""Stitch a year's executed notebooks into one Markdown document, honouring Quarto's cell
options (`#| echo`, `#| output`, `#| include`, `#| fig-cap`, `#| fig-alt`).

The injected-parameters cell, code, logs and papermill's banners never reach the page.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from essex_report.errors import BuildError
from essex_report.register import CHART_METADATA, REGISTER_MIME
from essex_report.text import escape

OPTION = re.compile(r"#\|\s?(.*)")
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}
IMAGE_TYPES = {"image/svg+xml": "svg", "image/png": "png"}  # charts, by preference


def cell_options(source: str) -> tuple[dict, str]:
    """Quarto's `#|` options at the top of a code cell, and the code after them."""
    lines = source.split("\n")
    options: list[str] = []
    for line in lines:
        match = OPTION.match(line)
        if not match:
            break
        options.append(match[1])
    parsed = yaml.safe_load("\n".join(options)) if options else {}
    return (parsed if isinstance(parsed, dict) else {}), "\n".join(lines[len(options) :])


def attribute(text: str) -> str:
    """A value for a pandoc attribute in double quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


@dataclass
class Stitched:
    markdown: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # relative path -> SVG/PNG bytes


def stitch_notebook(nb: dict, name: str, assets: str, into: Stitched, defaults: dict) -> None:
    """Append one executed notebook's publishable content to `into`."""
    for index, cell in enumerate(nb["cells"]):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS or cell["cell_type"] == "raw":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            into.markdown.append(source)
            continue
        options, code = cell_options(source)
        options = {**defaults, **options}
        if options.get("include") is False:
            continue
        if options.get("echo") is True and code.strip():
            into.markdown.append(f"```python\n{code.strip()}\n```")
        if options.get("output") is False:
            continue
        for number, output in enumerate(cell.get("outputs", [])):
            kind = output["output_type"]
            if kind == "error":
                raise BuildError(
                    f"notebook {name}, cell {index + 1}: {output['ename']}: {output['evalue']}"
                )
            if kind not in ("display_data", "execute_result"):
                continue  # streams: logs and warnings are not part of the publication
            data = output.get("data", {})
            into.records.extend(data.get(REGISTER_MIME, []))
            image = next((m for m in IMAGE_TYPES if m in data), None)
            if image:
                meta = output.get("metadata", {}).get(CHART_METADATA, {})
                caption = meta.get("fig-cap") or options.get("fig-cap") or ""
                alt = meta.get("fig-alt") or options.get("fig-alt") or ""
                if not alt:
                    raise BuildError(
                        f"notebook {name}, cell {index + 1}: a chart has no alt "
                        "text; add '#| fig-alt: ...' to the cell"
                    )
                path = f"{assets}/{name}-{index + 1}-{number + 1}.{IMAGE_TYPES[image]}"
                into.images[path] = (
                    base64.b64decode(data[image])
                    if image == "image/png"
                    else "".join(data[image]).encode("utf-8")  # SVG is stored as text
                )
                into.markdown.append(f'![{escape(caption)}]({path}){{fig-alt="{attribute(alt)}"}}')
            elif "text/markdown" in data:
                text = data["text/markdown"]
                into.markdown.append("".join(text) if isinstance(text, list) else text)


def write_document(stitched: Stitched, front: dict, path: Path) -> None:
    """The year's document: YAML front matter, then every chapter's Markdown."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for relative, image in stitched.images.items():
        target = path.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(image)
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    body = "\n\n".join(part.strip("\n") for part in stitched.markdown if part.strip())
    path.write_text(f"---\n{header}---\n\n{body}\n", encoding="utf-8")
