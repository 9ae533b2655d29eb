#!/usr/bin/env python3
"""Peers of innograph's search benchmark (benches/search.rs): Python jieba,
Whoosh with jieba's ChineseAnalyzer, SQLite FTS5 over jieba tokens.

Reads what `cargo bench --bench search` wrote into BENCH_DIR:
  csl-docs.jsonl        the CSL papers once (id, title, abstract); a
                        document's text is title + "\\n" + abstract, and its
                        size in bytes is that of title and abstract in UTF-8,
                        exactly as in the bench
  csl-queries.txt       the 46 CSL queries, one per line (words separated by
                        spaces)
  csl-bench.json        the bench's copy counts: `repeat` (part 1, enough
                        copies for 20 MB) and `query_copies` (the index
                        queried over HTTP, 4 copies = 8,000 documents)
  innograph-search.json innograph's figures of that run, printed beside these

and measures, one thread, dictionary load outside every figure:
  jieba    `jieba.cut_for_search(text)` (HMM on, as jieba-rs
           `cut_for_search(text, true)` in the bench) over `--copies` copies
  whoosh   Whoosh index: `id` ID stored, `title` STORED, `body` TEXT (with
           positions) analysed by `jieba.analyse.ChineseAnalyzer` (jieba search
           mode, lower case, English stop words and stemming); one writer,
           `limitmb=256`, `procs=1`; `commit()` (with its merge) included
  fts5     SQLite FTS5: `body` = the jieba `cut_for_search` tokens joined by
           spaces, in a contentless table (`content=''`,
           `tokenize='unicode61'`) beside a plain table of ids and titles,
           one transaction, then FTS5 'optimize'; segmentation included

Indexing: build time, MB/s, docs/s, index bytes and index bytes per text byte,
over `--copies` copies (default: the bench's `repeat`). Whoosh can be given
fewer copies with `--whoosh-copies` (rates stay comparable).

Queries: on an index of `query_copies` copies (the size innograph serves over
HTTP in the bench), every query once to warm up, then `--rounds` rounds
round-robin, top 10 by each engine's default ranking, the stored titles of the
hits read. All the words of a query are required, as in innograph:
  whoosh   `QueryParser("body", schema)` with its default `AndGroup`; each
           space-separated word goes through the same ChineseAnalyzer, and the
           several tokens of one word are ANDed as well (`神经网络` →
           And(神经, 网络, 神经网, 神经网络)); `searcher.search(q, limit=10)`
  fts5     each word cut by `jieba.cut_for_search`, every distinct token
           quoted and ANDed (implicit AND), `ORDER BY rank` (BM25) `LIMIT 10`,
           titles joined from the plain table
Query parsing and segmentation are inside the timings. Neither peer counts
all matches or facets, which innograph's responses include.

Install: pip install jieba whoosh    (sqlite3 with FTS5 ships with Python)
Run:     python3 benches/peers/search_peers.py [--dir DIR] [--peers jieba,whoosh,fts5]
             [--copies N] [--whoosh-copies N] [--rounds N] [--runs N]
"""

import argparse
import json
import math
import os
import shutil
import sqlite3
import sys
import tempfile
import time

DEFAULT_DIR = os.environ.get("BENCH_DIR", "/tmp/innograph-bench-search")
PEERS = ["jieba", "whoosh", "fts5"]
LIMIT = 10


