# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection and retry options every module of the collection takes (its common argument spec).
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - The AccessKey ID of the account or RAM user.
      - If neither this option nor O(profile) is set, the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID) or
        E(ALICLOUD_ACCESS_KEY) are used; a O(profile) option beats keys in the environment.
      - When neither the options nor the environment give a key or a profile, the Alibaba Cloud credentials
        default chain is used (the CLI profile file C(~/.aliyun/config.json), C(~/.alibabacloud/credentials.ini),
        OIDC role (RRSA) and the ECS instance RAM role). When it finds nothing, the task fails with one message
        listing these ways, before any API call.
    type: str
    aliases: [access_key, alicloud_access_key]
  access_key_secret:
    description:
      - The AccessKey secret that goes with O(access_key_id). Never logged or returned.
      - If not set, the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) or E(ALICLOUD_SECRET_KEY) are used
        (not with a O(profile) option, which brings its own). An empty secret is refused.
    type: str
    aliases: [secret_key, alicloud_secret_key]
  security_token:
    description:
      - The STS security token, when O(access_key_id) is a temporary key. Never logged or returned.
      - If not set, the environment variables E(ALIBABA_CLOUD_SECURITY_TOKEN) or E(ALICLOUD_SECURITY_TOKEN) are used
        (not with a O(profile) option).
    type: str
  region:
    description:
      - The region of the gateway and its backends, for example V(cn-hangzhou).
      - If not set, the environment variables E(ALIBABA_CLOUD_REGION_ID) or E(ALICLOUD_REGION) are used, and
        otherwise, when the credentials come from a profile, the profile's C(region_id). A region is required.
      - The whole value must be a region id; surrounding spaces or a trailing newline are refused.
    type: str
    aliases: [region_id]
  profile:
    description:
      - The name of a credentials profile, looked up in the Alibaba Cloud CLI file C(~/.aliyun/config.json)
        and then in C(~/.alibabacloud/credentials.ini) (or the file E(ALIBABA_CLOUD_CREDENTIALS_FILE) names).
      - This option beats access keys in the environment. If not set, the environment variables
        E(ALIBABA_CLOUD_PROFILE) or E(ALICLOUD_PROFILE) are used when the environment has no access key.
      - The profile's C(region_id) is the region when neither O(region) nor the environment gives one.
      - Mutually exclusive with O(access_key_id).
    type: str
  apig_endpoint:
    description:
      - The APIG API endpoint, as V(host[:port]) (HTTPS) or a URL whose scheme, V(http) or V(https), picks the protocol.
      - If not set, the environment variable E(ALIBABA_CLOUD_ENDPOINT_APIG) is used, and otherwise the regional
        public endpoint C(apig.<region>.aliyuncs.com) over HTTPS.
    type: str
  ecs_endpoint:
    description:
      - The ECS API endpoint, in the same forms as O(apig_endpoint).
      - If not set, the environment variable E(ALIBABA_CLOUD_ENDPOINT_ECS) is used, and otherwise the SDK's
        regional endpoint.
    type: str
  cs_endpoint:
    description:
      - The Container Service (ACK) API endpoint, in the same forms as O(apig_endpoint).
      - If not set, the environment variable E(ALIBABA_CLOUD_ENDPOINT_CS) is used, and otherwise
        C(cs.<region>.aliyuncs.com).
    type: str
  max_attempts:
    description:
      - How many times one API call is attempted in all, when it fails with throttling, a server error (HTTP 5xx),
        a dropped connection or a timeout. Client errors (such as a wrong parameter or a refused permission) are
        never retried. V(1) disables retries.
      - Retries wait with exponential backoff and random jitter, and honour the server's retry-after hint.
      - Requests are also paced by an adaptive rate limiter (O(adaptive_rate_limit)), one per API product and
        region. After a throttled answer or a lock conflict (C(Conflict.LockFailed), C(OperationConflict)) it slows
        that product's calls down, waits for the server's retry-after hint (at most 20 seconds), and speeds the
        calls up again while the answers are clean. Nothing needs tuning.
      - Raise O(max_attempts) or O(retry_timeout) when your account is throttled hard and tasks fail with a
        throttling code after every attempt.
      - C(max_concurrent_writes), where a module has it, stays the ceiling on concurrent writes; the limiter decides
        the rate under it. Lower it only to leave room for other tools writing to the same account at the same time.
      - Runs that share an account (other tasks, other hosts, other tools) share its rate limits but not their
        limiters. Each slows down on its own throttled answers, so together they settle under the account's limit
        after a few throttled and retried calls.
    type: int
    default: 8
  adaptive_rate_limit:
    description:
      - Whether requests are paced by the adaptive rate limiter described under O(max_attempts).
      - Leave it on. With V(false) nothing is paced on the client side and throttled calls are only retried (with
        backoff, within O(max_attempts) and O(retry_timeout)), so under a rate limit the run's speed depends on
        C(max_concurrent_writes) being tuned to that limit, which the limiter makes unnecessary.
      - Turn it off only to pace the writes yourself with a fixed C(max_concurrent_writes), or if throttling of
        one action should not slow the product's other calls in the same run (the limiter is per product and
        region, not per action).
      - If not set, the environment variable E(ALIBABA_CLOUD_ADAPTIVE_RATE_LIMIT) is used.
    type: bool
    default: true
notes:
  - The modules talk to the APIG (2024-03-27), ECS (2014-05-26) and CS (2015-12-15) OpenAPIs through the official
    Alibaba Cloud Python SDKs, which must be installed where the module runs (see the collection's requirements.txt).
requirements:
  - python >= 3.10
  - alibabacloud-tea-openapi
  - alibabacloud-credentials
"""
