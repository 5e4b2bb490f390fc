# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend_access role against the floor: at scale, throttled, and by write concurrency.

    .venv/bin/python tests/benchmark/run_benchmark.py [--runs 3] [--scale 1,3,10] [--skip-naive]
        [--latency-ms 40] [--setting ANSIBLE_PIPELINING=1 ...] [--json results.json]
    .venv/bin/python tests/benchmark/run_benchmark.py --throttled [--scale 1] [--runs 3]
        [--write-limits 0,5,20,50] [--read-limit 50] [--read-scope action|product|account] [--writers 1,2,4,8]

Not a test (it takes minutes; `make test` does not run it): a script that prints tables. Without
``--scale`` the world is scenario.LARGE (2,000 nodes in 20 node pools, 500 tagged instances, 50
groups x 5 ranges); ``--scale S`` is scenario.scaled(S) (S x 1,000 nodes in S x 10 pools, S x 250
tagged instances, S x 20 groups x 5 ranges: scale 10 is 10,000 nodes, 100 pools, 2,500 instances,
1,000 authorizations), and several scales give a growth table. The role's input is three entries
(the cluster, the tag, the groups by id). The emulator (a child process) adds ``--latency-ms`` to
every call. Each run is ``ansible-playbook alibabacloud.apig.authorize_backends`` (the role, two
module tasks, each a module process) with purge and verification on:

1. cold: nothing authorized yet (the world is reloaded before each run);
2. no-op: everything in place;
3. change: the groups entry's ranges replaced by others (with purge);
4. naive (only without --scale, and unless --skip-naive): one gateway_sg_authorization task per
   (group, range), the way a per-rule resource or a CLI loop acts;
5. floor: tests/benchmark/floor.py, the same calls in plain Python with the same SDKs, each of
   its runs right after the role's run of the same kind, so the shared machine's drift weighs on both.

It prints median wall times, the API calls by action from the emulator's call log (identical in
every run, or the script says so), the peak RSS of the module processes (the modules run under a
wrapper interpreter, ``/usr/bin/time -f %M`` around the Python that runs the module, given as
``apig_python_interpreter``) and of the whole run (the largest ``ru_maxrss`` among the run's
processes, from os.wait4), the ratios to the floor and the targets, each met or missed. With
several scales: time against the calls divided by the read parallelism (8).

``--throttled`` times the cold converge with the emulator limiting writes to N a second (each N of
``--write-limits``; 0: no limit on writes nor reads) and reads to ``--read-limit`` a second (throttled answers carry
``x-acs-retry-after: 100``), the reads counted per action (as ECS documents), per product, or over every product
together (``--read-scope``), for the adaptive limiter (the defaults) and for each fixed
``max_concurrent_writes`` of ``--writers`` with the limiter off (``ALIBABA_CLOUD_ADAPTIVE_RATE_LIMIT=false``).

The exit status is 0 when every run converged correctly, whatever the targets say.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))  # the emulator package and benchmark.scenario
os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"

from benchmark.scenario import LARGE  # noqa: E402
from benchmark.scenario import MEDIUM  # noqa: E402
from benchmark.scenario import Scenario  # noqa: E402
from benchmark.scenario import authorized_pairs  # noqa: E402
from benchmark.scenario import build_scenario  # noqa: E402
from benchmark.scenario import scaled  # noqa: E402
from emulator.server import start_subprocess  # noqa: E402

COLLECTIONS_PATH = REPO / ".build" / "collections"
PLAYBOOK = "alibabacloud.apig.authorize_backends"
WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")
READ_PARALLELISM = 8  # MAX_CONCURRENT_READS (plugins/module_utils/_parallel.py), as in floor.py
RETRY_AFTER_MS = 100  # the emulator's x-acs-retry-after on a throttled answer
TARGET_COLD_OVER_NAIVE = 10.0  # cold at least 10 times faster than naive
TARGET_OVER_FLOOR = 1.25  # cold and no-op, at scale 10 and above (Ansible's fixed cost amortised)
TARGET_SCALE = 10
TARGET_MODULE_RSS_MIB = 300
TARGET_OVER_BEST_FIXED = 1.1  # the adaptive limiter against the best fixed max_concurrent_writes
LIMITER_OFF = {"ALIBABA_CLOUD_ADAPTIVE_RATE_LIMIT": "false"}


