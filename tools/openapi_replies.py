"""The two halves of tools/check-openapi-responses.py that know nothing of the chain it builds.

`ResponseDocument` reads contracts-spec/openapi.yaml and validates a body against the schema the
document gives for a route, method and status (JSON Schema 2020-12 through `jsonschema`, `$ref`s
resolved inside the document, objects with `properties` read as closed). `Exchanges` talks to a
node over HTTP/1.1 and WebSocket on loopback (standard library only: http.client and raw
sockets for the limits and the stream), records every answer, and validates them all at the end.
"""

import base64
import copy
import http.client
import json
import os
import re
import socket
import struct
import time
from collections import namedtuple
from urllib.parse import urlencode

import yaml
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:solvent:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
STREAM_MESSAGES = "x-websocket-messages"

Reply = namedtuple("Reply", "method route target status content_type body")
StreamMessage = namedtuple("StreamMessage", "route index text")


def escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def json_pointer(path):
    return "".join("/" + escape(p) for p in path) or "(the whole body)"


class ResponseDocument:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        # A closed copy: an object schema with `properties` refuses fields it does not name (the
        # document lists every field the node sends; "optional" means left out, never unnamed).
        self.closed = copy.deepcopy(self.doc)
        for schema in self.schema_roots(self.closed):
            close_objects(schema)
        self.locations = {}
        index_locations(self.closed, "", self.locations)
        self.registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(self.closed))
        # Every `$ref` a validation follows, to tell which shapes no answer ever reached.
        self.evaluated = set()
        follow = Draft202012Validator.VALIDATORS["$ref"]

        def traced(validator, ref, instance, schema):
            errors = list(follow(validator, ref, instance, schema))
            if not errors:   # a oneOf's other branches were tried, not matched
                self.evaluated.add(ref.split("#", 1)[-1])
            yield from errors
        self.validator_class = validators.extend(Draft202012Validator, {"$ref": traced})

    @staticmethod
    def schema_roots(doc):
        components = doc.get("components") or {}
        yield from (components.get("schemas") or {}).values()
        responses = list((components.get("responses") or {}).values())
        for item in (doc.get("paths") or {}).values():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    responses += list((operation.get("responses") or {}).values())
                    for media in ((operation.get("requestBody") or {}).get("content") or {}).values():
                        if "schema" in media:
                            yield media["schema"]
        for response in responses:
            for media in (response.get("content") or {}).values():
                if "schema" in media:
                    yield media["schema"]
            if STREAM_MESSAGES in response:
                yield response[STREAM_MESSAGES]

    def node(self, pointer):
        out = self.closed
        for token in pointer.lstrip("/").split("/"):
            out = out[token.replace("~1", "/").replace("~0", "~")]
        return out

    def operation(self, method, route):
        return ((self.doc.get("paths") or {}).get(route) or {}).get(method.lower())

    def statuses(self, method, route):
        return [str(s) for s in ((self.operation(method, route) or {}).get("responses") or {})]

    def response(self, method, route, status):
        """(pointer, response object) for a documented status, following `$ref`s; (None, None) if undocumented."""
        operation = self.operation(method, route)
        if operation is None or str(status) not in (operation.get("responses") or {}):
            return None, None
        pointer = f"/paths/{escape(route)}/{method.lower()}/responses/{status}"
        response = self.node(pointer)
        while isinstance(response, dict) and "$ref" in response:
            pointer = response["$ref"].split("#", 1)[1]
            response = self.node(pointer)
        return pointer, response

    def errors(self, schema_pointer, instance):
        """(pointer in the instance, message, rule) for each way `instance` breaks the schema at `schema_pointer`."""
        validator = self.validator_class({"$ref": f"{DOCUMENT_URI}#{schema_pointer}"}, registry=self.registry,
                                         format_checker=FormatChecker())
        out = []
        for error in validator.iter_errors(instance):
            # oneOf/anyOf: name the choice, and report the branch that came closest, as deep as it goes.
            choice = ""
            if error.context:
                choice = f" (no branch of the `{error.validator}` at #{self.where(error)} fits; the closest fails so)"
            while error.context:
                error = best_match(self.branch_errors(error))
            message = error.message if len(error.message) <= 240 else error.message[:240] + "..."
            out.append((json_pointer(error.absolute_path), message + choice, f"`{error.validator}` at #{self.where(error)}"))
        return out

    def unevaluated_schemas(self):
        """Component schemas that responses or stream messages use (through `$ref`s) but no answer reached
        so far: a shape nothing checked, because the chain had nothing to show in it."""
        wanted, stack = set(), []
        for route, item in (self.doc.get("paths") or {}).items():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    for status in operation.get("responses") or {}:
                        stack.append(self.response(method, route, status)[1])
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/") and ref[1:] not in wanted:
                    wanted.add(ref[1:])
                    stack.append(self.node(ref[1:]))
                stack.extend(v for k, v in node.items() if k not in ("examples", "example", "x-websocket-message-examples"))
            elif isinstance(node, list):
                stack.extend(node)
        return sorted(wanted - self.evaluated)

    def example_failures(self):
        """The document's own examples against the schemas beside them: a reader copies them."""
        failures = []
        for route, item in (self.doc.get("paths") or {}).items():
            for method, operation in item.items():
                if method not in HTTP_METHODS:
                    continue
                for status in (operation.get("responses") or {}):
                    pointer, response = self.response(method, route, status)
                    where = f"{method.upper()} {route} {status}"
                    for media, content in (response.get("content") or {}).items():
                        if media != "application/json" or "schema" not in content:
                            continue
                        named = dict(content.get("examples") or {})
                        if "example" in content:
                            named["example"] = {"value": content["example"]}
                        for name, example in named.items():
                            if "$ref" in example:
                                example = self.node(example["$ref"].split("#", 1)[1])
                            failures += [f"{where} example {name} at {p}: {text} [{rule}]" for p, text, rule in
                                         self.errors(f"{pointer}/content/{escape(media)}/schema", example.get("value"))]
                    for name, example in (response.get("x-websocket-message-examples") or {}).items():
                        failures += [f"{where} stream example {name} at {p}: {text} [{rule}]" for p, text, rule in
                                     self.errors(f"{pointer}/{STREAM_MESSAGES}", example)]
        for name, schema in ((self.doc.get("components") or {}).get("schemas") or {}).items():
            for i, example in enumerate(schema.get("examples") or []):
                failures += [f"schema {name} example {i} at {p}: {text} [{rule}]" for p, text, rule in
                             self.errors(f"/components/schemas/{escape(name)}", example)]
        return failures

    @staticmethod
    def branch_errors(error):
        """A oneOf/anyOf's errors, only the branch its `discriminator` names when the instance names one."""
        discriminator = error.schema.get("discriminator") if isinstance(error.schema, dict) else None
        if not discriminator or not isinstance(error.instance, dict):
            return error.context
        value = error.instance.get(discriminator.get("propertyName"))
        target = (discriminator.get("mapping") or {}).get(value)
        branches = error.schema.get(error.validator) or []
        chosen = [i for i, branch in enumerate(branches) if isinstance(branch, dict) and branch.get("$ref") == target]
        named = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] in chosen]
        return named or error.context

    def where(self, error):
        """The JSON pointer in the document of the rule `error` broke."""
        return f"{self.locations.get(id(error.schema), '?')}/{escape(error.validator)}"


