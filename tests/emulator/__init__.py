# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A wire-level emulator of the Alibaba Cloud APIs the collection uses: APIG 2024-03-27,
ECS 2014-05-26 and CS 2015-12-15, served on one loopback port to the real SDK clients.

Run it with ``python tests/emulator --world demo.yml --port 0``; from tests, with ``tests/`` on
``sys.path``::

    from emulator.server import start_in_thread

    with start_in_thread("demo.yml") as emu:
        ...  # Config(endpoint=emu.endpoint, protocol="HTTP", region_id=emu.region, ...)

See README.md in this directory for the world-file format and the behaviour it assumes.
The collection imports nothing from here, and this package nothing from the collection.
"""