class Run(NamedTuple):
    seconds: float
    max_rss_kb: int  # the largest process of the run
    module_rss_kb: Dict[str, int]  # module -> its process's peak RSS (role runs only)
    calls: Dict[str, int]
    throttled: int
    failed: bool = False  # only under --throttled: a setting that fails there (a write out of attempts) is a result


class Result(NamedTuple):
    name: str
    runs: List[Run]

    @property
    def converged_seconds(self) -> List[float]:
        """The wall times of the runs that converged (a failed run is counted, not timed)."""
        return [r.seconds for r in self.runs if not r.failed]

    @property
    def seconds(self) -> float:
        """The median of the runs that converged; infinite when none did."""
        times = self.converged_seconds
        return statistics.median(times) if times else float("inf")

    @property
    def failures(self) -> int:
        return sum(1 for r in self.runs if r.failed)

    @property
    def max_rss_kb(self) -> int:
        return max(r.max_rss_kb for r in self.runs)

    @property
    def module_rss_kb(self) -> Dict[str, int]:
        merged: Dict[str, int] = {}
        for run in self.runs:
            for module, kb in run.module_rss_kb.items():
                merged[module] = max(kb, merged.get(module, 0))
        return merged

    @property
    def calls(self) -> Dict[str, int]:
        return self.runs[-1].calls

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def deterministic(self) -> bool:
        return all(r.calls == self.runs[0].calls for r in self.runs)


class Failed(RuntimeError):
    """A run did not converge to what it should have."""


def measure(command: List[str], env: Dict[str, str], cwd: str, timeout: float) -> tuple:
    """(rc, seconds, max RSS in KiB, stdout, stderr) of one child process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            # wait4 returns this child's rusage, which includes its own reaped descendants
            # (ansible's workers and the module processes): ru_maxrss is the largest of them.
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, seconds, usage.ru_maxrss, out.read().decode(), err.read().decode()


def write_interpreter(workdir: Path, log: Path) -> str:
    """A shell script that ansible-playbook runs as the modules' Python: it appends '<peak KiB> <command>' to log.

    /usr/bin/time (GNU) is a small C program that waits for the Python it starts and reads its rusage, so the
    module process's peak RSS is measured for a few milliseconds a task.
    """
    script = workdir / "python-measured"
    script.write_text(f'#!/bin/sh\nexec /usr/bin/time -a -o "{log}" -f "%M %C" "{sys.executable}" "$@"\n')
    script.chmod(0o755)
    return str(script)


def module_peaks(log: Path) -> Dict[str, int]:
    """{module: peak KiB} from the wrapper's log (the AnsiballZ file names the module)."""
    peaks: Dict[str, int] = {}
    if not log.exists():
        return peaks
    for line in log.read_text().splitlines():
        kb, _sep, command = line.partition(" ")
        if not kb.isdigit():
            continue  # a line /usr/bin/time writes when the command fails ("Command exited with ...")
        name = next((w.rsplit("AnsiballZ_", 1)[1][:-3] for w in command.split() if "AnsiballZ_" in w), command)
        peaks[name] = max(int(kb), peaks.get(name, 0))
    return peaks


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


