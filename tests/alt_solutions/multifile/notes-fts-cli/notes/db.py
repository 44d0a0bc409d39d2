"""SQLite storage using an external-content FTS5 table kept in sync by triggers."""

import sqlite3
from contextlib import closing

from .model import Note, Problem

_DDL = [
    """CREATE TABLE IF NOT EXISTS note (
           id INTEGER PRIMARY KEY AUTOINCREMENT,
           title TEXT NOT NULL,
           body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tag (
           note INTEGER NOT NULL,
           name TEXT NOT NULL,
           UNIQUE (note, name))""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS note_index
           USING fts5(title, body, content='note', content_rowid='id')""",
    """CREATE TRIGGER IF NOT EXISTS note_ai AFTER INSERT ON note BEGIN
           INSERT INTO note_index(rowid, title, body) VALUES (new.id, new.title, new.body);
       END""",
    """CREATE TRIGGER IF NOT EXISTS note_ad AFTER DELETE ON note BEGIN
           INSERT INTO note_index(note_index, rowid, title, body)
               VALUES ('delete', old.id, old.title, old.body);
           DELETE FROM tag WHERE note = old.id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS note_au AFTER UPDATE ON note BEGIN
           INSERT INTO note_index(note_index, rowid, title, body)
               VALUES ('delete', old.id, old.title, old.body);
           INSERT INTO note_index(rowid, title, body) VALUES (new.id, new.title, new.body);
       END""",
]


class Database:
    def __init__(self, path):
        self._con = sqlite3.connect(path, isolation_level=None)
        with closing(self._con.cursor()) as cur:
            cur.execute("BEGIN")
            for stmt in _DDL:
                cur.execute(stmt)
            cur.execute("COMMIT")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()

    def _one(self, sql, args=()):
        return self._con.execute(sql, args).fetchone()

    def _tags(self, note_id):
        return [r[0] for r in self._con.execute("SELECT name FROM tag WHERE note = ?", (note_id,))]

    def load(self, note_id) -> Note:
        row = self._one("SELECT id, title, body FROM note WHERE id = ?", (note_id,))
        if row is None:
            raise Problem("no note with id %d" % note_id)
        return Note(row[0], row[1], row[2], self._tags(row[0]))

    def _notes(self, ids):
        return [self.load(i) for i in ids]

    def create(self, title, body, tags) -> int:
        self._con.execute("BEGIN")
        try:
            note_id = self._con.execute(
                "INSERT INTO note(title, body) VALUES (?, ?)", (title, body)).lastrowid
            for t in tags:
                self._con.execute("INSERT OR IGNORE INTO tag(note, name) VALUES (?, ?)", (note_id, t))
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")
        return note_id

    def all(self, tag=None):
        if tag is None:
            ids = [r[0] for r in self._con.execute("SELECT id FROM note ORDER BY id")]
        else:
            ids = [r[0] for r in self._con.execute(
                "SELECT note FROM tag WHERE name = ? ORDER BY note", (tag,))]
        return self._notes(ids)

    def update(self, note_id, title=None, body=None):
        note = self.load(note_id)
        self._con.execute(
            "UPDATE note SET title = ?, body = ? WHERE id = ?",
            (note.title if title is None else title, note.body if body is None else body, note_id))

    def remove(self, note_id):
        self.load(note_id)
        self._con.execute("DELETE FROM note WHERE id = ?", (note_id,))

    def retag(self, note_id, add=(), drop=()):
        self.load(note_id)
        for t in add:
            self._con.execute("INSERT OR IGNORE INTO tag(note, name) VALUES (?, ?)", (note_id, t))
        for t in drop:
            self._con.execute("DELETE FROM tag WHERE note = ? AND name = ?", (note_id, t))
        return self.load(note_id)

    def counts(self):
        return self._con.execute("SELECT name, count(*) FROM tag GROUP BY name ORDER BY name").fetchall()

    def find(self, query, tag=None):
        try:
            ids = [r[0] for r in self._con.execute(
                "SELECT rowid FROM note_index WHERE note_index MATCH ?", (query,))]
        except sqlite3.Error:
            raise Problem("invalid search query") from None
        ids.sort()
        notes = self._notes(ids)
        if tag is not None:
            notes = [n for n in notes if tag in n.tags]
        return notes
