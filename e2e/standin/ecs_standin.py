#!/usr/bin/env python3
"""Independent stand-in for the Alibaba Cloud ECS OpenAPI.

Written from the public API documentation, the ECS SDK's model docs and the
V3 (ACS3-HMAC-SHA256) signature specification, not from the project's Go
simulator.  Its purpose is to show that the exporter works against an ECS
implementation that is not the project's own.  Standard library only;
listens on loopback only.

Usage
-----
    python3 ecs_standin.py --listen 127.0.0.1:0 --fleet FLEET.json \\
        [--port-file PATH] [--quiet] [--max-skew SECONDS]

--port-file gets the bound port (written atomically); --quiet drops the
per-request log lines (churn and reload lines stay).  SIGTERM/SIGINT stop
the server (exit 0); SIGHUP re-reads the fleet file: every field below is
reloaded, 503 counters and churn start over, and on any error the old fleet
stays and the error (with the path of the bad field) is logged.
Self-checks: python3 -m unittest (from this folder).

Actions (POST /, parameters in the query, V3 signature required)
---------------------------------------------------------------
Every call must carry a valid V3 signature over the whole query, repeated
parameters (Name.1, Name.2, ...) included, a fresh nonce and a date within
--max-skew.  Unknown action: 404 InvalidAction.NotFound.

DescribeInstanceStatus         RegionId, ZoneId, PageNumber, PageSize 1..50,
                               InstanceId.N (<=100)
DescribeInstancesFullStatus    RegionId, PageNumber, PageSize 1..100 (10),
                               InstanceId.N (<=100), Status, HealthStatus;
                               each item lists only its Scheduled and
                               Inquiring events
DescribeInstanceHistoryEvents  RegionId, InstanceId, EventId.N,
                               InstanceEventCycleStatus.N (else EventCycleStatus),
                               InstanceEventType.N (else EventType),
                               MaxResults, NextToken.  With no cycle status it
                               lists only finished events (Avoided, Executed,
                               Canceled, Failed); an unknown one is a 400.
DescribeInstances              RegionId, ZoneId, InstanceIds (JSON array),
                               MaxResults, NextToken
DescribeRegions                lists the fleet's regions

Paging choices: MaxResults is clamped as the SDK docs say (absent -> 10,
1..9 -> 10, >100 -> 100; <=0 or not a number -> 400 InvalidParameter).
NextToken is opaque (32 hex digits) and bound to the query's filters; a
token from another query, or PageNumber/PageSize on a NextToken action,
is a 400 InvalidParameter.  Pages are offsets into the fleet as it is at
each call, so churn between pages can shift an instance by one, as it can
on the real API.

{Code, Name} pairs: the names are the documented ones.  Codes that appear
in the vendor's response examples are used (Status Running=1; Health Ok=0,
Warning=64, Impaired=128; cycle Executed=0, Avoided=8, Scheduled=24; type
SystemMaintenance.Reboot=1, InstanceExpiration.Stop=34,
SystemFailure.Reboot=65); the others are this stand-in's choice (see the
*_CODES tables), and a name it does not know gets Code -1.  Clients should
read Name.

Order of checks for each call: latency sleep, signature, version, action,
503 fault, forbidden, then the action's own parameter checks.

Fleet file
----------
All keys besides "credentials" and "regions" are optional; unknown keys
anywhere are errors.

{
  "credentials": {"LTAIstandinkey": "standinsecret"},   # access key -> secret
  "regions": {
    "eu-central-1": [],                                 # a list of instances, or
    "cn-hangzhou": {                                    # an object:
      "LocalName": "China (Hangzhou)",                  #   DescribeRegions (default: the ID)
      "instances": [INSTANCE, ...],
      "events": [EVENT, ...]                            #   their InstanceId must be in this region
    }
  },
  "events": [EVENT, ...],             # found through the instance's region
  "latency": {"cn-beijing": 1.5, "*": 0},   # seconds before answering any request
                                            # for that RegionId ("*": every other one)
  "faults": {"unavailable_every": 3,        # every Nth request answers 503
             "unavailable_regions": ["cn-hangzhou"]},   # only these (default: all)
  "forbidden": {"cn-shanghai": ["DescribeInstancesFullStatus"],   # 403 Forbidden.RAM
                "*": []},                                          # "*": every region
  "churn": {"every": 2.0, "seed": 0, "flips": 2, "adds": 1, "removes": 1,
            "regions": ["cn-hangzhou"]}    # default: all regions
}

INSTANCE (only InstanceId and Status are required; defaults shown):
  {"InstanceId": "i-1", "Status": "Running",      # Status: any non-empty string
   "ZoneId": "", "InstanceName": <InstanceId>, "HostName": "iZ<id without i->Z",
   "InstanceType": "ecs.g7.large",
   "HealthStatus": "Ok",                  # any name, or {"Code": 0, "Name": "Ok"}
   "InstanceChargeType": "PostPaid",      # or "PrePaid" (then ExpiredTime is required)
   "ExpiredTime": "2099-12-31T15:59Z",    # yyyy-MM-ddTHH:mmZ
   "OSType": "linux", "ResourceGroupId": "", "VpcId": "",
   "OperationLocks": [],                  # e.g. ["financial"]
   "Tags": {},                            # {"key": "value"}
   "StoppedMode": <KeepCharging when Stopped, else Not-applicable>,
   "SpotStrategy": "NoSpot"}

EVENT (InstanceId, EventId, EventType, EventCycleStatus required):
  {"InstanceId": "i-1", "EventId": "e-1",
   "EventType": "SystemMaintenance.Reboot",      # any name, or {"Code", "Name"}
   "EventCycleStatus": "Scheduled",              # Scheduled, Inquiring, Executing,
                                                 # Executed, Avoided, Canceled, Failed
   "NotBefore": "", "EventPublishTime": "", "EventFinishTime": "",   # yyyy-MM-ddTHH:mm:ssZ
   "ImpactLevel": "", "Reason": ""}

InstanceIds are unique across the fleet, EventIds too.  A region missing
from "regions" is unknown (404 InvalidRegionId.NotFound).

Faults
------
latency: applies to every request for that RegionId, errors included.
503: {"Code": "ServiceUnavailable"} for every Nth request counted per
RegionId (requests without one count as region ""), so one region's pattern
does not depend on how requests to other regions interleave.  Counted are
the requests that pass the signature check and name a known action, in
regions the fault applies to.  A reload restarts the count.
churn: a background thread, every "every" seconds, flips "flips" instances
Running<->Stopped, removes "removes" (never one named by an event, never
one just flipped) and adds "adds" in the churn regions, logging one line
per change:  ecs-standin: churn generation=N region=R instance=I ...

Test endpoints (unsigned, GET, loopback clients only)
-----------------------------------------------------
GET /_standin/fleet   the fleet as served right now, in the fleet-file
                      format without credentials (defaults filled in but
                      StoppedMode, which shows only when the fleet set it;
                      {Code, Name} pairs spelled out), plus "generation",
                      which grows on every churn round and reload:
                      {"generation": 4, "regions": {"cn-hangzhou": [INSTANCE...]},
                       "events": [EVENT...]}
                      Churn races a scrape: read the fleet just before and
                      just after the scrape; an instance that differs between
                      the two reads may show either value.  If the two
                      generations are equal, the scrape must match exactly.
GET /_standin/stats   answered API requests:
                      {"total": 12,
                       "requests": {ACTION: {REGION: {"200": 9, "503": 3}}},
                       "by_action": {...}, "by_region": {...}, "by_status": {...}}
                      ("-" stands for a missing action or RegionId)
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import hmac
import ipaddress
import itertools
import json
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

API_VERSION = "2014-05-26"
SIGNATURE_ALGORITHM = "ACS3-HMAC-SHA256"
HOST_ID = "ecs.aliyuncs.com"
INTERNAL_PREFIX = "/_standin/"  # unsigned, loopback-only test endpoints
MAX_BODY = 1 << 20
DEFAULT_MAX_SKEW = 15 * 60  # seconds; the spec allows a date within 15 minutes
# Headers whose values decide what the request means; they must be signed.
REQUIRED_SIGNED_HEADERS = (
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
)

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


# --------------------------------------------------------------------------
# V3 signature primitives (ACS3-HMAC-SHA256)
# --------------------------------------------------------------------------

def percent_encode(value: str) -> str:
    """RFC 3986 encoding: unreserved characters kept, space -> %20, * -> %2A."""
    return quote(value, safe="-_.~")


def canonical_query(raw_query: str) -> str:
    """Canonical query string from the raw (still percent-encoded) query."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def canonical_headers(signed_headers: list[str], header_value) -> str:
    """`name:trimmed-value\\n` for each signed header, in SignedHeaders order.

    header_value(name) returns the header's value, or None when absent.
    """
    out = []
    for name in signed_headers:
        value = header_value(name)
        out.append(f"{name}:{(value or '').strip()}\n")
    return "".join(out)


