import sqlite3

import pytest

from conftest import Notes, copy_db


def test_add_and_list_assigns_sequential_ids(notes):
    assert notes.ok("add", "Buy milk") == "added 1\n"
    assert notes.ok("add", "Call Bob", "--body", "about the car") == "added 2\n"
    assert notes.ok("list") == "1\tBuy milk\t\n2\tCall Bob\t\n"


def test_list_on_new_database_prints_nothing_and_creates_file(notes, tmp_path):
    assert notes.ok("list") == ""
    assert (tmp_path / "data" / "notes.sqlite3").exists()
    assert notes.ok("tags") == ""
    assert notes.ok("search", "anything") == ""


def test_database_is_a_real_sqlite_file_with_fts5_table(notes):
    notes.ok("add", "Hello")
    conn = sqlite3.connect(notes.db)
    try:
        rows = conn.execute("SELECT sql FROM sqlite_master WHERE sql LIKE '%fts5%'").fetchall()
    finally:
        conn.close()
    assert rows, "expected an FTS5 virtual table"


def test_titles_are_stripped_and_validated(notes):
    assert notes.ok("add", "  Spaced out  ") == "added 1\n"
    assert notes.lines("list") == ["1\tSpaced out\t"]
    assert notes.fail("add", "   ") == "error: invalid title"
    assert notes.fail("add", "a\tb") == "error: invalid title"
    assert notes.fail("add", "two\nlines") == "error: invalid title"
    assert notes.ok("add", "Next") == "added 2\n"


def test_tags_normalised_deduplicated_and_sorted(notes):
    notes.ok("add", "Groceries", "--tag", "Home", "--tag", " errands ", "--tag", "home")
    assert notes.lines("list") == ["1\tGroceries\terrands,home"]
    notes.ok("add", "Taxes", "--tag", "finance-2024", "--tag", "to_do")
    assert notes.lines("list") == ["1\tGroceries\terrands,home", "2\tTaxes\tfinance-2024,to_do"]


@pytest.mark.parametrize("bad", ["bad tag", "-lead", "", "  ", "a,b", "ta\tg", "caf\u00e9", "_x"])
def test_invalid_tag_on_add_creates_nothing(notes, bad):
    err = notes.fail("add", "Note", "--tag", "ok", f"--tag={bad}")
    assert err == f"error: invalid tag: {bad}"
    assert notes.ok("list") == ""


def test_show_with_and_without_body(notes):
    notes.ok("add", "Recipe", "--body", "Flour\nEggs\n\nMix well.", "--tag", "food", "--tag", "weekend")
    notes.ok("add", "Empty")
    assert notes.ok("show", "1") == "id: 1\ntitle: Recipe\ntags: food,weekend\n\nFlour\nEggs\n\nMix well.\n"
    assert notes.ok("show", "2") == "id: 2\ntitle: Empty\ntags: \n"


def test_unicode_round_trip(notes):
    notes.ok("add", "Caf\u00e9 \u2615 na\u00efve", "--body", "\u65e5\u672c\u8a9e \u00fcber", "--tag", "Grun")
    assert notes.lines("list") == ["1\tCaf\u00e9 \u2615 na\u00efve\tgrun"]
    assert notes.ok("show", "1").endswith("\n\n\u65e5\u672c\u8a9e \u00fcber\n")


def test_unknown_ids_are_errors(notes):
    notes.ok("add", "Only")
    for args in (["show", "7"], ["delete", "7"], ["edit", "7", "--title", "x"], ["tag", "7", "a"], ["untag", "7", "a"]):
        assert notes.fail(*args) == "error: no note with id 7"
    assert notes.lines("list") == ["1\tOnly\t"]


def test_delete_and_ids_are_never_reused(notes):
    for title in ("a", "b", "c"):
        notes.ok("add", title, "--tag", "t")
    assert notes.ok("delete", "3") == "deleted 3\n"
    assert notes.ok("delete", "1") == "deleted 1\n"
    assert notes.fail("delete", "1") == "error: no note with id 1"
    assert notes.ok("add", "d") == "added 4\n"
    assert notes.lines("list") == ["2\tb\tt", "4\td\t"]
    assert notes.lines("tags") == ["t\t1"]


