"""The on-disk cache: reuse, --offline, --refresh, TTLs, corruption, and `osaudit cache`."""

from __future__ import annotations

import sqlite3
import sysconfig

import pytest

from osaudit.cli import main
from osaudit.metadata.cache import FILE_NAME, TTL, Cache
from osaudit.metadata.collect import collect
from osaudit.scoring.maintenance import facts_to_json, score_maintenance
from tests.apiserver import NOW, ApiServer, LoopbackGuard, components, config


@pytest.fixture()
def server():
    with ApiServer() as srv:
        yield srv


def _json(result):
    return {ref: facts_to_json(f) for ref, f in result.facts.items()}


def test_second_run_makes_zero_requests(server, tmp_path):
    cfg = config(server.url, tmp_path)
    first = collect(components(), cfg, now=NOW)
    n = len(server.requests)
    assert n > 0 and first.stats.requests == n and first.stats.cache_hits == 0
    second = collect(components(), cfg, now=NOW)
    assert len(server.requests) == n
    assert second.stats.requests == 0 and second.stats.cache_hits > 0
    assert _json(second) == _json(first)  # retrieval dates come from the cache


def test_offline_uses_only_the_cache_and_opens_no_socket(server, tmp_path, monkeypatch):
    online = collect(components(), config(server.url, tmp_path), now=NOW)
    guard = LoopbackGuard(monkeypatch)
    n = len(server.requests)
    offline = collect(components(), config(server.url, tmp_path, offline=True), now=NOW)
    assert len(server.requests) == n and offline.stats.requests == 0
    assert guard.connects == []
    assert _json(offline) == _json(online)


def test_offline_with_empty_cache_is_unknown_with_reason(server, tmp_path, monkeypatch):
    guard = LoopbackGuard(monkeypatch)
    result = collect(components(), config(server.url, tmp_path, offline=True), now=NOW)
    assert server.requests == [] and guard.connects == []
    for facts in result.facts.values():
        axis = score_maintenance(facts, now=NOW)
        assert axis.level == "unknown" and axis.reasons[0].code == "MT-OFFLINE"
        assert "offline and not cached" in axis.reasons[0].message


def test_refresh_bypasses_reads(server, tmp_path):
    collect(components("requests"), config(server.url, tmp_path), now=NOW)
    n = len(server.requests)
    again = collect(components("requests"), config(server.url, tmp_path, refresh=True), now=NOW)
    assert len(server.requests) == 2 * n and again.stats.cache_hits == 0


def test_expired_entries_are_fetched_again(server, tmp_path):
    collect(components("requests"), config(server.url, tmp_path), now=NOW)
    cache = Cache(tmp_path)
    with sqlite3.connect(cache.path) as db:  # age everything by 2 days
        db.execute("UPDATE entries SET fetched = fetched - 2 * 86400")
    n = len(server.requests)
    collect(components("requests"), config(server.url, tmp_path), now=NOW)
    refetched = {r.path.split("?")[0] for r in server.requests[n:]}
    # package-level facts (1 day) again; the version facts (30 days) still fresh
    assert "/v3alpha/purlbatch" in refetched
    assert "/v3alpha/versionbatch" not in refetched
    assert TTL["depsdev-version"] > 2 * 86400 > TTL["depsdev-package"]


def test_stale_entry_is_used_when_the_network_fails(server, tmp_path):
    first = collect(components("requests"), config(server.url, tmp_path), now=NOW)
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE entries SET fetched = fetched - 40 * 86400")
    server.fault("/", "status", code=500)
    again = collect(components("requests"), config(server.url, tmp_path, max_retries=0), now=NOW)
    assert again.facts["requests"].ok("deps.dev")
    assert again.facts["requests"].published_at == first.facts["requests"].published_at


def test_corrupted_cache_file_is_rebuilt(server, tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    result = collect(components("requests"), config(server.url, tmp_path), now=NOW)
    assert result.facts["requests"].ok("deps.dev")
    assert any("rebuilt" in w for w in result.warnings)
    assert (tmp_path / (FILE_NAME + ".corrupt")).exists()
    n = len(server.requests)
    collect(components("requests"), config(server.url, tmp_path), now=NOW)
    assert len(server.requests) == n  # the rebuilt cache works


def test_bad_rows_are_dropped_and_refetched(server, tmp_path):
    collect(components("requests"), config(server.url, tmp_path), now=NOW)
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE entries SET body = X'7b7b7b' WHERE kind = 'depsdev-version'")
        db.execute("UPDATE entries SET fetched = 'garbage' WHERE kind = 'ecosystems'")
    n = len(server.requests)
    result = collect(components("requests"), config(server.url, tmp_path), now=NOW)
    assert result.facts["requests"].published_at == "2023-05-22T15:12:42Z"
    again = {r.path.split("?")[0] for r in server.requests[n:]}
    assert again == {"/v3alpha/versionbatch", "/api/v1/packages/bulk_lookup"}


def test_two_caches_share_one_file(server, tmp_path):
    a, b = Cache(tmp_path), Cache(tmp_path)
    a.put("osv", "k1", 200, b"{}")
    b.put("osv", "k2", 200, b"{}")
    assert a.get("osv", "k1") is not None  # buffered entries are readable at once
    a.flush()
    b.flush()
    assert a.get("osv", "k2") is not None and b.get("osv", "k1") is not None
    a.close()
    b.close()


def test_cache_command_info_and_clear(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path))
    collect(components("requests"), config(server.url, tmp_path), now=NOW)
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / FILE_NAME) in out
    assert "depsdev-version" in out and "ttl 30 d" in out and "entries: 6" in out
    assert main(["cache", "info", "--json"]) == 0
    assert '"kind": "osv"' in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert "removed 6 entries" in capsys.readouterr().out
    assert main(["cache", "info"]) == 0
    assert "entries: 0" in capsys.readouterr().out


