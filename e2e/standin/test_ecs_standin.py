"""Self-checks for ecs_standin.py.  Run from this folder: python3 -m unittest"""

import datetime
import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid
from urllib.parse import quote, urlencode

import ecs_standin as s

# Published V3 "fixed parameter values" example from the signature docs.
VECTOR_HEADERS = {
    "host": "ecs.cn-shanghai.aliyuncs.com",
    "x-acs-action": "RunInstances",
    "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
    "x-acs-date": "2023-10-26T10:22:32Z",
    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
    "x-acs-version": "2014-05-26",
}
VECTOR_QUERY = "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
VECTOR_SIGNED = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
VECTOR_HASH = "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
VECTOR_SIG = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"


class SignatureVector(unittest.TestCase):
    def test_published_v3_vector(self):
        signed = VECTOR_SIGNED.split(";")
        creq = s.canonical_request("POST", "/", VECTOR_QUERY, signed,
                                   VECTOR_HEADERS.get, hashlib.sha256(b"").hexdigest())
        self.assertEqual(s.hashed_canonical_request(creq), VECTOR_HASH)
        sts = s.string_to_sign(creq)
        self.assertEqual(sts, "ACS3-HMAC-SHA256\n" + VECTOR_HASH)
        self.assertEqual(s.sign("YourAccessKeySecret", sts), VECTOR_SIG)

    def test_parse_authorization(self):
        ak, signed, sig = s.parse_authorization(
            f"ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders={VECTOR_SIGNED},Signature={VECTOR_SIG}")
        self.assertEqual(ak, "YourAccessKeyId")
        self.assertEqual(";".join(signed), VECTOR_SIGNED)
        self.assertEqual(sig, VECTOR_SIG)
        with self.assertRaises(s.AuthHeaderError):
            s.parse_authorization("ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=b")

    def test_canonical_query_encoding(self):
        # raw query already percent-encoded, possibly with '+' for space
        self.assertEqual(s.canonical_query("b=a+b*c~&a=%7E&a=1&c="), "a=1&a=~&b=a%20b%2Ac~&c=")


def fleet_doc(**extra):
    """A small valid fleet document; keyword arguments add or replace top-level keys."""
    doc = {
        "credentials": {"LTAIstandinkey": "standinsecret"},
        "regions": {
            "cn-beijing": {
                "LocalName": "China (Beijing)",
                "instances": [
                    {"InstanceId": "i-bj1", "Status": "Running", "ZoneId": "cn-beijing-a",
                     "HealthStatus": "Impaired", "InstanceChargeType": "PrePaid",
                     "ExpiredTime": "2026-07-01T16:00Z", "OperationLocks": ["financial"],
                     "Tags": {"team": "db"}},
                    {"InstanceId": "i-bj2", "Status": "Stopped"},
                ],
                "events": [
                    {"InstanceId": "i-bj1", "EventId": "e-bj1", "EventType": "SystemMaintenance.Reboot",
                     "EventCycleStatus": "Scheduled", "NotBefore": "2026-12-01T18:00:00Z"},
                ],
            },
            "cn-shanghai": [{"InstanceId": "i-sh1", "Status": "Running"}],
        },
        "events": [
            {"InstanceId": "i-sh1", "EventId": "e-sh1", "EventType": {"Code": 7, "Name": "Custom.Thing"},
             "EventCycleStatus": "Executed", "EventFinishTime": "2026-01-02T03:04:05Z", "Reason": "done"},
        ],
    }
    doc.update(extra)
    return doc


