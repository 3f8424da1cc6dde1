"""Every raw SQL statement ``reader/core`` runs, outside the frozen migrations in ``store.py``.

The ordinary reads and writes go through the peewee models (``store.py``) and peewee's query
builder.  What is here stays SQL because a benchmark shows the builder's cost, or a construct it
cannot express, matters there; each statement names that benchmark in a one-line comment
(``tests/benchmarks/``).  Measured on the 2-core machine: one statement built and run by peewee
costs 72 µs (an ``INSERT OR IGNORE`` into ``label``) and 167 µs (the writer's article-by-key
``SELECT``) against 5 µs and 6 µs for these prepared strings; the writer runs about a dozen per
stored article, at ~1 ms per article in ``bench_library.py``'s bulk store, so the builder would
more than halve its rate.  The search fragments are composed per query by ``search.py``'s
compiler, in a shape (FTS5 ``MATCH``, ``rowid`` joins, driven ``IN`` lists, bounded counts)
the builder has no model for.

A module of constants only: it imports nothing, so both the query compiler (``search.py``) and
the library's rooms (``reader.core.library``) read it without an import circle.
"""

from __future__ import annotations

# --- the import writer: one batch, per stored article ----------------------------------------

# bench_library.py: import, 10,000 posts (posts/s): one per file of the batch
SOURCE_FILE_FAILED = (
    "INSERT OR REPLACE INTO source_file(path, size, mtime_ns, content_hash, key, error) "
    "VALUES (?, ?, ?, NULL, NULL, ?)"
)
# bench_library.py: import, 10,000 posts (posts/s): one per file of the batch
SOURCE_FILE_STORED = (
    "INSERT OR REPLACE INTO source_file(path, size, mtime_ns, content_hash, key, error) "
    "VALUES (?, ?, ?, ?, ?, NULL)"
)
# bench_library.py: import, 10,000 posts (posts/s): per article
ARTICLE_BY_KEY = (
    "SELECT id, content_hash, path, quality, sort_key, title, text, published FROM article WHERE key = ?"
)
# bench_library.py: re-scan of the unchanged archive (files/s): a moved file's new path
ARTICLE_MOVED = "UPDATE article SET path = ? WHERE id = ?"
# bench_library.py: import, 10,000 posts (posts/s): per article
SORT_KEY_TOP = "SELECT max(sort_key) FROM article WHERE sort_key >= ? AND sort_key < ?"
# bench_library.py: import, 10,000 posts (posts/s): a second holding more than 2,048 articles
SORT_KEY_TAKEN = "SELECT 1 FROM article WHERE sort_key = ?"
# bench_library.py: import, 10,000 posts (posts/s): an updated article's old labels
LABELS_DELETE = "DELETE FROM label WHERE article_id = ?"
# bench_library.py: import, 10,000 posts (posts/s): an updated article's old links
LINKS_DELETE = "DELETE FROM article_security WHERE article_id = ?"
# bench_library.py: import, 10,000 posts (posts/s): an updated article
ARTICLE_UPDATE = (
    "UPDATE article SET title=?, published=?, utc_offset=?, sort_key=?, source=?, url=?, "
    "summary=?, categories=?, tags=?, html=?, text=?, word_count=?, char_count=?, "
    "warnings=?, content_hash=?, path=?, quality=?, updated_at=? WHERE id=?"
)
# bench_library.py: import, 10,000 posts (posts/s): per new article
ARTICLE_INSERT = (
    "INSERT INTO article(key, title, published, utc_offset, sort_key, source, url, summary, "
    "categories, tags, html, text, word_count, char_count, warnings, content_hash, path, "
    "quality, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# bench_library.py: import, 10,000 posts (posts/s): per category and tag of an article
LABEL_INSERT = "INSERT OR IGNORE INTO label(article_id, kind, name) VALUES (?, ?, ?)"
# bench_library.py: import, 10,000 posts (posts/s): per security an article links
LINK_INSERT = (
    "INSERT OR IGNORE INTO article_security(article_id, security_id, position, published) "
    "VALUES (?, ?, ?, ?)"
)
# bench_library.py: import, 10,000 posts (posts/s): a new link counted into its security's totals
# (an INSERT trigger instead halved the store rate with foreign keys on: see store.py, migration 3)
COUNT_LINK = (
    "INSERT INTO security_total(security_id, articles, first_seen, last_seen) VALUES (?, 1, ?, ?) "
    "ON CONFLICT(security_id) DO UPDATE SET articles = articles + 1, "
    "first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen), "
    "last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)"
)
# bench_library.py: import, 10,000 posts (posts/s): per security an article links
SECURITY_BY_SECID = "SELECT id, name, names, name_published FROM security WHERE secid = ?"
# bench_library.py: import, 10,000 posts (posts/s): a security seen for the first time
SECURITY_INSERT = (
    "INSERT INTO security(secid, market, code, name, names, name_published) VALUES (?,?,?,?,?,?)"
)
# bench_library.py: import, 10,000 posts (posts/s): a security under a new name
SECURITY_RENAME = "UPDATE security SET name = ?, names = ?, name_published = ? WHERE id = ?"
# bench_library.py: import, 10,000 posts (posts/s): per new article, user data waiting for it
PENDING_ENTRY = "SELECT value FROM meta WHERE key = ?"

# bench_library.py: import, 10,000 posts (posts/s): a new article's one copy.  A plain INSERT:
# "OR REPLACE" on this table (its foreign key cascades) opens a statement savepoint, which makes
# FTS5 flush its pending index entries at every article: it doubled the writer's time (measured)
COPY_ADD = (
    "INSERT INTO article_copy(path, article_id, key, content_hash, title, published, "
    "utc_offset, url, categories, tags, secids, chars, quality, warnings, charts) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# bench_library.py: import, 10,000 posts (posts/s): a copy joining or changed (a story met again)
COPY_PUT = (
    "INSERT OR REPLACE INTO article_copy(path, article_id, key, content_hash, title, published, "
    "utc_offset, url, categories, tags, secids, chars, quality, warnings, charts) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# bench_library.py: import, 10,000 posts (posts/s): a stored story met again, its copies
COPIES_OF = (
    "SELECT path, key, content_hash, title, published, utc_offset, url, categories, tags, secids, "
    "chars, quality, warnings, charts FROM article_copy WHERE article_id = ?"
)
# bench_library.py: import, 10,000 posts (posts/s): a copy whose file is gone
COPY_DELETE = "DELETE FROM article_copy WHERE path = ?"
# bench_library.py: import, 10,000 posts (posts/s): a gone copy's file, forgotten
SOURCE_FILE_DELETE = "DELETE FROM source_file WHERE path = ?"
# bench_library.py: re-scan of the unchanged archive (files/s): the copies of stories held twice
SHARED_COPIES = (
    "SELECT path, article_id FROM article_copy WHERE article_id IN "
    "(SELECT article_id FROM article_copy GROUP BY article_id HAVING count(*) > 1)"
)
# bench_library.py: import, 10,000 posts (posts/s): a story whose richest copy kept its body
ARTICLE_UPDATE_SHARED = (
    "UPDATE article SET title=?, published=?, utc_offset=?, sort_key=?, url=?, categories=?, tags=?, "
    "warnings=?, updated_at=? WHERE id=?"
)
# bench_library.py: import, 10,000 posts (posts/s): the article of a gone copy's story
ARTICLE_BY_ID = (
    "SELECT id, content_hash, path, quality, sort_key, title, text, published FROM article WHERE id = ?"
)

# --- the full-text index (FTS5 commands and a contentless table: no peewee model) -------------

# bench_library.py: import, 10,000 posts (posts/s): per stored article
FTS_INSERT = "INSERT INTO article_fts(rowid, uni, bi) VALUES (?, ?, ?)"
# bench_library.py: import, 10,000 posts (posts/s): an updated article's old index entry
FTS_DELETE = "INSERT INTO article_fts(article_fts, rowid, uni, bi) VALUES ('delete', ?, ?, ?)"
# bench_library.py: search at 100,000 articles (first page), after the import's merge
FTS_OPTIMIZE = "INSERT INTO article_fts(article_fts) VALUES ('optimize')"
# bench_import_gaps.py: the merge after a large import, in steps of about this many pages (a
# negative count merges every segment, as 'optimize' does), each its own short transaction: the
# window's writes wait one step (~0.1 s), not the whole merge (3.0 s at 10,000 posts)
FTS_MERGE_STEP = "INSERT INTO article_fts(article_fts, rank) VALUES ('merge', -1000)"
# bench_library.py: import, 10,000 posts: a bulk import does not merge the index as it goes
# (it is merged once at the end): the writer's index work 0.49 -> 0.36 ms/post of CPU
FTS_AUTOMERGE = "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', ?)"
# bench_library.py: import, 10,000 posts: whether a bulk import left merging off (cut short)
FTS_AUTOMERGE_NOW = "SELECT v FROM article_fts_config WHERE k = 'automerge'"
# bench_library.py: import, 10,000 posts: a rebuild re-indexes every article like an import
FTS_DELETE_ALL = "INSERT INTO article_fts(article_fts) VALUES ('delete-all')"
# bench_library.py: import, 10,000 posts: a rebuild reads every stored text, in id slices
FTS_REBUILD_SLICE = "SELECT id, sort_key, title, text FROM article WHERE id > ? ORDER BY id LIMIT 2000"

# --- queries: ids, the list's rows, search pages ---------------------------------------------

# bench_gui.py: a new filter's list at 1M (the list's sort orders; ties newest first)
LIST_ORDERS = {
    "published": "a.sort_key",
    "title": "a.title COLLATE NOCASE",
    "source": "a.source COLLATE NOCASE",
}
# bench_library.py: search at 100,000 articles (first page): the planner's bounded count
PLAN_ESTIMATE = "SELECT count(*) FROM ({estimate} LIMIT {limit})"
# bench_library.py: search at 100,000 articles (first page): the planner's size of the library
MAX_ARTICLE_ID = "SELECT max(id) FROM article"
# bench_gui.py: resident memory after scrolling at 1M: a helper thread's connection keeps a small
# page cache of its own (the list's queries and row prefetch filled 32 MB with article pages)
SMALL_CACHE = "PRAGMA cache_size = -8000"
# bench_gui.py: a new filter's list and scrolling to the end at 1M (rows per page)
ROWS = (
    "SELECT id, key, title, published, utc_offset, source, bookmarked, read FROM article "
    "WHERE id IN ({marks})"
)
# bench_gui.py: a new filter's list and scrolling to the end at 1M (rows per page)
ROWS_SECURITIES = (
    "SELECT s.article_id, sc.secid, sc.name FROM article_security s "
    "JOIN security sc ON sc.id = s.security_id WHERE s.article_id IN ({marks}) "
    "ORDER BY s.article_id, s.position"
)
# bench_gui.py: a new filter's list and scrolling to the end at 1M (rows per page)
ROWS_USER_TAGS = (
    "SELECT aut.article_id, t.name FROM article_user_tag aut JOIN user_tag t ON t.id = aut.tag_id "
    "WHERE aut.article_id IN ({marks}) ORDER BY t.name"
)
# bench_library.py: search at 100,000 articles (first page): the page's texts for snippets
SEARCH_PAGE = "SELECT id, key, title, published, utc_offset, text FROM article WHERE id IN ({marks})"

# --- the query compiler's fragments (search.py composes them per query) ----------------------

# bench_library.py: search at 100,000 articles (first page): text terms lead
FTS_LEAD = (
    "SELECT {select} FROM article_fts JOIN article a ON a.sort_key = article_fts.rowid "
    "WHERE article_fts MATCH ?"
)
# bench_library.py: search at 100,000 articles (word + is:bookmarked, word + tag:): a filter's
# candidates probed in order, a slice at a time, until the page is full
FTS_PROBE_SLICE = "SELECT rowid FROM article_fts WHERE article_fts MATCH ? AND rowid IN ({marks})"
# bench_library.py: search at 100,000 articles (word + is:bookmarked): the planner's sample of
# the newest articles, for how common the text is
NEWEST_SORT_KEY_AT = "SELECT sort_key FROM article ORDER BY sort_key DESC LIMIT 1 OFFSET ?"
# bench_library.py: search at 100,000 articles (word + is:bookmarked): the text's matches among
# the newest articles (the planner's sample)
FTS_COUNT_FROM = "SELECT count(*) FROM article_fts WHERE article_fts MATCH ? AND rowid >= ?"
# bench_library.py: search at 100,000 articles (first page): filters only, newest first
ARTICLES_LEAD = "SELECT {select} FROM article a WHERE 1"
# bench_library.py: search at 100,000 articles (first page): text probed per filtered article
FTS_PROBE = "EXISTS (SELECT 1 FROM article_fts WHERE article_fts MATCH ? AND article_fts.rowid = a.sort_key)"
# bench_library.py: query_ids totals at 100,000 articles: excluded text in one pass
FTS_EXCLUDED = "a.sort_key NOT IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)"
# bench_library.py: search at 100,000 articles (word + tag:): user tags that may lead
TAG_IDS_USER = (
    "SELECT aut.article_id FROM article_user_tag aut JOIN user_tag t ON t.id = aut.tag_id "
    "WHERE t.name = ? COLLATE NOCASE"
)
# bench_library.py: search at 100,000 articles (word + tag:): archive tags that may lead
TAG_IDS_ARCHIVE = "SELECT article_id FROM label WHERE kind = 't' AND name = ? COLLATE NOCASE"
# bench_library.py: search at 100,000 articles (word + tag:): checked per article
TAG_CHECK = (
    "EXISTS (SELECT 1 FROM article_user_tag aut JOIN user_tag t ON t.id = aut.tag_id "
    "WHERE aut.article_id = a.id AND t.name = ? COLLATE NOCASE) OR EXISTS (SELECT 1 FROM label l "
    "WHERE l.article_id = a.id AND l.kind = 't' AND l.name = ? COLLATE NOCASE)"
)
# bench_library.py: search at 100,000 articles (word + cat:): a category that may lead
CATEGORY_IDS = "SELECT article_id FROM label WHERE kind = 'c' AND name = ? COLLATE NOCASE"
# bench_library.py: search at 100,000 articles (word + cat:): checked per article
CATEGORY_CHECK = (
    "EXISTS (SELECT 1 FROM label l WHERE l.article_id = a.id AND l.kind = 'c' "
    "AND l.name = ? COLLATE NOCASE)"
)
# bench_library.py: search at 100,000 articles (filtered queries): checked per article
SOURCE_CHECK = "a.source = ? COLLATE NOCASE"
# bench_library.py: search at 100,000 articles (filtered queries): a source that may lead
SOURCE_IDS = "SELECT id FROM article WHERE source = ? COLLATE NOCASE"
# bench_library.py: search at 100,000 articles (word + is:unread + after:): a date bound
BEFORE_CHECK = "a.sort_key < ?"
# bench_library.py: search at 100,000 articles (word + is:unread + after:): a date bound
AFTER_CHECK = "a.sort_key >= ?"
# bench_library.py: search at 100,000 articles (filtered queries): checked per article
KEY_CHECK = "a.key = ?"
# bench_library.py: search at 100,000 articles (filtered queries): a key that may lead
KEY_IDS = "SELECT id FROM article WHERE key = ?"
# bench_library.py: search at 100,000 articles (security (sec:600519)): links that may lead
SECURITY_IDS = "SELECT article_id FROM article_security WHERE security_id IN ({marks})"
# bench_scale.py: search at 1M, security by name (sec:贵州茅台) and with a word (sec:600519.SH
# 白酒): one security's links newest first from its (security_id, published) index, a page
# stopping after its rows (the newest-first scan probed ~9,000 articles per page at 1M)
SECURITY_LEAD = (
    "SELECT {select} FROM article_security s CROSS JOIN article a ON a.id = s.article_id "
    "WHERE s.security_id = ?"
)
# bench_scale.py: search at 1M, security by name: the lead's order, the page's (sort_key is
# published * 2048 + n; published is kept on each link by a trigger)
SECURITY_LEAD_ORDER = "s.published DESC, a.sort_key DESC"
# bench_library.py: search at 100,000 articles (security (sec:600519)): checked per article
SECURITY_CHECK = (
    "EXISTS (SELECT 1 FROM article_security s WHERE s.article_id = a.id AND s.security_id IN ({marks}))"
)
# bench_scale.py: search at 1M, a bare code (600519): its text, or a link to the security
CODE_CHECK = FTS_PROBE + " OR " + SECURITY_CHECK
# bench_scale.py: search at 1M, a bare code (600519) alone: its text matches newest first, one
# of two streams merged for a page (sorting the union of text and links: 35 ms at 1M)
CODE_TEXT_STREAM = "SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rowid DESC"
# bench_scale.py: search at 1M, a bare code (600519) alone: its security's links newest first
# (the timeline index; published then sort_key is the sort_key order), the other stream
CODE_LINK_STREAM = (
    "SELECT a.sort_key FROM article_security s CROSS JOIN article a ON a.id = s.article_id "
    "WHERE s.security_id = ? ORDER BY s.published DESC, a.sort_key DESC"
)
# bench_scale.py: search at 1M, a bare code (600519) alone: the merged page's ids
IDS_BY_SORT_KEY = "SELECT sort_key, id FROM article WHERE sort_key IN ({marks})"
# bench_scale.py: search at 1M, a bare code (600519): the matches that may lead
CODE_DRIVE = "a.sort_key IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?) OR a.id IN ({ids})"
# bench_scale.py: search at 1M, a bare code (600519): the planner's bounded count
CODE_ESTIMATE = "SELECT rowid FROM article_fts WHERE article_fts MATCH ? UNION ALL {ids}"
# bench_library.py: search at 100,000 articles (is:bookmarked): checked per article
BOOKMARKED_CHECK = "a.bookmarked = 1"
# bench_library.py: search at 100,000 articles (is:bookmarked): the bookmarks that may lead
BOOKMARKED_IDS = "SELECT id FROM article WHERE bookmarked = 1"
# bench_library.py: search at 100,000 articles (is:unread): checked per article
READ_CHECK = "a.read = {read}"
# bench_library.py: search at 100,000 articles (is:unread): the articles that may lead
READ_IDS = "SELECT id FROM article WHERE read = {read}"
# bench_library.py: search at 100,000 articles (filtered queries): tagged articles that may lead
TAGGED_IDS = "SELECT DISTINCT article_id FROM article_user_tag"
# bench_library.py: search at 100,000 articles (filtered queries): checked per article
TAGGED_CHECK = "EXISTS (SELECT 1 FROM article_user_tag aut WHERE aut.article_id = a.id)"
# bench_library.py: search at 100,000 articles (filtered queries): watched articles that may lead
WATCHED_IDS = (
    "SELECT s.article_id FROM article_security s JOIN security sc ON sc.id = s.security_id "
    "JOIN watch w ON w.secid = sc.secid"
)
# bench_library.py: search at 100,000 articles (filtered queries): checked per article
WATCHED_CHECK = (
    "EXISTS (SELECT 1 FROM article_security s JOIN security sc ON sc.id = s.security_id "
    "JOIN watch w ON w.secid = sc.secid WHERE s.article_id = a.id)"
)

# --- securities: totals, timeline, co-mentions -----------------------------------------------

# bench_gui.py: securities panel, fill it and a filter keystroke (tens of thousands of rows)
SECURITY_COLUMNS = (
    "sc.id, sc.secid, sc.market, sc.code, sc.name, sc.names, coalesce(t.articles, 0), t.first_seen, "
    "t.last_seen, EXISTS(SELECT 1 FROM watch w WHERE w.secid = sc.secid)"
)
# bench_gui.py: securities panel, fill it and a filter keystroke (tens of thousands of rows)
SECURITY_ROWS = (
    "SELECT " + SECURITY_COLUMNS + " FROM security sc JOIN security_total t ON t.security_id = sc.id "
    "WHERE t.articles > 0 {cond} ORDER BY {order}"
)
# bench_gui.py: securities panel, fill it (its sort orders)
SECURITY_ORDERS = {
    "articles": "t.articles DESC, t.last_seen DESC",
    "name": "sc.name COLLATE NOCASE",
    "recent": "t.last_seen DESC",
}
# bench_gui.py: securities panel, a filter keystroke
SECURITY_ROWS_FILTER = (
    "AND (sc.secid LIKE ? OR sc.code LIKE ? OR sc.name LIKE ? OR sc.names LIKE ? "
    "OR ? LIKE '%' || sc.code || '%')"
)
# bench_gui.py: securities panel, fill it (the same columns for one security)
SECURITY_ONE = (
    "SELECT " + SECURITY_COLUMNS + " FROM security sc LEFT JOIN security_total t "
    "ON t.security_id = sc.id WHERE sc.id = ?"
)
# bench_gui.py: choose a security: list + timeline (ms)
TIMELINE = (
    "SELECT (s.published + ?) / 86400 AS day, count(*) FROM article_security s "
    "JOIN security sc ON sc.id = s.security_id WHERE sc.secid = ? GROUP BY day ORDER BY day"
)
# bench_gui.py: choose a security: list + timeline (ms), the co-mentions beside it
CO_MENTIONS = (
    "SELECT o.secid, o.name, count(*) AS n FROM "
    "(SELECT s.article_id, s.security_id FROM article_security s JOIN security sc ON sc.id = s.security_id "
    " WHERE sc.secid = ? ORDER BY s.published DESC LIMIT ?) s "
    "JOIN article_security t ON t.article_id = s.article_id AND t.security_id != s.security_id "
    "JOIN security o ON o.id = t.security_id "
    "GROUP BY o.id ORDER BY n DESC, o.name LIMIT ?"
)

# --- trending: what moved on one day, from the stored per-security mention times --------------

# bench_scale.py: trending at 1M (one day): the day's count per security, through the day's
# articles (sort_key = published * 2048 + n: an index range) and their links (primary key)
TRENDING_DAY_COUNTS = (
    "SELECT s.security_id, count(*) FROM article a "
    "JOIN article_security s ON s.article_id = a.id "
    "WHERE a.sort_key >= ? AND a.sort_key < ? GROUP BY s.security_id"
)
# bench_scale.py: trending at 1M (one day): one security's links in a window, counted on the
# (security_id, published) index alone
TRENDING_WINDOW_COUNT = (
    "SELECT count(*) FROM article_security WHERE security_id = ? AND published >= ? AND published < ?"
)
# bench_scale.py: trending at 1M (one day): a listed security's mentions per day (its sparkline)
TRENDING_DAILY = (
    "SELECT (published + ?) / 86400 AS day, count(*) FROM article_security "
    "WHERE security_id = ? AND published >= ? AND published < ? GROUP BY day"
)
# bench_scale.py: trending at 1M (one day): a listed security's newest headlines of the day
TRENDING_HEADLINES = (
    "SELECT a.key, a.title FROM article_security s JOIN article a ON a.id = s.article_id "
    "WHERE s.security_id = ? AND s.published >= ? AND s.published < ? "
    "ORDER BY s.published DESC, a.sort_key DESC LIMIT ?"
)
# bench_scale.py: trending at 1M (one day): the listed securities' names and watch marks
TRENDING_SECURITIES = (
    "SELECT sc.id, sc.secid, sc.market, sc.code, sc.name, "
    "EXISTS(SELECT 1 FROM watch w WHERE w.secid = sc.secid) FROM security sc WHERE sc.id IN ({marks})"
)
# bench_scale.py: trending at 1M (one day): the day's stories and their categories
TRENDING_STORIES = (
    "SELECT key, title, categories, source FROM article WHERE sort_key >= ? AND sort_key < ? "
    "ORDER BY sort_key DESC"
)
# bench_scale.py: trending at 1M (one day): the newest day with articles, and the days around it
NEWEST_BEFORE = "SELECT max(sort_key) FROM article WHERE sort_key < ?"
# bench_scale.py: trending at 1M (one day): the next day with articles
OLDEST_FROM = "SELECT min(sort_key) FROM article WHERE sort_key >= ?"
