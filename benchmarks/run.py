"""All benchmarks, one after the other (they must not share the 2 cores): `make bench`."""
from __future__ import annotations

from benchmarks import cluster_bench, demo_bench, fuzzy_bench, ingest_bench, ocr_bench, review_bench


def main() -> None:
    print("## demo\n")
    demo_bench.main()
    print("\n## ingest\n")
    ingest_bench.main()
    print("\n## ocr: `dossier ocr` against the raw engine on real invoice photos\n")
    ocr_bench.main([])
    print("\n## scale-out: worker processes and single-file cold start\n")
    cluster_bench.main()
    print("\n## review app: 5 sessions at once on a 20-document dossier\n")
    review_bench.main([])
    print("\n## label finding: extraction of real invoices, the window filter against its old one\n")
    fuzzy_bench.main([])


if __name__ == "__main__":
    main()
