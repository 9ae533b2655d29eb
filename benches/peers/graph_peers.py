#!/usr/bin/env python3
"""Peers of innograph's graph benchmark (benches/graph.rs): networkx, igraph, kuzu.

Reads what `cargo bench --bench graph` exported into BENCH_DIR:
  edges.tsv   one line per relation: from<TAB>to (entity indices)
  nodes.tsv   one line per entity index: index<TAB>id<TAB>kind<TAB>name<TAB>aliases
              (joined by \x1f)  (igraph-named only)
  edge_attrs.tsv  one line per relation, in the order of edges.tsv:
              kind<TAB>since (empty when undated)  (igraph-named only)
  pairs.tsv   the sampled linked pairs: from<TAB>to<TAB>innograph's length
  hubs.tsv    the 10 highest-degree entities: index<TAB>degree<TAB>id
  innograph-graph.json   innograph's figures (for the ratios)

and measures, for each library, in a fresh subprocess of its own (so that the
memory figures are its own):
  load      parse edges.tsv with numpy, then build the graph; RSS growth of the
            build (psutil) and the peak RSS of the process
  paths     shortest path per pair (networkx: bidirectional_shortest_path on an
            undirected Graph; igraph: get_shortest_path on an undirected Graph;
            kuzu: Cypher `-[* SHORTEST 1..6]->` over edges stored both ways),
            and the 5 shortest simple paths (networkx shortest_simple_paths,
            igraph get_k_shortest_paths); every answer's length is checked
            against innograph's
  2-hop     the full 2-hop neighbourhood of the same 10 hubs, median of 3
  PageRank  networkx with the stopping rule innograph uses (L1 change < 1e-6,
            at most 100 iterations), igraph's PRPACK, kuzu's page_rank

`igraph`, `networkx` and `kuzu` hold the integer topology only. `igraph-named`
holds the same data innograph holds in memory (not the profiles or the
evidence, which innograph leaves on disk): vertex attributes id, name, kind and
aliases (a list, None when there are none), edge attributes kind and since (a
string, None when undated), as a Python user would build them (kind and date
strings interned with sys.intern, as repeated values). It is written with
write_pickle, and Read_Pickle is then timed, and its RSS growth measured, in
fresh processes of their own (the counterpart of innograph loading graph.bin),
next to the same for a topology-only pickle. No queries are run on it.

Every loop is bounded by a time budget (the pairs are taken in order until it
runs out; the ratios compare innograph on the same prefix of pairs), and every
kuzu query by a timeout.

Install: pip install networkx igraph kuzu psutil scipy   (scipy: networkx's PageRank)
Run:     python3 benches/peers/graph_peers.py [--dir DIR] [--libs networkx,igraph,igraph-named,kuzu]
"""

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

DEFAULT_DIR = os.environ.get("BENCH_DIR", "/tmp/innograph-bench-graph")
LIBS = ["igraph", "igraph-named", "networkx", "kuzu"]
# the Python module each library needs
MODULES = {"networkx": "networkx", "igraph": "igraph", "igraph-named": "igraph", "kuzu": "kuzu"}


def log(message):
    print(f"[graph peers] {message}", file=sys.stderr, flush=True)


def rss():
    import psutil

    return psutil.Process().memory_info().rss


def peak_rss():
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def read_tsv_ints(path, columns):
    import numpy as np

    values = np.fromfile(path, dtype=np.int64, sep=" ")
    if values.size % columns:
        raise SystemExit(f"{path}: not {columns} integer columns")
    return values.reshape(-1, columns)


def read_hubs(path):
    hubs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            index, degree, ident = line.rstrip("\n").split("\t")
            hubs.append((int(index), int(degree), ident))
    return hubs


def summary(ms):
    """p50 (nearest rank), p99, mean, max of a list of milliseconds."""
    if not ms:
        return None
    s = sorted(ms)

    def pct(p):
        rank = max(1, min(len(s), math.ceil(p / 100 * len(s))))
        return s[rank - 1]

    return {"count": len(s), "p50_ms": pct(50), "p99_ms": pct(99), "mean_ms": statistics.fmean(s), "max_ms": s[-1]}


