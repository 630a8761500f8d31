"""Find where a repository's manifests and lockfiles declare a dependency (file + line).

:func:`build_index` walks the repository once (bounded depth and file count, skipping
vendored trees such as ``node_modules``, ``.git`` and virtualenvs) and scans each known
manifest line by line; :meth:`ManifestIndex.find` then answers per component, and
:func:`place` per finding (a transitive component at the manifest line of the direct
dependency that pulls it in). Manifests (which a developer edits) win over lockfiles;
then shallower paths, then path order.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

MAX_DEPTH = 8
MAX_FILES = 50_000  # directory entries visited before the walk stops
MAX_FILE_BYTES = 8 * 1024 * 1024

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "dist",
        "build",
        "target",
        ".gradle",
        ".idea",
        "vendor",
        ".cache",
        "test-artifacts",
    }
)


@dataclass(frozen=True, slots=True, order=True)
class Declaration:
    """One place declaring a dependency; ``path`` is POSIX, relative to the root."""

    lockfile: bool
    depth: int
    path: str
    line: int


@dataclass(slots=True)
class ManifestIndex:
    """(ecosystem, normalised name) -> declarations, built once per run."""

    root: Path | None = None
    entries: dict[tuple[str, str], list[Declaration]] = field(default_factory=dict)
    files: int = 0
    truncated: bool = False

    def add(self, ecosystem: str, name: str, decl: Declaration) -> None:
        self.entries.setdefault((ecosystem, normalise(ecosystem, name)), []).append(decl)

    def find(
        self, ecosystem: str | None, name: str | None, group: str | None = None
    ) -> Declaration | None:
        """Best declaration of a component, or None."""
        if not ecosystem or not name:
            return None
        eco = _ECO_ALIASES.get(ecosystem, ecosystem)
        for key in _candidate_keys(eco, name, group):
            found = self.entries.get((eco, normalise(eco, key)))
            if found:
                return min(found)
        return None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a finding about a component is shown: a declaration in the repository.

    ``via`` is the ref of the direct dependency whose declaration stands in for a
    transitive component (None when the component's own declaration is used);
    ``own`` the component's own lockfile line when ``via`` is set and one exists.
    """

    declaration: Declaration
    via: str | None = None
    own: Declaration | None = None


class Placeable(Protocol):
    """What :func:`place` needs of a component (a report row)."""

    @property
    def ecosystem(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def group(self) -> str | None: ...
    @property
    def direct(self) -> bool | None: ...
    @property
    def introduced_by(self) -> tuple[str, ...]: ...


def place(
    index: ManifestIndex, component: Placeable, by_ref: Mapping[str, Placeable]
) -> Placement | None:
    """The best place for a finding about ``component``, or None.

    Its own manifest declaration first; for a transitive component (``direct`` False)
    then the manifest line of the first direct dependency that pulls it in
    (``introduced_by``, in the report's order), which is what a developer edits; then
    its own lockfile line; None when the repository declares neither.
    """
    own = index.find(component.ecosystem, component.name, component.group)
    if own is not None and not own.lockfile:
        return Placement(own)
    if component.direct is False:
        for ref in component.introduced_by:
            parent = by_ref.get(ref)
            found = index.find(parent.ecosystem, parent.name, parent.group) if parent else None
            if found is not None and not found.lockfile:
                return Placement(found, via=ref, own=own)
    return Placement(own) if own is not None else None


_ECO_ALIASES = {"go": "golang", "rubygems": "gem", "crates": "cargo", "packagist": "composer"}


def normalise(ecosystem: str, name: str) -> str:
    """Ecosystem-specific name normalisation (PEP 503 for PyPI; case-folded elsewhere)."""
    name = name.strip()
    if ecosystem == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    if ecosystem == "nuget" or ecosystem in ("npm", "composer", "gem", "cargo", "maven"):
        return name.lower()
    return name


def _candidate_keys(ecosystem: str, name: str, group: str | None) -> list[str]:
    if ecosystem == "maven":
        return [f"{group}:{name}", name] if group else [name]
    if ecosystem in ("npm", "composer", "golang") and group:
        return [f"{group}/{name}"]
    return [name]


# --------------------------------------------------------------------------- walking


def iter_manifests(root: Path, index: ManifestIndex) -> Iterator[tuple[Path, str, int]]:
    """Yield (path, relative POSIX path, depth) of candidate manifests, bounded."""
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        depth = 0 if str(rel_dir) == "." else len(rel_dir.parts)
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")
        )
        if depth >= MAX_DEPTH:
            dirnames[:] = []
        seen += len(filenames) + len(dirnames)
        if seen > MAX_FILES:
            index.truncated = True
            return
        for fname in sorted(filenames):
            if _scanner_for(fname) is not None:
                path = Path(dirpath) / fname
                yield path, path.relative_to(root).as_posix(), depth


