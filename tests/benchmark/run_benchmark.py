# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend_access role on a large world with 40 ms per API call, against a floor and a naive baseline.

    .venv/bin/python tests/benchmark/run_benchmark.py [--runs 3] [--naive-runs 1 | --skip-naive]
        [--latency-ms 40] [--setting ANSIBLE_PIPELINING=1 ...] [--json results.json]
        [--sweep-writes 1,2,4,8,16 [--throttle-per-second 20]]

Not a test (it takes minutes; `make test` does not run it): a script that prints a table. The
world (scenario.py) is the emulator's generated world: one gateway, an ACK cluster of 2,000 nodes
in 20 node pools, 500 ECS instances tagged ``tier=backend``, 50 backend groups; the role's input
is three entries (the cluster, the tag, 5 groups by id) of 5 port ranges each, so the desired set
is 50 groups x 5 ranges = 250 authorizations. The emulator (a child process) adds ``--latency-ms``
to every call. Each scenario runs ``ansible-playbook alibabacloud.apig.authorize_backends`` (the
collection's playbook, i.e. the role) with purge on:

1. cold: nothing authorized yet (the world is reloaded before each run);
2. no-op: everything in place;
3. change: the groups entry's 5 ranges replaced by 5 others (25 removed, 25 added);
4. naive: one gateway_sg_authorization task per (group, range), 250 tasks in one playbook, the
   way a per-rule resource or a CLI loop acts (groups given, no discovery: the naive side's best case);
5. floor: tests/benchmark/floor.py, the same work in plain Python with the same SDKs (cold, no-op
   and change), each of its runs right after the role's run of the same kind.

For each it prints the median wall time of the runs, the API calls by action from the emulator's
call log (identical in every run, or the script says so), and the peak memory: the largest
``ru_maxrss`` among the run's processes (os.wait4 gives the run's children's rusage, as
resource.getrusage(RUSAGE_CHILDREN) would for that run alone). Then the ratios and the issue's
targets, each met or missed. The exit status is 0 when every run converged correctly, whatever the
targets say.

``--sweep-writes`` times the cold converge with max_concurrent_writes set through module_defaults
to each value, optionally with the emulator throttling the two write actions (more than N calls in
any one-second window answer Throttling.User), to check the option's default.
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
from emulator.server import start_subprocess  # noqa: E402

COLLECTIONS_PATH = REPO / ".build" / "collections"
PLAYBOOK = "alibabacloud.apig.authorize_backends"
WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")
TARGET_COLD_OVER_NAIVE = 10.0  # cold at least 10 times faster than naive
TARGET_NOOP_SECONDS = 3.0
TARGET_OVER_FLOOR = 1.5


class Run(NamedTuple):
    seconds: float
    max_rss_kb: int
    calls: Dict[str, int]


class Result(NamedTuple):
    name: str
    runs: List[Run]

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def max_rss_kb(self) -> int:
        return max(r.max_rss_kb for r in self.runs)

    @property
    def calls(self) -> Dict[str, int]:
        return self.runs[-1].calls

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


class Bench:
    def __init__(self, args: argparse.Namespace, scenario: Scenario, emulator: Any, workdir: Path) -> None:
        self.args = args
        self.scenario = scenario
        self.emulator = emulator
        self.workdir = workdir
        self.after_cold: Optional[Dict[str, Any]] = None
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
        """One task per (group, range): 250 module invocations, each listing, adding and listing again."""
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
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "tasks": tasks,
        }
        return self.write_json("naive.yml", [play])  # JSON is YAML

    def role_playbook(self, max_concurrent_writes: int) -> str:
        """authorize_backends.yml with module_defaults setting max_concurrent_writes (for the sweep)."""
        play = {
            "name": "Authorize API gateways to reach their backends",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "module_defaults": {
                "alibabacloud.apig.gateway_sg_authorization": {"max_concurrent_writes": max_concurrent_writes}
            },
            "roles": [{"role": "alibabacloud.apig.backend_access", "backend_access_state": "present"}],
        }
        return self.write_json(f"role-{max_concurrent_writes}.yml", [play])

    # --- the world --------------------------------------------------------------------------------

    def prepare(self, kind: str) -> None:
        if kind == "cold" or kind == "naive":
            self.emulator.reset()  # the generated world: nothing authorized
        elif self.after_cold is not None:  # noop and change start from the cold converge's end
            self.emulator.put_state(self.after_cold)
        self.emulator.clear_calls()

    def calls(self) -> Dict[str, int]:
        return dict(sorted(collections.Counter(c["action"] for c in self.emulator.calls()).items()))

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

    def run(self, label: str, kind: str, command: List[str], env: Dict[str, str], count: int) -> Result:
        runs = []
        for index in range(count):
            self.prepare(kind)
            rc, seconds, rss, stdout, stderr = measure(command, env, str(self.workdir), self.args.timeout)
            self.check(label, kind, rc, stdout, stderr)
            calls = self.calls()
            if kind == "noop" and set(WRITES) & set(calls):
                raise Failed(f"{label}: the no-op run wrote: {calls}")
            runs.append(Run(seconds, rss, calls))
            if kind == "cold" and self.after_cold is None:
                self.after_cold = self.emulator.state()
            print(f"  {label} run {index + 1}/{count}: {seconds:.2f} s, {sum(calls.values())} calls", flush=True)
        return Result(label, runs)

    def role(self, kind: str, count: int) -> Result:
        extra = self.write_json(f"vars-{kind}.json", self.scenario.role_vars(changed=kind == "change"))
        command = [self.ansible_playbook, PLAYBOOK, "-i", "localhost,", "-c", "local", "-e", f"@{extra}"]
        return self.run(kind, kind, command, self.ansible_env, count)

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

    def sweep(self, values: List[int], throttle: Optional[int]) -> List[tuple]:
        extra = self.write_json("vars-cold.json", self.scenario.role_vars())
        rows = []
        for value in values:
            command = [self.ansible_playbook, self.role_playbook(value), "-i", "localhost,", "-c", "local"]
            command += ["-e", f"@{extra}"]
            self.prepare("cold")
            if throttle:
                self.emulator.set_faults(
                    [{"action": a, "throttle_after_per_second": throttle, "retry_after_ms": 200} for a in WRITES]
                )
            rc, seconds, _rss, stdout, stderr = measure(command, self.ansible_env, str(self.workdir), self.args.timeout)
            self.check(f"sweep {value}", "cold", rc, stdout, stderr)
            throttled = sum(1 for c in self.emulator.calls() if c.get("code") == "Throttling.User")
            self.emulator.clear_faults()
            rows.append((value, seconds, throttled))
            print(f"  max_concurrent_writes={value}: {seconds:.2f} s, {throttled} throttled answers", flush=True)
        return rows