def canonical_request(method: str, canonical_uri: str, raw_query: str,
                      signed_headers: list[str], header_value,
                      hashed_payload: str) -> str:
    return "\n".join([
        method.upper(),
        canonical_uri,
        canonical_query(raw_query),
        canonical_headers(signed_headers, header_value),
        ";".join(signed_headers),
        hashed_payload,
    ])


def hashed_canonical_request(creq: str) -> str:
    return hashlib.sha256(creq.encode("utf-8")).hexdigest()


def string_to_sign(creq: str) -> str:
    return SIGNATURE_ALGORITHM + "\n" + hashed_canonical_request(creq)


def sign(secret: str, sts: str) -> str:
    return hmac.new(secret.encode("utf-8"), sts.encode("utf-8"), hashlib.sha256).hexdigest()


class AuthHeaderError(ValueError):
    pass


def parse_authorization(value: str) -> tuple[str, list[str], str]:
    """Parse `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != SIGNATURE_ALGORITHM:
        raise AuthHeaderError(f"unsupported signature algorithm {algorithm!r}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            raise AuthHeaderError("malformed Authorization header")
        fields[key.strip()] = val.strip()
    try:
        credential = fields["Credential"]
        signed = fields["SignedHeaders"]
        signature = fields["Signature"]
    except KeyError as exc:
        raise AuthHeaderError(f"Authorization header lacks {exc.args[0]}") from None
    if not credential or not signature or not signed:
        raise AuthHeaderError("Authorization header has an empty field")
    signed_headers = signed.split(";")
    if any(not h or h != h.lower() for h in signed_headers):
        raise AuthHeaderError("SignedHeaders must be non-empty lower-case names")
    return credential, signed_headers, signature


# --------------------------------------------------------------------------
# Fleet
# --------------------------------------------------------------------------

# Actions this stand-in serves; "forbidden" in the fleet may name only these.
ACTION_NAMES = (
    "DescribeInstanceStatus",
    "DescribeInstances",
    "DescribeInstancesFullStatus",
    "DescribeInstanceHistoryEvents",
    "DescribeRegions",
)

# {Code, Name} pairs.  The documentation lists the names; the codes marked
# "doc" appear in the vendor's published response examples, the others are
# this stand-in's own choice.  Clients should read Name.  A name missing
# here is served with Code -1 unless the fleet gives {"Code": n, "Name": s}.
STATUS_CODES = {"Pending": 0, "Running": 1, "Starting": 2, "Stopping": 3, "Stopped": 4}  # Running: doc
HEALTH_CODES = {"Ok": 0, "Warning": 64, "Impaired": 128,  # doc (Impaired: disk example)
                "Maintaining": 32, "Initializing": 16, "InsufficientData": 8, "NotApplicable": 4}
CYCLE_CODES = {"Executed": 0, "Avoided": 8, "Scheduled": 24,  # doc
               "Canceled": 2, "Failed": 4, "Executing": 16, "Inquiring": 32}
EVENT_TYPE_CODES = {"SystemMaintenance.Reboot": 1, "InstanceExpiration.Stop": 34,  # doc
                    "SystemFailure.Reboot": 65,  # doc
                    "SystemMaintenance.Redeploy": 2, "InstanceExpiration.Delete": 35,
                    "AccountUnbalanced.Stop": 36, "AccountUnbalanced.Delete": 37,
                    "SystemFailure.Redeploy": 66, "SystemFailure.Delete": 67,
                    "InstanceFailure.Reboot": 68}
FINISHED_CYCLES = ("Avoided", "Executed", "Canceled", "Failed")
UPCOMING_CYCLES = ("Scheduled", "Inquiring")  # what DescribeInstancesFullStatus shows

POSTPAID_EXPIRED_TIME = "2099-12-31T15:59Z"  # the vendor's pay-as-you-go placeholder
EXPIRED_TIME_FORMAT = "%Y-%m-%dT%H:%MZ"
EVENT_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
ANY_REGION = "*"

TOP_KEYS = ("credentials", "regions", "events", "latency", "faults", "forbidden", "churn")
REGION_KEYS = ("instances", "events", "LocalName")
INSTANCE_KEYS = ("InstanceId", "Status", "ZoneId", "InstanceName", "HostName", "InstanceType",
                 "HealthStatus", "InstanceChargeType", "ExpiredTime", "OSType", "ResourceGroupId",
                 "VpcId", "OperationLocks", "Tags", "StoppedMode", "SpotStrategy")
EVENT_KEYS = ("InstanceId", "EventId", "EventType", "EventCycleStatus", "NotBefore",
              "EventPublishTime", "EventFinishTime", "ImpactLevel", "Reason")
FAULT_KEYS = ("unavailable_every", "unavailable_regions")
CHURN_KEYS = ("every", "seed", "flips", "adds", "removes", "regions")


class FleetError(ValueError):
    """A fleet document that does not follow the format; the message starts with the path."""


def _fail(path: str, message: str):
    raise FleetError(f"{path}: {message}")


def _object(value, path: str, allowed: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        _fail(path, "must be an object")
    unknown = sorted(k for k in value if k not in allowed)
    if unknown:
        _fail(f"{path}.{unknown[0]}", "unknown field (known: " + ", ".join(allowed) + ")")
    return value


def _string(value, path: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value):
        _fail(path, "must be a string" if empty else "must be a non-empty string")
    return value


def _integer(value, path: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        _fail(path, f"must be an integer >= {minimum}")
    return value


def _seconds(value, path: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (
            positive and value == 0) or value > 3600:
        _fail(path, "must be a number of seconds " + ("> 0" if positive else ">= 0") + " and <= 3600")
    return float(value)


def _time(value, path: str, fmt: str, shown: str) -> str:
    _string(value, path)
    try:
        _dt.datetime.strptime(value, fmt)
    except ValueError:
        _fail(path, f"must be a UTC time written {shown}, got {value!r}")
    return value


def _code_name(value, path: str, table: dict[str, int], names=None) -> dict:
    """A {Code, Name} pair from a name, or from an object that gives both."""
    if isinstance(value, str) and value:
        pair = {"Code": table.get(value, -1), "Name": value}
    elif isinstance(value, dict):
        _object(value, path, ("Code", "Name"))
        if isinstance(value.get("Code"), bool) or not isinstance(value.get("Code"), int):
            _fail(f"{path}.Code", "must be an integer")
        pair = {"Code": value["Code"], "Name": _string(value.get("Name"), f"{path}.Name")}
    else:
        _fail(path, 'must be a name or {"Code": int, "Name": string}')
    if names is not None and pair["Name"] not in names:
        _fail(path, f"unknown name {pair['Name']!r} (known: " + ", ".join(names) + ")")
    return pair


def _regions_list(value, path: str, known, *, any_region: bool = False) -> list[str]:
    if not isinstance(value, list):
        _fail(path, "must be a list of region IDs")
    for i, region in enumerate(value):
        _known_region(region, f"{path}[{i}]", known, any_region)
    return list(value)


def _known_region(region, path: str, known, any_region: bool) -> str:
    if not isinstance(region, str) or (region not in known and not (any_region and region == ANY_REGION)):
        _fail(path, f"{region!r} is not a region of this fleet" + (' (or "*")' if any_region else ""))
    return region


def _instance(doc, path: str) -> dict:
    """A fleet instance with every optional field filled in, in INSTANCE_KEYS order."""
    _object(doc, path, INSTANCE_KEYS)
    iid = _string(doc.get("InstanceId"), f"{path}.InstanceId")
    out = {"InstanceId": iid, "Status": _string(doc.get("Status"), f"{path}.Status")}
    defaults = {"ZoneId": "", "InstanceName": iid, "HostName": "iZ" + iid[2:] + "Z" if iid.startswith("i-") else iid,
                "InstanceType": "ecs.g7.large"}
    for key, default in defaults.items():
        out[key] = _string(doc.get(key, default), f"{path}.{key}", empty=True)
    out["HealthStatus"] = _code_name(doc.get("HealthStatus", "Ok"), f"{path}.HealthStatus", HEALTH_CODES)
    charge = doc.get("InstanceChargeType", "PostPaid")
    if charge not in ("PrePaid", "PostPaid"):
        _fail(f"{path}.InstanceChargeType", 'must be "PrePaid" or "PostPaid"')
    out["InstanceChargeType"] = charge
    if "ExpiredTime" in doc:
        out["ExpiredTime"] = _time(doc["ExpiredTime"], f"{path}.ExpiredTime", EXPIRED_TIME_FORMAT,
                                   "yyyy-MM-ddTHH:mmZ")
    elif charge == "PrePaid":
        _fail(f"{path}.ExpiredTime", "is required for a PrePaid instance")
    else:
        out["ExpiredTime"] = POSTPAID_EXPIRED_TIME
    for key, default in (("OSType", "linux"), ("ResourceGroupId", ""), ("VpcId", "")):
        out[key] = _string(doc.get(key, default), f"{path}.{key}", empty=True)
    locks = doc.get("OperationLocks", [])
    if not isinstance(locks, list):
        _fail(f"{path}.OperationLocks", "must be a list of lock reasons")
    out["OperationLocks"] = [_string(r, f"{path}.OperationLocks[{i}]") for i, r in enumerate(locks)]
    tags = doc.get("Tags", {})
    if not isinstance(tags, dict):
        _fail(f"{path}.Tags", "must be an object of tag key to tag value")
    out["Tags"] = {_string(k, f"{path}.Tags"): _string(v, f"{path}.Tags.{k}", empty=True)
                   for k, v in tags.items()}
    if "StoppedMode" in doc:
        out["StoppedMode"] = _string(doc["StoppedMode"], f"{path}.StoppedMode")
    out["SpotStrategy"] = _string(doc.get("SpotStrategy", "NoSpot"), f"{path}.SpotStrategy")
    return out


def _event(doc, path: str) -> dict:
    """A fleet system event with every optional field filled in, in EVENT_KEYS order."""
    _object(doc, path, EVENT_KEYS)
    out = {"InstanceId": _string(doc.get("InstanceId"), f"{path}.InstanceId"),
           "EventId": _string(doc.get("EventId"), f"{path}.EventId"),
           "EventType": _code_name(doc.get("EventType"), f"{path}.EventType", EVENT_TYPE_CODES),
           "EventCycleStatus": _code_name(doc.get("EventCycleStatus"), f"{path}.EventCycleStatus",
                                          CYCLE_CODES, names=tuple(CYCLE_CODES))}
    for key in ("NotBefore", "EventPublishTime", "EventFinishTime"):
        value = doc.get(key, "")
        out[key] = "" if value == "" else _time(value, f"{path}.{key}", EVENT_TIME_FORMAT, "yyyy-MM-ddTHH:mm:ssZ")
    for key in ("ImpactLevel", "Reason"):
        out[key] = _string(doc.get(key, ""), f"{path}.{key}", empty=True)
    return out


class Fleet:
    """One validated fleet.  Treat it as immutable: churn and reloads build a new one."""

    def __init__(self, credentials: dict[str, str], regions: dict[str, list[dict]], *,
                 events: dict[str, list[dict]] | None = None, local_names: dict[str, str] | None = None,
                 latency: dict[str, float] | None = None, faults: dict | None = None,
                 forbidden: dict[str, set[str]] | None = None, churn: dict | None = None,
                 generation: int = 0):
        self.credentials = credentials
        self.regions = regions
        self.events = events if events is not None else {r: [] for r in regions}
        self.local_names = local_names or {}
        self.latency = latency or {}
        self.faults = faults or {"unavailable_every": 0, "unavailable_regions": None}
        self.forbidden = forbidden or {}
        self.churn = churn
        self.generation = generation

    @classmethod
    def load(cls, path: str) -> "Fleet":
        with open(path, "r", encoding="utf-8") as fh:
            try:
                doc = json.load(fh)
            except json.JSONDecodeError as exc:
                raise FleetError(f"$: not JSON: {exc}") from None
        return cls.from_doc(doc)

    @classmethod
    def from_doc(cls, doc) -> "Fleet":
        _object(doc, "$", TOP_KEYS)
        creds = doc.get("credentials")
        if not isinstance(creds, dict) or not creds or not all(
                isinstance(k, str) and k and isinstance(v, str) and v for k, v in creds.items()):
            _fail("$.credentials", "must be a non-empty object of access key ID to secret")
        if not isinstance(doc.get("regions"), dict):
            _fail("$.regions", "must be an object of region ID to instances")
        regions, events, local_names, where = {}, {}, {}, {}
        for region, value in doc["regions"].items():
            rpath = f"$.regions.{region}"
            if not region:
                _fail(rpath, "region ID must be non-empty")
            if isinstance(value, list):
                value = {"instances": value}
            _object(value, rpath, REGION_KEYS)
            if "LocalName" in value:
                local_names[region] = _string(value["LocalName"], f"{rpath}.LocalName")
            ipath = f"{rpath}.instances" if isinstance(doc["regions"][region], dict) else rpath
            instances = value.get("instances", [])
            if not isinstance(instances, list):
                _fail(ipath, "must be a list")
            regions[region] = []
            for i, item in enumerate(instances):
                inst = _instance(item, f"{ipath}[{i}]")
                if inst["InstanceId"] in where:
                    _fail(f"{ipath}[{i}].InstanceId",
                          f"{inst['InstanceId']!r} is already in {where[inst['InstanceId']]}")
                where[inst["InstanceId"]] = region
                regions[region].append(inst)
            events[region] = []
        seen_events: set[str] = set()

        def add_events(items, path: str, region: str | None) -> None:
            if not isinstance(items, list):
                _fail(path, "must be a list of events")
            for i, item in enumerate(items):
                ev = _event(item, f"{path}[{i}]")
                home = where.get(ev["InstanceId"])
                if home is None or (region is not None and home != region):
                    _fail(f"{path}[{i}].InstanceId", f"{ev['InstanceId']!r} is not an instance of "
                          + (f"region {region}" if region else "this fleet"))
                if ev["EventId"] in seen_events:
                    _fail(f"{path}[{i}].EventId", f"{ev['EventId']!r} appears twice")
                seen_events.add(ev["EventId"])
                events[home].append(ev)

        for region, value in doc["regions"].items():
            if isinstance(value, dict) and "events" in value:
                add_events(value["events"], f"$.regions.{region}.events", region)
        if "events" in doc:
            add_events(doc["events"], "$.events", None)
        return cls(dict(creds), regions, events=events, local_names=local_names,
                   latency=_latency(doc.get("latency", {}), regions),
                   faults=_faults(doc.get("faults", {}), regions),
                   forbidden=_forbidden(doc.get("forbidden", {}), regions),
                   churn=_churn(doc["churn"], regions) if "churn" in doc else None)

    def to_doc(self) -> dict:
        """The fleet as served right now, in the fleet-file format, without credentials."""
        return {"generation": self.generation,
                "regions": {r: [dict(i) for i in insts] for r, insts in self.regions.items()},
                "events": [dict(e) for r in self.regions for e in self.events.get(r, [])]}

    def replace(self, **changes) -> "Fleet":
        """A copy with some attributes changed (the generation is not bumped here)."""
        fields = dict(credentials=self.credentials, regions=self.regions, events=self.events,
                      local_names=self.local_names, latency=self.latency, faults=self.faults,
                      forbidden=self.forbidden, churn=self.churn, generation=self.generation)
        fields.update(changes)
        return Fleet(**fields)

    def latency_for(self, region: str) -> float:
        return self.latency.get(region, self.latency.get(ANY_REGION, 0.0))

    def is_forbidden(self, region: str, action: str) -> bool:
        return action in self.forbidden.get(region, ()) or action in self.forbidden.get(ANY_REGION, ())


def _latency(doc, regions) -> dict[str, float]:
    if not isinstance(doc, dict):
        _fail("$.latency", "must be an object of region ID to seconds")
    return {_known_region(r, f"$.latency.{r}", regions, True): _seconds(v, f"$.latency.{r}", positive=False)
            for r, v in doc.items()}


def _faults(doc, regions) -> dict:
    _object(doc, "$.faults", FAULT_KEYS)
    out = {"unavailable_every": _integer(doc.get("unavailable_every", 0), "$.faults.unavailable_every", 0),
           "unavailable_regions": None}
    if "unavailable_regions" in doc:
        out["unavailable_regions"] = set(_regions_list(doc["unavailable_regions"],
                                                       "$.faults.unavailable_regions", regions))
    return out


def _forbidden(doc, regions) -> dict[str, set[str]]:
    if not isinstance(doc, dict):
        _fail("$.forbidden", "must be an object of region ID to action names")
    out = {}
    for region, actions in doc.items():
        path = f"$.forbidden.{region}"
        _known_region(region, path, regions, True)
        if not isinstance(actions, list):
            _fail(path, "must be a list of action names")
        for i, action in enumerate(actions):
            if action not in ACTION_NAMES:
                _fail(f"{path}[{i}]", f"{action!r} is not an action this stand-in serves (" +
                      ", ".join(ACTION_NAMES) + ")")
        out[region] = set(actions)
    return out


def _churn(doc, regions) -> dict:
    _object(doc, "$.churn", CHURN_KEYS)
    if "every" not in doc:
        _fail("$.churn.every", "is required")
    out = {"every": _seconds(doc["every"], "$.churn.every", positive=True),
           "seed": _integer(doc.get("seed", 0), "$.churn.seed", 0),
           "flips": _integer(doc.get("flips", 2), "$.churn.flips", 0),
           "adds": _integer(doc.get("adds", 1), "$.churn.adds", 0),
           "removes": _integer(doc.get("removes", 1), "$.churn.removes", 0),
           "regions": sorted(regions)}
    if "regions" in doc:
        out["regions"] = _regions_list(doc["regions"], "$.churn.regions", regions)
        if not out["regions"]:
            _fail("$.churn.regions", "must name at least one region")
    return out


# --------------------------------------------------------------------------
# Churn
# --------------------------------------------------------------------------

def churn_step(fleet: Fleet, rng: random.Random, cfg: dict, new_id) -> tuple[Fleet, list[str]]:
    """One round of churn: flip some Running/Stopped instances, remove some, add some.

    Returns the changed fleet (a new object; instances that change are new
    dicts, so requests still reading the old fleet see it whole) and one
    line per change.  Instances named by a system event are never removed.
    new_id() gives the ID of an added instance.
    """
    regions = {r: list(insts) for r, insts in fleet.regions.items()}
    in_events = {e["InstanceId"] for evs in fleet.events.values() for e in evs}
    changes, touched = [], set()
    flippable = [(r, i["InstanceId"]) for r in cfg["regions"] for i in regions[r]
                 if i["Status"] in ("Running", "Stopped")]
    for region, iid in rng.sample(flippable, min(cfg["flips"], len(flippable))):
        insts = regions[region]
        k = next(n for n, i in enumerate(insts) if i["InstanceId"] == iid)
        old = insts[k]["Status"]
        insts[k] = dict(insts[k], Status="Stopped" if old == "Running" else "Running")
        touched.add(iid)
        changes.append(f"region={region} instance={iid} status {old}->{insts[k]['Status']}")
    removable = [(r, i["InstanceId"]) for r in cfg["regions"] for i in regions[r]
                 if i["InstanceId"] not in in_events and i["InstanceId"] not in touched]
    for region, iid in rng.sample(removable, min(cfg["removes"], len(removable))):
        regions[region] = [i for i in regions[region] if i["InstanceId"] != iid]
        changes.append(f"region={region} instance={iid} removed")
    for _ in range(cfg["adds"]):
        region = rng.choice(cfg["regions"])
        zones = sorted({i["ZoneId"] for i in regions[region]}) or [""]
        inst = _instance({"InstanceId": new_id(), "Status": rng.choice(["Running", "Stopped"]),
                          "ZoneId": rng.choice(zones)}, "churn")
        regions[region].append(inst)
        changes.append(f"region={region} instance={inst['InstanceId']} added {inst['Status']}")
    return fleet.replace(regions=regions), changes


# --------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------

class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def invalid(name: str) -> ApiError:
    return ApiError(400, "InvalidParameter", f'The specified parameter "{name}" is not valid.')


class Request:
    """The query of one API call: plain parameters, and repeated ones (Name.1, Name.2, ...) as lists."""

    def __init__(self, raw_query: str, token_key: bytes = b""):
        self.params: dict[str, str] = {}
        numbered: dict[str, list[tuple[int, str]]] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            name, dot, n = key.rpartition(".")
            if dot and name and n.isdigit():
                numbered.setdefault(name, []).append((int(n), value))
            else:
                self.params.setdefault(key, value)
        self.lists = {name: [v for _, v in sorted(items, key=lambda p: p[0])]
                      for name, items in numbered.items()}
        self.token_key = token_key

    @property
    def region(self) -> str:
        return self.params.get("RegionId", "")

    def integer(self, name: str, default: int) -> int:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw, 10)
        except ValueError:
            raise invalid(name) from None


def _region(fleet: Fleet, req: Request) -> str:
    if not req.region:
        raise ApiError(400, "MissingRegionId", "RegionId is mandatory for this action.")
    if req.region not in fleet.regions:
        raise ApiError(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
    return req.region


def _page_params(req: Request, max_size: int) -> tuple[int, int]:
    page_size = req.integer("PageSize", 10)
    if not 1 <= page_size <= max_size:
        raise invalid("PageSize")
    page_number = req.integer("PageNumber", 1)
    if page_number < 1:
        raise invalid("PageNumber")
    return page_number, page_size


def _instance_ids(req: Request, code: str) -> list[str]:
    ids = req.lists.get("InstanceId", [])
    if len(ids) > 100:
        raise ApiError(403, code, "The number of InstanceId exceeds the limit of 100.")
    return ids


# NextToken paging.  A token is 32 hex digits: the offset of the next item,
# then an HMAC (keyed per server) over the offset and the query it belongs to,
# so a token from another query, another server or a guess is refused.

def _token(req: Request, scope: str, offset: int) -> str:
    mac = hmac.new(req.token_key, f"{scope}\n{offset}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{offset:08x}{mac[:24]}"


def _token_page(req: Request, items: list, scope: str) -> tuple[list, str]:
    """One page of items and the NextToken of the rest ("" on the last page)."""
    for name in ("PageNumber", "PageSize"):
        if name in req.params:
            raise ApiError(400, "InvalidParameter",
                           f"This stand-in pages this action with NextToken and MaxResults only, not {name}.")
    max_results = req.integer("MaxResults", 10)
    if max_results < 1:
        raise invalid("MaxResults")
    max_results = min(max(max_results, 10), 100)  # the documented clamp: 1..9 -> 10, >100 -> 100
    token = req.params.get("NextToken", "")
    offset = 0
    if token:
        try:
            offset = int(token[:8], 16)
        except ValueError:
            raise invalid("NextToken") from None
        if len(token) != 32 or not hmac.compare_digest(token, _token(req, scope, offset)):
            raise invalid("NextToken")
    end = offset + max_results
    return items[offset:end], (_token(req, scope, end) if end < len(items) else "")


def describe_instance_status(fleet: Fleet, req: Request) -> dict:
    region = _region(fleet, req)
    page_number, page_size = _page_params(req, 50)
    instance_ids = _instance_ids(req, "InvalidParameter.TooManyInstanceIds")
    instances = fleet.regions[region]
    zone = req.params.get("ZoneId", "")
    if zone:
        instances = [i for i in instances if i["ZoneId"] == zone]
        if not instances:
            raise ApiError(404, "InvalidZoneId.NotFound", "The specified ZoneId does not exist.")
    if instance_ids:
        wanted = set(instance_ids)
        instances = [i for i in instances if i["InstanceId"] in wanted]
    start = (page_number - 1) * page_size
    page = instances[start:start + page_size]
    return {
        "RequestId": new_request_id(),
        "TotalCount": len(instances),
        "PageNumber": page_number,
        "PageSize": page_size,
        "InstanceStatuses": {
            "InstanceStatus": [{"InstanceId": i["InstanceId"], "Status": i["Status"]} for i in page],
        },
    }


def _instance_view(region: str, inst: dict) -> dict:
    stopped_mode = inst.get("StoppedMode") or ("KeepCharging" if inst["Status"] == "Stopped" else "Not-applicable")
    return {
        "InstanceId": inst["InstanceId"],
        "InstanceName": inst["InstanceName"],
        "HostName": inst["HostName"],
        "InstanceType": inst["InstanceType"],
        "RegionId": region,
        "ZoneId": inst["ZoneId"],
        "Status": inst["Status"],
        "InstanceChargeType": inst["InstanceChargeType"],
        "ExpiredTime": inst["ExpiredTime"],
        "OSType": inst["OSType"],
        "ResourceGroupId": inst["ResourceGroupId"],
        "VpcAttributes": {"VpcId": inst["VpcId"]},
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in inst["Tags"].items()]},
        "OperationLocks": {"LockReason": [{"LockReason": r} for r in inst["OperationLocks"]]},
        "StoppedMode": stopped_mode,
        "SpotStrategy": inst["SpotStrategy"],
    }


def describe_instances(fleet: Fleet, req: Request) -> dict:
    region = _region(fleet, req)
    instances = fleet.regions[region]
    zone = req.params.get("ZoneId", "")
    if zone:
        instances = [i for i in instances if i["ZoneId"] == zone]
    raw_ids = req.params.get("InstanceIds", "")
    if raw_ids:
        try:
            ids = json.loads(raw_ids)
        except ValueError:
            raise invalid("InstanceIds") from None
        if not isinstance(ids, list) or len(ids) > 100 or not all(isinstance(i, str) for i in ids):
            raise invalid("InstanceIds")
        wanted = set(ids)
        instances = [i for i in instances if i["InstanceId"] in wanted]
    page, next_token = _token_page(req, instances, f"DescribeInstances\n{region}\n{zone}\n{raw_ids}")
    return {
        "RequestId": new_request_id(),
        "NextToken": next_token,
        "TotalCount": len(instances),
        "Instances": {"Instance": [_instance_view(region, i) for i in page]},
    }


def _event_view(ev: dict, with_instance: bool) -> dict:
    view = {"InstanceId": ev["InstanceId"]} if with_instance else {}
    view.update((k, ev[k]) for k in EVENT_KEYS if k != "InstanceId")
    return view


def describe_instances_full_status(fleet: Fleet, req: Request) -> dict:
    region = _region(fleet, req)
    page_number, page_size = _page_params(req, 100)
    instances = fleet.regions[region]
    instance_ids = _instance_ids(req, "InstanceIdLimitExceeded")
    if instance_ids:
        wanted = set(instance_ids)
        instances = [i for i in instances if i["InstanceId"] in wanted]
    for name, value_of in (("Status", lambda i: i["Status"]), ("HealthStatus", lambda i: i["HealthStatus"]["Name"])):
        if req.params.get(name):
            instances = [i for i in instances if value_of(i) == req.params[name]]
    upcoming: dict[str, list[dict]] = {}
    for ev in fleet.events.get(region, []):
        if ev["EventCycleStatus"]["Name"] in UPCOMING_CYCLES:
            upcoming.setdefault(ev["InstanceId"], []).append(_event_view(ev, with_instance=False))
    start = (page_number - 1) * page_size
    return {
        "RequestId": new_request_id(),
        "TotalCount": len(instances),
        "PageNumber": page_number,
        "PageSize": page_size,
        "InstanceFullStatusSet": {"InstanceFullStatusType": [{
            "InstanceId": i["InstanceId"],
            "Status": {"Code": STATUS_CODES.get(i["Status"], -1), "Name": i["Status"]},
            "HealthStatus": dict(i["HealthStatus"]),
            "ScheduledSystemEventSet": {"ScheduledSystemEventType": upcoming.get(i["InstanceId"], [])},
        } for i in instances[start:start + page_size]]},
    }


def _one_or_many(req: Request, many: str, one: str) -> list[str]:
    """Name.N values, else the single-valued variant (used only when Name.N is absent)."""
    return req.lists.get(many) or ([req.params[one]] if req.params.get(one) else [])


def describe_instance_history_events(fleet: Fleet, req: Request) -> dict:
    region = _region(fleet, req)
    cycles = _one_or_many(req, "InstanceEventCycleStatus", "EventCycleStatus")
    if any(c not in CYCLE_CODES for c in cycles):
        raise invalid("InstanceEventCycleStatus")
    cycles = cycles or list(FINISHED_CYCLES)  # without a cycle filter only finished events are listed
    types = _one_or_many(req, "InstanceEventType", "EventType")
    event_ids = req.lists.get("EventId", [])
    if len(event_ids) > 100:
        raise ApiError(403, "EventIdLimitExceeded", "The amount of EventId specified exceeds limit 100.")
    instance = req.params.get("InstanceId", "")
    events = [e for e in fleet.events.get(region, [])
              if e["EventCycleStatus"]["Name"] in cycles
              and (not types or e["EventType"]["Name"] in types)
              and (not event_ids or e["EventId"] in event_ids)
              and (not instance or e["InstanceId"] == instance)]
    scope = "\n".join(["DescribeInstanceHistoryEvents", region, instance, ",".join(sorted(cycles)),
                       ",".join(sorted(types)), ",".join(sorted(event_ids))])
    page, next_token = _token_page(req, events, scope)
    return {
        "RequestId": new_request_id(),
        "TotalCount": len(events),
        "NextToken": next_token,
        "InstanceSystemEventSet": {"InstanceSystemEventType": [_event_view(e, with_instance=True) for e in page]},
    }


def describe_regions(fleet: Fleet, req: Request) -> dict:
    return {
        "RequestId": new_request_id(),
        "Regions": {"Region": [{"RegionId": r, "LocalName": fleet.local_names.get(r, r),
                                "RegionEndpoint": f"ecs.{r}.aliyuncs.com", "Status": "available"}
                               for r in fleet.regions]},
    }


ACTIONS = {
    "DescribeInstanceStatus": describe_instance_status,
    "DescribeInstances": describe_instances,
    "DescribeInstancesFullStatus": describe_instances_full_status,
    "DescribeInstanceHistoryEvents": describe_instance_history_events,
    "DescribeRegions": describe_regions,
}
assert tuple(ACTIONS) == ACTION_NAMES


def forbidden_error() -> ApiError:
    return ApiError(403, "Forbidden.RAM", "User not authorized to operate on the specified resource, "
                                          "or this API doesn't support RAM.")


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------


class NonceCache:
    """Remembers signature nonces for the accepted clock-skew window."""

    def __init__(self, window: float):
        self.window = window
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def check_and_add(self, nonce: str, now: float) -> bool:
        with self._lock:
            if len(self._seen) > 10000:
                cutoff = now - self.window
                self._seen = {n: t for n, t in self._seen.items() if t >= cutoff}
            seen_at = self._seen.get(nonce)
            if seen_at is not None and (self.window <= 0 or now - seen_at <= self.window):
                return False
            self._seen[nonce] = now
            return True


def _stderr_line(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class RequestStats:
    """Counts of answered API requests by action, region and HTTP status."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, int], int] = {}

    def record(self, action: str, region: str, status: int) -> None:
        key = (action or "-", region or "-", status)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def snapshot(self) -> dict:
        with self._lock:
            counts = dict(self._counts)
        nested: dict = {}
        totals: dict = {"by_action": {}, "by_region": {}, "by_status": {}}
        for (action, region, status), n in sorted(counts.items()):
            nested.setdefault(action, {}).setdefault(region, {})[str(status)] = n
            for dim, key in (("by_action", action), ("by_region", region), ("by_status", str(status))):
                totals[dim][key] = totals[dim].get(key, 0) + n
        return {"total": sum(counts.values()), "requests": nested, **totals}