def close_objects(schema):
    """Adds `unevaluatedProperties: false` to every object schema with `properties` and no rule for other keys."""
    if not isinstance(schema, dict):
        return
    if "properties" in schema and "additionalProperties" not in schema and "unevaluatedProperties" not in schema:
        schema["unevaluatedProperties"] = False
    for sub in (schema.get("properties") or {}).values():
        close_objects(sub)
    for key in ("items", "additionalProperties", "not", "if", "then", "else", "contains"):
        close_objects(schema.get(key))
    for key in ("oneOf", "anyOf", "allOf", "prefixItems"):
        for sub in schema.get(key) or []:
            close_objects(sub)


def index_locations(node, pointer, out):
    """id(schema object) -> its JSON pointer in the document, to name where a broken rule is written."""
    if isinstance(node, dict):
        out.setdefault(id(node), pointer)
        for key, value in node.items():
            index_locations(value, f"{pointer}/{escape(key)}", out)
    elif isinstance(node, list):
        out.setdefault(id(node), pointer)
        for i, value in enumerate(node):
            index_locations(value, f"{pointer}/{i}", out)


class Exchanges:
    """Calls a node and keeps every answer (status, Content-Type, body) for validation at the end."""

    def __init__(self, host, port, verbose=False):
        self.host, self.port, self.verbose = host, port, verbose
        self.replies = []
        self.stream = []
        self.drive_failures = []

    @property
    def stream_messages(self):
        return len(self.stream)

    def require(self, condition, what):
        """A fact the chain must show for the answers to cover what they should (a position, an auction...)."""
        if not condition:
            self.drive_failures.append(f"the chain this check builds is not as expected: {what}")

    def record(self, method, route, target, status, content_type, body):
        self.replies.append(Reply(method, route, target, status, content_type, body))
        if self.verbose:
            print(f"  {method} {target} -> {status} {content_type} {body[:160]!r}", flush=True)

    def call(self, method, route, target=None, query=None, body=None, headers=None, expect=None):
        """One request on a fresh connection; returns the parsed JSON body (or None)."""
        target = (target or route) + ("?" + urlencode(query, doseq=True) if query else "")
        data = body.encode() if isinstance(body, str) else (json.dumps(body).encode() if body is not None else None)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=15)
        try:
            connection.request(method, target, body=data,
                               headers={"Content-Type": "application/json", **(headers or {})} if data is not None else (headers or {}))
            response = connection.getresponse()
            payload = response.read()
        except OSError as e:
            self.drive_failures.append(f"{method} {target}: no answer ({e})")
            return None
        finally:
            connection.close()
        self.record(method, route, target, response.status, response.getheader("Content-Type") or "", payload)
        if expect is not None and response.status != expect:
            self.drive_failures.append(f"{method} {target}: expected status {expect}, got {response.status}: {payload[:300]!r}")
        try:
            return json.loads(payload) if payload else None
        except ValueError:
            return None

    def raw(self, method, route, request, expect, timeout=5.0, sock=None):
        """Sends raw request bytes (a head over the limit, a Content-Length over it) and records the answer."""
        target = request.split(b" ", 2)[1].decode() if request else route
        try:
            sock = sock or socket.create_connection((self.host, self.port), timeout=timeout)
            sock.settimeout(timeout)
            if request:
                sock.sendall(request)
            response = http.client.HTTPResponse(sock, method=method)
            response.begin()
            payload = response.read()
        except OSError as e:
            self.drive_failures.append(f"{method} {route}: no {expect} answer ({type(e).__name__}: {e})")
            return
        except http.client.HTTPException as e:
            self.drive_failures.append(f"{method} {route}: an unreadable answer where {expect} was expected ({e!r})")
            return
        finally:
            if sock:
                sock.close()
        self.record(method, route, target, response.status, response.getheader("Content-Type") or "", payload)
        if response.status != expect:
            self.drive_failures.append(f"{method} {route}: expected status {expect}, got {response.status}: {payload[:300]!r}")

    def head(self, method, route, extra=b""):
        target = re.sub(r"\{[^}]*\}", "1", route)
        return f"{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n".encode() + extra

    def oversized_head(self, method, route):
        """431: one header line of 17 KB (the limit is 16 KiB for the whole head)."""
        self.raw(method, route, self.head(method, route, b"X-Padding: " + b"a" * 17000 + b"\r\n\r\n"), expect=431)

    def oversized_body(self, route):
        """413: a Content-Length over every route's limit (64 MiB at most); refused before the body is read."""
        self.raw("POST", route, self.head("POST", route, b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"),
                 expect=413)

    def head_timeouts(self, routes, wait):
        """408: a request line and one header on every route, never finished; all answered after the head timeout."""
        sockets = []
        for method, route in routes:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=wait)
                sock.sendall(self.head(method, route))
                sockets.append((method, route, sock))
            except OSError as e:
                self.drive_failures.append(f"{method} {route}: cannot open the 408 probe ({e})")
        for method, route, sock in sockets:
            self.raw(method, route, b"", expect=408, timeout=wait, sock=sock)

    def over_connection_cap(self, routes, cap):
        """503: idle connections fill the node up to its cap; a request on every route past them is refused at once.
        Connections the node held before (probes it is still closing) may free slots meanwhile, and the
        node closes idle fillers after its head timeout (2 s here), so whenever a new connection is not
        refused the node is topped up with a burst of idle connections (one at a time could not keep up
        with a whole generation timing out at once)."""
        fillers = []
        try:
            for _ in range(cap):
                fillers.append(socket.create_connection((self.host, self.port), timeout=5))
            for method, route in routes:
                deadline = time.time() + 20
                while not self.refuses_connections():
                    if time.time() > deadline:
                        self.drive_failures.append(f"{method} {route}: the node did not refuse connections past its cap within 20 s")
                        return
                    for _ in range(16):
                        fillers.append(socket.create_connection((self.host, self.port), timeout=5))
                self.raw(method, route, self.head(method, route, b"\r\n"), expect=503)
        finally:
            for sock in fillers:
                sock.close()
        time.sleep(0.5)

    def refuses_connections(self):
        """Whether a new connection gets 503 at once: the node sends it before reading anything (this
        probe sends nothing, so the node's close finds no unread bytes and does not reset it)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=0.3) as sock:
                return sock.recv(12).startswith(b"HTTP/1.1 503")
        except OSError:   # a timeout: the node is waiting for a request
            return False

    def upgrade_headers(self):
        return {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}

    def websocket(self, from_height, timeout):
        """Opens /v1/ws, reads until the block at the hello's height (replayed), and closes."""
        route, target = "/v1/ws", f"/v1/ws?from_height={from_height}"
        head = f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in self.upgrade_headers().items()) + "\r\n"
        deadline = time.time() + timeout
        with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
            sock.sendall(head.encode())
            buffer = b""
            while b"\r\n\r\n" not in buffer and time.time() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1]) if lines and len(lines[0].split(" ")) > 1 else 0
            content_type = next((line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("content-type:")), "")
            self.record("GET", route, target, status, content_type, b"" if status == 101 else buffer)
            if status != 101:
                self.drive_failures.append(f"GET {target}: expected status 101, got {status}")
                return
            hello_height, last_block = None, None
            while time.time() < deadline and (hello_height is None or last_block != hello_height):
                frame, buffer = read_frame(sock, buffer, deadline)
                if frame is None:
                    break
                opcode, payload = frame
                if opcode == 8:
                    break
                if opcode != 1:
                    continue
                text = payload.decode("utf-8", "replace")
                self.stream.append(StreamMessage(route, len(self.stream), text))
                message = json.loads(text) if text.startswith("{") else {}
                if message.get("type") == "hello":
                    hello_height = message.get("height")
                elif message.get("type") == "block":
                    last_block = (message.get("block") or {}).get("height")
            if hello_height is None or last_block != hello_height:
                self.drive_failures.append(f"GET {target}: the stream did not replay up to the hello's height within {timeout} s "
                                           f"(hello {hello_height}, last block {last_block})")
            sock.sendall(bytes([0x88, 0x82]) + b"\0\0\0\0" + struct.pack("!H", 1000))   # close, masked with a zero key

    def statuses(self):
        seen = {}
        for reply in self.replies:
            seen.setdefault((reply.method, reply.route), set()).add(str(reply.status))
        return seen

    def validate(self, document):
        failures = []
        for reply in self.replies:
            failures += check_reply(document, reply)
        messages_pointer = f"/paths/{escape('/v1/ws')}/get/responses/101/{STREAM_MESSAGES}"
        for message in self.stream:
            try:
                instance = json.loads(message.text)
            except ValueError:
                failures.append(f"GET /v1/ws stream message {message.index}: not JSON: {message.text[:200]!r}")
                continue
            for pointer, text, rule in document.errors(messages_pointer, instance):
                failures.append(f"GET /v1/ws 101 stream message {message.index} ({instance.get('type')}) at {pointer}: {text} [{rule}]")
        return failures