class FleetFormat(unittest.TestCase):
    def test_old_format_gets_defaults(self):
        fleet = s.Fleet.from_doc({"credentials": {"ak": "sk"},
                                  "regions": {"r1": [{"InstanceId": "i-1", "Status": "Running"}], "r2": []}})
        inst = fleet.regions["r1"][0]
        self.assertEqual((inst["ZoneId"], inst["InstanceName"], inst["InstanceChargeType"], inst["ExpiredTime"]),
                         ("", "i-1", "PostPaid", "2099-12-31T15:59Z"))
        self.assertEqual(inst["HealthStatus"], {"Code": 0, "Name": "Ok"})
        self.assertEqual((inst["OperationLocks"], inst["Tags"]), ([], {}))
        self.assertEqual((fleet.regions["r2"], fleet.events, fleet.churn), ([], {"r1": [], "r2": []}, None))
        self.assertEqual((fleet.latency_for("r1"), fleet.is_forbidden("r1", "DescribeInstances")), (0.0, False))

    def test_events_find_their_region_and_names_get_codes(self):
        fleet = s.Fleet.from_doc(fleet_doc())
        self.assertEqual([e["EventId"] for e in fleet.events["cn-beijing"]], ["e-bj1"])
        self.assertEqual([e["EventId"] for e in fleet.events["cn-shanghai"]], ["e-sh1"])
        ev = fleet.events["cn-shanghai"][0]
        self.assertEqual((ev["EventType"], ev["EventCycleStatus"]),
                         ({"Code": 7, "Name": "Custom.Thing"}, {"Code": 0, "Name": "Executed"}))
        self.assertEqual((ev["NotBefore"], ev["Reason"]), ("", "done"))
        self.assertEqual(fleet.regions["cn-beijing"][0]["HealthStatus"], {"Code": 128, "Name": "Impaired"})
        self.assertEqual(fleet.local_names, {"cn-beijing": "China (Beijing)"})
        unknown = s.Fleet.from_doc(fleet_doc(regions={"r": [{"InstanceId": "i-1", "Status": "Running",
                                                             "HealthStatus": "Wobbly"}]}, events=[]))
        self.assertEqual(unknown.regions["r"][0]["HealthStatus"], {"Code": -1, "Name": "Wobbly"})

    def test_dump_loads_back_as_the_same_fleet(self):
        fleet = s.Fleet.from_doc(fleet_doc())
        dump = fleet.to_doc()
        self.assertEqual(dump["generation"], 0)
        again = s.Fleet.from_doc({"credentials": {"ak": "sk"}, "regions": dump["regions"], "events": dump["events"]})
        self.assertEqual((again.regions, again.events), (fleet.regions, fleet.events))
        self.assertNotIn("credentials", dump)

    def test_errors_name_the_bad_field(self):
        def with_instance(**fields):
            return fleet_doc(regions={"r": [dict({"InstanceId": "i-1", "Status": "Running"}, **fields)]}, events=[])
        cases = [
            ({"credentials": {}, "regions": {}}, "$.credentials:"),
            (fleet_doc(surprise=1), "$.surprise: unknown field"),
            (fleet_doc(regions=[]), "$.regions:"),
            (with_instance(Status=""), "$.regions.r[0].Status:"),
            (with_instance(Colour="red"), "$.regions.r[0].Colour: unknown field"),
            (with_instance(InstanceChargeType="Free"), "$.regions.r[0].InstanceChargeType:"),
            (with_instance(InstanceChargeType="PrePaid"), "$.regions.r[0].ExpiredTime: is required"),
            (with_instance(ExpiredTime="2026-07-01T16:00:00Z"), "$.regions.r[0].ExpiredTime: must be a UTC time"),
            (with_instance(OperationLocks="financial"), "$.regions.r[0].OperationLocks:"),
            (with_instance(OperationLocks=[""]), "$.regions.r[0].OperationLocks[0]:"),
            (with_instance(Tags={"a": 1}), "$.regions.r[0].Tags.a:"),
            (with_instance(HealthStatus={"Code": "0", "Name": "Ok"}), "$.regions.r[0].HealthStatus.Code:"),
            (fleet_doc(regions={"r": [{"InstanceId": "i-1", "Status": "Running"}],
                                "q": {"instances": [{"InstanceId": "i-1", "Status": "Running"}]}}, events=[]),
             "$.regions.q.instances[0].InstanceId: 'i-1' is already in r"),
            (fleet_doc(events=[{"InstanceId": "i-nope", "EventId": "e", "EventType": "X",
                                "EventCycleStatus": "Executed"}]), "$.events[0].InstanceId:"),
            (fleet_doc(events=[{"InstanceId": "i-sh1", "EventId": "e-bj1", "EventType": "X",
                                "EventCycleStatus": "Executed"}]), "$.events[0].EventId: 'e-bj1' appears twice"),
            (fleet_doc(events=[{"InstanceId": "i-sh1", "EventId": "e", "EventType": "X",
                                "EventCycleStatus": "Done"}]), "$.events[0].EventCycleStatus: unknown name"),
            (fleet_doc(events=[{"InstanceId": "i-sh1", "EventId": "e", "EventType": "X",
                                "EventCycleStatus": "Executed", "NotBefore": "tomorrow"}]),
             "$.events[0].NotBefore: must be a UTC time"),
            (fleet_doc(events=[{"InstanceId": "i-sh1", "EventId": "e", "EventCycleStatus": "Executed"}]),
             "$.events[0].EventType:"),
            (fleet_doc(events=[{"InstanceId": "i-sh1", "EventId": "e", "EventType": "X",
                                "EventCycleStatus": "Executed", "EventFinishTime": 0}]),
             "$.events[0].EventFinishTime: must be a non-empty string"),
        ]
        for doc, want in cases:
            with self.subTest(want=want):
                with self.assertRaises(s.FleetError) as ctx:
                    s.Fleet.from_doc(doc)
                self.assertTrue(str(ctx.exception).startswith(want), str(ctx.exception))

    def test_load_reports_bad_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "fleet.json")
            with open(path, "w") as fh:
                fh.write("{not json")
            with self.assertRaises(s.FleetError) as ctx:
                s.Fleet.load(path)
            self.assertTrue(str(ctx.exception).startswith("$: not JSON"))


FLEET = {
    "credentials": {"LTAIstandinkey": "standinsecret"},
    "regions": {
        "cn-hangzhou": [
            {"InstanceId": f"i-hz{n:02d}", "Status": "Running" if n % 3 else "Stopped",
             "ZoneId": "cn-hangzhou-h" if n < 8 else "cn-hangzhou-i"}
            for n in range(12)
        ],
        "eu-central-1": [],
    },
}


def signed_call(port, query, action="DescribeInstanceStatus", ak="LTAIstandinkey",
                secret="standinsecret", version="2014-05-26", tamper=None, nonce=None, date=None,
                send_query=None):
    """POST /?query signed like the SDK does (V3); returns status, Content-Type and the JSON body."""
    headers = {
        "host": f"127.0.0.1:{port}",
        "x-acs-action": action,
        "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
        "x-acs-date": date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-version": version,
    }
    signed = sorted(headers)
    creq = s.canonical_request("POST", "/", query, signed, headers.get, headers["x-acs-content-sha256"])
    sig = s.sign(secret, s.string_to_sign(creq))
    headers["Authorization"] = (f"ACS3-HMAC-SHA256 Credential={ak},"
                                f"SignedHeaders={';'.join(signed)},Signature={sig}")
    if tamper:
        tamper(headers)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        send = {k: v for k, v in headers.items() if k != "host"}
        conn.request("POST", "/?" + (query if send_query is None else send_query), body=b"", headers=send)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type"), json.loads(resp.read())
    finally:
        conn.close()