class Bench:
    def __init__(self, args: argparse.Namespace, scenario: Scenario, emulator: Any, workdir: Path) -> None:
        self.args = args
        self.scenario = scenario
        self.emulator = emulator
        self.workdir = workdir
        self.after_cold: Optional[Dict[str, Any]] = None
        self.rss_log = workdir / "module-rss.log"
        self.interpreter = write_interpreter(workdir, self.rss_log)
        settings = dict(s.split("=", 1) for s in args.setting)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_"))}
        self.plain_env = dict(base, **emulator.env())
        self.ansible_env = dict(
            self.plain_env,
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH),
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"),
            **settings,
        )
        self.ansible_playbook = str(Path(sys.executable).parent / "ansible-playbook")

    # --- files ----------------------------------------------------------------------------------

    def write_json(self, name: str, data: Any) -> str:
        path = self.workdir / name
        path.write_text(json.dumps(data, indent=1))
        return str(path)

    def naive_playbook(self) -> str:
        """One task per (group, range): a module invocation each, listing, adding and listing again."""
        tasks = [
            {
                "name": f"Authorize {group} {port_range}",
                "alibabacloud.apig.gateway_sg_authorization": {
                    "gateway_id": self.scenario.gateway_id,
                    "security_group_id": group,
                    "port_ranges": [port_range],
                },
            }
            for group, port_range in sorted(self.scenario.desired_pairs())
        ]
        play = {
            "name": "Authorize every (group, range) on its own",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": self.interpreter},
            "tasks": tasks,
        }
        return self.write_json("naive.yml", [play])  # JSON is YAML

    def role_playbook(self, max_concurrent_writes: int) -> str:
        """authorize_backends.yml with module_defaults setting max_concurrent_writes."""
        play = {
            "name": "Authorize API gateways to reach their backends",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": self.interpreter},
            "module_defaults": {
                "alibabacloud.apig.gateway_sg_authorization": {"max_concurrent_writes": max_concurrent_writes}
            },
            "roles": [{"role": "alibabacloud.apig.backend_access", "backend_access_state": "present"}],
        }
        return self.write_json(f"role-{max_concurrent_writes}.yml", [play])

    # --- the world --------------------------------------------------------------------------------

    def prepare(self, kind: str) -> None:
        if kind == "cold" or kind == "naive":
            self.emulator.reset()  # the generated world: nothing authorized (faults cleared)
        elif self.after_cold is not None:  # noop and change start from the cold converge's end
            self.emulator.put_state(self.after_cold)
        self.emulator.clear_calls()
        self.rss_log.unlink(missing_ok=True)

    def calls(self) -> Tuple[Dict[str, int], int]:
        """(answered calls by action, throttled answers): a throttled call is counted once, when it succeeds."""
        log = self.emulator.calls()
        answered = collections.Counter(c["action"] for c in log if c.get("code") != "Throttling.User")
        throttled = sum(1 for c in log if c.get("code") == "Throttling.User")
        return dict(sorted(answered.items())), throttled

    def check(self, label: str, kind: str, rc: int, stdout: str, stderr: str) -> None:
        if rc != 0:
            raise Failed(
                f"{label}: exit status {rc}\n--- stdout ---\n{stdout[-4000:]}\n--- stderr ---\n{stderr[-4000:]}"
            )
        wanted = self.scenario.desired_pairs(changed=kind == "change")
        held = authorized_pairs(self.emulator.state(), self.scenario.gateway_id)
        if held != wanted:
            raise Failed(
                f"{label}: the gateway holds {len(held)} pairs, {len(held ^ wanted)} differ from the desired set"
            )

    # --- runs -------------------------------------------------------------------------------------

    def run(
        self,
        label: str,
        kind: str,
        command: List[str],
        env: Dict[str, str],
        count: int,
        faults: Optional[List[Dict[str, Any]]] = None,
    ) -> Result:
        runs = []
        for index in range(count):
            self.prepare(kind)
            if faults:
                self.emulator.set_faults(faults)
            rc, seconds, rss, stdout, stderr = measure(command, env, str(self.workdir), self.args.timeout)
            self.emulator.clear_faults()
            if faults and rc != 0:
                calls, throttled = self.calls()
                runs.append(Run(seconds, rss, module_peaks(self.rss_log), calls, throttled, failed=True))
                reason = next((line.strip() for line in stdout.splitlines() if '"failed: ' in line), f"exit {rc}")
                print(f"  {label} run {index + 1}/{count}: FAILED after {seconds:.2f} s: {reason[:300]}", flush=True)
                continue
            self.check(label, kind, rc, stdout, stderr)
            calls, throttled = self.calls()
            if kind == "noop" and set(WRITES) & set(calls):
                raise Failed(f"{label}: the no-op run wrote: {calls}")
            runs.append(Run(seconds, rss, module_peaks(self.rss_log), calls, throttled))
            if kind == "cold" and self.after_cold is None and not faults:
                self.after_cold = self.emulator.state()
            note = f", {throttled} throttled" if throttled else ""
            print(f"  {label} run {index + 1}/{count}: {seconds:.2f} s, {sum(calls.values())} calls{note}", flush=True)
        return Result(label, runs)

    def role_command(self, kind: str, playbook: str = PLAYBOOK) -> List[str]:
        extra = self.write_json(f"vars-{kind}.json", self.scenario.role_vars(changed=kind == "change"))
        command = [self.ansible_playbook, playbook, "-i", "localhost,", "-c", "local", "-e", f"@{extra}"]
        return command + ["-e", f"apig_python_interpreter={self.interpreter}"]

    def role(self, kind: str, count: int) -> Result:
        return self.run(kind, kind, self.role_command(kind), self.ansible_env, count)

    def floor(self, kind: str, count: int) -> Result:
        spec = self.write_json(
            f"floor-{kind}.json",
            {
                "gateway_id": self.scenario.gateway_id,
                "backends": self.scenario.backends(changed=kind == "change"),
                "purge": True,
            },
        )
        command = [sys.executable, str(HERE / "floor.py"), "--spec", spec]
        return self.run(f"floor {kind}", kind, command, self.plain_env, count)

    def naive(self, count: int) -> Result:
        command = [self.ansible_playbook, self.naive_playbook(), "-i", "localhost,", "-c", "local"]
        return self.run("naive", "naive", command, self.ansible_env, count)

    def converges(self, runs: int, with_floor: bool) -> Dict[str, Result]:
        """Cold, no-op and change, each of the role's runs followed by the floor's run of the same kind."""
        results: Dict[str, Result] = {}
        for kind in ("cold", "noop", "change"):
            for _run in range(runs):
                measured = [self.role(kind, 1)] + ([self.floor(kind, 1)] if with_floor else [])
                for result in measured:
                    results.setdefault(result.name, Result(result.name, [])).runs.extend(result.runs)
        return {name: results[name] for name in sorted(results, key=lambda n: n.startswith("floor"))}

    def throttled(self, write_limit: int, read_limit: int, writers: List[int], runs: int) -> Dict[str, Result]:
        """Cold converges under the limits (0: none): the adaptive limiter, then each fixed writer count without it."""
        faults = throttle_rules(write_limit, read_limit, self.args.read_scope)
        settings = [("adaptive", PLAYBOOK, self.ansible_env)]
        off = dict(self.ansible_env, **LIMITER_OFF)
        settings += [(f"fixed {w}", self.role_playbook(w), off) for w in writers]
        results: Dict[str, Result] = {name: Result(name, []) for name, _p, _e in settings}
        for _run in range(runs):  # the settings take turns, so that drift weighs on each alike
            for name, playbook, env in settings:
                result = self.run(
                    f"{name} (writes {write_limit or '-'}/s)",
                    "cold",
                    self.role_command("cold", playbook),
                    env,
                    1,
                    faults,
                )
                results[name].runs.extend(result.runs)
        return results


