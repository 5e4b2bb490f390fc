# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures every integration test can use: emulators of the cloud, started in this process.

* ``make_emulator(world="demo.yml", latency_ms=0)`` starts one more emulator (a world file name in
  tests/emulator/worlds, a path, or a world-file dict) and stops it at teardown.
* ``emulator``: the demo world, or the one a test names with ``@pytest.mark.world("name.yml")``.

Both give an ``emulator.server.EmulatorHandle``: ``.url``, ``.endpoint``, ``.region``, the default
access key, ``.env()`` for subprocesses, ``.calls()``, ``.set_faults()``, ``.state()``... (see
tests/emulator/README.md).
"""

from __future__ import annotations

import os

import pytest

# The SDK's credential chain reads this once, at import: set it before any test imports the SDK.
os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"

from emulator.server import start_in_thread  # noqa: E402 - after the environment is set


@pytest.fixture
def make_emulator():
    handles = []

    def make(world="demo.yml", latency_ms=0):
        handle = start_in_thread(world, latency_ms=latency_ms)
        handles.append(handle)
        return handle

    yield make
    for handle in handles:
        handle.stop()


@pytest.fixture
def emulator(request, make_emulator):
    marker = request.node.get_closest_marker("world")
    return make_emulator(marker.args[0] if marker else "demo.yml")
