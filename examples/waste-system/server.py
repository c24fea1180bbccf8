#!/usr/bin/env python3
"""A city's waste-management system, as small as it can be: the other side of bulky-waste's
integration (capability `http`). It knows the real collection slots and keeps the bookings.

    python3 examples/waste-system/server.py --port 8095 [--capacity 2] [--days mon,wed]

Then install bulky-waste with `--config waste-system=http://127.0.0.1:8095 --allow-host
http://127.0.0.1:8095` on a host that may call this machine (`carmen serve --allow-outbound
127.0.0.0/8`). The API bulky-waste uses:

    GET    /slots?from=YYYY-MM-DD&to=YYYY-MM-DD  -> 200 {"slots": ["YYYY-MM-DD", ...]}
    POST   /bookings {"day", "address", "items"} -> 201 {"reference": "WS-000001"}; 409 when full
    DELETE /bookings/{reference}                 -> 204; 404 when unknown
    GET    /bookings                             -> 200 {"bookings": [...]} (for people and tests)
"""
import argparse
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class WasteSystem:
    def __init__(self, capacity, days):
        self.capacity = capacity
        self.days = days
        self.bookings = {}
        self.lock = threading.Lock()
        self.next = 1

    def taken(self, day):
        return sum(1 for b in self.bookings.values() if b["day"] == day)

    def slots(self, start, end):
        out, day = [], start
        while day <= end and len(out) < 366:
            if WEEKDAYS[day.weekday()] in self.days and self.taken(day.isoformat()) < self.capacity:
                out.append(day.isoformat())
            day += datetime.timedelta(days=1)
        return out


def handler(system):
    class Handler(BaseHTTPRequestHandler):
        def answer(self, status, body=None):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/slots":
                query = parse_qs(url.query)
                try:
                    start = datetime.date.fromisoformat(query["from"][0])
                    end = datetime.date.fromisoformat(query["to"][0])
                except (KeyError, ValueError):
                    return self.answer(400, {"error": "from and to are dates, YYYY-MM-DD"})
                with system.lock:
                    return self.answer(200, {"slots": system.slots(start, end)})
            if url.path == "/bookings":
                with system.lock:
                    return self.answer(200, {"bookings": list(system.bookings.values())})
            self.answer(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/bookings":
                return self.answer(404, {"error": "not found"})
            length = int(self.headers.get("content-length") or 0)
            try:
                body = json.loads(self.rfile.read(length))
                day = datetime.date.fromisoformat(body["day"]).isoformat()
            except (ValueError, KeyError, TypeError):
                return self.answer(400, {"error": "a booking has a day, an address and items"})
            with system.lock:
                if system.taken(day) >= system.capacity:
                    return self.answer(409, {"error": f"{day} is full"})
                reference = f"WS-{system.next:06d}"
                system.next += 1
                system.bookings[reference] = {
                    "reference": reference,
                    "day": day,
                    "address": str(body.get("address", "")),
                    "items": list(body.get("items", [])),
                }
            self.answer(201, {"reference": reference})

        def do_DELETE(self):
            reference = self.path.removeprefix("/bookings/")
            with system.lock:
                if system.bookings.pop(reference, None) is None:
                    return self.answer(404, {"error": "no such booking"})
            self.answer(204)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8095)
    parser.add_argument("--capacity", type=int, default=2, help="pickups a day")
    parser.add_argument("--days", default="mon,tue,wed,thu,fri", help="collection days")
    args = parser.parse_args()
    system = WasteSystem(args.capacity, args.days.split(","))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(system))
    print(f"waste system listening on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