class UnavailableFaults:
    """Decides which requests answer 503: every Nth request of each region, counted per RegionId."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def hit(self, fleet: Fleet, region: str) -> bool:
        every = fleet.faults["unavailable_every"]
        only = fleet.faults["unavailable_regions"]
        if not every or (only is not None and region not in only):
            return False
        with self._lock:
            n = self._counts.get(region, 0) + 1
            self._counts[region] = n
        return n % every == 0


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, fleet: Fleet, max_skew: float = DEFAULT_MAX_SKEW, quiet: bool = False,
                 log=None):
        host = addr[0]
        self.log = log or _stderr_line
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.max_skew = max_skew
        self.nonces = NonceCache(max_skew if max_skew > 0 else 900)
        self.quiet = quiet
        self.token_key = os.urandom(16)  # NextToken MACs; tokens die with the process
        self.stats = RequestStats()
        self.faults = UnavailableFaults()
        self._fleet_lock = threading.Lock()
        self._churn_stop: threading.Event | None = None
        self.fleet = fleet
        super().__init__(addr, Handler)
        self._start_churn()

    def set_fleet(self, fleet: Fleet) -> None:
        """Serve a newly loaded fleet: the next generation, fresh 503 counters, churn started over."""
        with self._fleet_lock:
            self.fleet = fleet.replace(generation=self.fleet.generation + 1)
            self.faults.reset()
            self._start_churn()

    def server_close(self) -> None:
        with self._fleet_lock:
            if self._churn_stop is not None:
                self._churn_stop.set()
        super().server_close()

    def _start_churn(self) -> None:
        if self._churn_stop is not None:
            self._churn_stop.set()
            self._churn_stop = None
        cfg = self.fleet.churn
        if cfg is None:
            return
        self._churn_stop = threading.Event()
        threading.Thread(target=self._churn, args=(cfg, self._churn_stop), name="churn", daemon=True).start()

    def _churn(self, cfg: dict, stop: threading.Event) -> None:
        rng = random.Random(cfg["seed"])
        serial = itertools.count(1)

        def new_id() -> str:
            taken = {i["InstanceId"] for insts in self.fleet.regions.values() for i in insts}
            while True:
                iid = f"i-churn{cfg['seed']}n{next(serial):05d}"
                if iid not in taken:
                    return iid

        while not stop.wait(cfg["every"]):
            with self._fleet_lock:
                if stop.is_set():  # a reload replaced this fleet and its churn
                    return
                fleet, changes = churn_step(self.fleet, rng, cfg, new_id)
                self.fleet = fleet.replace(generation=self.fleet.generation + 1)
                generation = self.fleet.generation
            for change in changes:
                self.log(f"ecs-standin: churn generation={generation} {change}")

    def reload(self, path: str) -> bool:
        try:
            fleet = Fleet.load(path)
        except (OSError, ValueError) as exc:
            self.log(f"ecs-standin: fleet reload failed, keeping old fleet: {exc}")
            return False
        self.set_fleet(fleet)
        self.log(f"ecs-standin: fleet reloaded (generation {self.fleet.generation})")
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ecs-standin"
    sys_version = ""

    # -- plumbing --------------------------------------------------------

    def log_message(self, format, *args):  # silence the default access log
        pass

    def _log(self, action: str, region: str, page: str, status: int, code: str = "") -> None:
        if self.server.quiet:
            return
        line = (f"ecs-standin: {self.command} action={action or '-'} region={region or '-'} "
                f"page={page or '-'} status={status}")
        if code:
            line += f" code={code}"
        self.server.log(line)

    def _read_body(self) -> bytes:
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            chunks = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ApiError(413, "InvalidParameter", "Request body too large.")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ApiError(413, "InvalidParameter", "Request body too large.")
        return self.rfile.read(length) if length else b""

    def _send_json(self, status: int, payload: dict) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-acs-request-id", payload.get("RequestId", ""))
        try:
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a deadline); nothing to tell it

    def _header(self, name: str):
        values = self.headers.get_all(name)
        if not values:
            return None
        return ",".join(v.strip() for v in values)

    # -- request handling ------------------------------------------------

    def _authenticate(self, method: str, raw_query: str, body: bytes) -> None:
        auth = self.headers.get("Authorization")
        if not auth:
            raise ApiError(400, "MissingAuthorization", "Authorization header is required.")
        try:
            access_key, signed_headers, signature = parse_authorization(auth)
        except AuthHeaderError as exc:
            raise ApiError(400, "IncompleteSignature", str(exc)) from None
        secret = self.server.fleet.credentials.get(access_key)
        if secret is None:
            raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        missing = [h for h in REQUIRED_SIGNED_HEADERS if h not in signed_headers]
        if missing:
            raise ApiError(400, "IncompleteSignature",
                           "SignedHeaders must include " + ";".join(missing) + ".")
        body_hash = hashlib.sha256(body).hexdigest()
        if not hmac.compare_digest((self.headers.get("x-acs-content-sha256") or "").strip().lower(),
                                   body_hash):
            raise ApiError(400, "SignatureDoesNotMatch",
                           "x-acs-content-sha256 does not match the hash of the request body.")
        creq = canonical_request(method, "/", raw_query, signed_headers, self._header, body_hash)
        sts = string_to_sign(creq)
        expected = sign(secret, sts)
        if not hmac.compare_digest(expected, signature.lower()):
            raise ApiError(400, "SignatureDoesNotMatch",
                           "The request signature does not conform to Aliyun standards. "
                           "server string to sign is:" + sts)
        if self.server.max_skew > 0:
            date = (self.headers.get("x-acs-date") or "").strip()
            try:
                when = _dt.datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ").replace(
                    tzinfo=_dt.timezone.utc).timestamp()
            except ValueError:
                raise ApiError(400, "InvalidTimeStamp.Format",
                               "Specified time stamp or date value is not well formatted.") from None
            if abs(time.time() - when) > self.server.max_skew:
                raise ApiError(400, "InvalidTimeStamp.Expired",
                               "Specified time stamp or date value is expired.")
        nonce = (self.headers.get("x-acs-signature-nonce") or "").strip()
        if not nonce:
            raise ApiError(400, "MissingSignatureNonce", "SignatureNonce is mandatory.")
        if not self.server.nonces.check_and_add(nonce, time.time()):
            raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")

    def _handle(self) -> None:
        split = urlsplit(self.path)
        if split.path.startswith(INTERNAL_PREFIX):
            self._internal(split.path)
            return
        raw_query = split.query
        req = Request(raw_query, self.server.token_key)
        fleet = self.server.fleet  # one fleet for the whole request, whatever changes meanwhile
        action = (self.headers.get("x-acs-action") or "").strip()
        page = req.params.get("PageNumber") or req.params.get("NextToken", "")[:8]
        code = ""
        try:
            status, payload = 200, self._answer(split.path, raw_query, req, fleet, action)
            page = str(payload.get("PageNumber", page))
        except ApiError as err:
            if err.status == 413:
                self.close_connection = True
            status, code = err.status, err.code
            payload = {"RequestId": new_request_id(), "HostId": HOST_ID, "Code": err.code, "Message": err.message}
        except Exception as exc:  # never leak a traceback to the client
            self.server.log(f"ecs-standin: internal error: {type(exc).__name__}: {exc}")
            status, code = 500, "InternalError"
            payload = {"RequestId": new_request_id(), "HostId": HOST_ID, "Code": code,
                       "Message": "The request processing has failed due to some unknown error."}
        self.server.stats.record(action, req.region, status)
        self._send_json(status, payload)
        self._log(action, req.region, page, status, code)

    def _answer(self, path: str, raw_query: str, req: Request, fleet: Fleet, action: str) -> dict:
        body = self._read_body()
        if path != "/":
            raise ApiError(404, "InvalidAction.NotFound",
                           "Specified api is not found, please check your url and method.")
        delay = fleet.latency_for(req.region)
        if delay > 0:
            time.sleep(delay)
        self._authenticate(self.command, raw_query, body)
        version = (self.headers.get("x-acs-version") or "").strip()
        if version != API_VERSION:
            raise ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        serve = ACTIONS.get(action)
        if serve is None:
            raise ApiError(404, "InvalidAction.NotFound",
                           "Specified api is not found, please check your url and method.")
        if self.server.faults.hit(fleet, req.region):
            raise ApiError(503, "ServiceUnavailable",
                           "The request has failed due to a temporary failure of the server.")
        if fleet.is_forbidden(req.region, action):
            raise forbidden_error()
        return serve(fleet, req)

    def _internal(self, path: str) -> None:
        """The unsigned test endpoints: the fleet as served now, and request counts."""
        try:
            self._read_body()
        except ApiError:
            self.close_connection = True
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            status, payload = 403, {"Code": "Forbidden", "Message": "loopback clients only"}
        elif self.command != "GET":
            status, payload = 405, {"Code": "MethodNotAllowed", "Message": "GET only"}
        elif path == INTERNAL_PREFIX + "fleet":
            status, payload = 200, self.server.fleet.to_doc()
        elif path == INTERNAL_PREFIX + "stats":
            status, payload = 200, self.server.stats.snapshot()
        else:
            status, payload = 404, {"Code": "NotFound", "Message": f"no {path}; try {INTERNAL_PREFIX}fleet "
                                                                   f"or {INTERNAL_PREFIX}stats"}
        self._send_json(status, payload)

    do_POST = _handle
    do_GET = _handle


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        raise argparse.ArgumentTypeError("--listen must be HOST:PORT")
    host = host.strip("[]")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise argparse.ArgumentTypeError("--listen host must be a loopback IP address") from None
    if not ip.is_loopback:
        raise argparse.ArgumentTypeError("--listen host must be a loopback address")
    try:
        port_num = int(port, 10)
    except ValueError:
        raise argparse.ArgumentTypeError("--listen port must be a number") from None
    if not 0 <= port_num <= 65535:
        raise argparse.ArgumentTypeError("--listen port out of range")
    return host, port_num


def write_port_file(path: str, port: int) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".port-", dir=directory)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{port}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Stand-in for the Alibaba Cloud ECS OpenAPI.")
    ap.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 0),
                    help="loopback HOST:PORT to bind (port 0 picks a free one)")
    ap.add_argument("--fleet", required=True, help="fleet JSON file")
    ap.add_argument("--port-file", help="write the bound port number here (atomically)")
    ap.add_argument("--max-skew", type=float, default=DEFAULT_MAX_SKEW,
                    help="accepted x-acs-date skew in seconds; 0 disables the check")
    ap.add_argument("--quiet", action="store_true", help="no per-request log lines")
    args = ap.parse_args(argv)

    try:
        fleet = Fleet.load(args.fleet)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"ecs-standin: cannot load fleet {args.fleet}: {exc}\n")
        return 2

    server = StandinServer(args.listen, fleet, max_skew=args.max_skew, quiet=args.quiet)
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    sys.stderr.write(f"ecs-standin: listening on {args.listen[0]}:{port}\n")
    sys.stderr.flush()

    def stop(signum, _frame):
        # shutdown() waits for serve_forever() to return, so call it elsewhere.
        threading.Thread(target=server.shutdown, daemon=True).start()

    def reload(_signum, _frame):
        # Not in the handler itself: it would run between two bytecodes of serve_forever.
        threading.Thread(target=server.reload, args=(args.fleet,), daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.stderr.write("ecs-standin: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
