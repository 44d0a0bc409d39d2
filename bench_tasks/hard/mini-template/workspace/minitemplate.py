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


class TemplateError(Exception):
    """Base class of all template errors."""


class TemplateSyntaxError(TemplateError):
    """A malformed template. ``lineno`` is the 1-based line of the problem."""

    def __init__(self, message, lineno):
        super().__init__(message)
        self.lineno = lineno


class Template:
    """A compiled template.

    ``Template(source)`` parses ``source`` (a ``str``, else ``TypeError``) and
    raises ``TemplateSyntaxError`` for malformed templates.
    """

    def __init__(self, source):
        raise NotImplementedError

    def render(self, context=None, **kwargs):
        """Render with ``context`` (a Mapping or None) updated by ``kwargs``
        (keyword arguments win). The context is never modified. A template can
        be rendered any number of times."""
        raise NotImplementedError


def render(source, context=None, **kwargs):
    """Shortcut for ``Template(source).render(context, **kwargs)``."""
    return Template(source).render(context, **kwargs)
