# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the collection's playbooks against the local emulator, as a new user would run them.

Starts the emulator on the demo world, authorizes the demo backends (with --diff), runs the same
playbook again (nothing changes, no write call), moves a service's port (8080 to 8081) as a deploy
would, audits (the audit lists the gateway's services, their endpoints and whether each is
authorized, and catches the moved port), authorizes from the gateway's own services with purge (the
new port is added, then what no service needs is revoked), audits again, and stops the emulator.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from emulator.server import start_subprocess  # noqa: E402

WRITES = {"AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule"}
REPORT_DIR = REPO / "reports"


def banner(text: str) -> None:
    print("\n" + "=" * 100 + "\n" + text + "\n" + "=" * 100, flush=True)


def playbook(name: str, env: dict, *args: str) -> None:
    command = [str(Path(sys.executable).parent / "ansible-playbook"), f"alibabacloud.apig.{name}"]
    command += ["-e", f"@{REPO / 'demo' / 'backends.yml'}", *args]
    print("$ ansible-playbook " + " ".join(command[1:]), flush=True)
    subprocess.run(command, env=env, cwd=REPORT_DIR, check=True)


def call_summary(emulator) -> str:
    calls = emulator.calls()
    emulator.clear_calls()
    counts = collections.Counter(call["action"] for call in calls)
    writes = sum(counts[action] for action in WRITES)
    listing = ", ".join(f"{action} x{count}" for action, count in sorted(counts.items()))
    return f"emulator: {len(calls)} API calls, {writes} write(s): {listing}"


def main() -> int:
    REPORT_DIR.mkdir(exist_ok=True)
    with start_subprocess("demo.yml") as emulator:
        env = dict(os.environ)
        env.update(emulator.env())
        env["ANSIBLE_PYTHON_INTERPRETER"] = sys.executable
        env.setdefault("ANSIBLE_LOCALHOST_WARNING", "false")
        env.setdefault("ANSIBLE_INVENTORY_UNPARSED_WARNING", "false")
        env["PWD"] = str(REPORT_DIR)
        print(f"Emulator of APIG, ECS and ACK listening on {emulator.url} (world tests/emulator/worlds/demo.yml)")

        banner("1/6 Authorize the demo backends (changes shown with --diff)")
        playbook("authorize_backends", env, "--diff")
        print(call_summary(emulator))

        banner("2/6 The same playbook again: nothing changes, no write call")
        playbook("authorize_backends", env, "--diff")
        summary = call_summary(emulator)
        print(summary)
        if " 0 write(s)" not in summary:
            print("The second run wrote to the gateway: it should not have.", file=sys.stderr)
            return 1

        banner("3/6 Audit: authorizations, the backends they reach, the gateway's services, findings and drift")
        playbook("audit", env, "-e", f"apig_audit_report_dir={REPORT_DIR}")
        print(call_summary(emulator))

        banner("4/6 A deploy moves service-sg1's port from 8080 to 8081 (the FAQ's 'it worked, now it fails')")
        emulator.update_service("svc-demo-sg1-hz01", move_port={"from": 8080, "to": 8081})
        print('$ POST /_emulator/services/svc-demo-sg1-hz01 {"move_port": {"from": 8080, "to": 8081}}')

        banner("5/6 Audit: SERVICE_PORT_NOT_AUTHORIZED names the service, the endpoints and the group")
        playbook("audit", env, "-e", f"apig_audit_report_dir={REPORT_DIR}")
        print(call_summary(emulator))

        banner(
            "6/6 Authorize from the gateway's own services, with purge (adds the ports the services use, then "
            "revokes the three old pairs, which demo/services.yml allows with max_revocations 3), and audit"
        )
        services = ["-e", f"@{REPO / 'demo' / 'services.yml'}"]
        playbook("authorize_backends", env, "--diff", *services, "-e", "backend_access_purge=true")
        print(call_summary(emulator))
        playbook("audit", env, *services, "-e", f"apig_audit_report_dir={REPORT_DIR}")
        print(call_summary(emulator))

    reports = sorted(REPORT_DIR.glob("*.md"))
    banner("Done. Audit report: " + ", ".join(str(p) for p in reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
