"""The schema of a service's configuration file."""

from confcheck.schema import Bool, Field, Int, ListOf, MapOf, Obj, Str

LISTENER = Obj(
    {
        "protocol": Field(Str(choices=("http", "https", "tcp"))),
        "timeout_s": Field(Int(minimum=1, maximum=3600), required=False),
    }
)

UPSTREAM = Obj(
    {
        "host": Field(Str(min_len=1)),
        "weight": Field(Int(minimum=1), required=False),
    }
)

SERVICE_SCHEMA = Obj(
    {
        "name": Field(Str(min_len=1)),
        "port": Field(Int(minimum=1, maximum=65535)),
        "debug": Field(Bool(), required=False),
        "log_level": Field(Str(choices=("debug", "info", "warning", "error")), required=False),
        "tags": Field(ListOf(Str(min_len=1)), required=False),
        "upstreams": Field(ListOf(UPSTREAM, min_items=1)),
        "listeners": Field(MapOf(LISTENER), required=False),
    }
)