def timed_pairs(pairs, budget_s, run_one):
    """Runs `run_one(a, b)` -> length or None per pair until the budget is spent."""
    ms, lengths = [], []
    started = time.perf_counter()
    for a, b, *_ in pairs:
        if time.perf_counter() - started > budget_s:
            break
        t = time.perf_counter()
        length = run_one(int(a), int(b))
        ms.append((time.perf_counter() - t) * 1e3)
        lengths.append(length)
    return ms, lengths


def check_lengths(pairs, lengths, column):
    """Compares the peer's (shortest) path lengths with innograph's.

    column 2 of pairs.tsv: the length of innograph's k=1 answer; column 3: the
    shortest of innograph's k=5 answers. Returns counts of the peer's path
    being shorter, longer (or missing), and equal.
    """
    shorter = longer = same = 0
    for row, got in zip(pairs, lengths):
        want = row[column]
        if want < 0:
            continue  # innograph found none, or did not measure this pair
        if got == want:
            same += 1
        elif got is not None and (want < 0 or got < want):
            shorter += 1
        else:
            longer += 1
    return {"peer_shorter": shorter, "peer_longer_or_none": longer, "same": same}


# ---------------------------------------------------------------- one library per process


def run_one_library(lib, args):
    import numpy as np

    d = args.dir
    meta = json.load(open(os.path.join(d, "innograph-graph.json")))
    n = int(meta["entities"])
    result = {"lib": lib, "entities": n}
    rss_start = rss()
    t = time.perf_counter()
    edges = read_tsv_ints(os.path.join(d, "edges.tsv"), 2)
    result["parse_s"] = time.perf_counter() - t
    pairs = read_tsv_ints(os.path.join(d, "pairs.tsv"), 4).tolist()
    hubs = read_hubs(os.path.join(d, "hubs.tsv"))
    if edges.size and int(edges.max()) >= n:
        raise SystemExit("edges.tsv names an entity beyond innograph-graph.json's count: re-run the Rust bench")
    log(f"{lib}: {n} nodes, {len(edges)} edges parsed in {result['parse_s']:.2f} s")
    rss_parsed = rss()
    result["rss_parse_bytes"] = rss_parsed - rss_start

    if lib == "networkx":
        measure_networkx(result, n, edges, pairs, hubs, args, rss_parsed)
    elif lib == "igraph":
        measure_igraph(result, n, edges, pairs, hubs, args, rss_parsed)
    elif lib == "igraph-named":
        measure_igraph_named(result, n, edges, args, rss_parsed)
    elif lib == "kuzu":
        measure_kuzu(result, n, edges, pairs, hubs, args, rss_parsed)
    result["peak_rss_bytes"] = peak_rss()
    print(json.dumps(result), flush=True)


def time_paths(result, name, pairs, args, one, five):
    """Times `one` (the shortest path's length) over every pair and `five`
    (the shortest of 5 simple paths) over the first `--k5-pairs`, into
    `result["paths_k1"]` and `result["paths_k5"]`, lengths checked against
    innograph's."""
    ms, lengths = timed_pairs(pairs, args.path_budget, one)
    result["paths_k1"] = {"latency": summary(ms), "each_ms": ms, "lengths": check_lengths(pairs, lengths, 2)}
    log(f"{name}: k=1 on {len(ms)} pairs, p50 {summary(ms)['p50_ms']:.3f} ms")
    ms, shortest = timed_pairs(pairs[: args.k5_pairs], args.k5_budget, five)
    result["paths_k5"] = {"latency": summary(ms), "each_ms": ms, "lengths": check_lengths(pairs, shortest, 3)}
    if ms:
        log(f"{name}: k=5 on {len(ms)} pairs, p50 {summary(ms)['p50_ms']:.2f} ms")


