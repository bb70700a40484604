"""All benchmarks, one after the other (they must not share the 2 cores): `make bench`."""
from __future__ import annotations

from benchmarks import demo_bench, ingest_bench


def main() -> None:
    print("## demo\n")
    demo_bench.main()
    print("\n## ingest\n")
    ingest_bench.main()


if __name__ == "__main__":
    main()
