import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "logstats.py"


def run(tmp_path, *args):
    assert SCRIPT.is_file(), f"{SCRIPT.name} is missing"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def dumped(report):
    return json.dumps(report, indent=2, sort_keys=True) + "\n"


def line(ts, request, status="200", size="100", client="10.1.1.1", user="-", extra=""):
    return f'{client} - {user} [{ts}] "{request}" {status} {size}{extra}'


def write(tmp_path, lines, name="access.log"):
    path = tmp_path / name
    path.write_text("".join(item + "\n" for item in lines), encoding="utf-8")
    return path


def empty_report():
    return {"requests": 0, "malformed": 0, "bytes": 0, "status": {}, "methods": {}, "hours": {}, "top_paths": []}


SHIPPED = {
    "bytes": 100690,
    "hours": {"2024-03-01T13": 5, "2024-03-01T14": 7, "2024-03-01T15": 1, "2024-03-01T23": 2, "2024-03-02T00": 2},
    "malformed": 4,
    "methods": {"DELETE": 1, "GET": 13, "HEAD": 1, "POST": 2},
    "requests": 17,
    "status": {"200": 11, "204": 1, "302": 2, "304": 1, "404": 1, "500": 1},
    "top_paths": [["/api/items", 5], ["/index.html", 5], ["/static/app.js", 2]],
}


def test_shipped_sample(tmp_path):
    assert run(tmp_path, ROOT / "logs" / "access.log") == dumped(SHIPPED)


def test_shipped_sample_top_one(tmp_path):
    expected = dict(SHIPPED, top_paths=[["/api/items", 5]])
    assert run(tmp_path, ROOT / "logs" / "access.log", "--top", "1") == dumped(expected)


def test_counts_bytes_status_methods(tmp_path):
    path = write(tmp_path, [
        line("05/Jun/2023:10:00:00 +0000", "GET /a HTTP/1.1", "200", "10"),
        line("05/Jun/2023:10:10:00 +0000", "PUT /b HTTP/1.1", "201", "-"),
        line("05/Jun/2023:10:20:00 +0000", "GET /a HTTP/1.1", "503", "0"),
        line("05/Jun/2023:11:00:00 +0000", "PATCH /c HTTP/2.0", "200", "7", extra=' "-" "agent with spaces"'),
    ])
    expected = {
        "requests": 4, "malformed": 0, "bytes": 17,
        "status": {"200": 2, "201": 1, "503": 1},
        "methods": {"GET": 2, "PUT": 1, "PATCH": 1},
        "hours": {"2023-06-05T10": 3, "2023-06-05T11": 1},
        "top_paths": [["/a", 2], ["/b", 1], ["/c", 1]],
    }
    assert run(tmp_path, path) == dumped(expected)


@pytest.mark.parametrize(
    ("ts", "hour"),
    [
        ("01/Mar/2024:01:30:00 +0530", "2024-02-29T20"),
        ("01/Jan/2024:02:00:00 +0300", "2023-12-31T23"),
        ("31/Dec/2023:20:15:00 -0500", "2024-01-01T01"),
        ("15/Jul/2022:12:59:59 +0000", "2022-07-15T12"),
        ("15/Jul/2022:12:59:59 -0030", "2022-07-15T13"),
    ],
)
def test_hours_are_converted_to_utc(tmp_path, ts, hour):
    path = write(tmp_path, [line(ts, "GET / HTTP/1.1")])
    expected = dict(empty_report(), requests=1, bytes=100, status={"200": 1}, methods={"GET": 1},
                    hours={hour: 1}, top_paths=[["/", 1]])
    assert run(tmp_path, path) == dumped(expected)


def test_query_strings_are_dropped_and_ties_sorted(tmp_path):
    ts = "02/Feb/2024:08:00:00 +0000"
    path = write(tmp_path, [
        line(ts, "GET /zeta?x=1 HTTP/1.1"),
        line(ts, "GET /alpha HTTP/1.1"),
        line(ts, "GET /zeta HTTP/1.1"),
        line(ts, "GET /alpha?q=a?b HTTP/1.1"),
        line(ts, "GET /mid HTTP/1.1"),
        line(ts, "GET /beta?only=query HTTP/1.1"),
        line(ts, "GET /beta HTTP/1.1"),
        line(ts, "GET /beta HTTP/1.1"),
    ])
    out = json.loads(run(tmp_path, path, "--top", "10"))
    assert out["top_paths"] == [["/beta", 3], ["/alpha", 2], ["/zeta", 2], ["/mid", 1]]
    out = json.loads(run(tmp_path, path))
    assert out["top_paths"] == [["/beta", 3], ["/alpha", 2], ["/zeta", 2]]


@pytest.mark.parametrize(
    "bad",
    [
        "not a log line",
        line("31/Feb/2024:10:00:00 +0000", "GET / HTTP/1.1"),
        line("01/Foo/2024:10:00:00 +0000", "GET / HTTP/1.1"),
        line("01/Mar/2024:24:00:00 +0000", "GET / HTTP/1.1"),
        line("01/Mar/2024:10:00:00", "GET / HTTP/1.1"),
        line("01/Mar/2024:10:00:00 +0000", "GET /"),
        line("01/Mar/2024:10:00:00 +0000", "GET / HTTP/1.1 extra"),
        line("01/Mar/2024:10:00:00 +0000", "GET  / HTTP/1.1"),
        line("01/Mar/2024:10:00:00 +0000", "GET / HTTP/1.1", status="099"),
        line("01/Mar/2024:10:00:00 +0000", "GET / HTTP/1.1", status="600"),
        line("01/Mar/2024:10:00:00 +0000", "GET / HTTP/1.1", status="2000"),
        line("01/Mar/2024:10:00:00 +0000", "GET / HTTP/1.1", size="12ab"),
        line("01/Mar/2024:10:00:00 +0000", "GET / HTTP/1.1", size=""),
    ],
)
def test_malformed_lines_are_counted_and_skipped(tmp_path, bad):
    good = line("01/Mar/2024:10:00:00 +0000", "GET /ok HTTP/1.1", size="5")
    path = write(tmp_path, [good, bad, good])
    expected = dict(empty_report(), requests=2, malformed=1, bytes=10, status={"200": 2}, methods={"GET": 2},
                    hours={"2024-03-01T10": 2}, top_paths=[["/ok", 2]])
    assert run(tmp_path, path) == dumped(expected)


def test_blank_lines_are_ignored_and_empty_input(tmp_path):
    path = write(tmp_path, ["", "   ", "\t"])
    assert run(tmp_path, path) == dumped(empty_report())


def test_several_files_are_combined(tmp_path):
    first = write(tmp_path, [line("10/Oct/2024:09:00:00 +0200", "GET /x HTTP/1.1", size="1")], "a.log")
    second = write(tmp_path, ["garbage", line("10/Oct/2024:07:30:00 +0000", "POST /x?y=1 HTTP/1.1", "404", "2")],
                   "b.log")
    expected = {
        "requests": 2, "malformed": 1, "bytes": 3,
        "status": {"200": 1, "404": 1}, "methods": {"GET": 1, "POST": 1},
        "hours": {"2024-10-10T07": 2}, "top_paths": [["/x", 2]],
    }
    assert run(tmp_path, first, second) == dumped(expected)