def measure_networkx(result, n, edges, pairs, hubs, args, rss_parsed):
    import itertools

    import networkx as nx

    result["version"] = nx.__version__
    t = time.perf_counter()
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(edges[:, 0].tolist(), edges[:, 1].tolist()))
    result["build_s"] = time.perf_counter() - t
    result["rss_growth_bytes"] = rss() - rss_parsed
    result["edges_kept"] = G.number_of_edges()
    log(f"networkx: built in {result['build_s']:.2f} s ({G.number_of_edges()} edges after merging parallel ones)")

    def one(a, b):
        try:
            return len(nx.bidirectional_shortest_path(G, a, b)) - 1
        except nx.NetworkXNoPath:
            return None

    def five(a, b):
        found = list(itertools.islice(nx.shortest_simple_paths(G, a, b), 5))
        return min((len(p) - 1 for p in found), default=None)

    time_paths(result, "networkx", pairs, args, one, five)

    def two_hop(h):
        return len(nx.single_source_shortest_path_length(G, h, cutoff=2)) - 1

    result["expansion"] = expand(hubs, two_hop, args.expansion_budget)

    t = time.perf_counter()
    try:
        nx.pagerank(G, alpha=0.85, max_iter=100, tol=1e-6 / n)
        result["pagerank_note"] = "tol = 1e-6 / N (L1 change < 1e-6, as innograph)"
    except nx.PowerIterationFailedConvergence:
        result["pagerank_note"] = "did not converge in 100 iterations"
    result["pagerank_s"] = time.perf_counter() - t
    log(f"networkx: PageRank {result['pagerank_s']:.2f} s")


def measure_igraph(result, n, edges, pairs, hubs, args, rss_parsed):
    import igraph as ig

    result["version"] = ig.__version__
    t = time.perf_counter()
    g = ig.Graph(n=n, edges=edges, directed=False)
    result["build_s"] = time.perf_counter() - t
    result["rss_growth_bytes"] = rss() - rss_parsed
    result["edges_kept"] = g.ecount()
    log(f"igraph: built in {result['build_s']:.2f} s")

    def one(a, b):
        path = g.get_shortest_path(a, b)
        return len(path) - 1 if path else None

    def five(a, b):
        found = g.get_k_shortest_paths(a, b, k=5)
        return min((len(p) - 1 for p in found), default=None)

    time_paths(result, "igraph", pairs, args, one, five)

    def two_hop(h):
        return len(g.neighborhood(h, order=2)) - 1

    result["expansion"] = expand(hubs, two_hop, args.expansion_budget)

    t = time.perf_counter()
    g.pagerank(damping=0.85)
    result["pagerank_s"] = time.perf_counter() - t
    result["pagerank_note"] = "PRPACK (direct solve), multi-edges counted as innograph does"
    log(f"igraph: PageRank {result['pagerank_s']:.2f} s")


def read_nodes(path, n):
    """nodes.tsv as columns: ids, kinds (interned), names, aliases (a list, or None)."""
    ids, kinds, names, aliases = [], [], [], []
    with open(path, encoding="utf-8", newline="\n") as f:
        for at, line in enumerate(f):
            index, ident, kind, name, alias_text = line.rstrip("\n").split("\t")
            if int(index) != at:
                raise SystemExit(f"{path}: line {at + 1} is entity {index}, expected {at}")
            ids.append(ident)
            kinds.append(sys.intern(kind))
            names.append(name)
            aliases.append(alias_text.split("\x1f") if alias_text else None)
    if len(ids) != n:
        raise SystemExit(f"{path}: {len(ids)} entities, innograph-graph.json says {n}")
    return ids, kinds, names, aliases


def read_edge_attrs(path, m):
    """edge_attrs.tsv as columns: kinds and dates (interned; None when undated)."""
    kinds, since = [], []
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            kind, date = line.rstrip("\n").split("\t")
            kinds.append(sys.intern(kind))
            since.append(sys.intern(date) if date else None)
    if len(kinds) != m:
        raise SystemExit(f"{path}: {len(kinds)} relations, edges.tsv holds {m}: re-run the Rust bench")
    return kinds, since


# Loads a pickle in a fresh interpreter: RSS growth of Read_Pickle, its time,
# and the RSS growth once igraph's index of the `name` attribute is built
# (the first lookup by name builds it; innograph keeps id and name indexes).
LOAD_PICKLE = r"""
import gc, json, sys, time
import igraph, psutil


def high_water():
    # VmHWM, not ru_maxrss: ru_maxrss keeps the parent's peak across fork and exec
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM:"))


gc.collect()
process = psutil.Process()
before = process.memory_info().rss
t = time.perf_counter()
g = igraph.Graph.Read_Pickle(sys.argv[1])
seconds = time.perf_counter() - t
after = process.memory_info().rss
peak = high_water()
answer = {"load_s": seconds, "rss_growth_bytes": after - before, "peak_rss_bytes": peak,
          "vertices": g.vcount(), "edges": g.ecount(), "attributes": g.vs.attributes() + g.es.attributes()}
if "name" in g.vs.attributes():
    g.vs.find(name=g.vs[g.vcount() - 1]["name"])
    answer["rss_growth_with_name_index_bytes"] = process.memory_info().rss - before
print(json.dumps(answer))
"""


