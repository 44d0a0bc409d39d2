"""Conversions between identifier naming styles."""


def camel_to_snake(name: str) -> str:
    """Convert a camelCase or PascalCase identifier to snake_case.

    Go through the characters one by one. An upper-case letter becomes "_"
    followed by its lower-case form, except at the very start of the name,
    where it is only lower-cased. Every other character is copied unchanged.

    >>> camel_to_snake("parseHttpResponse")
    'parse_http_response'
    >>> camel_to_snake("UserId")
    'user_id'
    >>> camel_to_snake("getID")
    'get_i_d'
    """
    out = []
    for i, ch in enumerate(name):
        if ch.isupper():
            if i > 0:
                out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)