def check_reply(document, reply):
    """The status documented, the media type documented, the body valid against the schema."""
    where = f"{reply.method} {reply.route} {reply.status}"
    pointer, response = document.response(reply.method, reply.route, reply.status)
    if response is None:
        return [f"{where}: status {reply.status} is not documented for this route ({reply.method} {reply.target}: {reply.body[:200]!r})"]
    content = response.get("content") or {}
    media = reply.content_type.split(";")[0].strip().lower()
    if not reply.body and not media and response.get("x-empty-body"):
        return []   # the document says when this status comes with no body at all
    if not content:
        return [f"{where}: the document shows no body, the node sent {len(reply.body)} bytes"] if reply.body else []
    if media not in content:
        return [f"{where}: Content-Type {reply.content_type or '(none)'} is not the documented {', '.join(content)}"]
    if "schema" not in content[media]:
        return []
    schema_pointer = f"{pointer}/content/{escape(media)}/schema"
    if media == "application/json":
        try:
            instance = json.loads(reply.body)
        except ValueError:
            return [f"{where}: the body is not JSON: {reply.body[:200]!r}"]
    elif media.startswith("text/"):
        instance = reply.body.decode("utf-8", "replace")
    else:
        return []   # binary (the devnet dump): the media type is all the document says
    return [f"{where} at {p}: {text} [{rule}] ({reply.target})" for p, text, rule in document.errors(schema_pointer, instance)]


def read_frame(sock, buffer, deadline):
    """One server WebSocket frame (never masked): ((opcode, payload), rest of the buffer) or (None, buffer)."""
    def need(n):
        nonlocal buffer
        while len(buffer) < n:
            if time.time() >= deadline:
                return False
            sock.settimeout(max(0.05, deadline - time.time()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                return False
            if not chunk:
                return False
            buffer += chunk
        return True

    if not need(2):
        return None, buffer
    opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
    if length == 126:
        if not need(4):
            return None, buffer
        length, offset = struct.unpack("!H", buffer[2:4])[0], 4
    elif length == 127:
        if not need(10):
            return None, buffer
        length, offset = struct.unpack("!Q", buffer[2:10])[0], 10
    if not need(offset + length):
        return None, buffer
    return (opcode, buffer[offset:offset + length]), buffer[offset + length:]