def load_pickle_fresh(path, runs):
    """Read_Pickle of `path` in `runs` fresh processes: median time, each run."""
    loads = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", LOAD_PICKLE, path], stdout=subprocess.PIPE, check=True)
        loads.append(json.loads(done.stdout.decode().strip().splitlines()[-1]))
    first = loads[0]
    return {
        "load_median_s": statistics.median(l["load_s"] for l in loads),
        "load_s": [l["load_s"] for l in loads],
        "rss_growth_median_bytes": int(statistics.median(l["rss_growth_bytes"] for l in loads)),
        "rss_growth_bytes": [l["rss_growth_bytes"] for l in loads],
        "rss_growth_with_name_index_bytes": first.get("rss_growth_with_name_index_bytes"),
        "peak_rss_bytes": max(l["peak_rss_bytes"] for l in loads),
        "vertices": first["vertices"],
        "edges": first["edges"],
        "attributes": first["attributes"],
        "pickle_bytes": os.path.getsize(path),
    }


def measure_igraph_named(result, n, edges, args, rss_parsed):
    """igraph holding the data innograph holds in memory; its pickle loaded
    in fresh processes, next to a topology-only pickle loaded the same way."""
    import igraph as ig

    result["version"] = ig.__version__
    t = time.perf_counter()
    ids, vertex_kinds, names, aliases = read_nodes(os.path.join(args.dir, "nodes.tsv"), n)
    edge_kinds, since = read_edge_attrs(os.path.join(args.dir, "edge_attrs.tsv"), len(edges))
    result["parse_attrs_s"] = time.perf_counter() - t
    log(f"igraph-named: attributes parsed in {result['parse_attrs_s']:.2f} s")

    t = time.perf_counter()
    g = ig.Graph(n=n, edges=edges, directed=False)
    g.vs["id"] = ids
    g.vs["name"] = names
    g.vs["kind"] = vertex_kinds
    g.vs["aliases"] = aliases
    g.es["kind"] = edge_kinds
    g.es["since"] = since
    result["build_s"] = time.perf_counter() - t
    # in this process the strings were already allocated by the parse; the
    # fresh-process pickle loads below are the figures to compare
    result["rss_growth_build_bytes"] = rss() - rss_parsed
    result["edges_kept"] = g.ecount()
    result["with_aliases"] = sum(1 for a in aliases if a)
    result["aliases"] = sum(len(a) for a in aliases if a)
    result["dated_edges"] = sum(1 for d in since if d is not None)
    result["distinct_since"] = len(set(since) - {None})
    log(f"igraph-named: built in {result['build_s']:.2f} s")
    del ids, vertex_kinds, names, aliases, edge_kinds, since

    named_path = os.path.join(args.dir, f"igraph-named-{n}.pickle")
    topology_path = os.path.join(args.dir, f"igraph-topology-{n}.pickle")
    t = time.perf_counter()
    g.write_pickle(named_path)
    result["pickle_write_s"] = time.perf_counter() - t
    del g
    ig.Graph(n=n, edges=edges, directed=False).write_pickle(topology_path)
    try:
        for key, label, path in (("named_load", "pickle", named_path),
                                 ("topology_load", "topology-only pickle", topology_path)):
            load = result[key] = load_pickle_fresh(path, args.load_runs)
            log(f"igraph-named: {label} {load['pickle_bytes'] / 1e6:.0f} MB, Read_Pickle "
                f"{load['load_median_s']:.2f} s, RSS growth {load['rss_growth_median_bytes'] / 2**20:.0f} MiB")
    finally:
        for path in (named_path, topology_path):
            if os.path.exists(path):
                os.remove(path)
    result["rss_growth_bytes"] = result["named_load"]["rss_growth_median_bytes"]


