"""A local HTTP server speaking Kolada v3 from the recorded real data in
indicators/fixtures/kolada (a thread in the test process; no test reaches the internet).

It pages every list (`next_url`), refuses more than 25 ids per segment (as Kolada does),
leaves retired key figures out of /kpi like the real catalogue, and can be told to fail:
`fail_next` HTTP statuses to answer before the real answer, `delay` seconds to sleep
(for timeouts). `synthetic` adds deterministic values for key figures without recordings:
only the benchmark uses it, to measure 70 key figures × 10 years × 3 municipalities.
"""

import csv
import gzip
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

FIXTURES = Path(__file__).resolve().parents[2] / "indicators" / "fixtures" / "kolada"


def _catalogue():
    with gzip.open(FIXTURES / "kpi_catalogue_v3.csv.gz", "rt", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        row["is_divided_by_gender"] = row["is_divided_by_gender"] == "True"
        row["has_ou_data"] = row["has_ou_data"] == "True"
    return {row["id"]: row for row in rows}


def _values():
    data = defaultdict(dict)  # (kpi, municipality, year) -> {gender: value}
    with (FIXTURES / "values_norberg_norrkoping_riket.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            value = float(row["value"]) if row["value"] else None
            data[(row["kpi"], row["municipality"], int(row["year"]))][row["gender"]] = value
    return data


CATALOGUE = _catalogue()
VALUES = _values()
with (FIXTURES / "municipality_v3.csv").open(encoding="utf-8") as _stream:
    MUNICIPALITIES = list(csv.DictReader(_stream))
GROUPS = json.loads((FIXTURES / "municipality_groups_excerpt.json").read_text(encoding="utf-8"))


class KoladaStub:
    def __init__(self, *, per_page_cap: int = 5000, synthetic: bool = False):
        self.per_page_cap = per_page_cap
        self.synthetic = synthetic
        self.fail_next: list[int] = []
        self.delay = 0.0
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}/v3"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in test output
                pass

            def do_GET(self):
                stub.requests.append(self.path)
                if stub.delay:
                    time.sleep(stub.delay)
                if stub.fail_next:
                    self._send(stub.fail_next.pop(0), {"error": "recorded failure"})
                    return
                status, body = stub.answer(self.path)
                self._send(status, body)

            def _send(self, status, body):
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out
                    pass

        return Handler

    def answer(self, raw_path: str):
        parsed = urlparse(raw_path)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        parts = [p for p in parsed.path.split("/") if p][1:]  # drop "v3"
        for part in parts:
            if part.count(",") >= 25:
                return 400, {"error": "too many ids"}
        if parts == ["kpi"]:
            items = list(CATALOGUE.values())
        elif len(parts) == 2 and parts[0] == "kpi":
            items = [CATALOGUE[i] for i in parts[1].split(",") if i in CATALOGUE]
        elif parts == ["municipality"]:
            items = MUNICIPALITIES
        elif parts == ["municipality_groups"]:
            items = GROUPS
        elif len(parts) == 7 and parts[0] == "data":
            items = self._data(parts[2].split(","), parts[4].split(","), parts[6].split(","))
        else:
            return 404, {"error": "not found"}
        return 200, self._page(parsed.path, query, items)

    def _data(self, kpis, municipalities, years):
        items = []
        for kpi in kpis:
            for m in municipalities:
                for year in years:
                    genders = VALUES.get((kpi, m, int(year)))
                    if genders is None and self.synthetic and kpi in CATALOGUE:
                        base = (sum(map(ord, kpi + m)) % 50) + int(year) % 7
                        genders = {"T": base + 0.5, "K": base + 1.25, "M": base - 0.75}
                    if genders is None:
                        continue
                    items.append(
                        {
                            "kpi": kpi,
                            "municipality": m,
                            "period": int(year),
                            "values": [
                                {"count": 1, "gender": g, "status": "", "value": v}
                                for g, v in sorted(genders.items())
                            ],
                        }
                    )
        return items

    def _page(self, path, query, items):
        per_page = min(int(query.get("per_page", 5000)), self.per_page_cap)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(items)
        host, port = self.server.server_address
        base = f"http://{host}:{port}{path}"
        return {
            "values": chunk,
            "count": len(chunk),
            "next_url": f"{base}?{urlencode({'page': page + 1, 'per_page': per_page})}"
            if more
            else None,
            "previous_url": None,
        }
