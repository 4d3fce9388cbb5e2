"""Node identity: the only producer of node keys, shared by networkx, Neo4j and exports.

>>> field_id("身份证号码")
'field:身份证号码'
>>> scenario_id("你我贷", "认证服务")
'scenario:你我贷/认证服务'
"""

from __future__ import annotations

import sys

FIELD, SCENARIO, SDK, RECIPIENT, PERMISSION, APP, CONTROLLER = (
    "field", "scenario", "sdk", "recipient", "permission", "app", "controller",
)
NODE_KINDS = (FIELD, SCENARIO, SDK, RECIPIENT, PERMISSION, APP, CONTROLLER)

# edge kinds (relationship types in Neo4j are the upper-case forms)
FLOWS_INTO = "flows_into"      # field -> scenario | sdk
RECEIVED_BY = "received_by"    # scenario | sdk -> recipient
ENTRUSTS = "entrusts"          # recipient -> onward processor
MEMBER_OF = "member_of"        # field -> group field
GRANTS = "grants"              # permission -> field
DISCLOSES = "discloses"        # app -> scenario | sdk | permission
OPERATES = "operates"          # controller -> app
EDGE_KINDS = (FLOWS_INTO, RECEIVED_BY, ENTRUSTS, MEMBER_OF, GRANTS, DISCLOSES, OPERATES)

_intern = sys.intern


def field_id(name: str) -> str:
    """The node key of a field."""
    return _intern(f"field:{name}")


def recipient_id(name: str) -> str:
    """The node key of a recipient (one node across apps)."""
    return _intern(f"recipient:{name}")


def scenario_id(app: str, name: str) -> str:
    """The node key of an app's sharing scenario (two apps' rows of one name stay apart)."""
    return _intern(f"scenario:{app}/{name}")


def sdk_id(app: str, name: str) -> str:
    """The node key of an app's SDK."""
    return _intern(f"sdk:{app}/{name}")


def permission_id(app: str, name: str) -> str:
    """The node key of an app's permission."""
    return _intern(f"permission:{app}/{name}")


def app_id(app: str) -> str:
    """The node key of an app."""
    return _intern(f"app:{app}")


def controller_id(name: str) -> str:
    """The node key of a controller (the company that runs the app)."""
    return _intern(f"controller:{name}")


def via_id(app: str, channel: str, name: str) -> str:
    """The scenario or SDK node a flow passes through."""
    return scenario_id(app, name) if channel == "sharing" else sdk_id(app, name)
