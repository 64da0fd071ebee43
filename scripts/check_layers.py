#!/usr/bin/env python3
"""Checks that every include points down the layers (or across, within one layer).

The order of the layers is read from the table under "## Layers" in README.md, so it is written
in one place: each row names a folder in backticks, bottom layer first. A file belongs to the
deepest listed folder that holds it; an include of "X/..." belongs to the deepest listed folder
that X/... lies in. A file may include its own layer and the layers listed before it. Folders the
table does not list (tests/, bench/) sit on top and may include anything.

Usage: scripts/check_layers.py [FILE...]   (default: every tracked C++ file)
Exits 1 and names each file, line and include that points up.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
ROW = re.compile(r"^\|\s*\d+\s*\|\s*`([^`]+?)/?`")


def read_layers():
    readme = ROOT / "README.md"
    layers, in_section = [], False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line.strip() == "## Layers"
            continue
        match = ROW.match(line) if in_section else None
        if match:
            layers.append(match.group(1).rstrip("/"))
    if not layers:
        sys.exit(f"check_layers: no layer rows (| N | `folder` | ...) under '## Layers' in {readme}")
    return layers


def layer_of(path, layers):
    """The index of the deepest listed folder holding `path`, or None."""
    best, depth = None, -1
    for index, folder in enumerate(layers):
        if (path == folder or path.startswith(folder + "/")) and folder.count("/") > depth:
            best, depth = index, folder.count("/")
    return best


def tracked_files():
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--",
                          "*.cpp", "*.hpp", "*.h", "*.cc"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [f for f in out.splitlines() if (ROOT / f).is_file()]


def main(argv):
    layers = read_layers()
    files = argv or tracked_files()
    violations = 0
    for name in files:
        own = layer_of(name, layers)
        if own is None:
            continue
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = layer_of(match.group(1), layers)
            if target is not None and target > own:
                print(f"{name}:{number}: includes \"{match.group(1)}\", which is in layer "
                      f"'{layers[target]}', above this file's layer '{layers[own]}' (README.md, Layers)",
                      file=sys.stderr)
                violations += 1
    if violations:
        print(f"check_layers: {violations} include(s) point up the layers", file=sys.stderr)
        return 1
    print(f"check_layers: {len(files)} files include only their own layer and those below "
          f"({' < '.join(layers)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
