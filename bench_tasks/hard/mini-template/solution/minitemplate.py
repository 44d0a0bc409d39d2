"""A small HTML-safe template engine.

Syntax
======
A template is text with three kinds of markup. Everything else is copied to the
output exactly (whitespace and newlines included; markup is never trimmed):

* ``{{ expr }}``    -- output the value of an expression, HTML-escaped unless safe
* ``{% tag ... %}`` -- control flow (see Tags)
* ``{# ... #}``     -- a comment: produces nothing; may span lines and may
  contain ``{{``, ``{%`` or ``%}`` (it ends at the first ``#}``).

The scanner looks for the first ``{{``, ``{%`` or ``{#`` in the remaining text;
the markup then ends at the first following ``}}``, ``%}`` or ``#}``
respectively. A lone ``{``, ``}`` or ``}}`` outside markup is ordinary text.
Whitespace right inside the delimiters is optional (``{{x}}`` == ``{{  x  }}``).

Expressions
-----------
``expr := path ( "|" filter )*`` with optional whitespace around ``|``.

``path := NAME ( "." PART )*`` -- no whitespace inside a path. ``NAME`` is
``[A-Za-z_][A-Za-z0-9_]*``; a ``PART`` is a NAME or a run of ASCII digits.
There are no literals, operators or calls.

Lookup: the first NAME is looked up in the innermost scope that defines it
(``for`` loop variables, then the render context). Each further PART is applied
to the current value:

* a ``collections.abc.Mapping``: the item with key ``PART`` (always the string,
  also for digits: ``d.0`` looks up ``d["0"]``); no attribute fallback;
* otherwise, a ``list`` or ``tuple`` and a digits PART: the item at that index
  (``items.0``), if ``0 <= index < len``;
* otherwise, a PART that does not start with ``_``: the attribute of that name
  (``getattr``), if it exists. Callables are never called.

Anything else (missing name, key, index or attribute, a ``_private`` attribute,
or any PART applied to an undefined value) gives the *undefined* value.
Undefined renders as ``""``, is false in ``if``, iterates zero times in
``for`` and never raises.

Output conversion: undefined and ``None`` become ``""``; every other value
becomes ``str(value)`` (``3`` -> ``"3"``, ``True`` -> ``"True"``).

Escaping: the converted text is HTML-escaped on output -- ``&`` ``<`` ``>``
``"`` ``'`` become ``&amp;`` ``&lt;`` ``&gt;`` ``&quot;`` ``&#x27;`` (exactly
what ``html.escape(text, quote=True)`` does) -- unless the value is *safe*.
Template text is never escaped.

Filters
-------
Filters apply left to right. Every value flowing through a filter chain is
either plain or safe; values from the context start plain.

* ``upper`` / ``lower`` / ``trim``: convert to text (as above), then
  ``str.upper`` / ``str.lower`` / ``str.strip``; the result is safe iff the
  input was safe.
* ``length``: ``len(value)`` as a plain int; undefined and ``None`` give 0; a
  value without a length raises ``TemplateError`` when rendered.
* ``escape``: if the input is safe, it is returned unchanged (never escaped
  twice); otherwise its text is HTML-escaped and the result is safe.
* ``safe``: the text of the input, marked safe (it will not be escaped).

An unknown filter name is a ``TemplateSyntaxError``.

Tags
----
* ``{% if expr %} ... {% endif %}``, optionally with one ``{% else %}``.
  ``{% if not expr %}`` negates. The test uses Python truthiness
  (undefined is false).
* ``{% for NAME in expr %} ... {% endfor %}``, optionally with one
  ``{% else %}`` whose body is rendered instead when there are zero iterations.
  Mappings iterate over their keys; undefined and ``None`` iterate zero times;
  a value that is not iterable raises ``TemplateError`` when rendered. The
  iterable is turned into a list before the loop starts. Inside the body NAME
  is bound to the current item and ``loop`` to an object with ``index``
  (1-based), ``index0``, ``first``, ``last`` and ``length``; an inner loop's
  ``loop`` hides the outer one. Both names (and any name they hide) go back to
  their previous meaning after ``{% endfor %}``.
* Blocks nest freely. Tag words are lowercase and separated by whitespace.

Errors
======
``TemplateSyntaxError`` (a subclass of ``TemplateError``) is raised by
``Template(source)`` -- i.e. before rendering anything -- for any malformed
template. Its ``lineno`` attribute is the 1-based line on which the offending
markup starts. Cases:

* ``{{``, ``{%`` or ``{#`` without its closing delimiter (``lineno``: the line of
  the opening delimiter);
* an empty or malformed expression (``{{ }}``, ``{{ a..b }}``, ``{{ 1x }}``,
  ``{{ a | }}``, ``{{ a b }}``), an unknown filter;
* an unknown tag, a tag with missing or extra words (``{% if %}``,
  ``{% for x %}``, ``{% for x in %}``, ``{% for 1 in xs %}``,
  ``{% endif now %}``, ``{% else x %}``);
* an ``else``/``endif``/``endfor`` that has no matching open block, an end tag
  that does not match the innermost open block (``{% endfor %}`` while an
  ``if`` is innermost), a second ``else`` in the same block (``lineno``: the
  line of the offending tag);
* a block still open at the end of the template: ``lineno`` is the line of the
  innermost unclosed block's opening tag and the message contains
  ``unclosed 'if'`` or ``unclosed 'for'``.

``TemplateError`` is also raised at render time for the two runtime cases
above (``length`` of a value without a length, ``for`` over a non-iterable).
"""


