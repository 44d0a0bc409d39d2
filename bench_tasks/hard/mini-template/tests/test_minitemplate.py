import pytest

from minitemplate import Template, TemplateError, TemplateSyntaxError, render


class User:
    def __init__(self, name, admin=False):
        self.name = name
        self.admin = admin
        self._secret = "hidden"

    def greet(self):  # pragma: no cover - must never be called
        raise AssertionError("callables must not be called")


def syntax_error(source):
    with pytest.raises(TemplateSyntaxError) as info:
        Template(source)
    assert isinstance(info.value, TemplateError)
    return info.value


# --- text and variables ----------------------------------------------------------


def test_plain_text_is_copied_exactly():
    src = "  Hello,\n\tworld { } }} {x} %} #}\n"
    assert render(src) == src


def test_variables_with_and_without_whitespace():
    assert render("{{name}}|{{ name }}|{{   name   }}", {"name": "Ann"}) == "Ann|Ann|Ann"


def test_values_are_converted_with_str():
    ctx = {"i": 3, "f": 2.5, "t": True, "l": [1, 2]}
    assert render("{{ i }} {{ f }} {{ t }} {{ l }}", ctx) == "3 2.5 True [1, 2]"


def test_none_and_undefined_render_empty():
    assert render("[{{ n }}][{{ missing }}][{{ missing.deeper.still }}]", {"n": None}) == "[][][]"


def test_dotted_lookup_mapping_list_and_attribute():
    ctx = {"user": User("Bo"), "d": {"a": {"b": "deep"}, "0": "zero"}, "items": ["x", ("y", "z")]}
    assert render("{{ user.name }}", ctx) == "Bo"
    assert render("{{ d.a.b }}", ctx) == "deep"
    assert render("{{ d.0 }}", ctx) == "zero"
    assert render("{{ items.0 }}-{{ items.1.1 }}", ctx) == "x-z"
    assert render("[{{ items.5 }}]", ctx) == "[]"


def test_mapping_lookup_has_no_attribute_fallback():
    assert render("[{{ d.items }}][{{ d.keys }}]", {"d": {"a": 1}}) == "[][]"
    assert render("{{ d.items }}", {"d": {"items": "real"}}) == "real"


def test_private_attributes_and_callables():
    ctx = {"user": User("Bo")}
    assert render("[{{ user._secret }}]", ctx) == "[]"
    out = render("{{ user.greet }}", ctx)
    assert "bound method" in out  # the attribute itself, not its result


def test_kwargs_override_context_and_context_is_not_modified():
    ctx = {"a": "1", "b": "2"}
    assert render("{{ a }}{{ b }}", ctx, b="X") == "1X"
    t = Template("{% for a in xs %}{{ a }}{% endfor %}{{ a }}")
    assert t.render(ctx, xs=["p", "q"]) == "pq1"
    assert ctx == {"a": "1", "b": "2"}


def test_template_renders_repeatedly():
    t = Template("<{{ x }}>")
    assert t.render({"x": 1}) == "<1>"
    assert t.render(x=2) == "<2>"
    assert t.render() == "<>"


def test_source_must_be_str():
    with pytest.raises(TypeError):
        Template(b"{{ x }}")


# --- escaping and filters --------------------------------------------------------


def test_values_are_html_escaped_but_template_text_is_not():
    out = render("<p>{{ v }}</p>", {"v": "<a href=\"x\">Tom & 'Jerry'</a>"})
    assert out == "<p>&lt;a href=&quot;x&quot;&gt;Tom &amp; &#x27;Jerry&#x27;&lt;/a&gt;</p>"


def test_non_string_values_are_escaped_after_conversion():
    assert render("{{ v }}", {"v": ["<b>"]}) == "[&#x27;&lt;b&gt;&#x27;]"


def test_safe_filter_disables_escaping():
    assert render("{{ v|safe }}", {"v": "<b>&</b>"}) == "<b>&</b>"
    assert render("{{ v | safe }}", {"v": None}) == ""


