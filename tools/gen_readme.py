#!/usr/bin/env python3
"""Build each addon's README.rst from its readme/ fragments, as the OCA's oca-gen-addon-readme does.

    python tools/gen_readme.py            # write addons/*/README.rst
    python tools/gen_readme.py --check    # exit 1 when a README.rst is not up to date

The fragments are Markdown; they are included as they are under reStructuredText headings
(the Markdown used here - paragraphs, lists, inline code - reads the same in both).
"""

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("CONTRIBUTORS.md", "Contributors"),
]


# a Markdown image alone on its line: ![alt](path)
IMAGE_RE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")


def heading(text, char):
    return f"{text}\n{char * len(text)}\n"


def render(addon_dir: Path) -> str:
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text())
    title = manifest["name"]
    out = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f".. |license| image:: https://img.shields.io/badge/licence-{manifest['license']}-blue.png",
        "",
        "|license|",
        "",
        manifest.get("summary", ""),
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for fragment, title_ in SECTIONS:
        path = addon_dir / "readme" / fragment
        if not path.is_file() or not path.read_text().strip():
            continue
        if title_:
            out.append(heading(title_, "="))
        text = path.read_text().strip()
        # Markdown headings become reStructuredText ones
        for line in text.splitlines():
            stripped = line.lstrip("#").strip()
            image = IMAGE_RE.match(line)
            if image:
                # paths in a fragment start from readme/, README.rst sits one folder up
                alt, src = image.groups()
                src = src[3:] if src.startswith("../") else f"readme/{src}"
                out.extend([f".. image:: {src}", f"   :alt: {alt}", ""])
            elif line.startswith("## "):
                out.append(heading(stripped, "~"))
            elif line.startswith("# "):
                out.append(heading(stripped, "-"))
            else:
                out.append(line)
        out.append("")
    out.append(heading("Authors", "="))
    out.append(f"* {manifest['author']}")
    out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    stale = []
    for manifest in sorted(ROOT.glob("addons/*/__manifest__.py")):
        addon = manifest.parent
        if not (addon / "readme").is_dir():
            continue
        text = render(addon)
        target = addon / "README.rst"
        if target.exists() and target.read_text() == text:
            continue
        if args.check:
            stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("out of date (run tools/gen_readme.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
