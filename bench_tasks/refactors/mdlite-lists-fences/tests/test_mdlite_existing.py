import os
import subprocess
import sys
from pathlib import Path


def test_headings_and_paragraphs(html):
    text = "# Title\n\nFirst line\n  second line  \n\n###### Small\n####### not a heading\n"
    assert html(text) == (
        "<h1>Title</h1>\n"
        "<p>First line\nsecond line</p>\n"
        "<h6>Small</h6>\n"
        "<p>####### not a heading</p>\n"
    )


def test_heading_ends_paragraph(html):
    assert html("para\n## Next\nmore") == "<p>para</p>\n<h2>Next</h2>\n<p>more</p>\n"


def test_inline_markup(html):
    out = html('Use **bold**, *em*, `a < b && "c"` and [docs](https://x.test/?a=1&b=2) & <tags>.')
    assert out == (
        "<p>Use <strong>bold</strong>, <em>em</em>, <code>a &lt; b &amp;&amp; &quot;c&quot;</code> and "
        '<a href="https://x.test/?a=1&amp;b=2">docs</a> &amp; &lt;tags&gt;.</p>\n'
    )


def test_code_span_contents_are_not_processed(html):
    assert html("`*not em*` and *em*") == "<p><code>*not em*</code> and <em>em</em></p>\n"


def test_flat_list(html):
    assert html("- one\n* two\n- three *x*\n") == (
        "<ul>\n<li>one</li>\n<li>two</li>\n<li>three <em>x</em></li>\n</ul>\n"
    )


def test_blank_line_separates_lists(html):
    assert html("- a\n\n- b") == "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n"


def test_list_interrupts_paragraph_and_paragraph_ends_list(html):
    assert html("intro\n- a\nafter") == "<p>intro</p>\n<ul>\n<li>a</li>\n</ul>\n<p>after</p>\n"


def test_one_level_nesting(html):
    assert html("- a\n  - b\n  - c\n- d\n") == (
        "<ul>\n<li>a\n<ul>\n<li>b</li>\n<li>c</li>\n</ul>\n</li>\n<li>d</li>\n</ul>\n"
    )


def test_nested_list_at_end(html):
    assert html("- a\n  - b") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n"


def test_empty_document(html):
    assert html("") == ""
    assert html("\n\n  \n") == ""


def test_cli_file_and_stdin(tmp_path):
    import mdlite

    root = str(Path(mdlite.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root}
    (tmp_path / "n.md").write_text("# Hi\n\n- x\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mdlite", "n.md"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "<h1>Hi</h1>\n<ul>\n<li>x</li>\n</ul>\n"
    proc = subprocess.run([sys.executable, "-m", "mdlite"], cwd=tmp_path, input="*a*", capture_output=True, text=True, env=env)
    assert proc.stdout == "<p><em>a</em></p>\n"


def test_cli_missing_file(tmp_path, capsys):
    from mdlite.cli import main

    assert main([str(tmp_path / "missing.md")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