# --- the report ---------------------------------------------------------------------------------


def calls_text(calls: Dict[str, int]) -> str:
    return ", ".join(f"{action} {count}" for action, count in calls.items())


def report(results: Dict[str, Result], scenario: Scenario, args: argparse.Namespace) -> List[str]:
    lines = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines.append(
        f"{now}; {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Linux {platform.release()}; latency {args.latency_ms:g} ms per call; settings: "
        + (", ".join(args.setting) or "none")
    )
    shape = scenario.shape
    lines.append(
        f"world: {shape.nodes} nodes in {shape.node_pools} node pools, {shape.tagged_instances} tagged instances, "
        f"{shape.groups} groups x {shape.ranges_per_group} ranges = {shape.groups * shape.ranges_per_group} "
        "authorizations"
    )
    lines.append("")
    lines.append("| run | runs | wall time (median) | min - max | calls | writes | peak RSS |")
    lines.append("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        times = [r.seconds for r in result.runs]
        writes = sum(result.calls.get(a, 0) for a in WRITES)
        lines.append(
            f"| {name} | {len(times)} | {result.seconds:.2f} s | {min(times):.2f} - {max(times):.2f} s "
            f"| {sum(result.calls.values())} | {writes} | {result.max_rss_kb / 1024:.0f} MiB |"
        )
    lines.append("")
    for name, result in results.items():
        note = "" if result.deterministic else " (NOT the same in every run)"
        lines.append(f"calls, {name}{note}: {calls_text(result.calls)}")
    lines.append("")
    lines.extend(targets(results, scenario))
    return lines


def targets(results: Dict[str, Result], scenario: Scenario) -> List[str]:
    lines = ["targets:"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for kind in ("cold", "noop", "change"):
        if kind in results:
            expected = scenario.expected_calls(kind)
            ok = results[kind].calls == expected and results[kind].deterministic
            lines.append(f"  calls, {kind} = the floor formula: {verdict(ok)}")
            if not ok:
                lines.append(f"    expected {calls_text(expected)}")
    if "cold" in results and "noop" in results:
        ratio = results["noop"].seconds / results["cold"].seconds
        lines.append(f"  ratio no-op/cold: {ratio:.2f}")
    if "cold" in results and "naive" in results:
        ratio = results["cold"].seconds / results["naive"].seconds
        lines.append(
            f"  ratio cold/naive: {ratio:.3f} (cold {1 / ratio:.1f}x faster; target >= {TARGET_COLD_OVER_NAIVE:g}x): "
            + verdict(1 / ratio >= TARGET_COLD_OVER_NAIVE)
        )
    if "noop" in results:
        seconds = results["noop"].seconds
        lines.append(f"  no-op wall time {seconds:.2f} s (target < {TARGET_NOOP_SECONDS:g} s): " + verdict(seconds < 3))
    for kind in ("cold", "noop", "change"):
        floor = results.get(f"floor {kind}")
        if kind in results and floor:
            ratio = results[kind].seconds / floor.seconds
            same = "same calls" if results[kind].calls == floor.calls else "calls differ from the floor's"
            target = f" (target <= {TARGET_OVER_FLOOR:g}): {verdict(ratio <= TARGET_OVER_FLOOR)}"
            lines.append(f"  collection/floor, {kind}: {ratio:.2f}{target if kind != 'change' else ''}; {same}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each converge and of the floor (median)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of the naive baseline (it is long)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--medium", action="store_true", help="the call-count test's medium world (a quick look)")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="ANSIBLE_X=V",
        help="an environment setting for ansible-playbook, e.g. ANSIBLE_PIPELINING=1 (repeatable)",
    )
    parser.add_argument("--sweep-writes", help="comma-separated max_concurrent_writes values: time only those")
    parser.add_argument("--throttle-per-second", type=int, help="with --sweep-writes: throttle the write actions")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not (COLLECTIONS_PATH / "ansible_collections" / "alibabacloud" / "apig").exists():
        parser.error(f"the collection is not linked under {COLLECTIONS_PATH}: run `make collection` first")

    scenario = build_scenario(MEDIUM if args.medium else LARGE)
    emulator = start_subprocess(scenario.world, latency_ms=args.latency_ms)
    results: Dict[str, Result] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="apig-bench-") as tmp:
            bench = Bench(args, scenario, emulator, Path(tmp))
            if args.sweep_writes:
                values = [int(v) for v in args.sweep_writes.split(",")]
                rows = bench.sweep(values, args.throttle_per_second)
                print("\n| max_concurrent_writes | cold converge | throttled answers |\n|---|---|---|")
                for value, seconds, throttled in rows:
                    print(f"| {value} | {seconds:.2f} s | {throttled} |")
                return 0
            for kind in ("cold", "noop", "change"):
                # The role and the floor take turns, so that the shared machine's drift weighs on both alike.
                for _run in range(args.runs):
                    measured = [bench.role(kind, 1)] + ([] if args.skip_floor else [bench.floor(kind, 1)])
                    for result in measured:
                        results.setdefault(result.name, Result(result.name, [])).runs.extend(result.runs)
            results = {name: results[name] for name in sorted(results, key=lambda n: n.startswith("floor"))}
            if not args.skip_naive:
                results["naive"] = bench.naive(args.naive_runs)
    except Failed as err:
        print(f"FAILED: {err}", file=sys.stderr)
        return 1
    finally:
        emulator.stop()
    lines = report(results, scenario, args)
    print("\n" + "\n".join(lines))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    name: {"seconds": [r.seconds for r in res.runs], "max_rss_kb": res.max_rss_kb, "calls": res.calls}
                    for name, res in results.items()
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