def measure_kuzu(result, n, edges, pairs, hubs, args, rss_parsed):
    import kuzu

    result["version"] = kuzu.__version__
    db_path = os.path.join(args.dir, f"kuzu-{n}.db")
    for path in (db_path, db_path + ".wal"):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    nodes_csv = os.path.join(args.dir, f"kuzu-nodes-{n}.csv")
    with open(nodes_csv, "w") as f:
        f.write("\n".join(map(str, range(n))))
        f.write("\n")
    # kuzu picks its reader by extension
    edges_csv = os.path.join(args.dir, "kuzu-edges.csv")
    if os.path.lexists(edges_csv):
        os.remove(edges_csv)
    os.symlink(os.path.join(args.dir, "edges.tsv"), edges_csv)

    t = time.perf_counter()
    db = kuzu.Database(db_path, buffer_pool_size=args.kuzu_buffer_gib << 30)
    conn = kuzu.Connection(db)
    conn.execute("CREATE NODE TABLE E(id INT64, PRIMARY KEY(id))")
    conn.execute("CREATE REL TABLE R(FROM E TO E)")
    conn.execute(f"COPY E FROM '{nodes_csv}' (header=false)")
    # both directions, so that directed patterns and PageRank see the
    # undirected graph innograph walks
    conn.execute(f"COPY R FROM '{edges_csv}' (delim='\t', header=false)")
    conn.execute(f"COPY R FROM (LOAD FROM '{edges_csv}' (delim='\t', header=false) RETURN column1, column0)")
    result["build_s"] = time.perf_counter() - t
    result["rss_growth_bytes"] = rss() - rss_parsed
    result["edges_kept"] = conn.execute("MATCH ()-[r:R]->() RETURN count(r)").get_next()[0] // 2
    result["disk_bytes"] = sum(os.path.getsize(p) for p in (db_path, db_path + ".wal") if os.path.isfile(p))
    log(f"kuzu: loaded in {result['build_s']:.2f} s")

    conn.set_query_timeout(args.kuzu_timeout_ms)
    timeouts = {"n": 0}
    shortest = "MATCH (a:E)-[r:R* SHORTEST 1..6]->(b:E) WHERE a.id = $s AND b.id = $t RETURN length(r)"

    def one(a, b):
        try:
            answer = conn.execute(shortest, {"s": a, "t": b})
        except RuntimeError:
            timeouts["n"] += 1
            return None
        return answer.get_next()[0] if answer.has_next() else None

    ms, lengths = timed_pairs(pairs, args.kuzu_budget, one)
    result["paths_k1"] = {
        "latency": summary(ms),
        "each_ms": ms,
        "lengths": check_lengths(pairs, lengths, 2),
        "timeouts": timeouts["n"],
    }
    if ms:
        log(f"kuzu: k=1 on {len(ms)} pairs, p50 {summary(ms)['p50_ms']:.2f} ms, {timeouts['n']} timeouts")

    two = "MATCH (a:E)-[:R*1..2]->(b:E) WHERE a.id = $h AND b.id <> $h RETURN count(DISTINCT b)"

    def two_hop(h):
        try:
            return conn.execute(two, {"h": h}).get_next()[0]
        except RuntimeError:
            return "timeout"

    result["expansion"] = expand(hubs, two_hop, args.expansion_budget)

    conn.set_query_timeout(args.kuzu_timeout_ms * 20)
    t = time.perf_counter()
    try:
        conn.execute("CALL project_graph('G', ['E'], ['R'])")
        conn.execute("CALL page_rank('G', maxIterations := 100) RETURN count(*)").get_next()
        result["pagerank_s"] = time.perf_counter() - t
        result["pagerank_note"] = "page_rank, at most 100 iterations, default tolerance"
    except RuntimeError as e:
        result["pagerank_note"] = f"failed: {e}"
    conn.close()
    db.close()
    for path in (db_path, db_path + ".wal", nodes_csv, edges_csv):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)


def expand(hubs, two_hop, budget_s):
    rows = []
    started = time.perf_counter()
    for index, degree, ident in hubs:
        if time.perf_counter() - started > budget_s:
            rows.append({"index": index, "skipped": True})
            continue
        times, size = [], None
        for _ in range(3):
            t = time.perf_counter()
            size = two_hop(index)
            times.append((time.perf_counter() - t) * 1e3)
            if time.perf_counter() - started > budget_s:
                break
        rows.append({"index": index, "median_ms": statistics.median(times), "runs": len(times), "nodes": size})
    return rows


