"""Convert a fixed-width report to CSV.

python fw2csv.py <report.txt> <output.csv> [--columns NAME,NAME,...]
"""

import argparse
import re
import sys


class ReportError(Exception):
    pass


def is_rule(line):
    return "-" in line and set(line) <= {"-", " "}


def column_starts(rule):
    return [m.start() for m in re.finditer(r"-+", rule)]


def cut(line, starts):
    fields = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(line)
        fields.append(line[start:end].strip(" "))
    return fields


def csv_field(value):
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def read_lines(path):
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    # Only "\n" and "\r\n" end lines; str.splitlines() would also split on "\f".
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def parse(lines):
    rule_index = next((i for i, line in enumerate(lines) if is_rule(line)), None)
    if rule_index is None:
        raise ReportError("no rule line (a line of dashes) found")
    starts = column_starts(lines[rule_index])
    names = cut(lines[rule_index - 1], starts) if rule_index > 0 else [""] * len(starts)
    records = []
    skipping_header = False
    for line in lines[rule_index + 1:]:
        if "\f" in line:
            skipping_header = True
            continue
        if skipping_header:
            if is_rule(line):
                skipping_header = False
            continue
        if not line.strip(" "):
            continue
        if line.lstrip(" ").startswith("Total"):
            continue
        fields = cut(line, starts)
        if fields[0] == "":
            if not records:
                raise ReportError(f"continuation line before the first record: {line!r}")
            previous = records[-1]
            for i, value in enumerate(fields):
                if value:
                    previous[i] = f"{previous[i]} {value}" if previous[i] else value
        else:
            records.append(fields)
    return names, records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report")
    parser.add_argument("output")
    parser.add_argument("--columns", default=None)
    args = parser.parse_args(argv)
    try:
        names, records = parse(read_lines(args.report))
        indexes = list(range(len(names)))
        if args.columns is not None:
            indexes = []
            for name in args.columns.split(","):
                if name not in names:
                    raise ReportError(f"unknown column {name!r}; columns are {names}")
                indexes.append(names.index(name))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = [[names[i] for i in indexes]] + [[record[i] for i in indexes] for record in records]
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(",".join(csv_field(value) for value in row) + "\n")
    print(f"{len(records)} records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
