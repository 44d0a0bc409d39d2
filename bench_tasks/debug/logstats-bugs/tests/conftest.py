import pytest

LOG = """\
# access log sample
2024-03-10T23:59:58-05:00 10.0.0.1 GET /api/items?id=3 200 512 35ms
2024-03-11T05:10:00Z 10.0.0.2 GET /api/items 200 1024 20ms
2024-03-11T06:15:00+01:00 10.0.0.3 POST /api/orders 500 - 120ms

2024-03-11T05:59:59+00:00 10.0.0.1 GET /health 204 - 1ms
this line is garbage
2024-03-11T06:00:00Z 10.0.0.4 GET /api/orders 503 64 300ms
2024-03-11T06:30:00Z 10.0.0.4 DELETE /api/items/7 404 0 15ms
"""


@pytest.fixture
def log_text():
    return LOG


@pytest.fixture
def records():
    from logstats import parse_lines

    parsed, _ = parse_lines(LOG.splitlines(keepends=True))
    return parsed