def throttle_rules(write_limit: int, read_limit: int, read_scope: str) -> List[Dict[str, Any]]:
    """The emulator's rate limits: writes to N a second; reads to M a second, counted for each action apart
    (read_scope "action", as ECS documents its limits), for each product apart ("product"), or over every
    product's reads together ("account"). A write limit of 0: no limit at all, reads included."""
    if not write_limit:
        return []
    rule = {"action": "*", "retry_after_ms": RETRY_AFTER_MS}
    rules = [dict(rule, calls="write", throttle_after_per_second=write_limit)]
    if read_limit:
        per = {} if read_scope == "account" else {"per": read_scope}
        rules.append(dict(rule, calls="read", throttle_after_per_second=read_limit, **per))
    return rules


# --- the report ---------------------------------------------------------------------------------


def mib(kb: int) -> str:
    return f"{kb / 1024:.0f} MiB"


def calls_text(calls: Dict[str, int]) -> str:
    return ", ".join(f"{action} {count}" for action, count in calls.items())


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def machine_line(args: argparse.Namespace) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Linux {platform.release()}; latency {args.latency_ms:g} ms per call; settings: "
        + (", ".join(args.setting) or "none")
    )


def world_line(scenario: Scenario) -> str:
    shape = scenario.shape
    return (
        f"world: {shape.nodes} nodes in {shape.node_pools} node pools, {shape.tagged_instances} tagged instances, "
        f"{shape.groups} groups x {shape.ranges_per_group} ranges = {shape.groups * shape.ranges_per_group} "
        "authorizations"
    )