# ---------------------------------------------------------------- orchestration and report


def fmt_ms(ms):
    if ms is None:
        return "–"
    if ms < 1:
        return f"{ms * 1000:.0f} µs"
    if ms < 1000:
        return f"{ms:.2f} ms"
    return f"{ms / 1000:.2f} s"


def fmt_mib(b):
    return "–" if b is None else f"{b / 2**20:.0f} MiB"


def ratio(a, b):
    """How many times `b` is of `a` (b / a), as text: above 1, `a` is faster."""
    if not a or not b:
        return "–"
    r = b / a
    return f"{r:.1f}×" if r >= 1 else f"{r:.2g}×"


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(
        (str(c).ljust(w) if i == 0 else str(c).rjust(w)) for i, (c, w) in enumerate(zip(cells, widths))
    ) + " |"
    print(line(headers))
    print("|" + "|".join(" " + ("-" * w if i == 0 else "-" * (w - 1) + ":") + " " for i, w in enumerate(widths)) + "|")
    for r in rows:
        print(line(r))


def innograph_prefix(inno, key, count):
    each = inno[key]["latency"].get("each_ms", [])[:count]
    return summary(each)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=DEFAULT_DIR)
    parser.add_argument("--libs", default=",".join(LIBS))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--path-budget", type=float, default=600, help="seconds for the k=1 paths of one library")
    parser.add_argument("--k5-pairs", type=int, default=200, help="pairs tried with k=5")
    parser.add_argument("--k5-budget", type=float, default=300, help="seconds for the k=5 paths of one library")
    parser.add_argument("--expansion-budget", type=float, default=300, help="seconds for the 2-hop expansions")
    parser.add_argument("--kuzu-budget", type=float, default=300, help="seconds for kuzu's shortest paths")
    parser.add_argument("--kuzu-timeout-ms", type=int, default=30000, help="timeout of one kuzu query")
    parser.add_argument("--kuzu-buffer-gib", type=int, default=4)
    parser.add_argument("--load-runs", type=int, default=3, help="fresh-process pickle loads (igraph-named)")
    parser.add_argument("--process-timeout", type=float, default=3600, help="seconds for one library's process")
    args = parser.parse_args()

    if args.one:
        run_one_library(args.one, args)
        return

    wanted = ["edges.tsv", "pairs.tsv", "hubs.tsv", "innograph-graph.json"]
    if "igraph-named" in args.libs:
        wanted += ["nodes.tsv", "edge_attrs.tsv"]
    for name in wanted:
        if not os.path.exists(os.path.join(args.dir, name)):
            raise SystemExit(f"{args.dir}/{name} is missing: run `cargo bench --bench graph` first")
    inno = json.load(open(os.path.join(args.dir, "innograph-graph.json")))
    results = {}
    for lib in [l.strip() for l in args.libs.split(",") if l.strip()]:
        module = MODULES.get(lib)
        if module is None:
            log(f"unknown library {lib}, skipped")
            continue
        probe = subprocess.run([sys.executable, "-c", f"import {module}, psutil, numpy"], capture_output=True)
        if probe.returncode != 0:
            log(f"{lib} cannot be imported, skipped (pip install {module} psutil numpy): {probe.stderr.decode().strip()[-200:]}")
            results[lib] = {"skipped": "cannot be imported"}
            continue
        log(f"running {lib}")
        cmd = [sys.executable, os.path.abspath(__file__), "--one", lib]
        for flag in ("dir", "path_budget", "k5_pairs", "k5_budget", "expansion_budget", "kuzu_budget",
                     "kuzu_timeout_ms", "kuzu_buffer_gib", "load_runs"):
            cmd += ["--" + flag.replace("_", "-"), str(getattr(args, flag))]
        try:
            done = subprocess.run(cmd, stdout=subprocess.PIPE, timeout=args.process_timeout)
        except subprocess.TimeoutExpired:
            log(f"{lib} took longer than {args.process_timeout} s, stopped")
            results[lib] = {"skipped": f"over {args.process_timeout} s"}
            continue
        lines = done.stdout.decode().strip().splitlines()
        if done.returncode != 0 or not lines:
            log(f"{lib} failed (exit {done.returncode})")
            results[lib] = {"skipped": f"failed, exit {done.returncode}"}
            continue
        results[lib] = json.loads(lines[-1])
    with open(os.path.join(args.dir, "peers-graph.json"), "w") as f:
        json.dump(results, f, indent=1)
    report(inno, results)


