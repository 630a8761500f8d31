"""Benchmark: the report model as msgspec Structs vs frozen dataclasses + orjson.

The audit builds one ``ComponentResult`` (with its three axes) per component, writes
the report once (``to_json``) and other tools read it back (``from_json``: ``osaudit
diff``, the portfolio). This script audits a synthetic SBOM in-process (``--offline``,
empty metadata cache), then times the three steps for both representations:

* msgspec: the shipped model (``osaudit.report.model``): construction, ``Encoder(order=
  "sorted")`` + ``json.format(indent=2)``, typed ``Decoder(Report)``;
* dataclasses: an equivalent tree of ``@dataclass(frozen=True, slots=True)`` classes
  generated from the same fields, built the same way, written with ``orjson.dumps(
  OPT_SORT_KEYS | OPT_INDENT_2)`` (through ``dataclasses.asdict``-free native orjson
  support) and read back with ``orjson.loads`` plus a recursive typed constructor.

    python benchmarks/bench_model.py [--size 100000] [--repeat 3]

Both writers' bytes are compared (they must be identical). Best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import orjson

HERE = Path(__file__).resolve().parent


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


# --------------------------------------------------------------------------- dataclass twin


def dataclass_twins(root: type) -> dict[type, type]:
    """A frozen, slotted dataclass for every Struct reachable from ``root``."""
    twins: dict[type, type] = {}

    def visit(tp: Any) -> None:
        for arg in typing.get_args(tp):
            visit(arg)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in twins:
            # a scoring dataclass (Reason) carried in the report: a twin with sorted fields
            fields = sorted(
                ((f.name, f.type, dataclasses.field(default=f.default)
                  if f.default is not dataclasses.MISSING else dataclasses.field())
                 for f in dataclasses.fields(tp)),
                key=lambda x: x[0],
            )
            twins[tp] = dataclasses.make_dataclass(
                f"DC{tp.__name__}", fields, frozen=True, slots=True, kw_only=True
            )
        if isinstance(tp, type) and issubclass(tp, msgspec.Struct) and tp not in twins:
            hints = typing.get_type_hints(tp)
            fields = []
            for f in msgspec.structs.fields(tp):
                if f.default is msgspec.UNSET:
                    continue  # omitted from the JSON when unset: the twin leaves it out
                visit(hints[f.name])
                spec: Any = dataclasses.field()
                if f.default is not msgspec.NODEFAULT:
                    spec = dataclasses.field(default=f.default)
                elif f.default_factory is not msgspec.NODEFAULT:
                    spec = dataclasses.field(default_factory=f.default_factory)
                fields.append((f.name, hints[f.name], spec))
            # orjson writes dataclass fields in declared order: declare them sorted
            fields.sort(key=lambda x: x[0])
            twins[tp] = dataclasses.make_dataclass(
                f"DC{tp.__name__}", fields, frozen=True, slots=True, kw_only=True
            )

    visit(root)
    return twins


def to_twin(value: Any, twins: dict[type, type]) -> Any:
    """Rebuild a Struct tree as the dataclass twin (shared sub-objects stay shared)."""
    memo: dict[int, Any] = {}

    def conv(v: Any) -> Any:
        if isinstance(v, msgspec.Struct):
            hit = memo.get(id(v))
            if hit is None:
                cls = twins[type(v)]
                names = {f.name for f in dataclasses.fields(cls)}
                hit = memo[id(v)] = cls(
                    **{f: conv(getattr(v, f)) for f in v.__struct_fields__ if f in names}
                )
            return hit
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            hit = memo.get(id(v))
            if hit is None:
                hit = memo[id(v)] = twins[type(v)](
                    **{f.name: getattr(v, f.name) for f in dataclasses.fields(v)}
                )
            return hit
        if isinstance(v, tuple):
            return tuple(conv(x) for x in v)
        return v

    return conv(value)


def from_builtins(data: Any, tp: Any, twins: dict[type, type]) -> Any:
    """Typed construction of the dataclass twin from parsed JSON (what from_json needs)."""
    origin = typing.get_origin(tp)
    if tp in twins:
        cls = twins[tp]
        hints = _hints(cls)
        return cls(**{k: from_builtins(v, hints[k], twins) for k, v in data.items()})
    if origin is tuple:
        (item, _) = typing.get_args(tp)
        return tuple(from_builtins(x, item, twins) for x in data)
    if origin in (types.UnionType, typing.Union):
        if data is None:
            return None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_builtins(data, args[0], twins)
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hit = _HINTS.get(cls)
    if hit is None:
        hit = _HINTS[cls] = {f.name: f.type for f in dataclasses.fields(cls)}
    return hit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    sys.path.insert(0, str(HERE))
    from bench_audit import make_sbom  # type: ignore[import-not-found]

    from osaudit.pipeline import AuditOptions, build, parse_now
    from osaudit.report.model import Report

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["OSAUDIT_CACHE_DIR"] = str(Path(tmp) / "cache")
        sbom = Path(tmp) / "synthetic.cdx.json"
        make_sbom(sbom, args.size)
        t0 = time.perf_counter()
        report = build(
            str(sbom), AuditOptions(offline=True, now=parse_now("2026-11-23T00:00:00Z"))
        ).report
        t_audit = time.perf_counter() - t0
    print(f"{args.size} components; in-process audit {t_audit:.2f} s (msgspec model)")

    twins = dataclass_twins(Report)
    dc_report = to_twin(report, twins)
    # construction as the pipeline does it: per row a MaintenanceAxis and a ComponentResult
    # (lock-in and licence axes are shared between rows, built once per distinct input)
    from osaudit.report.model import ComponentResult, MaintenanceAxis

    def rows_kw(rows: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        out = []
        for c in rows:
            row = {f: getattr(c, f) for f in c.__struct_fields__ if f != "maintenance"}
            m = c.maintenance
            out.append((row, {f: getattr(m, f) for f in m.__struct_fields__}))
        return out

    ms_kw = rows_kw(report.components)
    dc_kw = [({**r, "lockin": d.lockin, "licence": d.licence}, m)
             for (r, m), d in zip(ms_kw, dc_report.components, strict=True)]
    dc_row, dc_maint = twins[ComponentResult], twins[MaintenanceAxis]
    t_ms_build, _ = best(
        lambda: [ComponentResult(**r, maintenance=MaintenanceAxis(**m)) for r, m in ms_kw],
        args.repeat,
    )
    t_dc_build, _ = best(
        lambda: [dc_row(**r, maintenance=dc_maint(**m)) for r, m in dc_kw], args.repeat
    )

    t_ms_enc, ms_bytes = best(report.to_json, args.repeat)
    opts = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    t_dc_enc, dc_bytes = best(lambda: orjson.dumps(dc_report, option=opts) + b"\n", args.repeat)
    same = ms_bytes == dc_bytes

    t_ms_dec, back = best(lambda: Report.from_json(ms_bytes), args.repeat)
    assert back == report
    t_dc_dec, _ = best(lambda: from_builtins(orjson.loads(dc_bytes), Report, twins), args.repeat)
    t_loads, _ = best(lambda: orjson.loads(dc_bytes), args.repeat)

    print(f"report JSON: {len(ms_bytes) / 1e6:.1f} MB; writers agree byte for byte: {same}")
    print(f"{'step':28s} {'msgspec':>9s} {'dataclass':>10s}")
    print(f"{'build rows (row + axis)':28s} {t_ms_build:8.2f}s {t_dc_build:9.2f}s")
    print(f"{'to_json (sorted, indent 2)':28s} {t_ms_enc:8.2f}s {t_dc_enc:9.2f}s")
    print(f"{'from_json (typed)':28s} {t_ms_dec:8.2f}s {t_dc_dec:9.2f}s"
          f"  (orjson.loads alone {t_loads:.2f}s)")


if __name__ == "__main__":
    main()