def log(message):
    print(f"[search peers] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def load_data(bench_dir):
    def path(name):
        p = os.path.join(bench_dir, name)
        if not os.path.isfile(p):
            sys.exit(f"{p} is missing: run `cargo bench --bench search` first (BENCH_DIR={bench_dir})")
        return p

    with open(path("csl-docs.jsonl"), encoding="utf-8") as f:
        papers = [json.loads(line) for line in f if line.strip()]
    with open(path("csl-queries.txt"), encoding="utf-8") as f:
        queries = [line.strip() for line in f if line.strip()]
    with open(path("csl-bench.json"), encoding="utf-8") as f:
        config = json.load(f)
    figures = None
    figures_path = os.path.join(bench_dir, "innograph-search.json")
    if os.path.isfile(figures_path):
        with open(figures_path, encoding="utf-8") as f:
            figures = json.load(f)
    return papers, queries, config, figures


class Corpus:
    """The papers repeated `copies` times, as (id, title, text) triples."""

    def __init__(self, papers, copies):
        self.papers = papers
        self.copies = copies
        self.once_bytes = sum(len(p["title"].encode()) + len(p["abstract"].encode()) for p in papers)
        self.texts = [p["title"] + "\n" + p["abstract"] for p in papers]

    @property
    def docs(self):
        return len(self.papers) * self.copies

    @property
    def text_bytes(self):
        return self.once_bytes * self.copies

    def __iter__(self):
        for copy in range(self.copies):
            for paper, text in zip(self.papers, self.texts):
                doc_id = paper["id"] if copy == 0 else f"{paper['id']}-copy{copy}"
                yield doc_id, paper["title"], text


def dir_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


# ---------------------------------------------------------------- formatting


def display_width(text):
    width = 0
    for c in text:
        o = ord(c)
        wide = (
            0x1100 <= o <= 0x115F
            or 0x2E80 <= o <= 0x303E
            or 0x3041 <= o <= 0x33FF
            or 0x3400 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7A3
            or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F
            or 0xFF00 <= o <= 0xFF60
            or 0xFFE0 <= o <= 0xFFE6
            or 0x20000 <= o <= 0x3FFFD
        )
        width += 2 if wide else 1
    return width


def print_table(headers, rows):
    """A Markdown table, padded for the terminal; columns after the first right-aligned."""
    widths = [max(3, display_width(h)) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))

    def line(cells):
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            pad = " " * max(0, width - display_width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        print("| " + " | ".join(out) + " |")

    line(headers)
    print("|" + "|".join(" " + ("-" * w if i == 0 else "-" * (w - 1) + ":") + " " for i, w in enumerate(widths)) + "|")
    for row in rows:
        line(row)


def fmt_count(n):
    return f"{int(n):,}"


def fmt_latency(seconds):
    micros = seconds * 1e6
    return f"{micros:.0f} µs" if micros < 1000 else f"{micros / 1000:.2f} ms"


def percentile(sorted_samples, p):
    """The same rank as the bench: ceil(n·p), at least 1."""
    n = len(sorted_samples)
    rank = min(max(math.ceil(n * p), 1), n)
    return sorted_samples[rank - 1]


# ---------------------------------------------------------------- measures


class Indexing:
    def __init__(self, name, corpus, times, index_bytes):
        self.name = name
        self.corpus = corpus
        self.best = min(times)
        self.worst = max(times)
        self.index_bytes = index_bytes

    def row(self):
        secs = self.best
        mb = self.corpus.text_bytes / 1e6
        return [
            self.name,
            "1",
            f"{self.corpus.copies} × {fmt_count(len(self.corpus.papers))} = {fmt_count(self.corpus.docs)}",
            f"{secs:.2f} s",
            f"{self.worst:.2f} s",
            f"{mb / secs:.2f}",
            fmt_count(self.corpus.docs / secs),
            "–" if self.index_bytes is None else f"{self.index_bytes / 1e6:.1f} MB",
            "–" if self.index_bytes is None else f"{self.index_bytes / self.corpus.text_bytes:.2f}",
        ]

    def mb_per_s(self):
        return self.corpus.text_bytes / 1e6 / self.best


class Latency:
    def __init__(self, name, docs, queries, rounds, samples, per_query, empty):
        self.name = name
        self.docs = docs
        self.queries = queries
        self.rounds = rounds
        self.samples = sorted(samples)
        self.per_query = per_query
        self.empty = empty

    def row(self):
        s = self.samples
        total = sum(s)
        return [
            self.name,
            f"{fmt_count(self.docs)} docs",
            f"{len(self.queries)} × {self.rounds}",
            fmt_latency(percentile(s, 0.5)),
            fmt_latency(percentile(s, 0.99)),
            fmt_latency(total / len(s)),
            fmt_latency(s[-1]),
            f"{len(s) / total:.0f}",
            str(len(self.empty)),
        ]

    def slowest(self, n=5):
        medians = sorted(
            ((percentile(sorted(samples), 0.5), q, hits) for q, (samples, hits) in self.per_query.items()),
            reverse=True,
        )
        return ", ".join(f"{q} {fmt_latency(m)} ({hits} hits)" for m, q, hits in medians[:n])


def time_queries(name, docs, queries, rounds, run):
    """`run(query)` returns the hits; each query once to warm up, then `rounds` rounds."""
    log(f"{name}: {len(queries)} queries × {rounds} rounds")
    per_query = {}
    empty = []
    for q in queries:
        hits = len(run(q))
        per_query[q] = ([], hits)
        if hits == 0:
            empty.append(q)
    samples = []
    clock = time.perf_counter
    for _ in range(rounds):
        for q in queries:
            started = clock()
            run(q)
            elapsed = clock() - started
            samples.append(elapsed)
            per_query[q][0].append(elapsed)
    return Latency(name, docs, queries, rounds, samples, per_query, empty)


def best_of(name, runs, step):
    """`step()` returns (seconds, index bytes); run `runs` times."""
    log(f"{name}: {runs} run(s)")
    times = []
    index_bytes = None
    for _ in range(runs):
        seconds, index_bytes = step()
        times.append(seconds)
        log(f"{name}: {seconds:.1f} s")
    return times, index_bytes


# jieba alone


def bench_jieba(corpus, runs):
    import jieba

    min_tokens = corpus.text_bytes // 30

    def step():
        started = time.perf_counter()
        tokens = 0
        for _doc_id, _title, text in corpus:
            tokens += len(list(jieba.cut_for_search(text)))
        elapsed = time.perf_counter() - started
        assert tokens > min_tokens, f"jieba produced only {tokens} tokens"
        return elapsed, None

    times, _ = best_of("jieba cut_for_search", runs, step)
    return Indexing("Python jieba `cut_for_search(text)`", corpus, times, None)


# Whoosh


def whoosh_build(corpus, path):
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import ID, STORED, TEXT, Schema

    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    started = time.perf_counter()
    schema = Schema(id=ID(stored=True), title=STORED, body=TEXT(analyzer=ChineseAnalyzer()))
    ix = index.create_in(path, schema)
    writer = ix.writer(limitmb=256, procs=1)
    for doc_id, title, text in corpus:
        writer.add_document(id=doc_id, title=title, body=text)
    writer.commit()
    elapsed = time.perf_counter() - started
    with ix.searcher() as searcher:
        assert searcher.doc_count() == corpus.docs, "Whoosh lost documents"
    return ix, elapsed, dir_bytes(path)


def bench_whoosh(corpus, query_corpus, queries, rounds, runs, work):
    from whoosh.qparser import QueryParser

    path = os.path.join(work, "whoosh")
    ix = None

    def step():
        nonlocal ix
        ix, seconds, size = whoosh_build(corpus, path)
        return seconds, size

    times, size = best_of(f"Whoosh build ({corpus.copies} copies)", runs, step)
    indexing = Indexing("Whoosh 2.7 + jieba `ChineseAnalyzer`", corpus, times, size)

    if query_corpus.copies != corpus.copies:
        log(f"Whoosh build of the query index ({query_corpus.copies} copies)")
        ix, _, _ = whoosh_build(query_corpus, path)
    parser = QueryParser("body", ix.schema)
    with ix.searcher() as searcher:

        def run(q):
            results = searcher.search(parser.parse(q), limit=LIMIT)
            return [hit["title"] for hit in results]

        latency = time_queries("Whoosh, in-process", query_corpus.docs, queries, rounds, run)
    return indexing, latency


# SQLite FTS5


def fts5_build(corpus, path):
    import jieba

    if os.path.exists(path):
        os.remove(path)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(body, content='', tokenize='unicode61')")
    with db:
        for rowid, (doc_id, title, text) in enumerate(corpus, start=1):
            db.execute("INSERT INTO docs(rowid, id, title) VALUES (?, ?, ?)", (rowid, doc_id, title))
            db.execute(
                "INSERT INTO fts(rowid, body) VALUES (?, ?)",
                (rowid, " ".join(jieba.cut_for_search(text))),
            )
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    elapsed = time.perf_counter() - started
    (count,) = db.execute("SELECT count(*) FROM docs").fetchone()
    assert count == corpus.docs, "SQLite lost documents"
    return db, elapsed, os.path.getsize(path)


def fts5_match(query):
    """Every distinct jieba search-mode token of every word, quoted; FTS5 ANDs them."""
    import jieba

    tokens = []
    for word in query.split():
        for token in jieba.cut_for_search(word):
            token = token.strip()
            if token and any(c.isalnum() for c in token) and token not in tokens:
                tokens.append(token)
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def bench_fts5(corpus, query_corpus, queries, rounds, runs, work):
    path = os.path.join(work, "fts5.sqlite")
    db = None

    def step():
        nonlocal db
        if db is not None:
            db.close()
        db, seconds, size = fts5_build(corpus, path)
        return seconds, size

    times, size = best_of(f"SQLite FTS5 build ({corpus.copies} copies)", runs, step)
    indexing = Indexing(f"SQLite {sqlite3.sqlite_version} FTS5 on jieba tokens", corpus, times, size)

    if query_corpus.copies != corpus.copies:
        log(f"SQLite FTS5 build of the query index ({query_corpus.copies} copies)")
        db.close()
        db, _, _ = fts5_build(query_corpus, path)
    sql = (
        "SELECT d.title FROM (SELECT rowid AS r, rank FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?) AS h "
        "JOIN docs d ON d.rowid = h.r ORDER BY h.rank"
    )

    def run(q):
        return [row[0] for row in db.execute(sql, (fts5_match(q), LIMIT))]

    latency = time_queries("SQLite FTS5, in-process", query_corpus.docs, queries, rounds, run)
    db.close()
    return indexing, latency


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", default=DEFAULT_DIR, help="the bench's BENCH_DIR (default %(default)s)")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset of " + ",".join(PEERS))
    parser.add_argument("--copies", type=int, help="copies of the papers to index (default: the bench's)")
    parser.add_argument("--whoosh-copies", type=int, help="copies for Whoosh's build (default: --copies)")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds of the queries (default 20)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each indexing step, best reported (default 1)")
    args = parser.parse_args()
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        sys.exit(f"unknown peer(s): {', '.join(unknown)}; expected some of {', '.join(PEERS)}")

    papers, queries, config, figures = load_data(args.dir)
    copies = max(1, args.copies or config["repeat"])
    corpus = Corpus(papers, copies)
    whoosh_corpus = Corpus(papers, max(1, args.whoosh_copies or copies))
    query_corpus = Corpus(papers, max(1, config["query_copies"]))
    runs = max(1, args.runs)
    rounds = max(1, args.rounds)

    import jieba

    jieba.setLogLevel(60)
    started = time.perf_counter()
    jieba.initialize()
    jieba_load = time.perf_counter() - started

    versions = [f"Python {sys.version.split()[0]}", f"jieba {jieba.__version__}"]
    if "whoosh" in peers:
        import whoosh

        versions.append("Whoosh " + ".".join(map(str, whoosh.__version__)))
    versions.append(f"SQLite {sqlite3.sqlite_version}")

    indexing = []
    latency = []
    work = tempfile.mkdtemp(prefix="innograph-search-peers-")
    try:
        if "jieba" in peers:
            indexing.append(bench_jieba(corpus, runs))
        if "whoosh" in peers:
            i, q = bench_whoosh(whoosh_corpus, query_corpus, queries, rounds, runs, work)
            indexing.append(i)
            latency.append(q)
        if "fts5" in peers:
            i, q = bench_fts5(corpus, query_corpus, queries, rounds, runs, work)
            indexing.append(i)
            latency.append(q)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("# search peers (benches/peers/search_peers.py)")
    print(f"{', '.join(versions)}; {os.cpu_count()} CPU(s); data from {args.dir}")
    print(f"\n## Indexing, one thread (CSL titles + abstracts, {corpus.once_bytes / 1e6:.2f} MB per copy)\n")
    print(
        f"rates from the best of {runs} run(s); jieba dictionary load (not in the figures): {jieba_load * 1e3:.0f} ms\n"
    )
    print_table(
        [
            "step",
            "threads",
            "documents",
            "best time",
            "worst time",
            "MB/s (best)",
            "docs/s",
            "index size",
            "index bytes / text byte",
        ],
        [row.row() for row in indexing],
    )
    if figures:
        rust = {row["step"]: row for row in figures["indexing"]}
        jieba_rs = next((r for s, r in rust.items() if s.startswith("jieba-rs")), None)
        if jieba_rs:
            print(
                f"\ninnograph's run in {args.dir} ({fmt_count(figures['docs'])} documents, "
                f"{figures['text_bytes'] / 1e6:.2f} MB): MB/s, and ratio to single-thread jieba-rs\n"
            )
            rows = []
            base = jieba_rs["mb_per_s"]
            for row in figures["indexing"]:
                rows.append([row["step"], row["threads"], f"{row['mb_per_s']:.2f}", f"{row['mb_per_s'] / base:.3f}"])
            for row in indexing:
                rows.append([row.name, "1", f"{row.mb_per_s():.2f}", f"{row.mb_per_s() / base:.3f}"])
            print_table(["step", "threads", "MB/s", "/ jieba-rs cut_for_search"], rows)

    if latency:
        print(f"\n## Query latency ({LIMIT} hits per query, one query at a time, one thread)\n")
        rows = [run.row() for run in latency]
        if figures:
            for run in figures["latency"]:
                if run["index"].startswith("CSL papers ×"):
                    rows.append(
                        [
                            f"innograph: {run['index']}",
                            run["entries"],
                            f"{run['queries']} × {run['samples'] // max(1, run['queries'])}",
                            fmt_latency(run["p50_ms"] / 1e3),
                            fmt_latency(run["p99_ms"] / 1e3),
                            fmt_latency(run["mean_ms"] / 1e3),
                            "–",
                            f"{1e3 / run['mean_ms']:.0f}",
                            "0",
                        ]
                    )
        meilisearch = "Meilisearch, HTTP (quoted, not measured here)"
        rows.append([meilisearch, "7,700 docs", "–", "≈ 1.1 ms", "≈ 2.5 ms", "–", "–", "–", "–"])
        print_table(
            ["engine", "documents", "queries × rounds", "p50", "p99", "mean", "max", "queries/s", "queries with no hit"],
            rows,
        )
        print()
        for run in latency:
            print(f"slowest queries by median, {run.name}: {run.slowest()}")
            if run.empty:
                print(f"queries with no hit, {run.name}: {', '.join(run.empty)}")


if __name__ == "__main__":
    main()
