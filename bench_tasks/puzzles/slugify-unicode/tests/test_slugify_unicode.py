import pytest

from slugify import slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello-world"),
        ("  --Already--Slugged--  ", "already-slugged"),
        ("MiXeD CaSe 123", "mixed-case-123"),
        ("tabs\tand\nnewlines", "tabs-and-newlines"),
        ("a...b___c", "a-b-c"),
    ],
)
def test_ascii_basics(text, expected):
    assert slugify(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "!!!", "---", "北京", "\u0301"])
def test_no_words_gives_empty_string(text):
    assert slugify(text) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Crème Brûlée", "creme-brulee"),
        ("Ångström", "angstrom"),
        ("São Paulo", "sao-paulo"),
        ("naïve façade", "naive-facade"),
        # already decomposed input: "e" + COMBINING ACUTE ACCENT
        ("cafe\u0301", "cafe"),
        # U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE decomposes to I + combining dot
        ("\u0130stanbul", "istanbul"),
    ],
)
def test_combining_marks_are_dropped(text, expected):
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Straße", "strasse"),
        ("GROẞE", "grosse"),
        ("Ærøskøbing", "aeroskobing"),
        ("Œuvre", "oeuvre"),
        ("Łódź", "lodz"),
        ("Þórsmörk", "thorsmork"),
        ("Đorđe", "dorde"),
        ("Ðe Eð", "de-ed"),
    ],
)
def test_transliteration_table(text, expected):
    assert slugify(text) == expected


def test_table_applies_after_decomposition():
    # U+01FE decomposes to "Ø" + COMBINING ACUTE; the remaining "Ø" is then mapped to "o".
    assert slugify("\u01feresund") == "oresund"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ﬁnal ﬂag", "final-flag"),  # ligatures
        ("Chapter ①", "chapter-1"),  # circled digit
        ("x²", "x2"),  # superscript two
        ("½ price", "1-2-price"),  # 1, FRACTION SLASH, 2
        ("ＦＵＬＬ　ｗｉｄｔｈ", "full-width"),
        ("\u01c5emal", "dzemal"),  # Dz with caron -> D, z, combining caron
    ],
)
def test_compatibility_decomposition(text, expected):
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tom & Jerry", "tom-and-jerry"),
        ("R&D", "r-and-d"),
        ("Ｒ＆Ｄ", "r-and-d"),  # fullwidth forms fold to "R&D" first
        ("&", "and"),
    ],
)
def test_ampersand_becomes_and(text, expected):
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't stop", "dont-stop"),
        ("it\u2019s here", "its-here"),
        ("rock 'n' roll", "rock-n-roll"),
        ("'quoted'", "quoted"),
        ("O\u2019Brien's", "obriens"),
    ],
)
def test_apostrophes_are_deleted(text, expected):
    assert slugify(text) == expected


def test_other_non_ascii_characters_separate_words():
    assert slugify("Café 北京 2024") == "cafe-2024"
    assert slugify("one—two·three") == "one-two-three"
    assert slugify("price: 5€ / 6£") == "price-5-6"


def test_custom_separator():
    assert slugify("Hello World", sep="_") == "hello_world"
    assert slugify("a b  c", sep="--") == "a--b--c"
    assert slugify("  Hello World  ", sep=".") == "hello.world"
    assert slugify("Tom & Jerry", sep="·") == "tom·and·jerry"


@pytest.mark.parametrize("sep", ["", "x", "a-", "_1_", "Z"])
def test_invalid_separator(sep):
    with pytest.raises(ValueError):
        slugify("hello world", sep=sep)


@pytest.mark.parametrize(
    ("text", "max_len", "expected"),
    [
        ("the quick brown fox", 10, "the-quick"),
        ("the quick brown fox", 9, "the-quick"),
        ("the quick brown fox", 8, "the"),
        ("the quick brown fox", 3, "the"),
        ("the quick brown fox", 2, "th"),
        ("the quick brown fox", 19, "the-quick-brown-fox"),
        ("the quick brown fox", 100, "the-quick-brown-fox"),
        ("hello world", 6, "hello"),
        ("internationalization", 5, "inter"),
        ("internationalization rocks", 5, "inter"),
        ("a", 1, "a"),
        ("", 5, ""),
        ("!!!", 1, ""),
    ],
)
def test_truncation(text, max_len, expected):
    assert slugify(text, max_len=max_len) == expected


def test_truncation_counts_separator_and_folded_length():
    assert slugify("a b c d", max_len=6, sep="__") == "a__b"
    assert slugify("a b c d", max_len=7, sep="__") == "a__b__c"
    # "Straße" folds to "strasse" (7 chars) before truncation.
    assert slugify("Straße Nord", max_len=7) == "strasse"
    assert slugify("Straße Nord", max_len=6) == "strass"


def test_truncated_result_never_ends_with_separator():
    text = "aa bb cc dd ee ff gg"
    for max_len in range(1, 25):
        result = slugify(text, max_len=max_len)
        assert len(result) <= max_len
        assert not result.endswith("-")
        assert result == slugify(text)[: len(result)]


@pytest.mark.parametrize("max_len", [0, -1, 2.5, "10"])
def test_invalid_max_len(max_len):
    with pytest.raises(ValueError):
        slugify("hello", max_len=max_len)


@pytest.mark.parametrize("text", [None, 42, b"bytes"])
def test_non_str_text(text):
    with pytest.raises(TypeError):
        slugify(text)