def test_case_and_trim_filters_chain_left_to_right():
    ctx = {"v": "  MiXed <Case>  "}
    assert render("[{{ v|trim|upper }}]", ctx) == "[MIXED &lt;CASE&gt;]"
    assert render("[{{ v | lower | trim }}]", ctx) == "[mixed &lt;case&gt;]"
    assert render("[{{ missing|upper }}]") == "[]"
    assert render("{{ n|upper }}", {"n": 5}) == "5"


def test_safety_survives_case_filters():
    assert render("{{ v|safe|upper }}", {"v": "<i>x</i>"}) == "<I>X</I>"
    assert render("{{ v|upper|safe }}", {"v": "<i>x</i>"}) == "<I>X</I>"


def test_escape_filter_never_double_escapes():
    ctx = {"v": "<&>"}
    assert render("{{ v|escape }}", ctx) == "&lt;&amp;&gt;"
    assert render("{{ v|escape|escape }}", ctx) == "&lt;&amp;&gt;"
    assert render("{{ v|safe|escape }}", ctx) == "<&>"
    assert render("{{ v|escape|upper }}", ctx) == "&LT;&AMP;&GT;"


def test_length_filter():
    ctx = {"xs": [1, 2, 3], "s": "<ab>", "d": {"k": 1}, "n": None}
    assert render("{{ xs|length }} {{ s|length }} {{ d|length }} {{ n|length }} {{ nope|length }}", ctx) == "3 4 1 0 0"
    t = Template("{{ v|length }}")
    with pytest.raises(TemplateError):
        t.render(v=12)


def test_unknown_filter_is_a_syntax_error_at_construction():
    err = syntax_error("ok\n{{ name|shout }}")
    assert err.lineno == 2


# --- comments --------------------------------------------------------------------


def test_comments_produce_nothing_and_may_contain_markup():
    src = "a{# note #}b{#\n multi {{ x }} {% if %} %}\nline #}c"
    assert render(src, {"x": "X"}) == "abc"


def test_comment_ends_at_first_closer():
    assert render("{# a #}#}") == "#}"


# --- if --------------------------------------------------------------------------


def test_if_else_and_truthiness():
    t = Template("{% if v %}yes{% else %}no{% endif %}")
    for value, expected in [(1, "yes"), (0, "no"), ("", "no"), ("x", "yes"), ([], "no"),
                            ([0], "yes"), (None, "no"), ({}, "no")]:
        assert t.render(v=value) == expected
    assert t.render() == "no"


def test_if_without_else_and_not():
    assert render("[{% if a %}A{% endif %}]", a=False) == "[]"
    assert render("{% if not a %}none{% else %}some{% endif %}", a=[]) == "none"
    assert render("{% if not a %}none{% else %}some{% endif %}", a=[1]) == "some"
    assert render("{% if not missing.x %}ok{% endif %}") == "ok"


def test_if_with_filters_and_attribute_paths():
    ctx = {"u": User("Al", admin=True), "xs": []}
    assert render("{% if u.admin %}admin{% endif %}{% if xs|length %}has{% endif %}", ctx) == "admin"


def test_name_starting_with_not_is_not_negation():
    assert render("{% if nothing %}T{% else %}F{% endif %}", nothing=1) == "T"


# --- for -------------------------------------------------------------------------


def test_for_loop_and_loop_variables():
    src = "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}:{{ x }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}"
    assert render(src, xs=["a", "b", "c"]) == "1/0/3:aF 2/1/3:b 3/2/3:cL "


def test_for_else_on_empty_undefined_and_none():
    t = Template("{% for x in xs %}{{ x }}{% else %}empty{% endfor %}")
    assert t.render(xs=[]) == "empty"
    assert t.render(xs=None) == "empty"
    assert t.render() == "empty"
    assert t.render(xs="ab") == "ab"


def test_for_over_mapping_tuple_and_generator():
    assert render("{% for k in d %}{{ k }}={{ d.k }};{% endfor %}", d={"a": 1}) == "a=;"
    assert render("{% for k in d %}{{ k }};{% endfor %}", d={"b": 1, "a": 2}) == "b;a;"
    gen = (i * i for i in range(3))
    assert render("{% for v in g %}{{ v }}{% if not loop.last %},{% endif %}{% endfor %}", g=gen) == "0,1,4"


