"""The registry file as an embedded SQLite database (Python's ``sqlite3``, nothing to install).

One row per app in ``apps``; its scenarios, SDKs, permissions, fields, recipients,
flows, evidence and cell texts in tables of their own, keyed by ``app_id``, with
indexes on what the questions look up (app, field, recipient, scenario or SDK).
The document's text as the import read it is kept in ``documents`` so that
nothing after import opens the policy again. ``docs/registry-file.md`` describes
every table and the views (``flows_readable`` …) a person can browse with
``sqlite3`` or Datasette.

Why SQLite: a registry of a thousand apps is the normal case for an auditor, and
a question about one app must not read the other 999. Here a question loads one
app's rows through the ``app_id`` indexes (:class:`StoredPolicies` loads a policy
on first use), an import adds or replaces one app in one transaction (a killed
import leaves the previous registry as it was), WAL mode lets readers read while
a writer writes, and a second writer waits for the first (``busy_timeout``), then
fails with one line. The schema version is ``PRAGMA user_version``; an older
file is migrated forward on open (:data:`MIGRATIONS`), a newer one is refused.

>>> import tempfile, pathlib
>>> from registry import open_registry
>>> path = pathlib.Path(tempfile.mkdtemp()) / "registry.db"
>>> with writer(path) as w:
...     w.put(open_registry().policies["你我贷"])
>>> reg = open_database(path)
>>> reg.apps, len(reg.policies["你我贷"].flows)
(['你我贷'], 1154)
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from registry import stats
from registry.atomic import file_lock, lock_timeout, output_target
from registry.edges import fold_flows
from registry.errors import RegistryFileError
from registry.model import (
    SDK,
    Channel,
    Evidence,
    Field,
    Flow,
    Permission,
    Policy,
    Recipient,
    RecipientFact,
    RecipientKind,
    Registry,
    Scenario,
    Source,
    fact_from_dict,
    fact_to_dict,
)

MAGIC = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

SCHEMA_VERSION = 4
"""``PRAGMA user_version`` of the files this version writes."""

APPLICATION_ID = 0x53475247
"""``PRAGMA application_id`` ("SGRG"): tells a sharegraph registry from any other SQLite file."""

SCHEMA = """
CREATE TABLE apps (
    app_id      INTEGER PRIMARY KEY,
    app         TEXT NOT NULL UNIQUE,
    controller  TEXT,
    source_file TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    layout      TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '[]'   -- JSON list: what the import left out or guessed
);
CREATE TABLE documents (
    app_id INTEGER PRIMARY KEY REFERENCES apps(app_id),
    text   TEXT NOT NULL                      -- the document as the import decoded it
);
CREATE TABLE cell_texts (
    app_id  INTEGER NOT NULL REFERENCES apps(app_id),
    text_id INTEGER NOT NULL,
    text    TEXT NOT NULL,
    PRIMARY KEY (app_id, text_id)
) WITHOUT ROWID;
CREATE TABLE evidence (
    app_id      INTEGER NOT NULL REFERENCES apps(app_id),
    evidence_id INTEGER NOT NULL,
    file        TEXT NOT NULL,
    line        INTEGER NOT NULL,
    table_kind  TEXT NOT NULL,
    row         INTEGER NOT NULL,
    column_role TEXT NOT NULL,
    text_id     INTEGER NOT NULL,
    PRIMARY KEY (app_id, evidence_id)
) WITHOUT ROWID;
CREATE TABLE scenarios (
    app_id          INTEGER NOT NULL REFERENCES apps(app_id),
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    frequency       TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    data_text       TEXT NOT NULL,
    recipients_text TEXT NOT NULL,
    evidence_id     INTEGER,
    attributes      TEXT,                     -- JSON [[label, text], ...] or NULL
    PRIMARY KEY (app_id, position)
) WITHOUT ROWID;
CREATE TABLE sdks (
    app_id      INTEGER NOT NULL REFERENCES apps(app_id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    provider    TEXT NOT NULL,
    contact     TEXT NOT NULL,
    policy_url  TEXT NOT NULL,
    function    TEXT NOT NULL,
    need        TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    data_text   TEXT NOT NULL,
    fields      TEXT NOT NULL,                -- JSON list of canonical field names
    evidence_id INTEGER,
    attributes  TEXT,
    PRIMARY KEY (app_id, position)
) WITHOUT ROWID;
CREATE TABLE permissions (
    app_id      INTEGER NOT NULL REFERENCES apps(app_id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    platform    TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    can_disable TEXT NOT NULL,
    impact      TEXT NOT NULL,
    fields      TEXT NOT NULL,
    evidence_id INTEGER,
    PRIMARY KEY (app_id, position)
) WITHOUT ROWID;
CREATE TABLE fields (
    app_id       INTEGER NOT NULL REFERENCES apps(app_id),
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    category     TEXT,
    sensitive    INTEGER NOT NULL,            -- 0 or 1
    parent       TEXT,
    resolved     INTEGER NOT NULL,
    aliases_seen TEXT NOT NULL,               -- JSON list: the spellings the policy used
    PRIMARY KEY (app_id, position)
) WITHOUT ROWID;
CREATE TABLE recipients (
    app_id       INTEGER NOT NULL REFERENCES apps(app_id),
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,               -- company, brand, unnamed, onward, affiliate
    as_written   TEXT NOT NULL,               -- JSON list
    legal_entity TEXT,
    resolution   TEXT,
    onward_of    TEXT,
    contact      TEXT,
    facts        TEXT,                        -- JSON list of {kind, value, text, line, form, …} or NULL
    PRIMARY KEY (app_id, position)
) WITHOUT ROWID;
CREATE TABLE flows (
    flow_id              INTEGER PRIMARY KEY,
    app_id               INTEGER NOT NULL REFERENCES apps(app_id),
    field                TEXT NOT NULL,
    field_as_written     TEXT NOT NULL,
    channel              TEXT NOT NULL,       -- sharing or sdk
    via                  TEXT NOT NULL,       -- the scenario or SDK
    recipient            TEXT NOT NULL,
    recipient_as_written TEXT NOT NULL,
    purpose              TEXT NOT NULL,
    frequency            TEXT NOT NULL,
    evidence_id          INTEGER NOT NULL,
    implied_via          TEXT,
    recipient_line       INTEGER NOT NULL DEFAULT 0,
    form                 TEXT NOT NULL DEFAULT 'table',
    confidence           TEXT NOT NULL DEFAULT 'high',
    note                 TEXT NOT NULL DEFAULT '',
    qualifiers           TEXT                 -- JSON list or NULL
);
-- The flows folded into the lineage graph's edges (registry.edges), written with the flows: what
-- a question across apps reads instead of the flows and the policies around them.
CREATE TABLE flow_edges (                 -- a field flows into a scenario or SDK
    app_id           INTEGER NOT NULL REFERENCES apps(app_id),
    seq              INTEGER NOT NULL,    -- the order of each edge's first flow
    field            TEXT NOT NULL,
    channel          TEXT NOT NULL,
    via              TEXT NOT NULL,
    implied_via      TEXT,
    field_as_written TEXT NOT NULL,       -- as its first flow wrote it
    evidence_id      INTEGER NOT NULL,
    qualifiers       TEXT,                -- JSON list or NULL
    PRIMARY KEY (app_id, channel, via, seq)   -- a scenario's or SDK's fields sit together
) WITHOUT ROWID;
CREATE TABLE recipient_edges (            -- a scenario or SDK received by a recipient, or entrusted onward
    app_id      INTEGER NOT NULL REFERENCES apps(app_id),
    seq         INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    via         TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    onward_of   TEXT,                     -- NULL, or the recipient that entrusts this onward processor
    as_written  TEXT NOT NULL,
    line        INTEGER NOT NULL,
    fields      TEXT,                     -- JSON list: the fields it gets, if not all of the via's
    form        TEXT,                     -- how its flows were read, where not a plain table row
    confidence  TEXT,
    note        TEXT,
    PRIMARY KEY (app_id, channel, via, seq)
) WITHOUT ROWID;
-- Every field name the apps write, with how many apps write it so (kept by each import and removal,
-- never edited by hand): what a question across apps resolves its field names against, read in a
-- few hundred rows instead of every app's fields (registry.database.field_catalogue).
CREATE TABLE name_counts (
    kind  TEXT NOT NULL,                  -- field, group or granted
    name  TEXT NOT NULL,                  -- a field's name
    value TEXT NOT NULL,                  -- field: category (=…, or - for none), sensitive and resolved (0/1), split by U+001F;
                                          -- group: a group the field is in; granted: ''  (a permission collects it)
    apps  INTEGER NOT NULL,               -- how many apps write it so
    PRIMARY KEY (kind, name, value)
) WITHOUT ROWID;
-- Answers of one app computed when it is written, by the question layer (lineage.app_answers; never
-- edited by hand): a question across apps reads one row per app instead of every flow. Removed
-- with its app; a row of another version is ignored, and an app without one is answered from its flows.
CREATE TABLE app_answers (
    app_id   INTEGER NOT NULL REFERENCES apps(app_id),
    question TEXT NOT NULL,               -- the command it answers: sensitive-unnamed
    version  INTEGER NOT NULL,            -- the question layer's version of its rows
    rows     TEXT NOT NULL,               -- JSON list of the answer's rows for this app
    PRIMARY KEY (app_id, question)
) WITHOUT ROWID;
CREATE INDEX flow_edges_by_field ON flow_edges (field, implied_via);
CREATE INDEX recipient_edges_by_recipient ON recipient_edges (recipient);
CREATE INDEX flows_by_app ON flows (app_id);
CREATE INDEX scenarios_by_name ON scenarios (app_id, name, position, purpose, frequency);
CREATE INDEX sdks_by_name ON sdks (app_id, name, position, purpose, function);
-- (covering: the names of a thousand apps are read from the index, not the rows)
CREATE INDEX fields_by_name ON fields (name, category, sensitive, resolved, parent, app_id);
CREATE INDEX recipients_by_name ON recipients (name, kind, app_id);
CREATE INDEX recipients_by_kind ON recipients (kind);

CREATE VIEW flows_readable AS
SELECT a.app, f.field_as_written, f.field, f.implied_via AS in_group, f.recipient_as_written, f.recipient,
       CASE WHEN r.kind = 'company' THEN f.recipient ELSE r.legal_entity END AS legal_entity,
       r.kind AS recipient_kind, f.channel, f.via AS scenario_or_sdk, f.purpose, f.frequency,
       e.file, e.line, f.form, f.confidence, f.note
FROM flows f
JOIN apps a ON a.app_id = f.app_id
JOIN evidence e ON e.app_id = f.app_id AND e.evidence_id = f.evidence_id
LEFT JOIN recipients r ON r.app_id = f.app_id AND r.name = f.recipient;

CREATE VIEW recipients_readable AS
SELECT a.app, r.name AS recipient, r.kind, r.legal_entity, r.onward_of, r.contact,
       r.as_written, (SELECT count(*) FROM flows f WHERE f.app_id = r.app_id AND f.recipient = r.name) AS flows
FROM recipients r JOIN apps a ON a.app_id = r.app_id;

CREATE VIEW fields_readable AS
SELECT a.app, fl.name AS field, fl.category, fl.sensitive, fl.parent, fl.resolved, fl.aliases_seen
FROM fields fl JOIN apps a ON a.app_id = fl.app_id;

CREATE VIEW apps_summary AS
SELECT a.app, a.controller, a.source_file, a.imported_at, a.layout,
       (SELECT count(*) FROM flows f WHERE f.app_id = a.app_id) AS flows,
       (SELECT count(*) FROM scenarios s WHERE s.app_id = a.app_id) AS scenarios,
       (SELECT count(*) FROM sdks s WHERE s.app_id = a.app_id) AS sdks
FROM apps a;
"""

APP_TABLES = ("documents", "cell_texts", "evidence", "scenarios", "sdks", "permissions",
              "fields", "recipients", "flows", "flow_edges", "recipient_edges", "app_answers")

MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {}
"""``{from_version: step}``: what takes a file of that version to the next one, a SQL script
or a function of the connection (filled in below the readers it needs).

Version 1 is the first; when the schema changes, bump :data:`SCHEMA_VERSION` and
add the step here: :func:`connect` runs the steps in order, in one transaction."""


_OPENED: set[tuple[int, int]] = set()
"""Files this process has opened as databases, by (device, inode).

POSIX releases every lock a process holds on a file when it closes *any* descriptor of
that file; so once SQLite has a database open here, :func:`is_database` must not open it
to read its header (a killed writer elsewhere could then find the WAL unguarded)."""


def is_database(path: str | Path) -> bool:
    """True if ``path`` is an existing regular file that starts as a SQLite database does.

    Anything else (a FIFO, a device, a folder) is not opened: reading a FIFO would wait forever.
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        if (st.st_dev, st.st_ino) in _OPENED:
            return True  # never open and close a database this process holds: that drops its locks
        with open(path, "rb") as fh:
            return fh.read(16) == MAGIC
    except OSError:
        return False


def _fail(path: str | Path, e: sqlite3.Error) -> RegistryFileError:
    msg = str(e)
    if isinstance(e, sqlite3.OperationalError) and "locked" in msg:
        why = (f"another process is writing to it (SQLite: {msg}; the wait is up to "
               f"{lock_timeout():g} s, set by SHAREGRAPH_LOCK_TIMEOUT)")
    elif "malformed" in msg or "not a database" in msg or "disk image" in msg:
        why = f"not a readable registry database ({msg}: cut short or damaged?)"
    elif "readonly" in msg or "read-only" in msg:
        why = f"cannot write ({msg})"
    else:
        why = f"registry database error ({msg})"
    return RegistryFileError(f"{path}: {why}")


def connect(path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """A connection to the registry database at ``path``, its schema checked (and migrated).

    ``create=True`` makes a new file with the current schema if none is there. A file that
    is not a sharegraph registry, is damaged, or has a newer schema raises a one-line
    :class:`RegistryFileError`.
    """
    p = Path(path)
    exists = p.exists() and p.stat().st_size > 0
    if not exists and not create:
        raise RegistryFileError(f"{path}: no such registry file")
    if exists and not is_database(p):
        raise RegistryFileError(f"{path}: not a SQLite registry database")
    con = _open(p, path) if exists else None
    if create and (con is None or _unmade(con, path)):
        con = _create_under_lock(p, path, con)
    try:
        _check_schema(con, path)
        st = os.stat(p)
        _OPENED.add((st.st_dev, st.st_ino))
    except sqlite3.Error as e:
        con.close()
        raise _fail(path, e) from None
    except RegistryFileError:
        con.close()
        raise
    return con


def _open(p: Path, path: str | Path) -> sqlite3.Connection:
    """A connection with sharegraph's settings; errors are one line."""
    try:
        con = sqlite3.connect(p, timeout=lock_timeout(), isolation_level=None,
                              check_same_thread=False)
        con.execute("PRAGMA foreign_keys = OFF")
        # WAL with synchronous=NORMAL: a killed process never loses or corrupts a commit; only a
        # power cut may lose the last commits (never corrupt the file). Saves an fsync per commit.
        con.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as e:
        raise _fail(path, e) from None
    return con


def _unmade(con: sqlite3.Connection, path: str | Path) -> bool:
    """True if the database has no sharegraph application id yet (new, or being made)."""
    try:
        return con.execute("PRAGMA application_id").fetchone()[0] == 0
    except sqlite3.Error as e:
        con.close()
        raise _fail(path, e) from None


def _create_under_lock(p: Path, path: str | Path, con: sqlite3.Connection | None) -> sqlite3.Connection:
    """Give ``p`` the schema if it has none, holding the sidecar lock; opens it unless ``con``.

    Two processes may find no file at once. SQLite answers the second connection's switch to
    WAL with "database is locked" at once, without waiting for its busy timeout (seen in CI;
    128 of 300 races here), so creators take turns on :func:`registry.atomic.file_lock`
    instead, and the second finds the schema made and uses it.
    """
    with file_lock(p):
        con = con or _open(p, path)
        try:
            if os.path.getsize(p) == 0:
                con.execute("PRAGMA journal_mode = WAL")  # persistent: readers never block
            if con.execute("PRAGMA application_id").fetchone()[0] == 0:
                _create(con)  # a foreign database with tables is left as it is, and refused
        except sqlite3.Error as e:
            con.close()
            raise _fail(path, e) from None
    return con


def _create(con: sqlite3.Connection) -> None:
    """Give an empty file the schema, under the write lock; a file another writer filled is left."""
    con.execute("BEGIN IMMEDIATE")
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] == 0 and not _tables(con):
            for statement in _statements(SCHEMA):
                con.execute(statement)
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """The SQL statements of a script, one by one (``executescript`` would commit first)."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line.split("--", 1)[0] if "--" in line else line)
        candidate = "\n".join(buf).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            out.append(candidate)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_schema(con: sqlite3.Connection, path: str | Path) -> None:
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0 and not _tables(con):
        raise RegistryFileError(f"{path}: an empty SQLite database, no registry yet "
                                "(if an import is making it, try again when it is done)")
    if app_id != APPLICATION_ID:
        raise RegistryFileError(f"{path}: a SQLite database, but not a sharegraph registry "
                                "(no sharegraph application id)")
    if version > SCHEMA_VERSION:
        raise RegistryFileError(
            f"{path}: registry schema version {version} is newer than this sharegraph reads "
            f"({SCHEMA_VERSION}); upgrade sharegraph, or where it was made turn it into JSON "
            f"(sharegraph import {Path(path).name} -o registry.json) and import that")
    if version < SCHEMA_VERSION:
        _migrate(con, version, path)


def _migrate(con: sqlite3.Connection, version: int, path: str | Path) -> None:
    """Run the steps from ``version`` on, under the write lock.

    The version is read again once the lock is held: another process that opened the same
    old file at the same time may have migrated it while this one waited.
    """
    con.execute("BEGIN IMMEDIATE")
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise RegistryFileError(
                    f"{path}: registry schema version {version} has no migration to {SCHEMA_VERSION}; "
                    "turn it into JSON with the sharegraph that made it (sharegraph import FILE -o registry.json), "
                    "then import the JSON")
            if callable(step):
                step(con)
            else:
                for statement in _statements(step):
                    con.execute(statement)
            version += 1
            con.execute(f"PRAGMA user_version = {version}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# -- writing ---------------------------------------------------------------------------------

def _json(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False)


def _attrs(attributes: tuple[tuple[str, str], ...]) -> str | None:
    return _json([list(a) for a in attributes]) if attributes else None


def _has_facts_column(con: sqlite3.Connection) -> bool:
    """Whether the recipients table has the ``facts`` column: a schema-2 file written before the
    column was added has not (the writer adds it; the reader reads no facts from it)."""
    return "facts" in {r[1] for r in con.execute("PRAGMA table_info(recipients)")}


def _facts_json(facts: tuple[RecipientFact, ...]) -> str | None:
    """A recipient's facts as the ``recipients.facts`` column holds them (NULL when none)."""
    return _json([fact_to_dict(f) for f in facts]) if facts else None


class Writer:
    """One write transaction on a registry database: see :func:`writer`."""

    def __init__(self, con: sqlite3.Connection, path: str | Path) -> None:
        self.con = con
        self.path = path

    def apps(self) -> list[str]:
        """The apps stored in the database, sorted."""
        return [r[0] for r in self.con.execute("SELECT app FROM apps ORDER BY app")]

    def get(self, app: str) -> Policy | None:
        """The app's policy as stored (None if absent), read inside this transaction."""
        row = self.con.execute("SELECT app_id FROM apps WHERE app = ?", (app,)).fetchone()
        return None if row is None else _load_policy(self.con, row[0], self.path)

    def delete(self, app: str) -> bool:
        """Remove an app and all its rows; False if it was not there."""
        row = self.con.execute("SELECT app_id FROM apps WHERE app = ?", (app,)).fetchone()
        if row is None:
            return False
        _count_names(self.con, row[0], -1)
        for table in APP_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE app_id = ?", (row[0],))  # table names are ours (APP_TABLES), never data
        self.con.execute("DELETE FROM apps WHERE app_id = ?", (row[0],))
        return True

    def put(self, p: Policy) -> None:
        """Add ``p``, replacing any earlier policy of the same app."""
        self.delete(p.app)
        con = self.con
        s = p.source
        cur = con.execute(
            "INSERT INTO apps (app, controller, source_file, sha256, imported_at, encoding, layout, notes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (p.app, p.controller, s.file, s.sha256, s.imported_at, s.encoding, s.layout, _json(list(p.notes))))
        aid = cur.lastrowid
        text = getattr(p, "text", None)
        if text is not None:
            con.execute("INSERT INTO documents (app_id, text) VALUES (?, ?)", (aid, text))
        evidence: dict[int, int] = {}
        texts: dict[str, int] = {}
        ev_rows: list[tuple[Any, ...]] = []

        def ref(ev: Evidence | None) -> int | None:
            if ev is None:
                return None
            k = evidence.get(id(ev))
            if k is None:
                t = texts.setdefault(ev.text, len(texts))
                k = evidence[id(ev)] = len(ev_rows)
                ev_rows.append((aid, k, ev.file, ev.line, ev.table, ev.row, ev.column, t))
            return k

        con.executemany(
            "INSERT INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(aid, i, x.name, x.frequency, x.purpose, x.data_text, x.recipients_text, ref(x.evidence),
              _attrs(x.attributes)) for i, x in enumerate(p.scenarios)])
        con.executemany(
            "INSERT INTO sdks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(aid, i, x.name, x.provider, x.contact, x.policy_url, x.function, x.need, x.purpose, x.data_text,
              _json(list(x.fields)), ref(x.evidence), _attrs(x.attributes)) for i, x in enumerate(p.sdks)])
        con.executemany(
            "INSERT INTO permissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(aid, i, x.name, x.platform, x.purpose, x.can_disable, x.impact, _json(list(x.fields)),
              ref(x.evidence)) for i, x in enumerate(p.permissions)])
        con.executemany(
            "INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(aid, i, f.name, f.category, int(f.sensitive), f.parent, int(f.resolved), _json(list(f.aliases_seen)))
             for i, f in enumerate(p.fields)])
        if not _has_facts_column(con):
            con.execute("ALTER TABLE recipients ADD COLUMN facts TEXT")
        con.executemany(
            "INSERT INTO recipients (app_id, position, name, kind, as_written, legal_entity, resolution,"
            " onward_of, contact, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(aid, i, r.name, r.kind.value, _json(list(r.as_written)), r.legal_entity, r.resolution,
              r.onward_of, r.contact, _facts_json(r.facts)) for i, r in enumerate(p.recipients)])
        con.executemany(
            "INSERT INTO flows (app_id, field, field_as_written, channel, via, recipient, recipient_as_written,"
            " purpose, frequency, evidence_id, implied_via, recipient_line, form, confidence, note, qualifiers)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(aid, f.field, f.field_as_written, f.channel.value, f.via, f.recipient, f.recipient_as_written,
              f.purpose, f.frequency, ref(f.evidence), f.implied_via, f.recipient_line, f.form, f.confidence,
              f.note, _json(list(f.qualifiers)) if f.qualifiers else None) for f in p.flows])
        _put_edges(con, aid, p, ref)
        con.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ev_rows)
        con.executemany("INSERT INTO cell_texts VALUES (?, ?, ?)",
                        [(aid, i, t) for t, i in texts.items()])
        _count_names(con, aid, 1)
        _put_answers(con, self.path, aid)
        question, version = stats.STORED
        con.execute("INSERT INTO app_answers VALUES (?, ?, ?, ?)",
                    (aid, question, version, json.dumps(stats.app_counts(p), ensure_ascii=False, separators=(",", ":"))))


