#!/usr/bin/python3
"""Baseline for bench/media_benchmark.cc: Debian's faiss (python3-faiss) radius search.

Usage: media_faiss.py CODES QUERIES FLAT_QUERIES MULTIHASH_QUERIES RADIUS
CODES and QUERIES are raw files of 32-byte codes. Runs one thread. Prints
"flat QPS MATCHES WALL_QPS" and "multihash QPS MATCHES WALL_QPS" (QPS from process CPU time,
WALL_QPS from wall time; matches = pairs at distance <= RADIUS over the first FLAT_QUERIES /
MULTIHASH_QUERIES queries).
"""
import sys
import time

import faiss
import numpy as np


def main():
    codes_path, queries_path = sys.argv[1], sys.argv[2]
    flat_n, mh_n, radius = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    faiss.omp_set_num_threads(1)
    codes = np.fromfile(codes_path, dtype=np.uint8).reshape(-1, 32)
    queries = np.fromfile(queries_path, dtype=np.uint8).reshape(-1, 32)
    # faiss binary range_search keeps distances strictly below the radius given.
    flat = faiss.IndexBinaryFlat(256)
    flat.add(codes)
    q = np.ascontiguousarray(queries[:flat_n])
    t, c = time.perf_counter(), time.process_time()
    lims, _, _ = flat.range_search(q, radius + 1)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print("flat %.3f %d %.3f" % (flat_n / cpu, lims[-1], flat_n / wall), flush=True)
    del flat
    # Multi-index hashing: 16 tables of 16 bits, one flipped bit per table: exact at radius 31.
    mh = faiss.IndexBinaryMultiHash(256, 16, 16)
    mh.nflip = 1
    mh.add(codes)
    q = np.ascontiguousarray(queries[:mh_n])
    t, c = time.perf_counter(), time.process_time()
    lims, _, _ = mh.range_search(q, radius + 1)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print("multihash %.3f %d %.3f" % (mh_n / cpu, lims[-1], mh_n / wall), flush=True)


if __name__ == "__main__":
    main()
