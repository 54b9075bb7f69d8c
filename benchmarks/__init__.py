"""The course's execution budget (`make bench`): importable as ``benchmarks`` from the repository root."""