def report(inno, results):
    ok = {k: v for k, v in results.items() if "skipped" not in v}
    print(f"\n## Graph peers: {inno['entities']:,} entities, {inno['relations']:,} relations\n")
    for k, v in results.items():
        if "skipped" in v:
            print(f"- {k}: skipped ({v['skipped']})")
        else:
            print(f"- {k} {v.get('version', '')}: {v.get('edges_kept', 0):,} edges kept")
    print()
    rows = [["innograph", fmt_ms(inno["load_median_s"] * 1e3) + " (snapshot)", "–", fmt_mib(inno["rss_growth_bytes"]),
             fmt_mib(inno["peak_after_load_bytes"])]]
    for k, v in ok.items():
        if k == "igraph-named":
            for label, key in (("same data as innograph", "named_load"), ("topology only", "topology_load")):
                load = v[key]
                rows.append([f"{k}: Read_Pickle, {label}", f"{fmt_ms(load['load_median_s'] * 1e3)} "
                             f"(fresh process, median of {len(load['load_s'])})",
                             ratio(inno["load_median_s"], load["load_median_s"]),
                             fmt_mib(load["rss_growth_median_bytes"]),
                             ratio(load["rss_growth_median_bytes"], inno["rss_growth_bytes"]),
                             fmt_mib(load["peak_rss_bytes"])])
            continue
        load = f"{fmt_ms(v['parse_s'] * 1e3)} parse + {fmt_ms(v['build_s'] * 1e3)} build"
        rows.append([k, load, ratio(inno["load_median_s"], v["parse_s"] + v["build_s"]),
                     fmt_mib(v["rss_growth_bytes"]), ratio(v["rss_growth_bytes"], inno["rss_growth_bytes"]),
                     fmt_mib(v["peak_rss_bytes"])])
    rows[0].insert(4, "–")
    table(["load", "time", "peer / innograph", "RSS growth", "innograph / peer RSS", "peak RSS"], rows)
    named = ok.get("igraph-named")
    if named:
        load, topology = named["named_load"], named["topology_load"]
        print(f"\nigraph-named: vertex attributes id, name, kind, aliases ({named['with_aliases']:,} entities with "
              f"{named['aliases']:,} aliases); edge attributes kind, since ({named['dated_edges']:,} dated, "
              f"{named['distinct_since']} distinct dates); pickle {load['pickle_bytes'] / 1e6:.0f} MB "
              f"(topology only {topology['pickle_bytes'] / 1e6:.0f} MB); built from parsed lists in "
              f"{fmt_ms(named['build_s'] * 1e3)}; RSS growth with igraph's name index built "
              f"{fmt_mib(load['rss_growth_with_name_index_bytes'])}; each load's RSS growth "
              f"{', '.join(fmt_mib(b) for b in load['rss_growth_bytes'])}")
    print()
    # the query tables: the libraries that ran the queries
    ok = {k: v for k, v in ok.items() if "expansion" in v}
    rows = []
    for key, label in (("paths_k1", "k=1"), ("paths_k5", "k=5")):
        s = inno[key]["latency"]
        rows.append([f"innograph {label}", s["count"], fmt_ms(s["p50_ms"]), fmt_ms(s["p99_ms"]), fmt_ms(s["mean_ms"]),
                     "–", "(reference)"])
        for k, v in ok.items():
            if key not in v or not v[key]["latency"]:
                continue
            p = v[key]["latency"]
            same = innograph_prefix(inno, key, p["count"])
            extra = f", {v[key]['timeouts']} timeouts" if v[key].get("timeouts") else ""
            rows.append([f"{k} {label}", p["count"], fmt_ms(p["p50_ms"]), fmt_ms(p["p99_ms"]), fmt_ms(p["mean_ms"]),
                         f"{ratio(same['p50_ms'], p['p50_ms'])} (innograph p50 {fmt_ms(same['p50_ms'])} on these)",
                         "{peer_shorter} / {peer_longer_or_none}".format(**v[key]["lengths"]) + extra])
    table(["shortest paths", "pairs", "p50", "p99", "mean", "p50 peer / innograph",
           "peer shorter / longer than innograph"], rows)
    print()
    hubs = inno["expansion"]
    headers = ["2-hop of hub", "degree", "innograph (≤1000 nodes)", "innograph whole (counted)"]
    for k in ok:
        headers += [k, f"{k} nodes"]
    rows = []
    for i, h in enumerate(hubs):
        row = [f"{h['id']} (#{h['index']})", f"{h['degree']:,}", f"{fmt_ms(h['median_ms'])} ({h['nodes']})",
               f"{fmt_ms(h['whole_median_ms'])} ({h['whole_nodes']:,})" if "whole_median_ms" in h else "–"]
        for k, v in ok.items():
            e = v["expansion"][i]
            if e.get("skipped"):
                row += ["skipped", "–"]
            else:
                base = h.get("whole_median_ms", h["median_ms"])
                row += [f"{fmt_ms(e['median_ms'])} ({ratio(base, e['median_ms'])})", f"{e['nodes']:,}" if isinstance(e['nodes'], int) else str(e['nodes'])]
        rows.append(row)
    table(headers, rows)
    print()
    rows = [["innograph", fmt_ms(inno["pagerank_s"] * 1e3), "–", "power iteration, L1 < 1e-6, ≤ 100 iterations"]]
    for k, v in ok.items():
        pr = v.get("pagerank_s")
        rows.append([k, fmt_ms(pr * 1e3) if pr else "–", ratio(inno["pagerank_s"], pr), v.get("pagerank_note", "")])
    table(["PageRank", "time", "peer / innograph", "note"], rows)
    goals(inno, ok, named)