def test_tag_and_untag_print_list_line(notes):
    notes.ok("add", "Trip", "--tag", "travel")
    assert notes.ok("tag", "1", "Summer", "travel", "2025") == "1\tTrip\t2025,summer,travel\n"
    assert notes.ok("untag", "1", "TRAVEL", "never-there") == "1\tTrip\t2025,summer\n"
    assert notes.ok("untag", "1", "2025", "summer") == "1\tTrip\t\n"
    assert notes.fail("tag", "1", "ok", "not ok") == "error: invalid tag: not ok"
    assert notes.lines("list") == ["1\tTrip\t"]


def test_list_filtered_by_tag(notes):
    notes.ok("add", "one", "--tag", "x")
    notes.ok("add", "two", "--tag", "y")
    notes.ok("add", "three", "--tag", "x", "--tag", "y")
    assert notes.lines("list", "--tag", "x") == ["1\tone\tx", "3\tthree\tx,y"]
    assert notes.lines("list", "--tag", " Y ") == ["2\ttwo\ty", "3\tthree\tx,y"]
    assert notes.ok("list", "--tag", "zzz") == ""
    assert notes.fail("list", "--tag", "no way") == "error: invalid tag: no way"


def test_tags_command_counts(notes):
    notes.ok("add", "a", "--tag", "work", "--tag", "urgent")
    notes.ok("add", "b", "--tag", "work")
    notes.ok("add", "c", "--tag", "home")
    notes.ok("untag", "1", "urgent")
    assert notes.lines("tags") == ["home\t1", "work\t2"]


def test_edit_title_body_and_validation(notes):
    notes.ok("add", "Draft", "--body", "old text", "--tag", "w")
    assert notes.ok("edit", "1", "--title", "  Final  ") == "updated 1\n"
    assert notes.ok("show", "1") == "id: 1\ntitle: Final\ntags: w\n\nold text\n"
    assert notes.ok("edit", "1", "--body", "new text") == "updated 1\n"
    assert notes.ok("edit", "1", "--title", "Both", "--body", "") == "updated 1\n"
    assert notes.ok("show", "1") == "id: 1\ntitle: Both\ntags: w\n"
    assert notes.fail("edit", "1") == "error: nothing to change"
    assert notes.fail("edit", "1", "--title", " ") == "error: invalid title"
    assert notes.lines("list") == ["1\tBoth\tw"]


# --- search ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    builder = Notes(base / "corpus.db", base, in_process=True)
    builder.ok("add", "Shopping list", "--body", "milk, eggs and bread", "--tag", "home")
    builder.ok("add", "Meeting notes", "--body", "Discussed the database migration plan", "--tag", "work")
    builder.ok("add", "Caf\u00e9 ideas", "--body", "Try the oat milk latte", "--tag", "home", "--tag", "food")
    builder.ok("add", "Databases", "--body", "SQLite full-text search with FTS5", "--tag", "work")
    builder.ok("add", "Milk run", "--body", "nothing else")
    return base / "corpus.db"


@pytest.fixture
def corpus(notes, corpus_db):
    copy_db(corpus_db, notes.db)
    return notes


def ids(lines):
    return [int(line.split("\t")[0]) for line in lines]


def test_search_single_word_in_title_or_body_case_insensitive(corpus):
    assert ids(corpus.lines("search", "milk")) == [1, 3, 5]
    assert ids(corpus.lines("search", "MILK")) == [1, 3, 5]
    assert corpus.lines("search", "migration") == ["2\tMeeting notes\twork"]


def test_search_words_are_anded(corpus):
    assert ids(corpus.lines("search", "milk eggs")) == [1]
    assert ids(corpus.lines("search", "milk latte")) == [3]
    assert corpus.ok("search", "milk migration") == ""


def test_search_phrase_prefix_or_not(corpus):
    assert ids(corpus.lines("search", '"oat milk"')) == [3]
    assert corpus.ok("search", '"milk oat"') == ""
    assert ids(corpus.lines("search", "data*")) == [2, 4]
    assert ids(corpus.lines("search", "eggs OR latte")) == [1, 3]
    assert ids(corpus.lines("search", "milk NOT eggs")) == [3, 5]
    assert ids(corpus.lines("search", "(eggs OR sqlite) AND (bread OR fts5)")) == [1, 4]


def test_search_column_filter(corpus):
    assert ids(corpus.lines("search", "title:milk")) == [5]
    assert ids(corpus.lines("search", "body:milk")) == [1, 3]


