"""SQLite's search index: what it holds for an appearance, and when it is written.

One token per character. FTS5's trigram tokenizer made every distinct three-character
string a term, and Chinese text has almost as many of those as characters; with one token
per character the vocabulary is a few thousand terms and an ingest appends to their lists.
A search word is the phrase of its characters, which FTS5 matches at consecutive positions,
so any substring is found, one and two characters included; punctuation is a token too, so
a word never matches across a "。". unicode61 splits only at spaces (and invisible format
characters), so the text gets a space between characters (`spaced_characters`, also a SQL
function on the store's connections).

Written once per transaction. FTS5 writes its pending terms out as a new segment whenever a
statement opens a savepoint, which every INSERT into appearances does (it fires triggers): an
index row written by a trigger became a segment of its own, merged again and again, three
times the cost of the same rows written together. So the triggers of migration 16 queue what
changed (appearance_chars_queue, in order), and `write_queued_texts` moves the queue into the
index in one statement just before the transaction commits: the index is current whenever
the transaction is, and a writer outside the store (a sqlite3 shell) leaves its changes
queued for the next transaction of the store.
"""

from __future__ import annotations

import sqlite3

SQL_FUNCTION = "search_characters"  # registered on every SQLite connection of the store
QUEUE = "appearance_chars_queue"


def spaced_characters(text: str | None) -> str:
    """`text` with a space between its characters: what the index tokenizes, and how a
    search word becomes the phrase of its characters."""
    return " ".join(text) if text else ""


def write_queued_texts(connection: sqlite3.Connection) -> None:
    """Index (op NULL) or un-index (op 'delete', with the text indexed before) the queued
    appearances in queue order, in one statement, and empty the queue."""
    connection.execute(
        f"INSERT INTO appearance_chars (appearance_chars, rowid, title, lead) SELECT op, appearance_id, "
        f"{SQL_FUNCTION}(title), {SQL_FUNCTION}(lead) FROM {QUEUE} ORDER BY seq")
    connection.execute(f"DELETE FROM {QUEUE}")