def goals(inno, ok, named=None):
    """The graph-at-scale issue's goals, met or not, from this run."""
    print("\nGoals:")
    nx_, ig = ok.get("networkx"), ok.get("igraph")
    if nx_ and nx_["paths_k1"]["latency"]:
        p = nx_["paths_k1"]["latency"]
        same = innograph_prefix(inno, "paths_k1", p["count"])
        speedup = p["p50_ms"] / same["p50_ms"]
        print(f"- shortest path p50 >= 10x faster than networkx: {'met' if speedup >= 10 else 'NOT met'} "
              f"(networkx p50 / innograph p50 = {speedup:.3g})")
    if ig:
        pairs = [(h.get("whole_median_ms", h["median_ms"]), e.get("median_ms"))
                 for h, e in zip(inno["expansion"], ig["expansion"])]
        met = sum(1 for a, b in pairs if b is not None and a <= b)
        same = sum(1 for h, e in zip(inno["expansion"], ig["expansion"]) if h.get("whole_nodes") == e.get("nodes"))
        print(f"- 2-hop expansion no slower than igraph: {'met' if met == len(pairs) else 'NOT met'} "
              f"({met} of {len(pairs)} hubs; both the whole neighbourhood, same node count on {same} hubs)")
        if ig.get("pagerank_s"):
            r = ig["pagerank_s"] / inno["pagerank_s"]
            print(f"- PageRank no slower than igraph: {'met' if r >= 1 else 'NOT met'} (igraph / innograph = {r:.3g})")
        r = inno["rss_growth_bytes"] / ig["rss_growth_bytes"]
        print(f"- memory under a third of igraph's: {'met' if r < 1 / 3 else 'NOT met'} "
              f"(innograph RSS growth / igraph's = {r:.3g})")
    if named:
        r = inno["rss_growth_bytes"] / named["named_load"]["rss_growth_median_bytes"]
        print(f"- memory under a third of igraph's, igraph holding the same data (pickle loaded): "
              f"{'met' if r < 1 / 3 else 'NOT met'} (innograph RSS growth / igraph-named's = {r:.3g})")
    print(f"- snapshot load under 3 s: {'met' if inno['load_median_s'] < 3 else 'NOT met'} "
          f"({inno['load_median_s']:.2f} s)")


if __name__ == "__main__":
    main()