def plain_call(port, path, method="GET"):
    """An unsigned request (the /_standin/ endpoints); returns status and the JSON body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


class StandinCase(unittest.TestCase):
    """Serves FLEET_DOC from a fleet file on a loopback port for the tests of the class."""

    FLEET_DOC = FLEET

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.fleet_path = os.path.join(cls.tmp.name, "fleet.json")
        with open(cls.fleet_path, "w") as fh:
            json.dump(cls.FLEET_DOC, fh)
        cls.logged = []
        cls.server = s.StandinServer(("127.0.0.1", 0), s.Fleet.load(cls.fleet_path), quiet=True,
                                     log=cls.logged.append)
        cls.port = cls.server.server_address[1]
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.tmp.cleanup()

    def call(self, query, **kwargs):
        return signed_call(self.port, query, **kwargs)

    def get(self, path, method="GET"):
        return plain_call(self.port, path, method)

    def api(self, action, params):
        """Signed call of action with params (a list of pairs: repeated names stay in order)."""
        st, _, body = self.call(urlencode(params, quote_via=quote), action=action)
        return st, body

    def ok(self, action, params):
        st, body = self.api(action, params)
        self.assertEqual(st, 200, body)
        return body

    def refused(self, action, params, status, code):
        st, body = self.api(action, params)
        self.assertEqual((st, body.get("Code")), (status, code), body)
        self.assertEqual(set(body), {"RequestId", "HostId", "Code", "Message"})
        return body


class ServerBehaviour(StandinCase):
    def test_success_paging(self):
        st, ctype, body = self.call("RegionId=cn-hangzhou&PageNumber=2&PageSize=5")
        self.assertEqual(st, 200)
        self.assertEqual(ctype, "application/json;charset=utf-8")
        self.assertEqual(body["TotalCount"], 12)
        self.assertEqual((body["PageNumber"], body["PageSize"]), (2, 5))
        ids = [i["InstanceId"] for i in body["InstanceStatuses"]["InstanceStatus"]]
        self.assertEqual(ids, [f"i-hz{n:02d}" for n in range(5, 10)])
        self.assertEqual(set(body["InstanceStatuses"]["InstanceStatus"][0]), {"InstanceId", "Status"})
        self.assertTrue(body["RequestId"])

    def test_defaults_and_zone(self):
        st, _, body = self.call("RegionId=cn-hangzhou")
        self.assertEqual((st, body["PageNumber"], body["PageSize"]), (200, 1, 10))
        self.assertEqual(len(body["InstanceStatuses"]["InstanceStatus"]), 10)
        st, _, body = self.call("RegionId=cn-hangzhou&ZoneId=cn-hangzhou-i&PageSize=50")
        self.assertEqual((st, body["TotalCount"]), (200, 4))
        st, _, body = self.call("RegionId=eu-central-1")
        self.assertEqual((st, body["TotalCount"], body["InstanceStatuses"]["InstanceStatus"]), (200, 0, []))

    def test_errors(self):
        cases = [
            (dict(query="RegionId=xx-nowhere-1"), 404, "InvalidRegionId.NotFound"),
            (dict(query="RegionId=cn-hangzhou&ZoneId=cn-hangzhou-z"), 404, "InvalidZoneId.NotFound"),
            (dict(query="RegionId=cn-hangzhou&PageSize=51"), 400, "InvalidParameter"),
            (dict(query="RegionId=cn-hangzhou&PageSize=0"), 400, "InvalidParameter"),
            (dict(query="RegionId=cn-hangzhou&PageNumber=0"), 400, "InvalidParameter"),
            (dict(query="RegionId=cn-hangzhou", action="RunInstances"), 404, "InvalidAction.NotFound"),
            (dict(query="RegionId=cn-hangzhou", ak="LTAInobody"), 404, "InvalidAccessKeyId.NotFound"),
            (dict(query="RegionId=cn-hangzhou", secret="wrong"), 400, "SignatureDoesNotMatch"),
            (dict(query="RegionId=cn-hangzhou", version="2016-03-14"), 400, "InvalidVersion"),
            (dict(query="RegionId=cn-hangzhou", date="2020-01-01T00:00:00Z"), 400, "InvalidTimeStamp.Expired"),
            (dict(query="RegionId=cn-hangzhou",
                  tamper=lambda h: h.__setitem__("x-acs-action", "DescribeInstanceStatus ")), 200, None),
            (dict(query="RegionId=cn-hangzhou",
                  tamper=lambda h: h.__setitem__("x-acs-content-sha256", "00")), 400, "SignatureDoesNotMatch"),
        ]
        for kwargs, want_status, want_code in cases:
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}):
                st, ctype, body = self.call(**kwargs)
                self.assertEqual(st, want_status, body)
                if want_code:
                    self.assertEqual(body["Code"], want_code)
                    self.assertEqual(set(body), {"RequestId", "HostId", "Code", "Message"})

    def test_query_tamper_rejected(self):
        # signed for one page size, sent with another
        st, _, body = self.call("PageSize=5&RegionId=cn-hangzhou", send_query="PageSize=6&RegionId=cn-hangzhou")
        self.assertEqual((st, body["Code"]), (400, "SignatureDoesNotMatch"))
        # same parameters in another order and encoding still verify
        st, _, body = self.call("PageSize=5&RegionId=cn-hangzhou", send_query="RegionId=cn%2Dhangzhou&PageSize=5")
        self.assertEqual(st, 200, body)

    def test_nonce_replay(self):
        nonce = uuid.uuid4().hex
        self.assertEqual(self.call("RegionId=cn-hangzhou", nonce=nonce)[0], 200)
        st, _, body = self.call("RegionId=cn-hangzhou", nonce=nonce)
        self.assertEqual((st, body["Code"]), (400, "SignatureNonceUsed"))


FINISHED = ["Executed", "Avoided", "Canceled", "Failed"]


def actions_fleet():
    instances = [{"InstanceId": f"i-bj{n:02d}", "Status": "Running" if n % 2 == 0 else "Stopped",
                  "ZoneId": "cn-beijing-a" if n < 20 else "cn-beijing-b"} for n in range(25)]
    instances[0].update(HealthStatus="Impaired", InstanceChargeType="PrePaid", ExpiredTime="2026-07-01T16:00Z",
                        OperationLocks=["financial", "security"], Tags={"team": "db", "env": "prod"},
                        VpcId="vpc-bj", InstanceName="db-0", InstanceType="ecs.r7.xlarge")
    instances[1].update(HealthStatus="Warning")
    events = [
        {"InstanceId": "i-bj00", "EventId": "e-s1", "EventType": "SystemMaintenance.Reboot",
         "EventCycleStatus": "Scheduled", "NotBefore": "2026-12-01T18:00:00Z",
         "EventPublishTime": "2026-11-20T08:00:00Z", "ImpactLevel": "100", "Reason": "host upgrade"},
        {"InstanceId": "i-bj00", "EventId": "e-i1", "EventType": "SystemFailure.Redeploy",
         "EventCycleStatus": "Inquiring", "NotBefore": "2026-12-02T18:00:00Z"},
        {"InstanceId": "i-bj01", "EventId": "e-x1", "EventType": "InstanceExpiration.Stop",
         "EventCycleStatus": "Executing"},
    ] + [{"InstanceId": f"i-bj{2 + n % 4:02d}", "EventId": f"e-f{n:02d}", "EventType": "SystemFailure.Reboot",
          "EventCycleStatus": FINISHED[n % 4], "NotBefore": "2026-01-01T00:00:00Z",
          "EventFinishTime": f"2026-01-01T00:{n:02d}:00Z"} for n in range(22)]
    return {
        "credentials": {"LTAIstandinkey": "standinsecret"},
        "regions": {
            "cn-beijing": {"LocalName": "China (Beijing)", "instances": instances, "events": events},
            "cn-shanghai": [{"InstanceId": "i-sh1", "Status": "Running"}],
            "eu-central-1": [],
        },
        "forbidden": {"cn-shanghai": ["DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"]},
    }


class NewActions(StandinCase):
    FLEET_DOC = actions_fleet()

    def page_through(self, action, params, items):
        """Follows NextToken to the end; returns every item and the number of pages."""
        got, token, pages = [], "", 0
        while True:
            body = self.ok(action, params + ([("NextToken", token)] if token else []))
            pages += 1
            got += items(body)
            token = body["NextToken"]
            if not token:
                return got, pages, body
            self.assertLess(pages, 50, "NextToken never ran out")

    def test_describe_instances_pages_with_next_token(self):
        ids, pages, last = self.page_through("DescribeInstances", [("RegionId", "cn-beijing"), ("MaxResults", "10")],
                                             lambda b: [i["InstanceId"] for i in b["Instances"]["Instance"]])
        self.assertEqual(ids, [f"i-bj{n:02d}" for n in range(25)])
        self.assertEqual((pages, last["TotalCount"]), (3, 25))
        small = self.ok("DescribeInstances", [("RegionId", "cn-beijing"), ("MaxResults", "3")])
        self.assertEqual(len(small["Instances"]["Instance"]), 10, "MaxResults below 10 counts as 10")
        big = self.ok("DescribeInstances", [("RegionId", "cn-beijing"), ("MaxResults", "500")])
        self.assertEqual((len(big["Instances"]["Instance"]), big["NextToken"]), (25, ""))
        empty = self.ok("DescribeInstances", [("RegionId", "eu-central-1")])
        self.assertEqual((empty["Instances"]["Instance"], empty["NextToken"], empty["TotalCount"]), ([], "", 0))

    def test_describe_instances_fields(self):
        body = self.ok("DescribeInstances", [("RegionId", "cn-beijing"), ("InstanceIds", '["i-bj00", "i-bj03"]')])
        first, second = body["Instances"]["Instance"]
        self.assertEqual(first, {
            "InstanceId": "i-bj00", "InstanceName": "db-0", "HostName": "iZbj00Z", "InstanceType": "ecs.r7.xlarge",
            "RegionId": "cn-beijing", "ZoneId": "cn-beijing-a", "Status": "Running",
            "InstanceChargeType": "PrePaid", "ExpiredTime": "2026-07-01T16:00Z", "OSType": "linux",
            "ResourceGroupId": "", "VpcAttributes": {"VpcId": "vpc-bj"},
            "Tags": {"Tag": [{"TagKey": "team", "TagValue": "db"}, {"TagKey": "env", "TagValue": "prod"}]},
            "OperationLocks": {"LockReason": [{"LockReason": "financial"}, {"LockReason": "security"}]},
            "StoppedMode": "Not-applicable", "SpotStrategy": "NoSpot"})
        self.assertEqual((second["InstanceChargeType"], second["ExpiredTime"], second["StoppedMode"]),
                         ("PostPaid", "2099-12-31T15:59Z", "KeepCharging"))
        self.assertEqual((second["Tags"], second["OperationLocks"]), ({"Tag": []}, {"LockReason": []}))
        zone = self.ok("DescribeInstances", [("RegionId", "cn-beijing"), ("ZoneId", "cn-beijing-b")])
        self.assertEqual([i["InstanceId"] for i in zone["Instances"]["Instance"]],
                         [f"i-bj{n}" for n in range(20, 25)])

    def test_paging_parameters_are_checked(self):
        first = self.ok("DescribeInstances", [("RegionId", "cn-beijing")])
        token = first["NextToken"]
        self.assertRegex(token, r"^[0-9a-f]{32}$")
        for params in ([("RegionId", "cn-beijing"), ("ZoneId", "cn-beijing-a"), ("NextToken", token)],
                       [("RegionId", "cn-beijing"), ("NextToken", "0" * 32)],
                       [("RegionId", "cn-beijing"), ("NextToken", "not-a-token")],
                       [("RegionId", "cn-beijing"), ("MaxResults", "0")],
                       [("RegionId", "cn-beijing"), ("PageNumber", "2")]):
            with self.subTest(params=params):
                self.refused("DescribeInstances", params, 400, "InvalidParameter")
        self.refused("DescribeInstanceHistoryEvents", [("RegionId", "cn-beijing"), ("NextToken", token)],
                     400, "InvalidParameter")
        self.refused("DescribeInstances", [("RegionId", "cn-beijing"), ("InstanceIds", "i-bj00")],
                     400, "InvalidParameter")
        self.refused("DescribeInstances", [], 400, "MissingRegionId")
        self.refused("DescribeInstances", [("RegionId", "xx-nowhere-1")], 404, "InvalidRegionId.NotFound")

    def test_full_status(self):
        body = self.ok("DescribeInstancesFullStatus", [("RegionId", "cn-beijing"), ("PageSize", "100")])
        self.assertEqual((body["TotalCount"], body["PageNumber"], body["PageSize"]), (25, 1, 100))
        items = {i["InstanceId"]: i for i in body["InstanceFullStatusSet"]["InstanceFullStatusType"]}
        self.assertEqual(len(items), 25)
        first = items["i-bj00"]
        self.assertEqual((first["Status"], first["HealthStatus"]),
                         ({"Code": 1, "Name": "Running"}, {"Code": 128, "Name": "Impaired"}))
        scheduled = first["ScheduledSystemEventSet"]["ScheduledSystemEventType"]
        self.assertEqual([e["EventId"] for e in scheduled], ["e-s1", "e-i1"])
        self.assertEqual(scheduled[0], {
            "EventId": "e-s1", "EventType": {"Code": 1, "Name": "SystemMaintenance.Reboot"},
            "EventCycleStatus": {"Code": 24, "Name": "Scheduled"}, "NotBefore": "2026-12-01T18:00:00Z",
            "EventPublishTime": "2026-11-20T08:00:00Z", "EventFinishTime": "", "ImpactLevel": "100",
            "Reason": "host upgrade"})
        self.assertEqual(items["i-bj01"]["ScheduledSystemEventSet"]["ScheduledSystemEventType"], [],
                         "an Executing event is not Scheduled or Inquiring")
        self.assertEqual(items["i-bj01"]["Status"], {"Code": 4, "Name": "Stopped"})
        self.assertEqual(items["i-bj02"]["HealthStatus"], {"Code": 0, "Name": "Ok"})

    def test_full_status_paging_and_filters(self):
        def ids(params):
            body = self.ok("DescribeInstancesFullStatus", [("RegionId", "cn-beijing")] + params)
            return [i["InstanceId"] for i in body["InstanceFullStatusSet"]["InstanceFullStatusType"]]
        self.assertEqual(len(ids([])), 10)
        self.assertEqual(ids([("PageNumber", "3"), ("PageSize", "10")]), [f"i-bj{n}" for n in range(20, 25)])
        self.assertEqual(ids([("InstanceId.1", "i-bj03"), ("InstanceId.2", "i-bj00")]), ["i-bj00", "i-bj03"])
        self.assertEqual(ids([("HealthStatus", "Warning")]), ["i-bj01"])
        self.assertEqual(ids([("Status", "Stopped"), ("PageSize", "100")]), [f"i-bj{n:02d}" for n in range(1, 25, 2)])
        self.refused("DescribeInstancesFullStatus", [("RegionId", "cn-beijing"), ("PageSize", "101")],
                     400, "InvalidParameter")
        self.refused("DescribeInstancesFullStatus",
                     [("RegionId", "cn-beijing")] + [(f"InstanceId.{n}", f"i-{n}") for n in range(1, 102)],
                     403, "InstanceIdLimitExceeded")

    def history(self, params, max_results="10"):
        got, pages, last = self.page_through(
            "DescribeInstanceHistoryEvents", [("RegionId", "cn-beijing"), ("MaxResults", max_results)] + params,
            lambda b: b["InstanceSystemEventSet"]["InstanceSystemEventType"])
        self.assertEqual(last["TotalCount"], len(got))
        return got, pages

    def test_history_without_cycle_status_lists_finished_events_only(self):
        got, pages = self.history([])
        self.assertEqual([e["EventId"] for e in got], [f"e-f{n:02d}" for n in range(22)])
        self.assertEqual(pages, 3)
        self.assertEqual(got[1], {
            "InstanceId": "i-bj03", "EventId": "e-f01", "EventType": {"Code": 65, "Name": "SystemFailure.Reboot"},
            "EventCycleStatus": {"Code": 8, "Name": "Avoided"}, "NotBefore": "2026-01-01T00:00:00Z",
            "EventPublishTime": "", "EventFinishTime": "2026-01-01T00:01:00Z", "ImpactLevel": "", "Reason": ""})
        self.assertEqual(len(self.history([], max_results="5")[0]), 22, "MaxResults below 10 counts as 10")

    def test_history_filters(self):
        def ids(params):
            return [e["EventId"] for e in self.history(params)[0]]
        upcoming = [("InstanceEventCycleStatus.1", "Scheduled"), ("InstanceEventCycleStatus.2", "Inquiring")]
        self.assertEqual(ids(upcoming), ["e-s1", "e-i1"])
        self.assertEqual(ids([("EventCycleStatus", "Executing")]), ["e-x1"])
        self.assertEqual(ids(upcoming + [("InstanceEventType.1", "SystemFailure.Redeploy")]), ["e-i1"])
        self.assertEqual(ids([("InstanceId", "i-bj03"), ("InstanceEventCycleStatus.1", "Avoided")]),
                         ["e-f01", "e-f05", "e-f09", "e-f13", "e-f17", "e-f21"])
        self.assertEqual(ids([("EventId.1", "e-f00"), ("EventId.2", "e-s1")]), ["e-f00"])
        self.refused("DescribeInstanceHistoryEvents",
                     [("RegionId", "cn-beijing"), ("InstanceEventCycleStatus.1", "Done")], 400, "InvalidParameter")

    def test_describe_regions(self):
        body = self.ok("DescribeRegions", [])
        self.assertEqual(body["Regions"]["Region"][0], {
            "RegionId": "cn-beijing", "LocalName": "China (Beijing)",
            "RegionEndpoint": "ecs.cn-beijing.aliyuncs.com", "Status": "available"})
        self.assertEqual([r["RegionId"] for r in body["Regions"]["Region"]],
                         ["cn-beijing", "cn-shanghai", "eu-central-1"])
        self.assertEqual(body["Regions"]["Region"][1]["LocalName"], "cn-shanghai")

    def test_forbidden_actions_per_region(self):
        for action in ("DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"):
            with self.subTest(action=action):
                body = self.refused(action, [("RegionId", "cn-shanghai")], 403, "Forbidden.RAM")
                self.assertEqual(body["Message"], "User not authorized to operate on the specified resource, "
                                                  "or this API doesn't support RAM.")
                self.ok(action, [("RegionId", "cn-beijing")])
        self.ok("DescribeInstanceStatus", [("RegionId", "cn-shanghai")])
        self.ok("DescribeInstances", [("RegionId", "cn-shanghai")])

    def test_repeated_parameters_are_signed(self):
        signed = "InstanceId.1=i-bj00&InstanceId.2=i-bj01&RegionId=cn-beijing"
        st, _, body = self.call(signed, action="DescribeInstancesFullStatus",
                                send_query=signed.replace("i-bj01", "i-bj02"))
        self.assertEqual((st, body["Code"]), (400, "SignatureDoesNotMatch"))
        st, _, body = self.call(signed, action="DescribeInstancesFullStatus",
                                send_query="RegionId=cn-beijing&InstanceId.2=i-bj01&InstanceId.1=i-bj00")
        self.assertEqual((st, body["TotalCount"]), (200, 2), body)


def faults_fleet(**extra):
    doc = {
        "credentials": {"LTAIstandinkey": "standinsecret"},
        "regions": {
            "cn-beijing": [{"InstanceId": "i-bj1", "Status": "Running"}],
            "cn-hangzhou": [{"InstanceId": f"i-hz{n}", "Status": "Running"} for n in range(3)],
            "cn-shanghai": [{"InstanceId": "i-sh1", "Status": "Stopped", "HealthStatus": "Maintaining"}],
        },
        "latency": {"cn-beijing": 0.3},
        "faults": {"unavailable_every": 3, "unavailable_regions": ["cn-hangzhou"]},
    }
    doc.update(extra)
    return doc


class FaultsAndTestEndpoints(StandinCase):
    FLEET_DOC = faults_fleet()

    def setUp(self):
        self.server.set_fleet(s.Fleet.from_doc(self.FLEET_DOC))  # fresh 503 counters for every test

    def statuses(self, region, n, action="DescribeInstanceStatus"):
        return [self.api(action, [("RegionId", region)])[0] for _ in range(n)]

    def test_latency_delays_every_request_of_the_region(self):
        for action, want in (("DescribeInstanceStatus", 200), ("RunInstances", 404)):
            with self.subTest(action=action):
                began = time.monotonic()
                st, _ = self.api(action, [("RegionId", "cn-beijing")])
                self.assertGreaterEqual(time.monotonic() - began, 0.3)
                self.assertEqual(st, want)
        fleet = s.Fleet.from_doc(faults_fleet(latency={"*": 0.5, "cn-beijing": 0}))
        self.assertEqual((fleet.latency_for("cn-hangzhou"), fleet.latency_for("cn-beijing")), (0.5, 0.0))

    def test_every_nth_request_of_a_region_is_unavailable(self):
        statuses = []
        for _ in range(3):
            statuses += self.statuses("cn-hangzhou", 3)
            self.assertEqual(self.statuses("cn-shanghai", 1), [200], "cn-shanghai is not in unavailable_regions")
        self.assertEqual(statuses, [200, 200, 503] * 3)
        self.statuses("cn-hangzhou", 2)  # the count goes on across actions: the next one is the 12th
        body = self.refused("DescribeInstances", [("RegionId", "cn-hangzhou")], 503, "ServiceUnavailable")
        self.assertTrue(body["Message"])

    def test_without_region_list_each_region_counts_its_own_requests(self):
        self.server.set_fleet(s.Fleet.from_doc(faults_fleet(latency={}, faults={"unavailable_every": 2})))
        got = [self.api("DescribeInstanceStatus", [("RegionId", r)])[0]
               for r in ("cn-hangzhou", "cn-shanghai", "cn-hangzhou", "cn-shanghai")]
        self.assertEqual(got, [200, 200, 503, 503])
        self.assertEqual(self.statuses("cn-shanghai", 2, action="DescribeRegions"), [200, 503])

    def test_stats_count_by_action_region_and_status(self):
        _, before = self.get("/_standin/stats")
        self.statuses("cn-hangzhou", 3)
        self.api("DescribeRegions", [])
        self.api("RunInstances", [("RegionId", "cn-shanghai")])
        st, after = self.get("/_standin/stats")
        self.assertEqual(st, 200)

        def count(doc, action, region, status):
            return doc["requests"].get(action, {}).get(region, {}).get(status, 0)
        for key, delta in ((("DescribeInstanceStatus", "cn-hangzhou", "200"), 2),
                           (("DescribeInstanceStatus", "cn-hangzhou", "503"), 1),
                           (("DescribeRegions", "-", "200"), 1),
                           (("RunInstances", "cn-shanghai", "404"), 1)):
            self.assertEqual(count(after, *key) - count(before, *key), delta, key)
        self.assertEqual(after["total"] - before["total"], 5)
        self.assertEqual(after["by_status"]["503"] - before["by_status"].get("503", 0), 1)
        self.assertEqual(sum(after["by_region"].values()), after["total"])

    def test_fleet_endpoint_serves_the_fleet_as_it_is_now(self):
        st, doc = self.get("/_standin/fleet")
        self.assertEqual(st, 200)
        self.assertEqual(doc, self.server.fleet.to_doc())
        self.assertEqual(doc["regions"]["cn-shanghai"][0]["HealthStatus"], {"Code": 32, "Name": "Maintaining"})
        self.assertEqual(doc["regions"]["cn-hangzhou"][0]["ExpiredTime"], "2099-12-31T15:59Z")
        generation = doc["generation"]
        self.server.set_fleet(s.Fleet.from_doc(faults_fleet(regions={"cn-beijing": []}, latency={}, faults={})))
        st, doc = self.get("/_standin/fleet")
        self.assertEqual((doc["generation"], doc["regions"], doc["events"]), (generation + 1, {"cn-beijing": []}, []))

    def test_test_endpoints_refuse_other_paths_and_methods(self):
        self.assertEqual(self.get("/_standin/fleet", method="POST")[0], 405)
        self.assertEqual(self.get("/_standin/nothing")[0], 404)

    def test_fault_settings_are_checked(self):
        for doc, want in ((faults_fleet(latency={"xx-nowhere": 1}), "$.latency.xx-nowhere:"),
                          (faults_fleet(latency={"cn-beijing": -1}), "$.latency.cn-beijing:"),
                          (faults_fleet(faults={"unavailable_every": "3"}), "$.faults.unavailable_every:"),
                          (faults_fleet(faults={"unavailable_regions": ["xx"]}), "$.faults.unavailable_regions[0]:"),
                          (faults_fleet(faults={"every": 3}), "$.faults.every: unknown field"),
                          (faults_fleet(forbidden={"cn-beijing": ["RunInstances"]}), "$.forbidden.cn-beijing[0]:"),
                          (faults_fleet(forbidden={"xx": []}), "$.forbidden.xx:")):
            with self.subTest(want=want):
                with self.assertRaises(s.FleetError) as ctx:
                    s.Fleet.from_doc(doc)
                self.assertTrue(str(ctx.exception).startswith(want), str(ctx.exception))
        everywhere = s.Fleet.from_doc(faults_fleet(forbidden={"*": ["DescribeRegions"]}))
        self.assertTrue(everywhere.is_forbidden("", "DescribeRegions"))
        self.assertFalse(everywhere.is_forbidden("cn-beijing", "DescribeInstances"))


def churn_fleet(**churn):
    return {
        "credentials": {"LTAIstandinkey": "standinsecret"},
        "regions": {
            "cn-hangzhou": [{"InstanceId": f"i-hz{n:02d}", "Status": "Running" if n % 2 else "Stopped",
                             "ZoneId": "cn-hangzhou-h"} for n in range(10)],
            "eu-central-1": [],
        },
        "events": [{"InstanceId": "i-hz00", "EventId": "e-1", "EventType": "SystemMaintenance.Reboot",
                    "EventCycleStatus": "Scheduled"}],
        "churn": dict({"every": 0.05, "seed": 7, "regions": ["cn-hangzhou"]}, **churn),
    }


def eventually(check, timeout=10.0, interval=0.02):
    """Polls check() until it returns a true value or the deadline passes; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(interval)


