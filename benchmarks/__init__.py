"""vodfc benchmarks: ``python -m benchmarks`` (``--quick``, ``--only N``); see benchmarks/README.md."""
