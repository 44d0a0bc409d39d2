"""SQLite storage for notes: schema, queries and the FTS5 index."""

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS note_tags (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (note_id, tag)
);
CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(title, body);
"""


class NotFound(Exception):
    """No note with the given id."""


class BadQuery(Exception):
    """FTS5 rejected the search query."""


class Store:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA foreign_keys = ON")
        with self.conn:
            self.conn.executescript(SCHEMA)

    def close(self):
        self.conn.close()

    # -- helpers ------------------------------------------------------------------

    def _require(self, note_id):
        row = self.conn.execute("SELECT id FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise NotFound(note_id)

    def tags_of(self, note_id):
        rows = self.conn.execute(
            "SELECT tag FROM note_tags WHERE note_id = ? ORDER BY tag", (note_id,))
        return [r[0] for r in rows]

    def _rows(self, sql, params=()):
        return [(nid, title, self.tags_of(nid)) for nid, title in self.conn.execute(sql, params)]

    # -- commands -----------------------------------------------------------------

    def add(self, title, body, tags):
        with self.conn:
            cur = self.conn.execute("INSERT INTO notes (title, body) VALUES (?, ?)", (title, body))
            note_id = cur.lastrowid
            self.conn.execute(
                "INSERT INTO notes_fts (rowid, title, body) VALUES (?, ?, ?)", (note_id, title, body))
            self.conn.executemany(
                "INSERT OR IGNORE INTO note_tags (note_id, tag) VALUES (?, ?)",
                [(note_id, t) for t in tags])
        return note_id

    def get(self, note_id):
        row = self.conn.execute(
            "SELECT id, title, body FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise NotFound(note_id)
        return row[0], row[1], row[2], self.tags_of(note_id)

    def list(self, tag=None):
        if tag is None:
            return self._rows("SELECT id, title FROM notes ORDER BY id")
        return self._rows(
            "SELECT n.id, n.title FROM notes n JOIN note_tags t ON t.note_id = n.id "
            "WHERE t.tag = ? ORDER BY n.id", (tag,))

    def edit(self, note_id, title=None, body=None):
        _, old_title, old_body, _ = self.get(note_id)
        title = old_title if title is None else title
        body = old_body if body is None else body
        with self.conn:
            self.conn.execute("UPDATE notes SET title = ?, body = ? WHERE id = ?", (title, body, note_id))
            self.conn.execute(
                "UPDATE notes_fts SET title = ?, body = ? WHERE rowid = ?", (title, body, note_id))

    def delete(self, note_id):
        self._require(note_id)
        with self.conn:
            self.conn.execute("DELETE FROM note_tags WHERE note_id = ?", (note_id,))
            self.conn.execute("DELETE FROM notes_fts WHERE rowid = ?", (note_id,))
            self.conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    def add_tags(self, note_id, tags):
        self._require(note_id)
        with self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO note_tags (note_id, tag) VALUES (?, ?)",
                [(note_id, t) for t in tags])

    def remove_tags(self, note_id, tags):
        self._require(note_id)
        with self.conn:
            self.conn.executemany(
                "DELETE FROM note_tags WHERE note_id = ? AND tag = ?", [(note_id, t) for t in tags])

    def tag_counts(self):
        return self.conn.execute(
            "SELECT tag, COUNT(*) FROM note_tags GROUP BY tag ORDER BY tag").fetchall()

    def search(self, query, tag=None):
        sql = ("SELECT n.id, n.title FROM notes_fts f JOIN notes n ON n.id = f.rowid "
               "WHERE notes_fts MATCH ?")
        params = [query]
        if tag is not None:
            sql += " AND EXISTS (SELECT 1 FROM note_tags t WHERE t.note_id = n.id AND t.tag = ?)"
            params.append(tag)
        sql += " ORDER BY n.id"
        try:
            return self._rows(sql, params)
        except sqlite3.OperationalError as exc:
            raise BadQuery(str(exc)) from None