import html
import re
from collections.abc import Mapping

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH_RE = re.compile(rf"{_NAME}(?:\.(?:{_NAME}|[0-9]+))*\Z")
_NAME_RE = re.compile(rf"{_NAME}\Z")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPEN_RE = re.compile(r"\{[{%#]")


class TemplateError(Exception):
    """Base class of all template errors."""


class TemplateSyntaxError(TemplateError):
    """A malformed template. ``lineno`` is the 1-based line of the problem."""

    def __init__(self, message, lineno):
        super().__init__(message)
        self.lineno = lineno


class _Undefined:
    __slots__ = ()

    def __bool__(self):
        return False

    def __iter__(self):
        return iter(())


UNDEFINED = _Undefined()


class _Safe:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def _text(value):
    if isinstance(value, _Safe):
        return value.text
    if value is None or value is UNDEFINED:
        return ""
    return str(value)


def _f_upper(v):
    return _Safe(_text(v).upper()) if isinstance(v, _Safe) else _text(v).upper()


def _f_lower(v):
    return _Safe(_text(v).lower()) if isinstance(v, _Safe) else _text(v).lower()


def _f_trim(v):
    return _Safe(_text(v).strip()) if isinstance(v, _Safe) else _text(v).strip()


def _f_length(v):
    if isinstance(v, _Safe):
        return len(v.text)
    if v is None or v is UNDEFINED:
        return 0
    try:
        return len(v)
    except TypeError:
        raise TemplateError(f"object of type {type(v).__name__} has no length") from None


def _f_escape(v):
    if isinstance(v, _Safe):
        return v
    return _Safe(html.escape(_text(v), quote=True))


def _f_safe(v):
    return _Safe(_text(v))


_FILTERS = {
    "upper": _f_upper,
    "lower": _f_lower,
    "trim": _f_trim,
    "length": _f_length,
    "escape": _f_escape,
    "safe": _f_safe,
}


class _Expr:
    def __init__(self, source, lineno):
        pieces = source.split("|")
        path = pieces[0].strip()
        if not _PATH_RE.match(path):
            raise TemplateSyntaxError(f"malformed expression {source.strip()!r}", lineno)
        self.parts = path.split(".")
        self.filters = []
        for piece in pieces[1:]:
            name = piece.strip()
            if not _NAME_RE.match(name):
                raise TemplateSyntaxError(f"malformed filter in {source.strip()!r}", lineno)
            if name not in _FILTERS:
                raise TemplateSyntaxError(f"unknown filter {name!r}", lineno)
            self.filters.append(_FILTERS[name])

    def evaluate(self, scopes):
        first = self.parts[0]
        value = UNDEFINED
        for scope in reversed(scopes):
            if first in scope:
                value = scope[first]
                break
        for part in self.parts[1:]:
            value = _lookup(value, part)
        for f in self.filters:
            value = f(value)
        return value


def _lookup(value, part):
    if value is UNDEFINED:
        return UNDEFINED
    if isinstance(value, Mapping):
        try:
            return value[part] if part in value else UNDEFINED
        except TypeError:
            return UNDEFINED
    if part.isdigit() and isinstance(value, (list, tuple)):
        index = int(part)
        return value[index] if index < len(value) else UNDEFINED
    if not part.startswith("_") and not part.isdigit():
        try:
            return getattr(value, part)
        except AttributeError:
            return UNDEFINED
    return UNDEFINED


class _Loop:
    def __init__(self, index0, length):
        self.index0 = index0
        self.index = index0 + 1
        self.length = length
        self.first = index0 == 0
        self.last = index0 == length - 1


# --- nodes ------------------------------------------------------------------------


class _Text:
    def __init__(self, text):
        self.text = text

    def render(self, scopes, out):
        out.append(self.text)


class _Output:
    def __init__(self, expr):
        self.expr = expr

    def render(self, scopes, out):
        value = self.expr.evaluate(scopes)
        if isinstance(value, _Safe):
            out.append(value.text)
        else:
            out.append(html.escape(_text(value), quote=True))


