"""What the photo viewer adds to a gallery page's download: its own script and stylesheet, and what
this branch added to the site-wide ones, raw and gzip'd (as WhiteNoise serves them), against a git ref.

Run from the repository root:  .venv/bin/python bench/viewer_weight.py [--against main]
It prints bytes and asserts nothing. The gallery page's own HTML, with the hearts and the cards'
viewer links, is measured by bench/pages.py (bytes and gzip'd bytes of each page).
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VIEWER_FILES = ("static/js/viewer.js", "static/css/viewer.css")
SHARED_FILES = ("static/js/site.js", "static/css/site.css")


def sizes(data: bytes) -> tuple[int, int]:
    """(raw bytes, gzip'd bytes at level 9, as WhiteNoise's compressor writes them)."""
    return len(data), len(gzip.compress(data, compresslevel=9))


def at_ref(ref: str, path: str) -> bytes:
    done = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=REPO, capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git ref to compare the shared files with")
    args = parser.parse_args()
    print(f"{'file':<28} {'raw bytes':>10} {'gzip bytes':>11}")
    total_raw = total_gzip = 0
    for path in VIEWER_FILES:
        raw, packed = sizes((REPO / path).read_bytes())
        total_raw, total_gzip = total_raw + raw, total_gzip + packed
        print(f"{path:<28} {raw:>10,} {packed:>11,}")
    for path in SHARED_FILES:
        now, before = sizes((REPO / path).read_bytes()), sizes(at_ref(args.against, path))
        grown = (now[0] - before[0], now[1] - before[1])
        print(f"{path + ' (added)':<28} {grown[0]:>+10,} {grown[1]:>+11,}")
    print(
        f"\nthe viewer's own files: {total_raw:,} bytes, {total_gzip:,} gzip'd (loaded on the gallery and photo pages)"
    )


if __name__ == "__main__":
    main()
