def acronym(phrase: str) -> str:
    """Build an upper-case acronym from the first character of each word.

    Words are separated by spaces or hyphens ("-"); empty pieces (from repeated
    separators) are ignored. The acronym is the first character of each word,
    upper-cased, in order.

    >>> acronym("portable network graphics")
    'PNG'
    >>> acronym("self-contained underwater breathing apparatus")
    'SCUBA'
    >>> acronym("")
    ''
    """
    words = phrase.replace("-", " ").split(" ")
    return "".join(word[0].upper() for word in words if word)