def report(results: Dict[str, Result], scenario: Scenario, scale: Optional[int]) -> List[str]:
    lines = [world_line(scenario), ""]
    lines.append(
        "| run | runs | wall time (median) | min - max | calls | writes | peak RSS, module processes | peak RSS, run |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        times = [r.seconds for r in result.runs]
        writes = sum(result.calls.get(a, 0) for a in WRITES)
        modules = ", ".join(f"{m} {mib(kb)}" for m, kb in sorted(result.module_rss_kb.items())) or "-"
        lines.append(
            f"| {name} | {len(times)} | {result.seconds:.2f} s | {min(times):.2f} - {max(times):.2f} s "
            f"| {result.total_calls} | {writes} | {modules} | {mib(result.max_rss_kb)} |"
        )
    lines.append("")
    for name, result in results.items():
        note = "" if result.deterministic else " (NOT the same in every run)"
        lines.append(f"calls, {name}{note}: {calls_text(result.calls)}")
    lines.append("")
    lines.extend(targets(results, scenario, scale))
    return lines


def targets(results: Dict[str, Result], scenario: Scenario, scale: Optional[int]) -> List[str]:
    lines = ["targets:"]
    for kind in ("cold", "noop", "change"):
        if kind in results:
            expected = scenario.expected_calls(kind)
            ok = results[kind].calls == expected and results[kind].deterministic
            lines.append(f"  calls, {kind} = the floor formula: {verdict(ok)}")
            if not ok:
                lines.append(f"    expected {calls_text(expected)}")
    if "cold" in results and "naive" in results:
        ratio = results["naive"].seconds / results["cold"].seconds
        lines.append(
            f"  cold {ratio:.1f}x faster than naive (target >= {TARGET_COLD_OVER_NAIVE:g}x): "
            + verdict(ratio >= TARGET_COLD_OVER_NAIVE)
        )
    judged = scale is not None and scale >= TARGET_SCALE
    for kind in ("cold", "noop", "change"):
        floor = results.get(f"floor {kind}")
        if kind in results and floor:
            ratio = results[kind].seconds / floor.seconds
            same = "same calls" if results[kind].calls == floor.calls else "calls differ from the floor's"
            target = ""
            if kind != "change":
                target = f" (target <= {TARGET_OVER_FLOOR:g} at scale {TARGET_SCALE}"
                target += f"): {verdict(ratio <= TARGET_OVER_FLOOR)}" if judged else "; not judged at this scale)"
            lines.append(f"  collection/floor, {kind}: {ratio:.2f}{target}; {same}")
    module_kb = max((kb for r in results.values() for kb in r.module_rss_kb.values()), default=0)
    if module_kb:
        lines.append(
            f"  peak RSS of a module process {mib(module_kb)} (target < {TARGET_MODULE_RSS_MIB} MiB): "
            + verdict(module_kb / 1024 < TARGET_MODULE_RSS_MIB)
        )
    return lines


def growth(by_scale: Dict[int, Dict[str, Result]], latency_ms: float) -> List[str]:
    """Time against calls / read parallelism, per scale, for the role and the floor: the table and its slope."""
    lines = [
        "",
        f"growth (calls / {READ_PARALLELISM} x {latency_ms:g} ms: the calls' time at full read parallelism)",
        "",
    ]
    lines.append("| scale | run | calls | calls/8 x latency | role | floor | role - floor | module RSS |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for scale, results in sorted(by_scale.items()):
        for kind in ("cold", "noop", "change"):
            role, floor = results.get(kind), results.get(f"floor {kind}")
            if role is None:
                continue
            ideal = role.total_calls / READ_PARALLELISM * latency_ms / 1000
            floor_text = f"{floor.seconds:.2f} s" if floor else "-"
            gap = f"{role.seconds - floor.seconds:+.2f} s" if floor else "-"
            module_kb = max(role.module_rss_kb.values(), default=0)
            lines.append(
                f"| {scale} | {kind} | {role.total_calls} | {ideal:.2f} s | {role.seconds:.2f} s | {floor_text} "
                f"| {gap} | {mib(module_kb)} |"
            )
    scales = sorted(by_scale)
    if len(scales) >= 2:
        low, high = by_scale[scales[0]], by_scale[scales[-1]]
        for kind in ("cold", "noop"):
            if kind in low and kind in high:
                ideal = (high[kind].total_calls - low[kind].total_calls) / READ_PARALLELISM * latency_ms / 1000
                for name in (kind, f"floor {kind}"):
                    if name in low and name in high:
                        added = high[name].seconds - low[name].seconds
                        lines.append(
                            f"  {name}: scale {scales[0]} -> {scales[-1]} adds {added:.2f} s "
                            f"for {ideal:.2f} s of calls at full read parallelism: slope {added / ideal:.2f} "
                            "(1.0: time grows as calls/8)"
                        )
    return lines


def throttled_cell(result: Result) -> str:
    """'median (min - max), throttled answers', and how many runs failed."""
    times = result.converged_seconds
    throttled = "/".join(str(n) for n in sorted({r.throttled for r in result.runs}))
    cell = f"{result.seconds:.2f} s ({min(times):.2f} - {max(times):.2f}), " if times else ""
    cell += f"{throttled} thr."
    if result.failures:
        cell += f", **{result.failures} of {len(result.runs)} failed**"
    return cell


def throttled_report(rows: Dict[int, Dict[str, Result]], read_limit: int, read_scope: str) -> List[str]:
    names = list(next(iter(rows.values())))
    reads = f"{read_limit}/s, counted per {read_scope}" if read_limit else "-"
    lines = ["", f"cold converge, median (min - max) and throttled answers; reads limited to {reads}", ""]
    lines.append("| writes a second | " + " | ".join(names) + " | adaptive / best fixed |")
    lines.append("|---|" + "---|" * (len(names) + 1))
    verdicts = []
    for limit, results in sorted(rows.items(), key=lambda kv: kv[0] or 10**9):
        cells = []
        for name in names:
            cells.append(throttled_cell(results[name]))
        # A setting that failed a run is not a candidate for the best: it did not do the work every time.
        fixed = {n: r for n, r in results.items() if n != "adaptive" and not r.failures}
        if not fixed:  # --writers '': the adaptive run alone, nothing to compare it with
            lines.append(f"| {limit or 'no limit (reads neither)'} | " + " | ".join(cells) + " | - |")
            continue
        best = min(fixed, key=lambda n: fixed[n].seconds)
        ratio = results["adaptive"].seconds / fixed[best].seconds
        verdicts.append(
            f"  {f'writes {limit}/s' if limit else 'unthrottled'}: adaptive {ratio:.2f}x the best fixed ({best}) "
            f"(target <= {TARGET_OVER_BEST_FIXED:g}): {verdict(ratio <= TARGET_OVER_BEST_FIXED)}"
        )
        lines.append(f"| {limit or 'no limit (reads neither)'} | " + " | ".join(cells) + f" | {ratio:.2f} ({best}) |")
    return lines + ["", "targets:"] + verdicts


def dump_json(path: str, data: Dict[str, Dict[str, Result]]) -> None:
    def encode(result: Result) -> Dict[str, Any]:
        return {
            "seconds": [r.seconds for r in result.runs],
            "max_rss_kb": result.max_rss_kb,
            "module_rss_kb": result.module_rss_kb,
            "calls": result.calls,
            "throttled": [r.throttled for r in result.runs],
            "failed": [r.failed for r in result.runs],
        }

    Path(path).write_text(
        json.dumps({key: {n: encode(r) for n, r in results.items()} for key, results in data.items()}, indent=1)
    )


# --- the command --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each converge and of the floor (median)")
    parser.add_argument("--scale", help="comma-separated scales (scenario.scaled); default: the LARGE world")
    parser.add_argument("--medium", action="store_true", help="the call-count test's medium world (a quick look)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of the naive baseline (it is long)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="ANSIBLE_X=V",
        help="an environment setting for ansible-playbook, e.g. ANSIBLE_PIPELINING=1 (repeatable)",
    )
    parser.add_argument("--throttled", action="store_true", help="time the cold converge under rate limits only")
    parser.add_argument("--write-limits", default="0,5,20,50", help="with --throttled: writes a second (0: none)")
    parser.add_argument("--read-limit", type=int, default=50, help="with --throttled: reads a second (0: none)")
    parser.add_argument(
        "--read-scope",
        choices=("action", "product", "account"),
        default="action",
        help="with --throttled: the read limit counts each action's reads apart (as ECS documents), each "
        "product's, or every product's together",
    )
    parser.add_argument(
        "--writers",
        default="1,2,4,8",
        help="with --throttled: fixed max_concurrent_writes values (empty: the adaptive run only)",
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    parser.add_argument("--json", help="also write the results to this file")
    return parser.parse_args()


def worlds(args: argparse.Namespace) -> List[Tuple[Optional[int], Scenario]]:
    if args.scale:
        return [(int(s), build_scenario(scaled(int(s)))) for s in args.scale.split(",")]
    return [(None, build_scenario(MEDIUM if args.medium else LARGE))]


def bench_world(args: argparse.Namespace, scale: Optional[int], scenario: Scenario) -> Dict[Any, Dict[str, Result]]:
    """Every measurement of one world, keyed by scale (converges) or by write limit (--throttled)."""
    emulator = start_subprocess(scenario.world, latency_ms=args.latency_ms, timeout=300)
    emulator.control_timeout = 900.0  # state() and put_state() of scale 10 on a loaded machine
    try:
        with tempfile.TemporaryDirectory(prefix="apig-bench-") as tmp:
            bench = Bench(args, scenario, emulator, Path(tmp))
            print(f"{world_line(scenario)}\n  load before: {uptime()}", flush=True)
            if args.throttled:
                writers = [int(w) for w in args.writers.split(",") if w]
                limits = [int(n) for n in args.write_limits.split(",")]
                measured = {n: bench.throttled(n, args.read_limit, writers, args.runs) for n in limits}
            else:
                results = bench.converges(args.runs, not args.skip_floor)
                if scale is None and not args.skip_naive:
                    results["naive"] = bench.naive(args.naive_runs)
                measured = {scale: results}
            print(f"  load after: {uptime()}", flush=True)
            return measured
    finally:
        emulator.stop()


def main() -> int:
    args = parse_args()
    if not (COLLECTIONS_PATH / "ansible_collections" / "alibabacloud" / "apig").exists():
        sys.exit(f"the collection is not linked under {COLLECTIONS_PATH}: run `make collection` first")
    lines = [machine_line(args)]
    by_scale: Dict[Any, Dict[str, Result]] = {}
    try:
        for scale, scenario in worlds(args):
            measured = bench_world(args, scale, scenario)
            if args.throttled:
                lines += ["", world_line(scenario)] + throttled_report(measured, args.read_limit, args.read_scope)
                by_scale.update({f"scale {scale} writes {n}": r for n, r in measured.items()})
                continue
            lines += [""] + report(measured[scale], scenario, scale)
            print("\n".join(lines[-len(report(measured[scale], scenario, scale)) :]), flush=True)
            by_scale.update(measured)
            if args.json:
                dump_json(args.json, {str(k): v for k, v in by_scale.items()})
    except Failed as err:
        print(f"FAILED: {err}", file=sys.stderr)
        return 1
    if not args.throttled and len(by_scale) > 1:
        lines += growth(by_scale, args.latency_ms)
    print("\n" + "\n".join(lines))
    if args.json:
        dump_json(args.json, {str(k): v for k, v in by_scale.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