class _If:
    def __init__(self, expr, negate, lineno):
        self.expr, self.negate, self.lineno = expr, negate, lineno
        self.body, self.else_body, self.has_else = [], [], False
        self.keyword = "if"

    def render(self, scopes, out):
        value = self.expr.evaluate(scopes)
        if isinstance(value, _Safe):
            value = value.text
        truth = bool(value)
        if self.negate:
            truth = not truth
        for node in self.body if truth else self.else_body:
            node.render(scopes, out)


class _For:
    def __init__(self, name, expr, lineno):
        self.name, self.expr, self.lineno = name, expr, lineno
        self.body, self.else_body, self.has_else = [], [], False
        self.keyword = "for"

    def render(self, scopes, out):
        value = self.expr.evaluate(scopes)
        if isinstance(value, _Safe):
            value = value.text
        if value is None or value is UNDEFINED:
            items = []
        else:
            try:
                items = list(value)
            except TypeError:
                raise TemplateError(f"cannot iterate over {type(value).__name__}") from None
        if not items:
            for node in self.else_body:
                node.render(scopes, out)
            return
        for i, item in enumerate(items):
            scope = {self.name: item, "loop": _Loop(i, len(items))}
            scopes.append(scope)
            try:
                for node in self.body:
                    node.render(scopes, out)
            finally:
                scopes.pop()


# --- parser -----------------------------------------------------------------------


def _parse(source):
    root = []
    stack = []  # open _If/_For blocks

    def target():
        if not stack:
            return root
        block = stack[-1]
        return block.else_body if block.has_else else block.body

    pos = 0
    lineno = 1
    while True:
        m = _OPEN_RE.search(source, pos)
        if m is None:
            if pos < len(source):
                target().append(_Text(source[pos:]))
            break
        start = m.start()
        if start > pos:
            target().append(_Text(source[pos:start]))
        lineno += source.count("\n", pos, start)
        opener = m.group()
        end = source.find(_CLOSERS[opener], start + 2)
        if end < 0:
            raise TemplateSyntaxError(f"unclosed {opener!r}", lineno)
        inner = source[start + 2:end]
        pos = end + 2
        if opener == "{{":
            target().append(_Output(_Expr(inner, lineno)))
        elif opener == "{%":
            _tag(inner, lineno, stack, target)
        lineno += source.count("\n", start, pos)
    if stack:
        block = stack[-1]
        raise TemplateSyntaxError(
            f"unclosed '{block.keyword}' block opened on line {block.lineno}", block.lineno)
    return root


def _tag(inner, lineno, stack, target):
    words = inner.split()
    if not words:
        raise TemplateSyntaxError("empty tag", lineno)
    keyword = words[0]
    if keyword == "if":
        negate = len(words) > 1 and words[1] == "not"
        expr_src = inner.strip()[2:]
        if negate:
            expr_src = expr_src.strip()[3:]
        if not expr_src.strip():
            raise TemplateSyntaxError("if needs an expression", lineno)
        node = _If(_Expr(expr_src, lineno), negate, lineno)
        target().append(node)
        stack.append(node)
    elif keyword == "for":
        if len(words) < 4 or words[2] != "in" or not _NAME_RE.match(words[1]):
            raise TemplateSyntaxError("malformed for tag", lineno)
        expr_src = inner.strip()[3:].strip()[len(words[1]):].strip()[2:]
        node = _For(words[1], _Expr(expr_src, lineno), lineno)
        target().append(node)
        stack.append(node)
    elif keyword == "else":
        if len(words) != 1:
            raise TemplateSyntaxError("else takes no arguments", lineno)
        if not stack:
            raise TemplateSyntaxError("else outside of a block", lineno)
        if stack[-1].has_else:
            raise TemplateSyntaxError("second else in the same block", lineno)
        stack[-1].has_else = True
    elif keyword in ("endif", "endfor"):
        if len(words) != 1:
            raise TemplateSyntaxError(f"{keyword} takes no arguments", lineno)
        if not stack:
            raise TemplateSyntaxError(f"{keyword} without an open block", lineno)
        if "end" + stack[-1].keyword != keyword:
            raise TemplateSyntaxError(
                f"{keyword} does not close the open '{stack[-1].keyword}' block", lineno)
        stack.pop()
    else:
        raise TemplateSyntaxError(f"unknown tag {keyword!r}", lineno)


class Template:
    """A compiled template (see the module docstring)."""

    def __init__(self, source):
        if not isinstance(source, str):
            raise TypeError("template source must be a str")
        self._nodes = _parse(source)

    def render(self, context=None, **kwargs):
        merged = {}
        if context is not None:
            if not isinstance(context, Mapping):
                raise TypeError("context must be a mapping")
            merged.update(context)
        merged.update(kwargs)
        out = []
        scopes = [merged]
        for node in self._nodes:
            node.render(scopes, out)
        return "".join(out)


def render(source, context=None, **kwargs):
    """Shortcut for ``Template(source).render(context, **kwargs)``."""
    return Template(source).render(context, **kwargs)
