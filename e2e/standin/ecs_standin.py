#!/usr/bin/env python3
"""Independent stand-in for the Alibaba Cloud ECS OpenAPI (DescribeInstanceStatus only).

Written from the public API documentation and the V3 (ACS3-HMAC-SHA256)
signature specification, not from the project's Go simulator.  Its purpose is
to show that the exporter works against an ECS implementation that is not the
project's own.  Standard library only; listens on loopback only.

Usage:
    python3 ecs_standin.py --listen 127.0.0.1:0 --fleet FLEET.json --port-file PATH

FLEET.json:
    {"credentials": {"LTAIstandinkey": "standinsecret"},
     "regions": {"cn-hangzhou": [{"InstanceId": "i-1", "Status": "Running",
                                  "ZoneId": "cn-hangzhou-h"}],
                 "eu-central-1": []}}

A region missing from "regions" is unknown.  SIGTERM/SIGINT stop the server
(exit 0); SIGHUP re-reads the fleet file (the old fleet stays on error).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import hmac
import ipaddress
import json
import os
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

class FleetError(ValueError):
    pass


class Fleet:
    def __init__(self, credentials: dict[str, str], regions: dict[str, list[dict]]):
        self.credentials = credentials
        self.regions = regions

    @classmethod
    def load(cls, path: str) -> "Fleet":
        with open(path, "r", encoding="utf-8") as fh:
            doc = json.load(fh)
        if not isinstance(doc, dict):
            raise FleetError("fleet file must hold a JSON object")
        creds = doc.get("credentials")
        if not isinstance(creds, dict) or not creds or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in creds.items()):
            raise FleetError('"credentials" must be a non-empty object of string to string')
        regions = doc.get("regions")
        if not isinstance(regions, dict):
            raise FleetError('"regions" must be an object')
        clean: dict[str, list[dict]] = {}
        for region, instances in regions.items():
            if not isinstance(instances, list):
                raise FleetError(f"region {region!r}: instances must be a list")
            items = []
            for i, inst in enumerate(instances):
                if not isinstance(inst, dict):
                    raise FleetError(f"region {region!r} item {i}: must be an object")
                for field in ("InstanceId", "Status"):
                    if not isinstance(inst.get(field), str) or not inst[field]:
                        raise FleetError(f"region {region!r} item {i}: {field} must be a non-empty string")
                zone = inst.get("ZoneId", "")
                if not isinstance(zone, str):
                    raise FleetError(f"region {region!r} item {i}: ZoneId must be a string")
                items.append({"InstanceId": inst["InstanceId"], "Status": inst["Status"], "ZoneId": zone})
            clean[region] = items
        return cls(dict(creds), clean)


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def _positive_int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise ApiError(400, "InvalidParameter",
                       f'The specified parameter "{name}" is not valid.') from None
    return value


def describe_instance_status(fleet: Fleet, params: dict[str, str],
                             instance_ids: list[str]) -> dict:
    region = params.get("RegionId", "")
    if not region:
        raise ApiError(400, "MissingRegionId", "RegionId is mandatory for this action.")
    if region not in fleet.regions:
        raise ApiError(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
    page_size = _positive_int(params, "PageSize", 10)
    if not 1 <= page_size <= 50:
        raise ApiError(400, "InvalidParameter",
                       'The specified parameter "PageSize" is not valid.')
    page_number = _positive_int(params, "PageNumber", 1)
    if page_number < 1:
        raise ApiError(400, "InvalidParameter",
                       'The specified parameter "PageNumber" is not valid.')
    if len(instance_ids) > 100:
        raise ApiError(403, "InvalidParameter.TooManyInstanceIds",
                       "The number of InstanceId exceeds the limit of 100.")

    instances = fleet.regions[region]
    zone = params.get("ZoneId", "")
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


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, fleet: Fleet, max_skew: float = DEFAULT_MAX_SKEW, quiet: bool = False):
        host = addr[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.fleet = fleet
        self.max_skew = max_skew
        self.nonces = NonceCache(max_skew if max_skew > 0 else 900)
        self.quiet = quiet
        super().__init__(addr, Handler)


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
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

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
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

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
        raw_query = split.query
        params: dict[str, str] = {}
        instance_ids: list[str] = []
        for k, v in parse_qsl(raw_query, keep_blank_values=True):
            if k.startswith("InstanceId."):
                instance_ids.append(v)
            else:
                params.setdefault(k, v)
        action = (self.headers.get("x-acs-action") or "").strip()
        region = params.get("RegionId", "")
        page = params.get("PageNumber", "")
        try:
            body = self._read_body()
            if split.path != "/":
                raise ApiError(404, "InvalidAction.NotFound",
                               "Specified api is not found, please check your url and method.")
            self._authenticate(self.command, raw_query, body)
            version = (self.headers.get("x-acs-version") or "").strip()
            if version != API_VERSION:
                raise ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
            if action != "DescribeInstanceStatus":
                raise ApiError(404, "InvalidAction.NotFound",
                               "Specified api is not found, please check your url and method.")
            result = describe_instance_status(self.server.fleet, params, instance_ids)
        except ApiError as err:
            if err.status == 413:
                self.close_connection = True
            self._send_json(err.status, {
                "RequestId": new_request_id(),
                "HostId": HOST_ID,
                "Code": err.code,
                "Message": err.message,
            })
            self._log(action, region, page, err.status, err.code)
            return
        except Exception as exc:  # never leak a traceback to the client
            sys.stderr.write(f"ecs-standin: internal error: {type(exc).__name__}: {exc}\n")
            self._send_json(500, {
                "RequestId": new_request_id(),
                "HostId": HOST_ID,
                "Code": "InternalError",
                "Message": "The request processing has failed due to some unknown error.",
            })
            self._log(action, region, page, 500, "InternalError")
            return
        self._send_json(200, result)
        self._log(action, region, str(result["PageNumber"]), 200)

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
        try:
            server.fleet = Fleet.load(args.fleet)
            sys.stderr.write("ecs-standin: fleet reloaded\n")
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"ecs-standin: fleet reload failed, keeping old fleet: {exc}\n")

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
