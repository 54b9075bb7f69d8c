"""Render benchmarks/results.json as RESULTS.md (tables first, then the hand-written findings.md)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def _ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


def _verdict(seconds: float, target: float) -> str:
    return (
        "met" if seconds <= target else f"**missed** by {seconds - target:.0f} s ({seconds / target:.1f}x the target)"
    )


def _floor_table(by: dict) -> list[str]:
    """Each chapter's run split by rethinking_utils' timing log: compiling models, sampling (the physical floor:
    no sampler path can take less than the draws themselves), and everything else (imports, data, plots, LOO)."""
    rows = [
        (name, runs[label], label)
        for name, runs in by.items()
        for label in ("cold", "warm")
        if label in runs and "sampling_seconds" in runs[label]
    ]
    if not rows:
        return []
    out = [
        "",
        "### The physical floor: compiling, sampling and the rest",
        "",
        "From the timing log that `compile_model` and `sample_compiled` write during the run "
        "(`RETHINKING_UTILS_TIMING_LOG`). Sampling is the floor: the time nutpie spent drawing (tuning included), "
        "which no faster compiler can remove.",
        "",
        "| chapter | cache | total (s) | models compiled | compiling (s) | fits | sampling = floor (s) | rest (s) "
        "| total / floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sums = {"cold": [0.0, 0.0, 0.0], "warm": [0.0, 0.0, 0.0]}
    for name, run, label in rows:
        rest = run["seconds"] - run["compile_seconds"] - run["sampling_seconds"]
        floor = run["sampling_seconds"]
        ratio = f"{run['seconds'] / floor:.0f}x" if floor > 0 else "no fits"
        out.append(
            f"| {name} | {label} | {run['seconds']:.1f} | {run['models']} | {run['compile_seconds']:.1f} | "
            f"{run['fits']} | {floor:.1f} | {rest:.1f} | {ratio} |"
        )
        for i, value in enumerate((run["seconds"], run["compile_seconds"], floor)):
            sums[label][i] += value
    for label, (total, comp, floor) in sums.items():
        if total and floor:
            out.append(
                f"| **all** | {label} | **{total:.1f}** | | {comp:.1f} | | **{floor:.1f}** | "
                f"{total - comp - floor:.1f} | {total / floor:.0f}x |"
            )
    return out


def _sampler_table(rows: list[dict]) -> list[str]:
    """The same model through every sampler path, fresh processes, cold and warm: the record of 2026-11."""
    if not rows:
        return []
    out = [
        "## Sampler paths, side by side",
        "",
        "Measured in 2026-11 and no longer run (their question is answered: nutpie with numba stays; the harness, "
        "`benchmarks/samplers.py`, is in the git history). Each figure is one fresh process that imports PyMC, "
        "builds the model, compiles "
        "it, fits it (4 chains x 1000 draws x 1000 tuning) and refits it with new data through the path's own way "
        "of swapping data. Cold = empty PyTensor, Numba and JAX cache folders; warm = the fastest of the runs "
        "that follow with the same folders (warm refits reuse what the cold run cached for the same new data). "
        "*To first posterior* = process start to the end of the first fit (the JAX paths compile inside their "
        "first step, so the first draw itself cannot be timed from outside on every path); *sampling* = the "
        "sampler's own time for the first fit (on the JAX paths it includes JAX's compilation); *peak MB* = the "
        "process tree's largest resident set, cold; *agreement* = the largest |difference of posterior means| "
        "of the population parameters against the course's path, in combined Monte Carlo standard errors.",
        "",
        "| model | path | cold total (s) | warm total (s) | to first posterior, cold / warm (s) | sampling (s) "
        "| refit with new data (s) | peak MB | divergences | min ESS | agreement (z) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cold, warm = row["cold"], row.get("best_warm")
        if "error" in cold:
            out.append(
                f"| {row['model']} | {row['path']} | failed: {cold['error'].replace('|', '/')} | | | | | | | | |"
            )
            continue
        c, w = cold["seconds"], (warm or cold)["seconds"]
        peak = cold["peak_rss_mb"]
        z = row.get("agreement_z")
        out.append(
            f"| {row['model']} | {row['path']} | {c['process']:.1f} | {w['process']:.1f} | "
            f"{c['to_first_posterior']:.1f} / {w['to_first_posterior']:.1f} | {c['sampling']:.1f} | {c['refit']:.1f} | "
            f"{peak:.0f} | {cold['divergences']} | {cold['min_ess_bulk']:.0f} | "
            f"{'reference' if row['path'] == 'nutpie-numba' else (f'{z:.1f}' if z is not None else 'n/a')} |"
        )
    return out + [""]


def render(results: dict) -> str:
    m, targets = results["machine"], results["targets"]
    out = [
        "# Execution budget",
        "",
        "Generated by `make bench` (`python -m benchmarks.run_benchmarks`); "
        "do not edit by hand - the findings at the end",
        "come from `benchmarks/findings.md`. Cold = fresh, empty PyTensor and Numba cache folders; warm = the same",
        "folders again, right after. Peak memory = largest resident set of the kernel process and its children,",
        "polled every 50 ms.",
        "",
        f"Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB; Python {m['python']}; "
        f"load average at start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}.",
        "Libraries: " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()) + ".",
        "",
    ]
    chapters = results.get("chapters", [])
    if chapters:
        by = {}
        for run in chapters:
            by.setdefault(run["chapter"], {})[run["cache"]] = run
        out += [
            "## Chapters",
            "",
            f"Targets per page: {targets.get('page_cold_seconds', 0):.0f} s cold, "
            f"{targets.get('page_warm_seconds', 0):.0f} s warm, {targets['peak_mb']:.0f} MB peak.",
            "",
            "| chapter | cold (s) | warm (s) | peak memory (MB) | within the page targets |",
            "|---|---:|---:|---:|---|",
        ]
        total_cold = total_warm = 0.0
        for name, runs in by.items():
            cold, warm = runs.get("cold"), runs.get("warm")
            peak = max(r["peak_rss_mb"] for r in runs.values())
            total_cold += cold["seconds"] if cold else 0
            total_warm += warm["seconds"] if warm else 0
            missed = []
            if peak >= targets["peak_mb"]:
                missed.append("memory")
            if cold and cold["seconds"] > targets.get("page_cold_seconds", float("inf")):
                missed.append("cold")
            if warm and warm["seconds"] > targets.get("page_warm_seconds", float("inf")):
                missed.append("warm")
            verdict = "yes" if not missed else "**no** (" + ", ".join(missed) + ")"
            out.append(f"| {name} | {cold['seconds']:.1f} | {warm['seconds']:.1f} | {peak:.0f} | {verdict} |")
        out.append(f"| **total** | **{total_cold:.1f}** | **{total_warm:.1f}** | | |")
        out += [""]
        for label, total, key in [
            ("cold", total_cold, "total_cold_seconds"),
            ("warm", total_warm, "total_warm_seconds"),
        ]:
            if key in targets:
                out.append(
                    f"Whole course {label}: {total:.1f} s against a target of {targets[key]:.0f} s: "
                    f"{_verdict(total, targets[key])}."
                )
        out += _floor_table(by)
        out += [
            "",
            "### Where the time goes (slowest cells, cold run)",
            "",
        ]
        for name, runs in by.items():
            cells = "; ".join(f"cell {i}: {s:.1f} s `{src}`" for i, s, src in runs["cold"]["slowest_cells"][:3])
            out.append(f"- **{name}**: {cells}")
        out.append("")
    out += _sampler_table(results.get("samplers", []))
    baselines = results.get("baselines", [])
    if baselines:
        out += [
            "## The naive way, side by side",
            "",
            "Measured in 2026-11 and no longer run (their question is answered: compiling once pays; the harness, "
            "`benchmarks/baselines.py`, is in the git history).",
            "",
            "| what | course's path (s) | naive way (s) | ratio | at least 4x | how the naive figure was obtained |",
            "|---|---:|---:|---:|---|---|",
        ]
        for b in baselines:
            ratio = b["naive_seconds"] / b["course_seconds"]
            out.append(
                f"| {b['name']} | {b['course_seconds']:.1f} | {b['naive_seconds']:.1f} | {ratio:.1f}x | "
                f"{_ok(ratio >= targets['baseline_ratio'])} | {b['note']} |"
            )
        out.append("")
    out.append(f"The whole benchmark took {results['benchmark_seconds'] / 60:.1f} minutes.")
    findings = HERE / "findings.md"
    if findings.exists():
        out += ["", findings.read_text().strip()]
    return "\n".join(out) + "\n"