class Churn(StandinCase):
    FLEET_DOC = churn_fleet()

    def test_churn_step_is_reproducible_and_keeps_instances_with_events(self):
        fleet = s.Fleet.from_doc(churn_fleet(flips=3, adds=2, removes=9))

        def run():
            ids = iter(f"i-new{n}" for n in range(100))
            return s.churn_step(fleet, random.Random(7), fleet.churn, lambda: next(ids))
        (a, changes_a), (b, changes_b) = run(), run()
        self.assertEqual((a.regions, changes_a), (b.regions, changes_b))
        after = {i["InstanceId"]: i["Status"] for i in a.regions["cn-hangzhou"]}
        before = {i["InstanceId"]: i["Status"] for i in fleet.regions["cn-hangzhou"]}
        flipped = {i for i in after if i in before and after[i] != before[i]}
        self.assertEqual(len(flipped), 3)
        # removes=9 takes every instance it may: all but the flipped ones and i-hz00, which has an event
        self.assertEqual(set(after) & set(before), flipped | {"i-hz00"})
        self.assertEqual(len(changes_a), 3 + len(set(before) - set(after)) + 2, changes_a)
        self.assertEqual(sorted(i for i in after if i not in before), ["i-new0", "i-new1"])
        self.assertEqual(a.regions["eu-central-1"], [], "only the churn regions change")
        self.assertEqual(len(fleet.regions["cn-hangzhou"]), 10, "the old fleet is left as it was")

    def test_churn_changes_the_served_fleet_and_logs_it(self):
        _, first = self.get("/_standin/fleet")
        later = eventually(lambda: (lambda d: d if d["generation"] >= first["generation"] + 3 else None)(
            self.get("/_standin/fleet")[1]))
        self.assertTrue(later, "the fleet never churned")
        self.assertNotEqual(later["regions"]["cn-hangzhou"], first["regions"]["cn-hangzhou"])
        self.assertIn("i-hz00", [i["InstanceId"] for i in later["regions"]["cn-hangzhou"]])
        self.assertTrue(any(line.startswith("ecs-standin: churn generation=") and " added " in line
                            for line in list(self.logged)), self.logged[:5])

        # Frozen at one generation (a fleet without churn), the API serves exactly the dump.
        frozen = dict(self.get("/_standin/fleet")[1], credentials={"LTAIstandinkey": "standinsecret"})
        del frozen["generation"]
        self.server.set_fleet(s.Fleet.from_doc(frozen))
        body = self.ok("DescribeInstanceStatus", [("RegionId", "cn-hangzhou"), ("PageSize", "50")])
        self.assertEqual([(i["InstanceId"], i["Status"]) for i in body["InstanceStatuses"]["InstanceStatus"]],
                         [(i["InstanceId"], i["Status"]) for i in frozen["regions"]["cn-hangzhou"]])
        generation = self.server.fleet.generation
        self.assertEqual(eventually(lambda: self.server.fleet.generation != generation, timeout=0.3), False,
                         "churn went on after a fleet without churn replaced it")
        self.server.set_fleet(s.Fleet.from_doc(self.FLEET_DOC))

    def test_churn_settings_are_checked(self):
        for churn, want in (({"every": 0}, "$.churn.every:"), ({"regions": ["xx"]}, "$.churn.regions[0]:"),
                            ({"regions": []}, "$.churn.regions:"), ({"flips": -1}, "$.churn.flips:"),
                            ({"often": 1}, "$.churn.often: unknown field")):
            with self.subTest(want=want):
                with self.assertRaises(s.FleetError) as ctx:
                    s.Fleet.from_doc(churn_fleet(**churn))
                self.assertTrue(str(ctx.exception).startswith(want), str(ctx.exception))
        doc = churn_fleet()
        del doc["churn"]["every"]
        with self.assertRaisesRegex(s.FleetError, r"^\$\.churn\.every: is required"):
            s.Fleet.from_doc(doc)


