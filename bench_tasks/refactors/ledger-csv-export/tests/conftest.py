import pytest

HEADER = "date,category,description,amount,reimbursed,approver\n"


@pytest.fixture
def run_cli(tmp_path, capsys):
    """Write ``body`` (CSV rows after the standard header) to a file, run ``ledger.cli.main``.

    Returns (exit code, stdout, stderr).
    """
    from ledger.cli import main

    def run(command, body, *extra):
        path = tmp_path / "expenses.csv"
        path.write_text(HEADER + body, encoding="utf-8", newline="")
        code = main([command, str(path), *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
