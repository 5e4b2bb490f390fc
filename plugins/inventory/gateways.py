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
"""

from typing import Any
from typing import Dict
from typing import List

from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.plugins.inventory import Cacheable
from ansible.plugins.inventory import Constructable
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import MissingLibraryError
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import connection_settings
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_auth_error
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import DEFAULT_GROUP
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import RegionGateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import collect_gateways
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import connection_params
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import host_names
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import host_variables
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import parse_filters
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import requested_regions

_CREDENTIALS_HINT = (
    "Check the credentials: access_key_id and access_key_secret (or ALIBABA_CLOUD_ACCESS_KEY_ID and "
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET), security_token for an STS key, or profile."
)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "alibabacloud.apig.gateways"

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
            records = self._fetch_records()
        if update_cache:
            self._cache[cache_key] = records
        self._populate([RegionGateway(r["region"], r["gateway"]) for r in records])

    def _fetch_records(self) -> List[Dict[str, Any]]:
        """The gateways as plain dicts (what the cache keeps); every expected failure is one clear error."""
        try:
            options = {name: self.get_option(name) for name in COMMON_ARGUMENT_SPEC if self.has_option(name)}
            regions = requested_regions(self.get_option("regions"), options.get("region"))
            filters = parse_filters(self.get_option("filters"))
            sessions: Dict[str, Session] = {}

            def session(region: str) -> Session:
                if region not in sessions:
                    settings = connection_settings(connection_params(options, region))
                    sessions[region] = Session(settings, log=self.display.vvv)
                return sessions[region]

            found = collect_gateways(session, regions, filters, self.display.warning)
        except ApiError as err:
            if is_auth_error(err) and not err.hint:
                err.hint = _CREDENTIALS_HINT
            raise AnsibleParserError(f"{self.NAME}: {err}") from None
        except OptionError as err:
            raise AnsibleParserError(f"{self.NAME}: {err}") from None
        except MissingLibraryError as err:
            raise AnsibleParserError(f"{self.NAME}: {missing_required_lib(err.library)}") from None
        return [{"region": r.region, "gateway": r.gateway} for r in found]

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