def test_search_ignores_diacritics_and_does_not_index_tags(corpus):
    assert ids(corpus.lines("search", "cafe")) == [3]
    assert ids(corpus.lines("search", "caf\u00e9")) == [3]
    assert corpus.ok("search", "home") == ""
    assert corpus.ok("search", "food") == ""


def test_search_with_tag_filter(corpus):
    assert ids(corpus.lines("search", "milk", "--tag", "home")) == [1, 3]
    assert ids(corpus.lines("search", "milk", "--tag", "FOOD")) == [3]
    assert corpus.ok("search", "milk", "--tag", "work") == ""
    assert corpus.fail("search", "milk", "--tag", "bad tag") == "error: invalid tag: bad tag"


def test_search_sees_edits_and_deletions(corpus):
    corpus.ok("edit", "1", "--body", "apples and pears")
    assert ids(corpus.lines("search", "milk")) == [3, 5]
    assert ids(corpus.lines("search", "pears")) == [1]
    corpus.ok("edit", "5", "--title", "Errand")
    assert corpus.ok("search", "title:milk") == ""
    assert corpus.lines("search", "errand") == ["5\tErrand\t"]
    corpus.ok("delete", "3")
    assert corpus.ok("search", "latte") == ""
    assert corpus.ok("search", "milk") == ""
    corpus.ok("add", "Fresh milk")
    assert corpus.lines("search", "milk") == ["6\tFresh milk\t"]


def test_search_results_reflect_current_tags(corpus):
    corpus.ok("tag", "4", "Reading")
    assert corpus.lines("search", "fts5") == ["4\tDatabases\treading,work"]


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "milk AND", "(milk"])
def test_invalid_search_query(corpus, query):
    assert corpus.fail("search", query) == "error: invalid search query"


# --- end to end through `python -m notes` -----------------------------------------


def test_end_to_end_subprocess_workflow(notes_proc):
    n = notes_proc
    assert n.ok("add", "Caf\u00e9 list", "--body", "oat milk\nbeans", "--tag", "Home") == "added 1\n"
    assert n.ok("add", "Work log", "--body", "deployed FTS5 search", "--tag", "work") == "added 2\n"
    assert n.ok("list") == "1\tCaf\u00e9 list\thome\n2\tWork log\twork\n"
    assert n.ok("show", "1") == "id: 1\ntitle: Caf\u00e9 list\ntags: home\n\noat milk\nbeans\n"
    assert n.ok("search", "cafe OR deploy*") == "1\tCaf\u00e9 list\thome\n2\tWork log\twork\n"
    assert n.ok("tag", "2", "Urgent") == "2\tWork log\turgent,work\n"
    assert n.ok("tags") == "home\t1\nurgent\t1\nwork\t1\n"
    assert n.ok("edit", "1", "--body", "tea") == "updated 1\n"
    assert n.ok("search", "milk") == ""
    assert n.ok("delete", "2") == "deleted 2\n"
    assert n.ok("list") == "1\tCaf\u00e9 list\thome\n"


def test_subprocess_errors_and_exit_codes(notes_proc):
    n = notes_proc
    assert n.fail("show", "3") == "error: no note with id 3"
    assert n.fail("add", "x", "--tag", "no good") == "error: invalid tag: no good"
    assert n.fail("search", '"open') == "error: invalid search query"
    assert n.run("list", db=False).returncode == 2
    assert n.run("frobnicate").returncode == 2
    assert n.run("show", "one").returncode == 2
    assert n.ok("list") == ""


def test_usage_errors_exit_2(notes):
    for args in (["frobnicate"], ["show"], ["show", "one"], ["delete", "1.5"], ["tag", "1"], ["add"], ["untag"]):
        proc = notes.run(*args)
        assert proc.returncode == 2, args
        assert proc.stdout == ""
    assert notes.run("list", db=False).returncode == 2


def test_state_persists_and_databases_are_separate(notes, tmp_path):
    notes.ok("add", "First", "--tag", "a")
    other = tmp_path / "data" / "other.db"
    proc = notes.run("--db", str(other), "list", db=False)
    assert proc.returncode == 0 and proc.stdout == ""
    assert notes.run("--db", str(other), "add", "Elsewhere", db=False).stdout == "added 1\n"
    assert notes.lines("list") == ["1\tFirst\ta"]
