# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hypothesis profiles: "ci" (default, 200 examples) and "fuzz" (5000), chosen by HYPOTHESIS_PROFILE.

Property tests set no max_examples of their own, so the profile decides the budget:
`HYPOTHESIS_PROFILE=fuzz python -m pytest tests/unit` runs the slow, thorough variant.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# make test runs the fuzz profile with a bounded budget (HYPOTHESIS_FUZZ_EXAMPLES); by hand it defaults to 5000.
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("HYPOTHESIS_FUZZ_EXAMPLES", "5000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
