"""Self-checks for ecs_standin.py.  Run from this folder: python3 -m unittest"""

import datetime
import hashlib
import http.client
import json
import os
import tempfile
import threading
import unittest
import uuid

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


class ServerBehaviour(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fleet_doc = FLEET
        cls.tmp = tempfile.TemporaryDirectory()
        path = os.path.join(cls.tmp.name, "fleet.json")
        with open(path, "w") as fh:
            json.dump(fleet_doc, fh)
        cls.server = s.StandinServer(("127.0.0.1", 0), s.Fleet.load(path), quiet=True)
        cls.port = cls.server.server_address[1]
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.tmp.cleanup()

    def call(self, query, action="DescribeInstanceStatus", ak="LTAIstandinkey",
             secret="standinsecret", version="2014-05-26", tamper=None, nonce=None, date=None,
             send_query=None):
        host = f"127.0.0.1:{self.port}"
        headers = {
            "host": host,
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
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            send = {k: v for k, v in headers.items() if k != "host"}
            conn.request("POST", "/?" + (query if send_query is None else send_query), body=b"", headers=send)
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type"), json.loads(resp.read())
        finally:
            conn.close()

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
            (dict(query="RegionId=cn-hangzhou", action="DescribeInstances"), 404, "InvalidAction.NotFound"),
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


if __name__ == "__main__":
    unittest.main()
