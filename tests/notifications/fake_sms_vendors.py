"""Local fakes of the SMS vendors' HTTP APIs: the real SDKs talk to them over loopback HTTP.

Each fake records the requests it received and answers with what the test queued, in the
vendor's own wire format, so a backend is tested through the vendor's SDK exactly as in
production, without any traffic leaving the machine.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    payload: dict | None


@dataclass
class FakeVendor:
    """An HTTP server on 127.0.0.1 answering queued answers in order (the last one repeats)."""

    answers: list[Answer] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                split = urlsplit(self.path)
                fake.received.append(
                    Received(
                        path=split.path,
                        query={key: values[0] for key, values in parse_qs(split.query).items()},
                        headers={key.lower(): value for key, value in self.headers.items()},
                        body=self.rfile.read(length),
                    )
                )
                answer = fake.answers.pop(0) if len(fake.answers) > 1 else fake.answers[0]
                out = b"" if answer.payload is None else json.dumps(answer.payload).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.server.server_port}"

    def answer(self, status: int, payload: dict | None) -> None:
        self.answers = [Answer(status, payload)]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def aliyun_ok(biz_id: str = "900619746936498440^0") -> dict:
    return {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}


def aliyun_refused(code: str, message: str) -> dict:
    return {"Code": code, "Message": message, "RequestId": "A0B3F1F4-5C8E-4E2A-9D3B-5F0E8C1B2A77"}


def tencent_status(code: str, message: str, serial: str = "") -> dict:
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": serial,
                    "PhoneNumber": "+8613812345678",
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def tencent_error(code: str, message: str) -> dict:
    return {
        "Response": {"Error": {"Code": code, "Message": message}, "RequestId": "b1c2d3e4-0000-4f3e-a81f-9198114a2279"}
    }