def test_nested_loops_shadowing_and_restoring():
    src = (
        "{% for row in rows %}{% for x in row %}"
        "{{ loop.index }}{{ x }}"
        "{% endfor %}{{ loop.index }}|{% endfor %}{{ x }}{{ loop }}"
    )
    assert render(src, rows=[["a", "b"], ["c"]], x="!") == "1a2b1|1c2|!"


def test_loop_variable_hides_context_name_inside_body_only():
    assert render("{{ v }}{% for v in vs %}{{ v }}{% endfor %}{{ v }}", v="o", vs="12") == "o12o"


def test_for_over_non_iterable_is_a_render_time_error():
    t = Template("{% for x in n %}{{ x }}{% endfor %}")
    with pytest.raises(TemplateError):
        t.render(n=5)


def test_deeply_nested_blocks_with_text_and_newlines():
    src = (
        "<ul>\n"
        "{% for u in users %}{% if u.admin %}"
        "<li class=\"admin\">{{ u.name }}</li>\n"
        "{% else %}<li>{{ u.name|lower }}</li>\n"
        "{% endif %}{% endfor %}</ul>"
    )
    users = [User("<Root>", admin=True), User("GUEST")]
    assert render(src, users=users) == (
        "<ul>\n<li class=\"admin\">&lt;Root&gt;</li>\n<li>guest</li>\n</ul>"
    )


# --- syntax errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "lineno"),
    [
        ("a\nb {{ x", 2),
        ("{% if x %}\n\n{% if y", 3),
        ("x\n{# never closed", 2),
        ("{{ }}", 1),
        ("\n{{ a..b }}", 2),
        ("{{ 1x }}", 1),
        ("{{ a | }}", 1),
        ("{{ a b }}", 1),
        ("{{ a.b. }}", 1),
        ("{{ a|up per }}", 1),
        ("{% %}", 1),
        ("{% while x %}{% endwhile %}", 1),
        ("{% if %}{% endif %}", 1),
        ("{% if not %}{% endif %}", 1),
        ("{% if a b %}{% endif %}", 1),
        ("{% for x %}{% endfor %}", 1),
        ("{% for x in %}{% endfor %}", 1),
        ("{% for x on xs %}{% endfor %}", 1),
        ("{% for 1 in xs %}{% endfor %}", 1),
        ("{% if a %}\n{% endif now %}", 2),
        ("{% if a %}{% else x %}{% endif %}", 1),
    ],
)
def test_malformed_markup(source, lineno):
    assert syntax_error(source).lineno == lineno


def test_stray_end_and_else_tags():
    assert syntax_error("ok\n{% endif %}").lineno == 2
    assert syntax_error("{% endfor %}").lineno == 1
    assert syntax_error("a\n\n{% else %}").lineno == 3


def test_mismatched_end_tag_reported_at_end_tag():
    src = "{% for x in xs %}\n{% if x %}\n{% endfor %}\n{% endif %}"
    assert syntax_error(src).lineno == 3


def test_second_else_is_an_error():
    src = "{% if a %}1{% else %}2\n{% else %}3{% endif %}"
    assert syntax_error(src).lineno == 2
    assert syntax_error("{% for x in y %}{% else %}{% else %}{% endfor %}").lineno == 1


def test_unclosed_block_reports_innermost_opening_line():
    err = syntax_error("top\n{% for x in xs %}\n  {% if x %}\n  {{ x }}\n{% endfor %}")
    # endfor while `if` is innermost -> mismatched end tag on line 5
    assert err.lineno == 5
    err = syntax_error("top\n{% for x in xs %}\n  {% if x %}{% endif %}\n  {{ x }}\n")
    assert err.lineno == 2
    assert "unclosed 'for'" in str(err)
    err = syntax_error("{% if a %}{% for x in xs %}{% endfor %}\n{% if b %}\n{% else %}")
    assert err.lineno == 2
    assert "unclosed 'if'" in str(err)


def test_syntax_errors_are_raised_before_rendering_anything():
    calls = []

    class Spy:
        @property
        def name(self):
            calls.append(1)
            return "x"

    with pytest.raises(TemplateSyntaxError):
        render("{{ s.name }}{% if s.name %}", {"s": Spy()})
    assert calls == []
