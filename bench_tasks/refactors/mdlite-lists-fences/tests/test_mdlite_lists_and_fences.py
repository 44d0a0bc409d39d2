import re

import pytest


def balanced(out):
    """True if <ul>/<li> open and close tags nest properly."""
    stack = []
    for closing, tag in re.findall(r"<(/?)(ul|li)>", out):
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return False
    return not stack


def test_two_levels_then_back_to_top(html):
    out = html("- a\n  - b\n    - c\n- d\n")
    assert out == (
        "<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>d</li>\n</ul>\n"
    )


def test_three_levels_back_to_level_one(html):
    out = html("- a\n  - b\n    - c\n      - d\n  - e\n")
    assert out == (
        "<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c\n<ul>\n<li>d</li>\n</ul>\n</li>\n</ul>\n</li>\n"
        "<li>e</li>\n</ul>\n</li>\n</ul>\n"
    )


def test_list_ending_deep(html):
    out = html("- a\n  - b\n    - c\n\ntext")
    assert out == "<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n<p>text</p>\n"


def test_over_indented_item_is_one_level_deeper(html):
    assert html("- a\n      - b\n- c") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>\n"


def test_over_indented_list_end(html):
    assert html("- a\n    - b") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n"


def test_indented_first_item_is_level_zero(html):
    assert html("  - a\n- b\n  - c") == "<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n"


def test_odd_indentation_rounds_down(html):
    assert html("- a\n   - b\n - c") == "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>\n"


@pytest.mark.parametrize(
    "text",
    [
        "- a\n  - b\n    - c\n      - d\n- e\n  - f\n    - g\n  - h\n",
        "- a\n        - b\n            - c\n- d",
        "  - a\n      - b\n  - c\n    - d\n        - e",
    ],
)
def test_any_indentation_gives_balanced_lists(html, text):
    out = html(text)
    assert balanced(out), out
    assert out.count("<li>") == text.count("- ")


def test_fenced_code_with_language(html):
    text = "```python\ndef f(x):\n    return x < 2 and \"ok\" or 'no' & 1\n```\n"
    assert html(text) == (
        '<pre><code class="language-python">def f(x):\n'
        "    return x &lt; 2 and &quot;ok&quot; or 'no' &amp; 1\n"
        "</code></pre>\n"
    )


def test_fenced_code_without_language(html):
    assert html("```\nplain\n```") == "<pre><code>plain\n</code></pre>\n"


def test_fenced_code_content_is_literal(html):
    text = "```md\n# not a heading\n- not an item\n**not strong** `x` [a](b)\n\n  indented  \n```"
    assert html(text) == (
        '<pre><code class="language-md"># not a heading\n- not an item\n**not strong** `x` [a](b)\n\n'
        "  indented  \n</code></pre>\n"
    )


def test_empty_fence(html):
    assert html("```\n```\n") == "<pre><code></code></pre>\n"


def test_unclosed_fence_runs_to_the_end(html):
    assert html("```sh\necho hi\n\n# done") == '<pre><code class="language-sh">echo hi\n\n# done\n</code></pre>\n'


def test_fence_language_is_first_word(html):
    assert html("```  js  extra words\nx\n```") == '<pre><code class="language-js">x\n</code></pre>\n'


def test_closing_fence_allows_trailing_whitespace_only(html):
    assert html("```\na\n```   \nafter") == "<pre><code>a\n</code></pre>\n<p>after</p>\n"
    assert html("```\na\n``` not closing\n```") == "<pre><code>a\n``` not closing\n</code></pre>\n"


def test_fence_ends_paragraph_and_list(html):
    text = "intro\n```\ncode\n```\n- a\n  - b\n```\nx\n```\nouttro"
    assert html(text) == (
        "<p>intro</p>\n<pre><code>code\n</code></pre>\n"
        "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n"
        "<pre><code>x\n</code></pre>\n<p>outtro</p>\n"
    )


def test_blocks_around_fences(html):
    text = "# Title\n\n```\n<b>\n```\n\n- item `code`\n"
    assert html(text) == (
        "<h1>Title</h1>\n<pre><code>&lt;b&gt;\n</code></pre>\n<ul>\n<li>item <code>code</code></li>\n</ul>\n"
    )
