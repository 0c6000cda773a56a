"""How long the Markdown-to-HTML renderer takes on hostile reflections.

    .venv/bin/python benchmarks/bench_markdown.py [--repeat N]

Prints, for each input, its size and the best and median wall-clock seconds over N
runs. (tests/test_markdown_html.py checks what is rendered; speed is measured here,
where a busy machine cannot turn it into a failing test.)
"""

from __future__ import annotations

import argparse
import statistics
import time

from app.export.markdown_html import render_markdown_html

INPUTS = {
    "bracket bomb (20,000 [ and ])": "[" * 20_000
    + "x"
    + "]" * 20_000
    + "\n\n[a link](https://a.uk)",
    "nested list markers (- x 166)": "- " * 166 + "x",
    "nested quotes (> x 5000)": ">" * 5000,
    "100 kB of ordinary prose": "Rolled **back** the release safely. " * 2_900,
    "emphasis bomb (*_ x 10,000)": "*_" * 10_000,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for name, text in INPUTS.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            render_markdown_html(text)
            times.append(time.perf_counter() - start)
        print(
            f"{name:<34} {len(text):>8,} chars  best {min(times):.3f} s  "
            f"median {statistics.median(times):.3f} s"
        )


if __name__ == "__main__":
    main()