_APP_NAMES = """
SELECT 'field', name, CASE WHEN category IS NULL THEN '-' ELSE '=' || category END || char(31) || sensitive
       || char(31) || resolved FROM fields WHERE app_id = :a
UNION SELECT 'group', name, parent FROM fields WHERE app_id = :a AND parent IS NOT NULL
UNION SELECT 'group', field, implied_via FROM flow_edges WHERE app_id = :a AND implied_via IS NOT NULL
"""


def _app_names(con: sqlite3.Connection, app_id: int) -> set[tuple[str, str, str]]:
    """The ``(kind, name, value)`` rows of :data:`name_counts <SCHEMA>` one app writes."""
    out = set(con.execute(_APP_NAMES, {"a": app_id}))
    for (fields,) in con.execute("SELECT fields FROM permissions WHERE app_id = ?", (app_id,)):
        out.update(("granted", n, "") for n in _names(fields))
    return out


def _count_names(con: sqlite3.Connection, app_id: int, step: int) -> None:
    """Add (``step`` 1) or take away (-1) one app's names in ``name_counts``."""
    con.executemany("INSERT INTO name_counts VALUES (?, ?, ?, ?) ON CONFLICT (kind, name, value) "
                    "DO UPDATE SET apps = apps + excluded.apps", [(*k, step) for k in _app_names(con, app_id)])
    if step < 0:
        con.execute("DELETE FROM name_counts WHERE apps <= 0")