def build_index(root: Path | None) -> ManifestIndex:
    """Scan every manifest under ``root`` once; an empty index when root is None."""
    index = ManifestIndex(root=root)
    if root is None or not root.is_dir():
        return index
    real_root = os.path.realpath(root)
    for path, rel, depth in iter_manifests(root, index):
        scanner = _scanner_for(path.name)
        if scanner is None:
            continue
        text = read_manifest(path, real_root)
        if text is None:
            continue
        index.files += 1
        ecosystem, lock, scan = scanner
        for name, line, eco in scan(text):
            index.add(eco or ecosystem, name, Declaration(lock, depth, rel, line))
    return index


def read_manifest(path: Path, real_root: str) -> str | None:
    """The text of a regular file inside ``real_root``, at most MAX_FILE_BYTES; else None.

    Never opens a FIFO or device (``lstat`` first, then ``O_NONBLOCK | O_NOFOLLOW`` and an
    ``fstat`` check against a swap), never follows a symlink out of the root.
    """
    try:
        st = os.lstat(path)
        target = str(path)
        if stat.S_ISLNK(st.st_mode):
            target = os.path.realpath(path)
            if os.path.commonpath([real_root, target]) != real_root:
                return None  # a link out of the repository
            st = os.lstat(target)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- scanners

Found = Iterator[tuple[str, int, str | None]]  # (name, 1-based line, ecosystem override)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    return ((i, line) for i, line in enumerate(text.splitlines(), start=1))


_PY_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?:[<>=!~;@ ]|$)")


def _requirements(text: str) -> Found:
    for no, line in _lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "-")):
            continue
        m = _PY_REQ.match(stripped)
        if m:
            yield m.group(1), no, None


_TOML_SECTION = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$")
_TOML_KEY = re.compile(r"^\s*\"?([A-Za-z0-9@][A-Za-z0-9._/@-]*)\"?\s*=")
_QUOTED_REQ = re.compile(
    r"[\"']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?:[<>=!~;@ ][^\"']*)?[\"']"
)