class RunningProcess(unittest.TestCase):
    """The script as tests and the e2e suite run it: port file, --quiet, SIGHUP, SIGTERM."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.fleet_path = os.path.join(self.tmp.name, "fleet.json")
        self.port_path = os.path.join(self.tmp.name, "port")
        self.log_path = os.path.join(self.tmp.name, "stderr")
        self.write_fleet({"credentials": {"LTAIstandinkey": "standinsecret"},
                          "regions": {"cn-hangzhou": [{"InstanceId": "i-1", "Status": "Running"}]}})
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ecs_standin.py")
        self.log_file = open(self.log_path, "w")
        self.addCleanup(self.log_file.close)
        self.proc = subprocess.Popen([sys.executable, script, "--listen", "127.0.0.1:0", "--fleet", self.fleet_path,
                                      "--port-file", self.port_path, "--quiet"],
                                     stdout=subprocess.DEVNULL, stderr=self.log_file,
                                     env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.addCleanup(self.stop)
        def port_written():
            try:
                with open(self.port_path) as fh:
                    return fh.read().strip()
            except FileNotFoundError:
                return ""
        port = eventually(port_written)
        self.assertTrue(port, "no port file")
        self.port = int(port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # this process only, by its own handle
            self.proc.wait()
            raise
        self.assertEqual(code, 0, self.stderr())

    def write_fleet(self, doc):
        tmp = self.fleet_path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(doc, fh)
        os.replace(tmp, self.fleet_path)

    def stderr(self):
        with open(self.log_path) as fh:
            return fh.read()

    def full_status(self):
        st, _, body = signed_call(self.port, "RegionId=cn-hangzhou", action="DescribeInstancesFullStatus")
        self.assertEqual(st, 200, body)
        return body["InstanceFullStatusSet"]["InstanceFullStatusType"][0]

    def test_sighup_reloads_every_field(self):
        self.assertEqual(self.full_status()["HealthStatus"]["Name"], "Ok")
        self.write_fleet({
            "credentials": {"LTAIstandinkey": "standinsecret"},
            "regions": {"cn-hangzhou": {"LocalName": "Hangzhou", "instances": [
                {"InstanceId": "i-1", "Status": "Stopped", "HealthStatus": "Impaired", "InstanceChargeType": "PrePaid",
                 "ExpiredTime": "2026-07-01T16:00Z", "OperationLocks": ["financial"], "Tags": {"a": "b"}}]}},
            "events": [{"InstanceId": "i-1", "EventId": "e-1", "EventType": "InstanceExpiration.Stop",
                        "EventCycleStatus": "Scheduled", "NotBefore": "2026-07-01T16:00:00Z"}],
            "latency": {"cn-hangzhou": 0.2},
            "forbidden": {"cn-hangzhou": ["DescribeInstanceHistoryEvents"]},
        })
        self.proc.send_signal(signal.SIGHUP)
        self.assertTrue(eventually(lambda: self.full_status()["HealthStatus"]["Name"] == "Impaired"),
                        self.stderr())
        item = self.full_status()
        self.assertEqual(item["Status"]["Name"], "Stopped")
        self.assertEqual([e["EventId"] for e in item["ScheduledSystemEventSet"]["ScheduledSystemEventType"]], ["e-1"])
        _, _, body = signed_call(self.port, "RegionId=cn-hangzhou", action="DescribeInstances")
        inst = body["Instances"]["Instance"][0]
        self.assertEqual((inst["ExpiredTime"], inst["OperationLocks"], inst["Tags"]),
                         ("2026-07-01T16:00Z", {"LockReason": [{"LockReason": "financial"}]},
                          {"Tag": [{"TagKey": "a", "TagValue": "b"}]}))
        _, _, body = signed_call(self.port, "", action="DescribeRegions")
        self.assertEqual(body["Regions"]["Region"][0]["LocalName"], "Hangzhou")
        began = time.monotonic()
        st, _, body = signed_call(self.port, "RegionId=cn-hangzhou", action="DescribeInstanceHistoryEvents")
        self.assertGreaterEqual(time.monotonic() - began, 0.2)
        self.assertEqual((st, body["Code"]), (403, "Forbidden.RAM"))
        self.assertEqual(plain_call(self.port, "/_standin/fleet")[1]["generation"], 1)

        self.write_fleet({"credentials": {"LTAIstandinkey": "standinsecret"},
                          "regions": {"cn-hangzhou": [{"InstanceId": "i-1", "Status": "Running",
                                                       "ExpiredTime": "soon"}]}})
        self.proc.send_signal(signal.SIGHUP)
        self.assertTrue(eventually(lambda: "fleet reload failed" in self.stderr()), self.stderr())
        self.assertIn("$.regions.cn-hangzhou[0].ExpiredTime: must be a UTC time", self.stderr())
        self.assertEqual(self.full_status()["HealthStatus"]["Name"], "Impaired", "the old fleet stays")
        self.assertNotIn("action=", self.stderr(), "--quiet logs no requests")


if __name__ == "__main__":
    unittest.main()