def _fill_name_counts(con: sqlite3.Connection) -> None:
    """Schema 2 → 3: ``name_counts``, counted from every app's rows."""
    if "name_counts" not in _tables(con):
        con.execute(next(st for st in _statements(SCHEMA) if st.startswith("CREATE TABLE name_counts")))
    con.execute("DELETE FROM name_counts")
    for (app_id,) in con.execute("SELECT app_id FROM apps").fetchall():
        _count_names(con, app_id, 1)


AnswerWriter = Callable[[sqlite3.Connection, "str | Path", int], list[tuple[str, int, str]]]
"""Given the connection, the file and an app just written (by ``app_id``, in the open
transaction), the ``(question, version, rows as JSON)`` of that app to store in ``app_answers``."""

ANSWER_WRITERS: list[AnswerWriter] = []
"""What computes the answers stored with each app written. The registry computes none itself:
the question layer adds its own when it is loaded (``lineage/__init__.py``). An app written
without them is answered from its flows."""


def _put_answers(con: sqlite3.Connection, path: str | Path, app_id: int) -> None:
    con.executemany("INSERT INTO app_answers VALUES (?, ?, ?, ?)",
                    [(app_id, *a) for w in ANSWER_WRITERS for a in w(con, path, app_id)])


def _add_app_answers(con: sqlite3.Connection) -> None:
    """Schema 3 → 4: ``app_answers``, computed for every app."""
    if "app_answers" not in _tables(con):
        con.execute(next(st for st in _statements(SCHEMA) if st.startswith("CREATE TABLE app_answers")))
    con.execute("DELETE FROM app_answers")
    for (app_id,) in con.execute("SELECT app_id FROM apps").fetchall():
        _put_answers(con, "", app_id)


