# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options of the plugins (the inventory), read as plugins read options: from the
    # inventory file or the environment. Same names, environment variables and defaults as the modules'
    # (common.py); where several variables are listed, the ALIBABA_CLOUD_* one wins.
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - The AccessKey ID of the account or RAM user.
      - When neither this option, the environment nor O(profile) gives a key, the Alibaba Cloud credentials
        default chain is used (the CLI profile file C(~/.aliyun/config.json), C(~/.alibabacloud/credentials.ini),
        OIDC role (RRSA) and the ECS instance RAM role), as by the modules.
    type: str
    env:
      - name: ALICLOUD_ACCESS_KEY
      - name: ALIBABA_CLOUD_ACCESS_KEY_ID
  access_key_secret:
    description:
      - The AccessKey secret that goes with O(access_key_id). Never logged or shown.
    type: str
    env:
      - name: ALICLOUD_SECRET_KEY
      - name: ALIBABA_CLOUD_ACCESS_KEY_SECRET
  security_token:
    description:
      - The STS security token, when O(access_key_id) is a temporary key. Never logged or shown.
    type: str
    env:
      - name: ALICLOUD_SECURITY_TOKEN
      - name: ALIBABA_CLOUD_SECURITY_TOKEN
  region:
    description:
      - The region used when O(regions) is empty, for example V(cn-hangzhou).
      - An AWX credential of the collection's credential type sets it (E(ALIBABA_CLOUD_REGION_ID)).
    type: str
    env:
      - name: ALICLOUD_REGION
      - name: ALIBABA_CLOUD_REGION_ID
  profile:
    description:
      - The name of a credentials profile, looked up in the Alibaba Cloud CLI file C(~/.aliyun/config.json)
        and then in C(~/.alibabacloud/credentials.ini).
      - Mutually exclusive with O(access_key_id).
    type: str
    env:
      - name: ALICLOUD_PROFILE
      - name: ALIBABA_CLOUD_PROFILE
  apig_endpoint:
    description:
      - The APIG API endpoint, as V(host[:port]) (HTTPS) or a URL whose scheme, V(http) or V(https), picks the protocol.
      - If not set, each region's public endpoint C(apig.<region>.aliyuncs.com) over HTTPS.
      - A fixed endpoint answers for its own region whichever region is asked; a gateway is listed under a region
        only if its zones are in that region.
    type: str
    env:
      - name: ALIBABA_CLOUD_ENDPOINT_APIG
  max_attempts:
    description:
      - How many times one API call is attempted in all, when it fails with throttling, a server error (HTTP 5xx),
        a dropped connection or a timeout. V(1) disables retries.
    type: int
    default: 8
  adaptive_rate_limit:
    description:
      - Whether requests are paced by an adaptive rate limiter per region, as in the modules. Leave it on.
    type: bool
    default: true
    env:
      - name: ALIBABA_CLOUD_ADAPTIVE_RATE_LIMIT
requirements:
  - python >= 3.10
  - alibabacloud-tea-openapi
  - alibabacloud-credentials
  - alibabacloud-apig20240327
"""
