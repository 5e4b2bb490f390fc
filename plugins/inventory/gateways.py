# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gateways
short_description: Alibaba Cloud APIG gateways as inventory hosts
version_added: 1.0.0
description:
  - Lists the Cloud-native API Gateway (APIG) gateways of one or more regions, one host per gateway, with the
    host variables the M(alibabacloud.apig.gateway_sg_authorization) task and the C(alibabacloud.apig.backend_access)
    role read, so that one play fans out over gateways in several regions.
  - Every host is in the group C(apig_gateways). Use O(keyed_groups) to group by region, VPC or tag.
  - "Reads inventory files whose name ends in C(.apig.yml) or C(.apig.yaml) and that say
    C(plugin: alibabacloud.apig.gateways)."
  - "Host variables: C(backend_access_gateway_id), C(backend_access_region), C(apig_gateway_id), C(apig_name),
    C(apig_region), C(apig_vpc_id), C(apig_vswitch_ids), C(apig_zone_ids), C(apig_security_group_id) (the gateway's
    managed security group), C(apig_status), C(apig_gateway_type), C(apig_spec), C(apig_resource_group_id) and
    C(apig_tags) (a dictionary)."
  - "API calls: one C(DescribeRegions), to check the region names, then C(ListGateways) per region and page
    (RAM actions C(apig:DescribeRegions) and C(apig:ListGateways)). Without C(apig:DescribeRegions) the region
    names are not checked, with a warning."
  - The inventory is complete or it fails. A region whose listing fails (a RAM denial, throttling or a server error
    after the retries of O(max_attempts), a connection that cannot be made) fails the plugin with a message that
    names the region, the error code and the request ID. So does an answer that is malformed or does not agree with
    itself, for example a C(ListGateways) page without its list of gateways, or pages that hold fewer gateways
    than the total the answer states. O(skip_failing_regions) leaves such a region out with a warning instead.
  - "B(What ansible-core does with that failure, by default:) it prints it as a warning (C(Failed to parse
    inventory with ... plugin), then C(Unable to parse ... as an inventory source)) and goes on without the source:
    C(ansible-inventory) exits 0, and a play for C(apig_gateways) prints C(skipping: no hosts matched) and exits 0.
    To make the failure stop the run, set C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) (in C(ansible.cfg):
    C([inventory]) C(any_unparsed_is_failed = true)): any inventory source that fails is then fatal, and
    C(ansible-inventory) and C(ansible-playbook) exit non-zero. C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true)
    (C([inventory]) C(unparsed_is_failed = true)) is fatal only when no source at all was parsed: it stops the run
    when this file is the only inventory, not when another source (a static hosts file) was read. AWX sets
    C(ANSIBLE_INVENTORY_UNPARSED_FAILED=True) for every inventory update, so a failing region fails the sync."
  - The credentials (O(access_key_secret), O(security_token), and those of a profile file or of the SDK's default
    chain) are masked in every message the plugin prints, by value, wherever an error answer echoes them.
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - alibabacloud.apig.inventory
  - alibabacloud.apig.timeouts
options:
  plugin:
    description: The name of this plugin; makes the file an inventory source of it.
    type: str
    required: true
    choices: [alibabacloud.apig.gateways]
  regions:
    description:
      - The regions whose gateways are listed, for example V([cn-hangzhou, cn-shanghai]).
      - If empty, the one region of O(region) (or E(ALIBABA_CLOUD_REGION_ID)) is listed.
      - A region where APIG is not offered fails, naming it.
    type: list
    elements: str
    default: []
  filters:
    description:
      - Only the gateways that match every given filter become hosts.
      - The filters are sent to C(ListGateways) and checked again on each gateway answered.
      - "Keys: C(name) (exact), C(vpc_id), C(gateway_type) (V(API) or V(AI)), C(resource_group_id), and C(tags),
        a dictionary of tag keys to values, where a null value matches any value of that key."
    type: dict
    default: {}
  skip_failing_regions:
    description:
      - By default a region whose listing fails fails the whole inventory (the description says how to make that failure
        stop C(ansible-inventory) and C(ansible-playbook)).
      - If V(true), such a region is left out with a warning that names it and says why, and the gateways of the
        other regions are listed, as C(amazon.aws.aws_ec2)'s C(strict_permissions=false) skips the regions it may
        not read. A play then runs on fewer gateways than exist; use it only where that is intended.
      - If every region fails, the inventory fails even so.
      - A listing that left a region out is not written to the inventory cache.
      - This is not the constructed option O(strict), which is about templating errors in O(compose),
        O(groups) and O(keyed_groups).
    type: bool
    default: false
  hostname:
    description:
      - What names a host, the gateway's ID or its name. Two gateways with the same name fail with V(name).
    type: str
    choices: [gateway_id, name]
    default: gateway_id