def _put_edges(con: sqlite3.Connection, aid: int, p: Policy, ref: Callable[[Evidence], int | None]) -> None:
    """The edge tables of one app (:func:`registry.edges.fold_flows` of its policy)."""
    e = fold_flows(p)
    con.executemany(
        "INSERT INTO flow_edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(aid, i, x.field, x.channel, x.via, x.implied_via, x.as_written, ref(x.evidence),
          _json(list(x.qualifiers)) if x.qualifiers else None) for i, x in enumerate(e.flows)])

    def reading(r: dict[str, str]) -> tuple[str | None, str | None, str | None]:
        return r.get("form"), r.get("confidence"), r.get("note")

    rows: list[tuple[Any, ...]] = [
        (aid, i, r.channel, r.via, r.recipient, None, r.as_written, r.line,
         None if r.fields is None else _json(list(r.fields)), *reading(r.reading))
        for i, r in enumerate(e.received)]
    for o in e.entrusts:
        rows.extend((aid, len(rows), ch, via, o.onward, o.base, o.as_written, o.line,
                     None if fs is None else _json(list(fs)), *reading(o.reading))
                    for (ch, via), fs in o.vias.items())
    con.executemany("INSERT INTO recipient_edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@contextlib.contextmanager
def writer(path: str | Path) -> Iterator[Writer]:
    """One write transaction on the registry database at ``path`` (created if absent).

    Everything done in the block lands together on leaving it, or not at all (an
    exception, or the process killed, leaves the registry as it was). A second writer
    waits for the first up to ``SHAREGRAPH_LOCK_TIMEOUT`` seconds, then gets a one-line
    :class:`RegistryFileError`; readers are never blocked (WAL).
    """
    output_target(path)  # a folder, a device or a dangling link is refused before anything is written
    con = connect(path, create=True)
    try:
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise _fail(path, e) from None
        try:
            yield Writer(con, path)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        try:
            con.execute("COMMIT")
        except sqlite3.Error as e:
            raise _fail(path, e) from None
    finally:
        con.close()


def save_database(reg: Registry, path: str | Path) -> None:
    """Make the database at ``path`` hold exactly ``reg``'s apps, in one transaction.

    Apps whose policy was read from this same file and not replaced are left as they
    are; only added, replaced and removed apps are written.
    """
    stored = reg.policies if isinstance(reg.policies, StoredPolicies) else None
    same = stored is not None and stored.path.resolve() == Path(path).resolve()
    with writer(path) as w:
        wanted = set(reg.policies)
        for app in w.apps():
            if app not in wanted:
                w.delete(app)
        for app in sorted(wanted):
            if same and stored is not None and not stored.changed(app):
                continue
            w.put(reg.policies[app])


# -- reading ---------------------------------------------------------------------------------

def _names(x: str | None) -> tuple[str, ...]:
    if x is None:
        return ()
    v = json.loads(x)
    if type(v) is not list or any(type(i) is not str for i in v):
        raise ValueError("expected a JSON list of strings")
    return tuple(sys.intern(i) for i in v)


def _pairs(x: str | None) -> tuple[tuple[str, str], ...]:
    if x is None:
        return ()
    return tuple((str(a), str(b)) for a, b in json.loads(x))


_RECIPIENT_COLUMNS = "name, kind, as_written, legal_entity, resolution, onward_of, contact, facts"


def _recipient(row: tuple[Any, ...]) -> Recipient:
    """A Recipient from a row of :data:`_RECIPIENT_COLUMNS`."""
    n, k, aw, le, res, on, co, fa = row
    facts = () if fa is None else tuple(fact_from_dict(d) for d in json.loads(fa))
    return Recipient(sys.intern(n), RecipientKind(k), _names(aw), le, res, on, co, facts)


def _flow(row: tuple[Any, ...], evs: dict[int, Evidence]) -> Flow:
    """A Flow from a row of :data:`_FLOW_COLUMNS`, its evidence looked up in ``evs``."""
    intern = sys.intern
    f, fw, ch, via, r, rw, pu, fr, e, iv, rl, fo, cf, nt, qu = row
    return Flow(intern(f), intern(fw), Channel(ch), intern(via), intern(r), intern(rw), intern(pu), intern(fr),
                evs[e], None if iv is None else intern(iv), rl, intern(fo), intern(cf), nt, _names(qu))


def _load_policy(con: sqlite3.Connection, app_id: int, path: str | Path) -> Policy:
    try:
        return _build_policy(con, app_id)
    except sqlite3.Error as e:
        raise _fail(path, e) from None
    except (ValueError, TypeError, KeyError, IndexError) as e:
        app = con.execute("SELECT app FROM apps WHERE app_id = ?", (app_id,)).fetchone()
        raise RegistryFileError(f"{path}: app {app[0] if app else app_id!r}: a value the registry schema "
                                f"does not allow ({type(e).__name__}: {' '.join(str(e).split())[:120]})") from None


def _build_policy(con: sqlite3.Connection, app_id: int) -> Policy:
    intern = sys.intern
    q = con.execute
    (app, controller, file, sha, at, enc, layout, notes) = q(
        "SELECT app, controller, source_file, sha256, imported_at, encoding, layout, notes FROM apps "
        "WHERE app_id = ?", (app_id,)).fetchone()
    texts = dict(q("SELECT text_id, text FROM cell_texts WHERE app_id = ?", (app_id,)))
    evs = {k: Evidence(intern(f), line, intern(t), row, intern(c), texts[tid])
           for k, f, line, t, row, c, tid in q(
               "SELECT evidence_id, file, line, table_kind, row, column_role, text_id FROM evidence "
               "WHERE app_id = ?", (app_id,))}

    def ev(k: int | None) -> Evidence | None:
        return None if k is None else evs[k]

    doc = q("SELECT text FROM documents WHERE app_id = ?", (app_id,)).fetchone()
    kw: dict[str, Any] = {"text": doc[0]} if doc is not None and "text" in Policy.__dataclass_fields__ else {}
    return Policy(
        app=app, controller=controller, source=Source(file, sha, at, enc, layout), notes=_names(notes),
        scenarios=tuple(
            Scenario(n, fr, pu, dt, rt, ev(e), _pairs(a))  # type: ignore[arg-type]
            for n, fr, pu, dt, rt, e, a in q(
                "SELECT name, frequency, purpose, data_text, recipients_text, evidence_id, attributes "
                "FROM scenarios WHERE app_id = ? ORDER BY position", (app_id,))),
        sdks=tuple(
            SDK(n, pr, co, url, fn, need, pu, dt, _names(fs), ev(e), _pairs(a))
            for n, pr, co, url, fn, need, pu, dt, fs, e, a in q(
                "SELECT name, provider, contact, policy_url, function, need, purpose, data_text, fields, "
                "evidence_id, attributes FROM sdks WHERE app_id = ? ORDER BY position", (app_id,))),
        permissions=tuple(
            Permission(n, pl, pu, cd, im, _names(fs), ev(e))
            for n, pl, pu, cd, im, fs, e in q(
                "SELECT name, platform, purpose, can_disable, impact, fields, evidence_id FROM permissions "
                "WHERE app_id = ? ORDER BY position", (app_id,))),
        fields=tuple(
            Field(intern(n), cat, bool(se), par, bool(res), _names(al))
            for n, cat, se, par, res, al in q(
                "SELECT name, category, sensitive, parent, resolved, aliases_seen FROM fields "
                "WHERE app_id = ? ORDER BY position", (app_id,))),
        recipients=tuple(map(_recipient, q(
            f"SELECT {_RECIPIENT_COLUMNS if _has_facts_column(con) else _RECIPIENT_COLUMNS.replace(', facts', ', NULL')} "
            "FROM recipients WHERE app_id = ? ORDER BY position", (app_id,)))),
        flows=tuple(_flow(row, evs) for row in q(
            f"SELECT {_FLOW_COLUMNS} FROM flows WHERE app_id = ? ORDER BY flow_id", (app_id,))),
        **kw,
    )


def _add_edge_tables(con: sqlite3.Connection) -> None:
    """Schema 1 → 2: the edge tables, filled from each app's flows; indexes for the names; the
    recipients' facts column (NULL: a registry imported before they were read has none)."""
    if not _has_facts_column(con):
        con.execute("ALTER TABLE recipients ADD COLUMN facts TEXT")
    for index in ("flows_by_field", "flows_by_implied_via", "flows_by_recipient", "flows_by_via",
                  "fields_by_name", "recipients_by_name"):
        con.execute(f"DROP INDEX IF EXISTS {index}")  # our names, never data
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    for statement in _statements(SCHEMA):
        if statement.split()[2] not in have:   # CREATE TABLE|INDEX|VIEW <name> …
            con.execute(statement)
    for (app_id,) in con.execute("SELECT app_id FROM apps").fetchall():
        p = _build_policy(con, app_id)
        ids = {id(f.evidence): k for f, (k,) in zip(p.flows, con.execute(
            "SELECT evidence_id FROM flows WHERE app_id = ? ORDER BY flow_id", (app_id,)), strict=True)}
        _put_edges(con, app_id, p, lambda ev, ids=ids: ids[id(ev)])


MIGRATIONS[1] = _add_edge_tables
MIGRATIONS[2] = _fill_name_counts
MIGRATIONS[3] = _add_app_answers


class StoredPolicies(MutableMapping[str, Policy]):
    """The policies of a registry database, each read from disk the first time it is asked for.

    A :class:`~registry.model.Registry` whose ``policies`` is one of these answers a
    question about one app by reading that app's rows only. Adding or removing a
    policy changes this mapping, not the file, until :func:`save_database`.
    """

    def __init__(self, path: str | Path, con: sqlite3.Connection, *, ids: dict[str, int] | None = None) -> None:
        """``ids``: the apps to see, by name, if not all of the file's (read here otherwise)."""
        self.path = Path(path)
        self.con = con
        try:
            self._ids = dict(con.execute("SELECT app, app_id FROM apps")) if ids is None else dict(ids)
        except sqlite3.Error as e:
            raise _fail(path, e) from None
        self._loaded: dict[str, Policy] = {}
        self._changed: dict[str, Policy] = {}
        self._removed: set[str] = set()

    @property
    def as_on_disk(self) -> bool:
        """Whether no policy was set or removed in memory since opening."""
        return not self._changed and not self._removed

    def stored_answers(self, question: str, version: int) -> dict[str, Any]:
        """The answers of ``question`` stored with each app (``app_answers``, of ``version``),
        parsed, by app: of the apps as they are on disk (none set or removed in memory since).
        A row that is not JSON is left out (it is derived data: the app's own rows answer)."""
        try:
            rows = self.con.execute("SELECT a.app, x.rows FROM app_answers x JOIN apps a ON a.app_id = x.app_id "
                                    "WHERE x.question = ? AND x.version = ?", (question, version)).fetchall()
        except sqlite3.Error as e:
            raise _fail(self.path, e) from None
        out = {}
        for app, text in rows:
            if app not in self._changed and app not in self._removed:
                try:
                    out[app] = json.loads(text)
                except (TypeError, ValueError):
                    continue
        return out

    def changed(self, app: str) -> bool:
        """Whether ``app``'s policy was set in memory since opening (it is not on disk yet)."""
        return app in self._changed

    def copy(self) -> StoredPolicies:
        """Another view of the same file: changes to either do not show in the other."""
        out = StoredPolicies.__new__(StoredPolicies)
        out.path, out.con, out._ids, out._loaded = self.path, self.con, self._ids, self._loaded
        out._changed, out._removed = dict(self._changed), set(self._removed)
        return out

    def __getitem__(self, app: str) -> Policy:
        if app in self._changed:
            return self._changed[app]
        if app in self._removed or app not in self._ids:
            raise KeyError(app)
        p = self._loaded.get(app)
        if p is None:
            p = self._loaded[app] = _load_policy(self.con, self._ids[app], self.path)
        return p

    def __setitem__(self, app: str, policy: Policy) -> None:
        self._removed.discard(app)
        self._changed[app] = policy

    def __delitem__(self, app: str) -> None:
        if app not in self:
            raise KeyError(app)
        self._changed.pop(app, None)
        self._removed.add(app)

    def __contains__(self, app: object) -> bool:
        return app in self._changed or (app in self._ids and app not in self._removed)

    def __iter__(self) -> Iterator[str]:
        names = (set(self._ids) | set(self._changed)) - self._removed
        return iter(sorted(names))

    def __len__(self) -> int:
        return len((set(self._ids) | set(self._changed)) - self._removed)


def open_database(path: str | Path) -> Registry:
    """The registry at ``path``; each policy is read from disk when first used."""
    con = connect(path)
    return Registry(policies=StoredPolicies(path, con))  # type: ignore[arg-type]


# -- reading only the rows a cross-app question touches ---------------------------------------

_FLOW_COLUMNS = ("field, field_as_written, channel, via, recipient, recipient_as_written, purpose, frequency, "
                 "evidence_id, implied_via, recipient_line, form, confidence, note, qualifiers")


def placeholders(names: Iterable[Any]) -> tuple[str, list[Any]]:
    """``(?, ?, …)`` and its parameters, for ``x IN …``."""
    vals = list(names)
    return "(" + ", ".join("?" * len(vals)) + ")", vals


def field_catalogue(stored: StoredPolicies) -> dict[str, Any]:
    """Every field name of the registry, for resolving a name across apps without loading flows.

    ``fields``: one :class:`Field` per name (as the first app, by name, has it);
    ``groups``: (member, group) pairs the policies write (a field's parent, a flow's group);
    ``granted``: fields that permission rows give access to; ``spellings()``: (field, text
    as written) pairs, read on demand.
    """
    con = stored.con
    try:
        combos: dict[str, list[tuple[Any, ...]]] = {}
        groups: set[tuple[str, str]] = set()
        granted: set[str] = set()
        for kind, name, value in con.execute(
                "SELECT kind, name, value FROM name_counts WHERE kind IN ('field', 'group', 'granted')"):
            if kind == "field":
                category, sensitive, resolved = value.split("\x1f")
                combos.setdefault(name, []).append(
                    (name, category[1:] if category[:1] == "=" else None, int(sensitive), int(resolved)))
            elif kind == "group":
                groups.add((name, value))
            else:
                granted.add(name)
        differ = [n for n, rows in combos.items() if len(rows) > 1]
        if differ:  # apps disagree (rare): the first app's, by name, as the whole graph has it
            sql, params = placeholders(differ)
            for n, c, s, r, _ in con.execute(
                    "SELECT f.name, f.category, f.sensitive, f.resolved, min(a.app) FROM fields f "
                    f"JOIN apps a ON a.app_id = f.app_id WHERE f.name IN {sql} GROUP BY f.name", params):
                combos[n] = [(n, c, s, r)]
        fields = [Field(sys.intern(n), c, bool(s), None, bool(r)) for n, c, s, r in
                  (combos[n][0] for n in sorted(combos))]
    except sqlite3.Error as e:
        raise _fail(stored.path, e) from None

    def spellings() -> Iterator[tuple[str, str]]:
        yield from con.execute("SELECT DISTINCT field, field_as_written FROM flow_edges")

    return {"fields": fields, "groups": sorted(groups), "granted": sorted(granted), "spellings": spellings}
