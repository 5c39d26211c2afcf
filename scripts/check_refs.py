#!/usr/bin/env python3
"""Fails if a text file of the repository points to something the repository does not hold.

The repository has to stand on its own: papers are cited by their full reference (see
docs/references.md), design notes live under docs/. This check reads every tracked text file
(git ls-files, plus new files git does not ignore; without git, every file outside build*/ and
.git/) and reports, with file and line:

  - a pointer to the design notes that lived outside the repository: the word DESIGN in capitals
    (DESIGN, DESIGN.md, "DESIGN section 3", "DESIGN §3");
  - a path into a papers/ folder (papers/004, papers/000_...), which is not in the repository;
  - an absolute path under /work/ (a machine the reader does not have);
  - a path docs/NAME.EXT, or a relative Markdown link [text](NAME) in a .md file, naming a file
    that does not exist.

Exit status 0 when nothing is found, 1 when something is, 2 for bad usage.

    python3 scripts/check_refs.py            # the repository this script is in
    python3 scripts/check_refs.py --root DIR
    python3 scripts/check_refs.py --self-test  # plants bad references in a scratch tree
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

# This file names the patterns it looks for, so it is not checked against them.
SELF = "scripts/check_refs.py"

DESIGN = re.compile(r"\bDESIGN\b")
PAPERS = re.compile(r"(?<![\w-])papers/")
ABSOLUTE = re.compile(r"(?<![\w.])/work/")
DOCS_PATH = re.compile(r"(?<![\w./-])docs/[\w./-]*\w\.\w+")
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def repo_files(root):
    """Relative paths of the files to check."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=root, capture_output=True, check=True).stdout
        names = [n.decode() for n in out.split(b"\0") if n]
        return sorted(n for n in names if os.path.isfile(os.path.join(root, n)))
    except (OSError, subprocess.CalledProcessError):
        names = []
        for d, subdirs, files in os.walk(root):
            subdirs[:] = [s for s in subdirs if not (s.startswith("build") or s == ".git")]
            names += [os.path.relpath(os.path.join(d, f), root) for f in files]
        return sorted(names)


def text_of(path):
    """The file's text, or None for a binary file (a NUL byte or not UTF-8)."""
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def exists(root, rel):
    rel = os.path.normpath(rel)
    return os.path.exists(os.path.join(root, rel))


def check_file(root, name):
    """Problems in one file, as 'name:line: message' strings."""
    text = text_of(os.path.join(root, name))
    if text is None or name == SELF:
        return []
    problems = []
    markdown = name.endswith(".md")
    for n, line in enumerate(text.splitlines(), 1):
        where = f"{name}:{n}: "
        if DESIGN.search(line):
            problems.append(where + "points to DESIGN (outside the repository): cite the docs/ "
                            "page that holds it (docs/loss.md, docs/schema.md, docs/cli.md, "
                            "docs/ei.md)")
        if PAPERS.search(line):
            problems.append(where + "points into papers/ (outside the repository): cite the paper "
                            "by its full reference (docs/references.md)")
        if ABSOLUTE.search(line):
            problems.append(where + "names an absolute path under /work/ (not in the repository)")
        missing = []  # each missing path once per line
        for m in DOCS_PATH.finditer(line):
            if not exists(root, m.group(0)) and m.group(0) not in missing:
                missing.append(m.group(0))
        for m in MD_LINK.finditer(line) if markdown else []:
            target = m.group(1).split("#", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # an anchor in the same page, or a URL
            rel = os.path.normpath(os.path.join(os.path.dirname(name), target))
            if not exists(root, rel) and rel not in missing:
                missing.append(rel)
        problems += [where + f"{m} does not exist" for m in missing]
    return problems


def check_tree(root):
    problems = []
    for name in repo_files(root):
        problems += check_file(root, name)
    return problems


def self_test():
    """Plants one bad reference of each kind (and good ones) in a scratch tree without git."""
    planted = {
        "src/a.cpp": "/// The loss (DESIGN section 1).\n",
        "include/b.hpp": "/// As papers/004 Eq. 3 says.\n",
        "README.md": "See [the loss](docs/loss.md) and [gone](docs/missing.md).\n",
        "docs/loss.md": "Built at /work/main. Layout in docs/nowhere.md; see [up](../README.md).\n",
        "tools/c.cpp": "// The schema: docs/schema.md; the loss: docs/loss.md; a URL:\n"
                       "// [x](https://example.org/p.md)\n",
        "docs/schema.md": "# The schema\n",
        "data/blob.bin": "DESIGN papers/ \0 binary\n",
    }
    expected = {
        ("src/a.cpp", 1, "DESIGN"),
        ("include/b.hpp", 1, "papers/"),
        ("README.md", 1, "docs/missing.md"),
        ("docs/loss.md", 1, "/work/"),
        ("docs/loss.md", 1, "docs/nowhere.md"),
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in planted.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
        found = check_tree(root)
    ok = len(found) == len(expected) and all(
        any(p.startswith(f"{name}:{line}:") and key in p for p in found)
        for name, line, key in expected)
    for p in found:
        print("  found: " + p)
    print("check_refs self-test: " + ("passed" if ok else
                                      f"FAILED (expected {len(expected)} problems)"))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   ".."), help="repository root")
    ap.add_argument("--self-test", action="store_true",
                    help="check a scratch tree with planted bad references")
    a = ap.parse_args()
    if a.self_test:
        sys.exit(self_test())
    if not os.path.isdir(a.root):
        ap.error(f"--root {a.root} is not a directory")
    problems = check_tree(os.path.abspath(a.root))
    for p in problems:
        print(p)
    print(f"check_refs: {len(problems)} reference(s) to files outside the repository or missing"
          if problems else "check_refs: every reference points inside the repository")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
