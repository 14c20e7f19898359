"""Print pyproject.toml's dependency ranges pinned to their lowest or left to their newest.

Every range in ``[project].dependencies`` (and in each ``--extra``) must
have a lower end, ``>=X``, ``~=X`` or ``==X``: it is a version the suite
has been run with. CI installs both ends and runs the suite on each::

    pip install -c <(python scripts/dependency_bounds.py --lowest --extra test) -e ".[test]"
    pip install --upgrade --upgrade-strategy eager \\
        -c <(python scripts/dependency_bounds.py --newest --extra test) -e ".[test]"

``--lowest`` prints ``name==X`` for each range's lower end; ``--newest``
prints the ranges unchanged, for ``--upgrade`` to take the newest each
allows. A range without a lower end is an error naming its package.
The script needs only the standard library: it runs before anything is
installed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# PEP 508 without URLs: name, optional [extras], specifiers, optional ; marker.
REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?:\[[^\]]*\])?\s*(?P<specifiers>[^;]*?)\s*(?P<marker>;.*)?$"
)
SPECIFIER = re.compile(r"^\s*(?P<op>===|==|~=|!=|<=|>=|<|>)\s*(?P<version>[^\s,]+)\s*$")
LOWER = ("==", "===", ">=", "~=")


class BoundError(ValueError):
    """A requirement that does not give its lower end."""


def requirements(pyproject: Path, extras: list[str]) -> list[str]:
    """The project's dependencies and those of ``extras``, as written."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    listed: list[str] = list(project.get("dependencies", []))
    optional: dict[str, list[str]] = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise BoundError(f"{pyproject}: no extra {extra!r} (there are: {', '.join(optional)})")
        listed += optional[extra]
    return listed


def lowest(requirement: str) -> str:
    """``requirement`` pinned to its lower end: ``name==X``, its marker kept."""
    match = REQUIREMENT.match(requirement)
    if match is None:
        raise BoundError(f"{requirement!r}: not a name and version range")
    name = match["name"]
    lower = None
    for part in filter(None, (s.strip() for s in match["specifiers"].split(","))):
        specifier = SPECIFIER.match(part)
        if specifier is None:
            raise BoundError(f"{name}: cannot read the specifier {part!r}")
        if specifier["op"] in LOWER:
            lower = specifier["version"]
    if lower is None:
        raise BoundError(f"{name}: the range {requirement!r} has no lower bound (>=X or ==X)")
    return f"{name}=={lower}{' ' + match['marker'] if match['marker'] else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    end = parser.add_mutually_exclusive_group(required=True)
    end.add_argument("--lowest", action="store_true", help="pin each range to its lower end")
    end.add_argument("--newest", action="store_true", help="print the ranges unchanged")
    parser.add_argument("--extra", action="append", default=[], help="an optional extra too")
    parser.add_argument("--pyproject", type=Path, default=PYPROJECT)
    args = parser.parse_args(argv)
    try:
        listed = requirements(args.pyproject, args.extra)
        pinned = [lowest(requirement) for requirement in listed]
    except BoundError as error:
        print(f"dependency_bounds: {error}", file=sys.stderr)
        return 2
    print("\n".join(pinned if args.lowest else listed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