def test_unusable_cache_directory_is_not_fatal(server, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    result = collect(components("requests"), config(server.url, blocker), now=NOW)
    assert result.facts["requests"].ok("deps.dev")
    assert any("cache not usable" in w for w in result.warnings)
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(blocker))
    assert main(["cache", "info"]) == 2
    assert "osaudit: error: metadata cache not usable" in capsys.readouterr().err


def test_summary_line_and_progress_bar_on_stderr(server, tmp_path, capsys):
    cfg = config(server.url, tmp_path, quiet=False, progress=True)
    collect(components("requests", "six"), cfg, now=NOW)
    err = capsys.readouterr().err
    assert "osaudit: metadata: 2 packages," in err and "cache hits, 0 failures" in err
    collect(components("requests"), config(server.url, tmp_path), now=NOW)  # quiet
    assert capsys.readouterr().err == ""


def test_cache_of_another_shape_is_rebuilt_not_disabled(server, tmp_path):
    """Issue 16 item 7: valid sqlite, foreign ``entries`` table: heal instead of running uncached."""
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, payload TEXT)")
        db.execute("INSERT INTO entries (payload) VALUES ('not ours')")
    result = collect(components("requests"), config(server.url, tmp_path), now=NOW)
    assert result.facts["requests"].ok("deps.dev")
    assert not any("not usable" in w for w in result.warnings)
    assert any("rebuilt" in w for w in result.warnings)
    assert (tmp_path / (FILE_NAME + ".corrupt")).exists()  # kept for inspection
    n = len(server.requests)
    again = collect(components("requests"), config(server.url, tmp_path), now=NOW)
    assert len(server.requests) == n and again.stats.cache_hits > 0


_READ_ONLY_RUN = """
import json, sys
from pathlib import Path
from osaudit.metadata.collect import collect
from tests.apiserver import NOW, components, config
cfg = config("http://127.0.0.1:9", Path(sys.argv[1]), offline=True)
result = collect(components("requests"), cfg, now=NOW)
facts = result.facts["requests"]
print(json.dumps({"deps": facts.ok("deps.dev"), "eco": facts.ok("ecosyste.ms"),
                  "hits": result.stats.cache_hits, "warnings": list(result.warnings)}))
"""


def _world_runnable(exe: str) -> str | None:
    """``exe`` resolved, when every directory on its path lets other users through."""
    from pathlib import Path

    path = Path(exe).resolve()
    if not path.is_file() or not path.stat().st_mode & 0o001:
        return None
    if any(not p.stat().st_mode & 0o001 for p in path.parents):
        return None
    return str(path)


def test_read_only_cache_is_still_read_offline(server):
    """Issue 16 item 7: a shared cache this user cannot write still answers ``--offline``."""
    import json
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    shared = Path(tempfile.mkdtemp(prefix="osaudit-ro-"))
    try:
        collect(components("requests"), config(server.url, shared), now=NOW)
        Cache(shared).close()  # checkpointed and closed: what a nightly job leaves behind
        for name in os.listdir(shared):
            os.chmod(shared / name, 0o444)
        os.chmod(shared, 0o555)
        python, demote = sys.executable, None
        paths = [str(root), str(root / "src"), sysconfig.get_paths()["purelib"]]
        if os.geteuid() == 0:  # root writes anything: read it as an unprivileged user
            python = _world_runnable(sys.executable) or _world_runnable("/usr/bin/python3")
            if python is None:
                pytest.skip("no Python interpreter an unprivileged user can run")

            def demote() -> None:
                os.setgid(65534)
                os.setuid(65534)

        proc = subprocess.run(
            [python, "-c", _READ_ONLY_RUN, str(shared)],
            cwd=shared,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=demote,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths), "HOME": str(shared)},
        )
        assert proc.returncode == 0, proc.stderr
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        assert got["deps"] and got["eco"] and got["hits"] > 0
        assert any("not writable" in w for w in got["warnings"])
        assert not any("not usable" in w for w in got["warnings"])
    finally:
        os.chmod(shared, 0o755)
        shutil.rmtree(shared, ignore_errors=True)


def test_heartbeat_lines_outside_a_terminal(tmp_path, capsys):
    """CI logs get a line at most every ``heartbeat`` seconds while the stage runs."""
    with ApiServer(latency=0.4) as srv:
        cfg = config(srv.url, tmp_path, quiet=False, progress=False, heartbeat=0.3)
        collect(components("requests", "six"), cfg, now=NOW)
    lines = [x for x in capsys.readouterr().err.splitlines() if "look-ups" in x]
    assert lines, "no heartbeat line"
    assert lines[0].startswith("osaudit: metadata: ") and "/" in lines[0]
    assert "request" in lines[0] and ("working (" in lines[0] or "finishing" in lines[0])
    # a short run prints none
    collect(components("requests"), config(srv.url, tmp_path, quiet=False, progress=False), now=NOW)
    assert "look-ups" not in capsys.readouterr().err


def test_progress_bar_shows_counts_and_services():
    import io

    from osaudit.metadata.progress import Progress

    stream = io.StringIO()
    progress = Progress(bar=False, lines=True, interval=0.0, stream=stream, clock=lambda: 1e9)
    progress.add(6184)
    progress.advance(2400)
    progress.working[:] = ["deps.dev", "ecosyste.ms", "osv"]
    progress.request("api.deps.dev")
    progress.tick()
    assert stream.getvalue() == (
        "osaudit: metadata: 2,400/6,184 look-ups, 1 request, "
        "3 services working (deps.dev, ecosyste.ms, osv)\n"
    )