notes:
  - The credentials come from the same options, environment variables and default chain as the modules'. An AWX
    inventory source with the collection's credential type (docs/awx/credential_type.yml) needs no option here.
"""

EXAMPLES = r"""
---
# demo.apig.yml: the gateways of two regions, grouped by region and by the value of their tag "env"
plugin: alibabacloud.apig.gateways
regions:
  - cn-hangzhou
  - cn-shanghai
keyed_groups:
  - key: backend_access_region
    prefix: region
  - key: apig_tags.env | default('untagged')
    prefix: env
  - key: apig_vpc_id
    prefix: vpc

---
# Only the production gateways of one team, named by their gateway name, with a cache
plugin: alibabacloud.apig.gateways
regions: [cn-hangzhou]
hostname: name
filters:
  tags:
    env: prod
    team: null
  gateway_type: API
compose:
  apig_team: apig_tags.team | default('none')
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/apig-inventory-cache
cache_timeout: 600

---
# Every region that answers; a region that fails (a RAM denial, throttling past the retries) is left out with a
# warning naming it. Run it with ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true so that a failure of every region,
# or a bad option, stops the run.
plugin: alibabacloud.apig.gateways
regions: [cn-hangzhou, cn-shanghai, cn-beijing]
skip_failing_regions: true
"""

import os
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.plugins.inventory import Cacheable
from ansible.plugins.inventory import Constructable
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import MissingLibraryError
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import connection_settings
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import known_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import mask_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import DEFAULT_GROUP
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import Listing
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import RegionGateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import collect_gateways
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import connection_params
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import explained
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import host_names
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import host_variables
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import parse_filters
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import requested_regions


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "alibabacloud.apig.gateways"

    def __init__(self) -> None:
        super().__init__()
        self._connection_options: Dict[str, Any] = {}
        self._sessions: Dict[str, Session] = {}

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith((".apig.yml", ".apig.yaml"))

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        records = None
        if use_cache:
            try:
                records = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if records is None:
            records, complete = self._fetch_records()
            # A listing that left a region out is not kept: the next run asks again, and warns again.
            update_cache = update_cache and complete
        if update_cache:
            self._cache[cache_key] = records
        self._populate([RegionGateway(r["region"], r["gateway"]) for r in records])

    def _fetch_records(self) -> Tuple[List[Dict[str, Any]], bool]:
        """The gateways as plain dicts (what the cache keeps) and whether every region answered.

        Every failure is one error, its text masked of the credentials; it is raised outside the handler,
        so that no chained exception carries the unmasked text to a traceback.
        """
        message: Optional[str] = None
        try:
            listing = self._list_gateways()
        except ApiError as err:
            message = str(explained(err))
        except OptionError as err:
            message = str(err)
        except MissingLibraryError as err:
            message = missing_required_lib(err.library)
        if message is not None:
            raise AnsibleParserError(self._masked(f"{self.NAME}: {message}"))
        records = [{"region": r.region, "gateway": r.gateway} for r in listing.gateways]
        return records, not listing.skipped_regions

    def _list_gateways(self) -> Listing:
        self._connection_options = {
            name: self.get_option(name) for name in COMMON_ARGUMENT_SPEC if self.has_option(name)
        }
        regions = requested_regions(self.get_option("regions"), self._connection_options.get("region"))
        filters = parse_filters(self.get_option("filters"))
        return collect_gateways(
            self._session,
            regions,
            filters,
            self._warn,
            skip_failing_regions=bool(self.get_option("skip_failing_regions")),
        )

    def _session(self, region: str) -> Session:
        if region not in self._sessions:
            settings = connection_settings(connection_params(self._connection_options, region))
            self._sessions[region] = Session(settings, log=self._log)
        return self._sessions[region]

    def _masked(self, text: str) -> str:
        """``text`` without any credential value the plugin knows (options, environment, profiles, the SDK's chain),
        as no_log masks a module's: an error body may echo the STS token without a label a pattern would know."""
        given = [self._connection_options.get("access_key_secret"), self._connection_options.get("security_token")]
        for session in self._sessions.values():
            given.extend(session.credential_secrets())
        return mask_secrets(text, known_secrets(os.environ, given))

    def _warn(self, text: str) -> None:
        self.display.warning(self._masked(text))

    def _log(self, text: str) -> None:
        self.display.vvv(self._masked(text))

    def _populate(self, records: List[RegionGateway]) -> None:
        strict = self.get_option("strict")
        try:
            named = host_names(records, self.get_option("hostname"))
        except OptionError as err:
            raise AnsibleParserError(f"{self.NAME}: {err}") from None
        self.inventory.add_group(DEFAULT_GROUP)
        for name, record in named:
            self.inventory.add_host(name, group=DEFAULT_GROUP)
            variables = host_variables(record)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)