def _pyproject(text: str) -> Found:
    section = ""
    in_array = False
    for no, line in _lines(text):
        m = _TOML_SECTION.match(line)
        if m:
            section, in_array = m.group(1), False
            continue
        code = line.split("#", 1)[0]
        if "dependencies" in section and not section.endswith("dependencies-meta"):
            key = _TOML_KEY.match(code)
            if key and section.startswith("tool.poetry") and key.group(1) != "python":
                yield key.group(1), no, None
                continue
        start = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*=\s*\[", code)
        if start and (
            start.group(1) in ("dependencies", "requires")
            or section in ("project.optional-dependencies", "dependency-groups")
        ):
            in_array = True
            code = code[start.end() :]
        if in_array:
            for q in _QUOTED_REQ.finditer(code):
                yield q.group(1), no, None
            if "]" in re.sub(r"\[[^\]\"']*\]", "", code):
                in_array = False


def _cargo(text: str) -> Found:
    section = ""
    for no, line in _lines(text):
        m = _TOML_SECTION.match(line)
        if m:
            section = m.group(1)
            sub = re.match(r"^(?:target\..+\.)?(?:dev-|build-)?dependencies\.(.+)$", section)
            if sub:
                yield sub.group(1).strip("\"'"), no, None
            continue
        if re.match(r"^(?:target\..+\.)?(?:workspace\.)?(?:dev-|build-)?dependencies$", section):
            key = _TOML_KEY.match(line)
            if key:
                yield key.group(1), no, None


def _lock_packages(text: str) -> Found:
    """poetry.lock / Cargo.lock style: ``name = "x"`` right after ``[[package]]``."""
    in_pkg = False
    for no, line in _lines(text):
        if line.strip() == "[[package]]":
            in_pkg = True
            continue
        m = re.match(r'^name\s*=\s*"([^"]+)"', line)
        if in_pkg and m:
            yield m.group(1), no, None
            in_pkg = False


_JSON_DEP_BLOCK = re.compile(
    r'^\s*"(dependencies|devDependencies|peerDependencies|optionalDependencies|'
    r'require|require-dev)"\s*:\s*\{'
)
_JSON_KEY = re.compile(r'^\s*"([^"]+)"\s*:')


def _json_deps(text: str) -> Found:
    """package.json and composer.json dependency blocks."""
    in_block = False
    for no, line in _lines(text):
        if not in_block:
            if _JSON_DEP_BLOCK.match(line):
                in_block = "}" not in line.split("{", 1)[1]
            continue
        if line.strip().startswith("}"):
            in_block = False
            continue
        m = _JSON_KEY.match(line)
        if m and m.group(1) not in ("php",) and not m.group(1).startswith("ext-"):
            yield m.group(1), no, None


def _package_lock(text: str) -> Found:
    for no, line in _lines(text):
        m = re.match(r'^\s*"(?:[^"]*/)?node_modules/((?:@[^/"]+/)?[^/"]+)"\s*:\s*\{', line)
        if m:
            yield m.group(1), no, None


def _yarn_lock(text: str) -> Found:
    for no, line in _lines(text):
        if not line or line[0] in " #\t" or not line.rstrip().endswith(":"):
            continue
        for spec in line.rstrip()[:-1].split(","):
            spec = spec.strip().strip('"')
            m = re.match(r"^(@?[^@\s]+)@", spec)
            if m:
                yield m.group(1), no, None
                break


def _pom(text: str) -> Found:
    in_dep = False
    group = artifact = None
    start = 0
    for no, line in _lines(text):
        if "<dependency>" in line or "<plugin>" in line:
            in_dep, group, artifact, start = True, None, None, no
        if in_dep:
            g = re.search(r"<groupId>\s*([^<\s]+)\s*</groupId>", line)
            a = re.search(r"<artifactId>\s*([^<\s]+)\s*</artifactId>", line)
            group = g.group(1) if g else group
            if a:
                artifact, start = a.group(1), no
        if in_dep and ("</dependency>" in line or "</plugin>" in line):
            if artifact:
                yield (f"{group}:{artifact}" if group else artifact), start, None
                if group:
                    yield artifact, start, None
            in_dep = False


_GRADLE = re.compile(r"[\"']([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)(?::[^\"']*)?[\"']")
_GRADLE_MAP = re.compile(r"group\s*[:=]\s*[\"']([^\"']+)[\"']\s*,\s*name\s*[:=]\s*[\"']([^\"']+)")


def _gradle(text: str) -> Found:
    for no, line in _lines(text):
        for m in [*_GRADLE.finditer(line), *_GRADLE_MAP.finditer(line)]:
            yield f"{m.group(1)}:{m.group(2)}", no, None
            yield m.group(2), no, None


def _go_mod(text: str) -> Found:
    in_req = False
    for no, line in _lines(text):
        code = line.split("//", 1)[0].strip()
        if code.startswith("require ("):
            in_req = True
            continue
        if in_req and code == ")":
            in_req = False
            continue
        m = re.match(r"^(?:require\s+)?([^\s()]+)\s+v\S+", code)
        if m and (in_req or code.startswith("require ")):
            yield m.group(1), no, None


def _gemfile(text: str) -> Found:
    for no, line in _lines(text):
        m = re.match(r"^\s*gem\s+[\"']([^\"']+)[\"']", line)
        if m:
            yield m.group(1), no, None


def _gemfile_lock(text: str) -> Found:
    for no, line in _lines(text):
        m = re.match(r"^ {4}([A-Za-z0-9_.-]+) \(", line)
        if m:
            yield m.group(1), no, None


def _csproj(text: str) -> Found:
    for no, line in _lines(text):
        for m in re.finditer(r"<PackageReference\s+[^>]*?Include\s*=\s*\"([^\"]+)\"", line):
            yield m.group(1), no, None


def _packages_config(text: str) -> Found:
    for no, line in _lines(text):
        for m in re.finditer(r"<package\s+[^>]*?id\s*=\s*\"([^\"]+)\"", line):
            yield m.group(1), no, None


Scanner = tuple[str, bool, Callable[[str], Found]]


def _scanner_for(fname: str) -> Scanner | None:
    lower = fname.lower()
    if re.fullmatch(r"requirements.*\.(txt|in)", lower):
        return ("pypi", False, _requirements)
    if lower.endswith(".csproj") or lower.endswith(".fsproj") or lower.endswith(".vbproj"):
        return ("nuget", False, _csproj)
    return _BY_NAME.get(lower)


_BY_NAME: dict[str, Scanner] = {
    "pyproject.toml": ("pypi", False, _pyproject),
    "poetry.lock": ("pypi", True, _lock_packages),
    "package.json": ("npm", False, _json_deps),
    "package-lock.json": ("npm", True, _package_lock),
    "yarn.lock": ("npm", True, _yarn_lock),
    "pom.xml": ("maven", False, _pom),
    "build.gradle": ("maven", False, _gradle),
    "build.gradle.kts": ("maven", False, _gradle),
    "go.mod": ("golang", False, _go_mod),
    "cargo.toml": ("cargo", False, _cargo),
    "cargo.lock": ("cargo", True, _lock_packages),
    "gemfile": ("gem", False, _gemfile),
    "gemfile.lock": ("gem", True, _gemfile_lock),
    "composer.json": ("composer", False, _json_deps),
    "packages.config": ("nuget", False, _packages_config),
}

__all__ = [
    "Declaration",
    "ManifestIndex",
    "Placement",
    "build_index",
    "normalise",
    "place",
    "read_manifest",
]
