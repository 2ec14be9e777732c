"""reverse_auction: 200 bidders in one live reverse auction, bidding through
the HTTP API (RA-2..4), on PostgreSQL.

Uses DATABASE_URL when it names PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/kraya_bench_ra (created when missing,
then migrated). Each run seeds a fresh auction:

- rows: a buyer organisation and office with its Buyer (accounts services),
  `--bidders + 1` seller users (rows, unusable passwords: they call with API
  tokens) and their firms (`seller_firm_create_for_applicant`), an API token
  each (`api_token_create`); the bid, its lot and item and its sealing keys,
  and one really sealed submission per firm (`kraya.bids.sealing`), as the
  bids test factory builds them — publishing and submitting through the API
  would take minutes and is not what is measured;
- services: `technical_open`, technical evaluation rows (all qualified),
  `financial_open` (BID-7 ranking) and `auction_start` (RA-1 with H1
  elimination: the highest of `--bidders + 1` drops out, `--bidders` qualify),
  so the auction is LIVE with `--bidders` qualified bidders.

The server (`--server`, see `SERVERS`) serves the API with persistent
database connections: granian (default: `--workers` processes with
`--threads` blocking threads each, connections kept alive), gunicorn's sync
workers (a new connection per request) or its threaded workers. One client
thread drives `--bidders` bidders, each on its own connection with its own
token (`Bidding`: non-blocking sockets, so the load generator costs little
of the machine's CPU): POST /api/v1/bids/auctions/{id}/bids, each new price
one minimum decrement below its own last, every request with a fresh
`client_ref`, and each bidder's next bid only after the answer to its last.
With `--rate R` (bids/s offered in total, default 600) each bidder sends on
a fixed schedule (`bidders / R` seconds apart, staggered; a late bidder
sends at once); with `--rate 0` every bidder sends back to back (closed
loop: the most the server does, latency then ≈ bidders / throughput). Bids
answered before `--warmup` seconds are not counted; the run lasts
`--seconds`.

Reported: accepted bids/s, p50/p95/p99 ms of accepted requests (from just
before the request is sent to its whole answer read), total requests,
refused (409) and failed ones; CPU ms per request over the run (warm-up
included) of the server (its processes), the client (this process) and
PostgreSQL (every postgres process on the machine: noisy when others use
it); then, from the database: `lost` = accepted responses whose sequence is
not in the log with that bidder, price and client_ref; `duplicated` = log
rows sharing a (bidder, client_ref) or a sequence; `gaps` = missing sequence
numbers; `ranking_matches_replay` = the live ranking (entries) equals
`ra_replay` of the stored log; `sql_per_bid` = statements (round trips) of
one bid through the API path the bidders take, in this process
(`CaptureQueriesContext`). Last line: one JSON object.

Knobs: --bidders N (200), --seconds N (20), --warmup N (3), --server NAME
(granian), --workers N (2), --threads N (2), --rate R (600; 0 = closed
loop)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import heapq
import http.client
import json
import os
import random
import resource
import selectors
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as harness

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/kraya_bench_ra"
PASSWORD = "Bench-auction-2024!"
QUOTE_PAISE = 10_00_000_00  # ₹10 lakh: the L1 quote, the auction's start price
QUOTE_STEP_PAISE = 1_000_00  # the other bidders quote ₹1,000 more each


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="script/bench reverse_auction", description=__doc__)
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=600.0)
    parser.add_argument("--server", choices=sorted(SERVERS), default="granian")
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


# --- the database -----------------------------------------------------------------


def ensure_database() -> str:
    """The benchmark's PostgreSQL database, created when missing."""
    return harness.ensure_database(DEFAULT_DATABASE)


# --- the server -------------------------------------------------------------------

# How each server is started (`{workers}`, `{threads}`, `{port}` filled in).
SERVERS = {
    # gunicorn's sync workers: one request per worker at a time, a new
    # connection per request (they do not keep connections alive).
    "gunicorn": "gunicorn kraya.wsgi --workers {workers} --bind 127.0.0.1:{port} "
    "--log-level warning --keep-alive 30",
    # gunicorn's threaded workers: connections kept alive.
    "gthread": "gunicorn kraya.wsgi --worker-class gthread --workers {workers} "
    "--threads {threads} --bind 127.0.0.1:{port} --log-level warning --keep-alive 30",
    # granian (HTTP in Rust), WSGI with blocking threads; connections kept alive.
    "granian": "granian kraya.wsgi:application --interface wsgi --workers {workers} "
    "--blocking-threads {threads} --host 127.0.0.1 --port {port} --log-level warning "
    "--no-ws",
}


@contextmanager
def server(kind: str, workers: int, threads: int) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    import search as search_bench

    port = search_bench.free_port()
    command = SERVERS[kind].format(workers=workers, threads=threads, port=port).split()
    command[0] = str(search_bench.ROOT / ".venv" / "bin" / command[0])
    env = dict(os.environ, KRAYA_EMBEDDED="1", KRAYA_LOG_LEVEL="WARNING")
    process = subprocess.Popen(command, cwd=search_bench.ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{kind} did not start") from None
                time.sleep(0.2)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the auction ------------------------------------------------------------------


@dataclass
class Bidder:
    firm_id: int
    firm_name: str
    token: str
    quote_paise: int


@dataclass
class Seeded:
    auction_id: int
    bid_id: int
    start_price_paise: int
    min_decrement_paise: int
    bidders: list[Bidder]
    seconds: float


def _pan(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    return (
        "".join(rng.choice(letters) for _ in range(3))
        + "P"
        + rng.choice(letters)
        + "".join(rng.choice(string.digits) for _ in range(4))
        + rng.choice(letters)
    )


def _buyer(tag: str) -> Any:
    from kraya.accounts import services
    from kraya.accounts.models import BuyerUnit, Role

    top = services.buyer_unit_create(
        acting_user=None,
        parent=None,
        level=BuyerUnit.Level.STATE,
        name=f"Bench RA state {tag}",
        code=f"RS{tag}",
        organisation_type="STATE",
        state="Uttar Pradesh",
    )
    department = services.buyer_unit_create(
        acting_user=None,
        parent=top,
        level=BuyerUnit.Level.DEPARTMENT,
        name=f"Bench RA department {tag}",
        code=f"RD{tag}",
        state="Uttar Pradesh",
    )
    organisation, primary = services.organisation_register(
        acting_user=None,
        parent=department,
        name=f"Bench RA organisation {tag}",
        code=f"RO{tag}",
        primary_username=f"bench-ra-{tag}-primary",
        primary_full_name="Bench Primary",
        primary_email=f"bench-ra-{tag}-primary@example.in",
        primary_password=PASSWORD,
    )
    office = services.buyer_unit_create(
        acting_user=None,
        parent=organisation,
        level=BuyerUnit.Level.OFFICE,
        name=f"Bench RA office {tag}",
        code=f"RF{tag}",
        state="Uttar Pradesh",
        district="Lucknow",
    )
    people = {
        role: services.secondary_user_create(
            acting_user=primary,
            unit=office,
            username=f"bench-ra-{tag}-{role.lower()}",
            full_name=f"Bench {role.title()}",
            email=f"bench-ra-{tag}-{role.lower()}@example.in",
            roles=[role],
            password=PASSWORD,
        )
        for role in (Role.BUYER, Role.CONSIGNEE, Role.PAYING_AUTHORITY)
    }
    return office, people


def _sellers(tag: str, count: int) -> list[tuple[Any, Any, str]]:
    """`count` firms, each with its admin (rows) and an API token."""
    from kraya.accounts.models import Membership, Role, User
    from kraya.accounts.services.sellers import seller_firm_create_for_applicant
    from kraya.accounts.services.tokens import api_token_create

    rng = random.Random(tag)
    made = []
    for number in range(1, count + 1):
        user = User(
            username=f"bench-ra-{tag}-s{number}",
            full_name=f"Bench bidder {number}",
            email=f"bench-ra-{tag}-s{number}@example.in",
        )
        user.set_unusable_password()
        user.save()
        firm = seller_firm_create_for_applicant(
            name=f"Bench Bidder {tag} {number:03d}", pan=_pan(rng), admin=user
        )
        membership = Membership.objects.get(user=user, seller_firm=firm, role=Role.SELLER_ADMIN)
        _token, raw = api_token_create(acting_user=user, membership=membership, name="ra bench")
        made.append((firm, user, raw))
    return made


def _bid(office: Any, people: dict[str, Any], tag: str) -> Any:
    """A published bid with a reverse auction whose end and opening passed."""
    from kraya.accounts.models import Role
    from kraya.bids import sealing, states
    from kraya.bids.models import Bid, BidItem, BidKeys, BidLot
    from kraya.core import clock
    from kraya.core.draws import new_tie_break_seed
    from kraya.core.policy import policy_at

    now = clock.now()
    published = now - dt.timedelta(days=12)
    end = now - dt.timedelta(days=2)
    bid = Bid.objects.create(
        number=f"KRY/B/RA/{tag}",
        status=states.PUBLISHED,
        office=office,
        buyer=people[Role.BUYER],
        consignee=people[Role.CONSIGNEE],
        paying_authority=people[Role.PAYING_AUTHORITY],
        title="Ambulance, type B (bench)",
        estimated_value_paise=QUOTE_PAISE,
        delivery_state="Uttar Pradesh",
        delivery_pincode="226001",
        delivery_address="District Hospital, Civil Lines, Lucknow",
        delivery_period_days=60,
        published_at=published,
        end_at=end,
        opening_at=end,
        original_end_at=end,
        offer_validity_days=90,
        min_bids=1,
        reverse_auction=True,
        ra_qualification=Bid.RaQualification.H1_ELIMINATION,
        tie_break_seed=new_tie_break_seed(),
        policy_version=policy_at(clock.to_ist(published).date()).version,
    )
    keys = sealing.new_bid_keys(bid.pk)
    BidKeys.objects.create(
        bid=bid,
        technical_public=keys.technical_public,
        technical_private_wrapped=keys.technical_private_wrapped,
        financial_public=keys.financial_public,
        financial_private_wrapped=keys.financial_private_wrapped,
        master_key_id=keys.master_key_id,
    )
    lot = BidLot.objects.create(bid=bid, number=1, title=bid.title, divisible=False)
    BidItem.objects.create(
        bid=bid,
        lot=lot,
        position=1,
        title=bid.title,
        quantity=1,
        estimated_unit_price_paise=QUOTE_PAISE,
    )
    return bid


def _submission(bid: Any, firm: Any, user: Any, price: int) -> Any:
    from kraya.bids import packets, sealing
    from kraya.bids.models import BidKeys, Submission

    technical = {
        "version": packets.PACKET_VERSION,
        "items": [
            {
                "position": 1,
                "offer_id": None,
                "product_id": None,
                "title": "Ambulance, type B",
                "brand": firm.name,
                "model": "RA-1",
                "manufacturer": firm.name,
                "mii_class": "NON_LOCAL",
                "local_content_percent": 0,
                "specs": {},
                "remarks": "",
            }
        ],
        "seller": {
            "is_mse": False,
            "mse_category": None,
            "is_startup": False,
            "segments": [],
            "turnover_paise_by_year": [],
            "experience_years": 5,
            "past_performance_percent": "0",
        },
        "declarations": {"land_border": False},
        "receipts": [],
    }
    financial = {
        "version": packets.PACKET_VERSION,
        "items": [{"position": 1, "unit_price_paise": price, "quantity": 1}],
    }
    keys = BidKeys.objects.get(bid=bid)
    technical_sealed = sealing.seal(
        bytes(keys.technical_public),
        packets.encode(technical),
        sealing.packet_aad(bid.pk, firm.pk, sealing.TECHNICAL),
    )
    financial_sealed = sealing.seal(
        bytes(keys.financial_public),
        packets.encode(financial),
        sealing.packet_aad(bid.pk, firm.pk, sealing.FINANCIAL),
    )
    return Submission.objects.create(
        bid=bid,
        seller_firm=firm,
        submitted_by=user,
        technical_sealed=technical_sealed,
        financial_sealed=financial_sealed,
        sealed_digest=sealing.digest(technical_sealed, financial_sealed),
    )


def seed(bidders: int) -> Seeded:
    from kraya.accounts.models import Role
    from kraya.bids.models import Bid, TechnicalEvaluation
    from kraya.bids.services import auction as ra
    from kraya.bids.services import opening

    started = time.perf_counter()
    tag = uuid.uuid4().hex[:8]
    office, people = _buyer(tag)
    sellers = _sellers(tag, bidders + 1)
    bid = _bid(office, people, tag)
    quotes = {}
    submissions = []
    for index, (firm, user, _raw) in enumerate(sellers):
        price = QUOTE_PAISE + QUOTE_STEP_PAISE * index
        quotes[firm.pk] = price
        submissions.append(_submission(bid, firm, user, price))
    opening.technical_open(bid_id=bid.pk)
    TechnicalEvaluation.objects.bulk_create(
        TechnicalEvaluation(submission=s, qualified=True, evaluated_by=people[Role.BUYER])
        for s in submissions
    )
    opening.financial_open(bid_id=bid.pk)
    (auction,) = ra.auction_start(acting_user=people[Role.BUYER], bid=Bid.objects.get(pk=bid.pk))
    qualified = set(auction.entries.values_list("seller_firm_id", flat=True))
    if len(qualified) != bidders:
        raise SystemExit(f"{len(qualified)} bidders qualified, not {bidders}")
    return Seeded(
        auction_id=auction.pk,
        bid_id=bid.pk,
        start_price_paise=auction.start_price_paise,
        min_decrement_paise=auction.min_decrement_paise,
        bidders=[
            Bidder(firm.pk, firm.name, raw, quotes[firm.pk])
            for firm, _user, raw in sellers
            if firm.pk in qualified
        ],
        seconds=round(time.perf_counter() - started, 1),
    )


def sql_per_bid(seeded: Seeded) -> int:
    """The statements of one bid as the bidders send it (the HTTP API with a
    token, in this process), counted on the second of two bids: the first
    of a process also reads the auction's fixed facts (`auction_hot`)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kraya.bids.models import AuctionEntry

    bidder = seeded.bidders[-1]
    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/api/v1/bids/auctions/{seeded.auction_id}/bids"
    counted = 0
    for number in (1, 2):
        entry = AuctionEntry.objects.get(
            auction_id=seeded.auction_id, seller_firm_id=bidder.firm_id
        )
        last = entry.last_price_paise or seeded.start_price_paise
        body = {"price_paise": last - seeded.min_decrement_paise, "client_ref": f"sql-{number}"}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                path,
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {bidder.token}",
            )
        assert response.status_code == 200, response.content
        counted = len(queries.captured_queries)
    return counted


# --- the bidders ------------------------------------------------------------------


@dataclass
class Reply:
    ref: str
    price_paise: int
    status: int
    seconds: float
    sequence: int | None
    code: str
    counted: bool


@dataclass
class Tally:
    replies: list[Reply] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class BidderConnection:
    """One bidder: its own connection (kept alive when the server allows),
    each bid one decrement below its own last accepted one. Driven by
    `Bidding`, which runs every bidder in one thread (non-blocking sockets):
    200 client threads would spend more CPU on the shared two cores than the
    server does on a bid, and that CPU would be missing from the server."""

    def __init__(self, port: int, seeded: Seeded, bidder: Bidder, offset: float) -> None:
        self.port = port
        self.bidder = bidder
        self.step = seeded.min_decrement_paise
        self.price = seeded.start_price_paise
        self.offset = offset
        self.number = 0
        self.tally = Tally()
        self.head = (
            f"POST /api/v1/bids/auctions/{seeded.auction_id}/bids HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {bidder.token}\r\n"
            "Content-Type: application/json\r\n"
            "Accept: application/json\r\n"
        ).encode()
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.pending: tuple[str, int, float] | None = None  # ref, price, started

    def connect(self) -> socket.socket:
        if self.sock is None:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            self.sock = sock
        return self.sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.buffer = b""

    def next_price(self) -> int:
        return self.price - self.step

    def send(self, started: float) -> socket.socket:
        """Send the next bid; the socket to watch for its answer."""
        self.number += 1
        price = self.next_price()
        ref = f"b{self.bidder.firm_id}-{self.number}"
        body = json.dumps({"price_paise": price, "client_ref": ref}).encode()
        request = self.head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        sock = self.connect()
        sock.setblocking(True)  # a few hundred bytes: sent at once
        sock.sendall(request)
        sock.setblocking(False)
        self.pending = (ref, price, started)
        return sock

    def answer(self) -> tuple[int, bytes, bool] | None:
        """(status, body, keep the connection) once the whole answer is in."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        if len(self.buffer) < end + 4 + length:
            return None
        raw = self.buffer[end + 4 : end + 4 + length]
        self.buffer = self.buffer[end + 4 + length :]
        keep = headers.get("connection", "").lower() != "close"
        return status, raw, keep

    def received(self, status: int, raw: bytes, counted_from: float, now: float) -> None:
        assert self.pending is not None
        ref, price, started = self.pending
        self.pending = None
        took = now - started
        counted = started >= counted_from
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:300]
        if status == 200 and isinstance(data, dict):
            self.price = price
            reply = Reply(ref, price, status, took, data["sequence"], "", counted)
        else:
            code = data.get("error", {}).get("code", "") if isinstance(data, dict) else ""
            reply = Reply(ref, price, status, took, None, code, counted)
            if status != 409:
                self.tally.failures.append(f"HTTP {status}: {str(data)[:200]}")
        self.tally.replies.append(reply)

    def failed(self, error: str) -> None:
        self.pending = None
        self.close()
        self.tally.failures.append(f"connection: {error}")


class Bidding:
    """Every bidder in one thread. With `interval` (seconds between one
    bidder's bids) each bidder sends on its fixed schedule (a late bidder
    sends at once); without, each sends its next bid as soon as its answer
    is in (closed loop). Latency is timed from just before a request is
    sent to its whole answer read."""

    def __init__(
        self,
        connections: list[BidderConnection],
        times: tuple[float, float, float],
        interval: float,
    ) -> None:
        self.connections = connections
        self.begin, self.count_from, self.stop_at = times
        self.interval = interval

    def due(self, bidder: BidderConnection) -> float:
        if not self.interval:
            return 0.0
        return self.begin + bidder.offset + bidder.number * self.interval

    def run(self) -> None:
        clock = time.perf_counter
        selector = selectors.DefaultSelector()
        waiting: list[tuple[float, int]] = [
            (max(self.begin, self.due(b)), i) for i, b in enumerate(self.connections)
        ]
        heapq.heapify(waiting)
        in_flight: dict[int, tuple[socket.socket, BidderConnection]] = {}
        while waiting or in_flight:
            now = clock()
            # Send what is due (none after the end; a bidder with no lower bid stops).
            while waiting and waiting[0][0] <= now:
                _, index = heapq.heappop(waiting)
                bidder = self.connections[index]
                if now >= self.stop_at or bidder.next_price() <= 0:
                    continue
                try:
                    sock = bidder.send(now)
                except OSError as error:
                    bidder.failed(str(error))
                    heapq.heappush(waiting, (max(now, self.due(bidder)), index))
                    continue
                selector.register(sock, selectors.EVENT_READ, index)
                in_flight[index] = (sock, bidder)
            if not waiting and not in_flight:
                break
            timeout = max(0.0, waiting[0][0] - clock()) if waiting else 60.0
            if waiting and not in_flight:
                time.sleep(timeout)
                continue
            for key, _ in selector.select(timeout):
                index = key.data
                sock, bidder = in_flight[index]
                try:
                    chunk = sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError as error:
                    chunk, problem = b"", str(error)
                else:
                    problem = "closed before the answer"
                if not chunk:
                    selector.unregister(sock)
                    del in_flight[index]
                    bidder.failed(problem)
                    heapq.heappush(waiting, (max(clock(), self.due(bidder)), index))
                    continue
                bidder.buffer += chunk
                answer = bidder.answer()
                if answer is None:
                    continue
                status, raw, keep = answer
                done = clock()
                selector.unregister(sock)
                del in_flight[index]
                bidder.received(status, raw, self.count_from, done)
                if not keep:
                    bidder.close()
                heapq.heappush(waiting, (max(done, self.due(bidder)), index))
        selector.close()
        for bidder in self.connections:
            bidder.close()


def warm_up(port: int, seeded: Seeded, workers: int) -> None:
    """Load the application in every gunicorn worker (it imports on its first
    request) with a few reads of the auction, before anything is timed."""

    def read(bidder: Bidder) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(
            "GET",
            f"/api/v1/bids/auctions/{seeded.auction_id}",
            headers={"Authorization": f"Bearer {bidder.token}"},
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"warm-up read answered HTTP {response.status}")

    for _round in range(3):
        threads = [
            threading.Thread(target=read, args=(seeded.bidders[i % len(seeded.bidders)],))
            for i in range(workers * 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def drive(
    port: int, seeded: Seeded, warmup: float, seconds: float, rate: float
) -> tuple[list[Reply], list[str], float]:
    begin = time.perf_counter() + 0.5
    times = (begin, begin + warmup, begin + warmup + seconds)
    count = len(seeded.bidders)
    interval = count / rate if rate > 0 else 0.0
    connections = [
        BidderConnection(port, seeded, bidder, interval * index / count)
        for index, bidder in enumerate(seeded.bidders)
    ]
    Bidding(connections, times, interval).run()
    replies = [r for c in connections for r in c.tally.replies]
    failures = [f for c in connections for f in c.tally.failures]
    return replies, failures, seconds


# --- CPU --------------------------------------------------------------------------


_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def server_cpu_s(pid: int) -> float:
    """CPU seconds of the server: its master and its workers."""
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids.extend(int(child) for child in children)
    return sum(_process_cpu_s(each) for each in pids)


def postgres_cpu_s() -> dict[int, float]:
    """CPU seconds of each PostgreSQL process on this machine, by process id
    (other users of the server count too: a noisy figure on a shared machine)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    found[int(entry.name)] = _process_cpu_s(int(entry.name))
            except OSError:
                continue
    return found


def postgres_cpu_delta_s(before: dict[int, float], after: dict[int, float]) -> float:
    """What the PostgreSQL processes spent between two samples (a process that
    ended in between is not counted; one that started counts whole)."""
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


def client_cpu_s() -> float:
    """CPU seconds of this process (the bidder threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the checks -------------------------------------------------------------------


def check(seeded: Seeded, replies: list[Reply]) -> dict[str, Any]:
    """RA-4 after the run: every accepted answer is in the log exactly once;
    nothing is there twice; the live ranking equals the replay of the log."""
    from django.db.models import Count

    from kraya.bids.models import Auction, AuctionBid
    from kraya.bids.services import auction as ra
    from kraya.bids.services._common import bid_policy

    rows = {
        sequence: (firm_id, client_ref, price, code)
        for sequence, firm_id, client_ref, price, code in AuctionBid.objects.filter(
            auction_id=seeded.auction_id
        ).values_list("sequence", "entry__seller_firm_id", "client_ref", "price_paise", "code")
    }
    lost = 0
    for reply in replies:
        if reply.status != 200:
            continue
        firm_id = int(reply.ref[1:].split("-")[0])
        if rows.get(reply.sequence or 0) != (firm_id, reply.ref, reply.price_paise, ""):
            lost += 1
    twice_ref = (
        AuctionBid.objects.filter(auction_id=seeded.auction_id)
        .values("entry_id", "client_ref")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    twice_sequence = (
        AuctionBid.objects.filter(auction_id=seeded.auction_id)
        .values("sequence")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    auction = Auction.objects.select_related("lot__bid").get(pk=seeded.auction_id)
    sequences = sorted(rows)
    gaps = (sequences[-1] - len(sequences)) if sequences else 0
    try:
        ra.auction_check(auction, bid_policy(auction.lot.bid))
        matches = True
    except ra.AuctionReplayMismatch as error:
        print(f"    {error}", file=sys.stderr)
        matches = False
    return {
        "log_rows": len(rows),
        "last_sequence": auction.last_sequence,
        "lost": lost,
        "duplicated": twice_ref + twice_sequence,
        "gaps": gaps,
        "ranking_matches_replay": matches,
    }


# --- main -------------------------------------------------------------------------


def main() -> None:
    options = arguments()
    ensure_database()
    harness.setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    import search as search_bench

    print(f"==> seeding one live auction with {options.bidders} qualified bidders", flush=True)
    seeded = seed(options.bidders)
    print(
        f"==> seeded in {seeded.seconds} s; auction {seeded.auction_id}, start "
        f"{seeded.start_price_paise} paise, decrement {seeded.min_decrement_paise}; "
        f"{options.server}: {options.workers} workers, {options.threads} threads; offered rate "
        f"{options.rate or 'closed loop'}",
        flush=True,
    )
    from django.db import connection

    connection.close()
    with server(options.server, options.workers, options.threads) as (port, process):
        warm_up(port, seeded, options.workers)
        before = (server_cpu_s(process.pid), client_cpu_s(), postgres_cpu_s())
        replies, failures, elapsed = drive(
            port, seeded, options.warmup, options.seconds, options.rate
        )
        after = (server_cpu_s(process.pid), client_cpu_s(), postgres_cpu_s())
        rss_worker_mb, rss_total_mb = search_bench.process_tree_rss_mb(process.pid)
    if failures:
        print(f"{len(failures)} requests failed, e.g.:", file=sys.stderr)
        print("\n".join(failures[:10]), file=sys.stderr)
    counted = [r for r in replies if r.counted]
    accepted = [r for r in counted if r.status == 200]
    if not accepted:
        kinds = sorted({(r.status, r.code) for r in replies})
        raise SystemExit(
            f"no bid was accepted; {len(replies)} answers, {len(counted)} counted: {kinds[:10]}"
        )
    latency = harness.latency_summary([r.seconds for r in accepted])
    # CPU per request over the whole drive (warm-up included), in ms.
    spent = {
        "server": after[0] - before[0],
        "client": after[1] - before[1],
        "postgres": postgres_cpu_delta_s(before[2], after[2]),
    }
    cpu_ms = {name: round(1000 * value / max(1, len(replies)), 3) for name, value in spent.items()}
    checks = check(seeded, replies)
    statements = sql_per_bid(seeded)
    harness.report(
        "reverse_auction",
        {
            "database": harness.database_vendor(),
            "bidders": len(seeded.bidders),
            "server": options.server,
            "workers": options.workers,
            "threads": options.threads if options.server != "gunicorn" else 1,
            "offered_rate": options.rate or "closed loop",
            "duration_s": round(elapsed, 2),
            "seed_s": seeded.seconds,
            "requests": len(counted),
            "accepted": len(accepted),
            "refused": sum(1 for r in counted if r.status == 409),
            "failed": len(failures),
            "bids_per_s": round(len(accepted) / elapsed, 1),
            "p50_ms": latency["p50_ms"],
            "p95_ms": latency["p95_ms"],
            "p99_ms": latency["p99_ms"],
            "max_ms": latency["max_ms"],
            "sql_per_bid": statements,
            "server_cpu_ms_per_request": cpu_ms["server"],
            "client_cpu_ms_per_request": cpu_ms["client"],
            "postgres_cpu_ms_per_request": cpu_ms["postgres"],
            **checks,
            "server_peak_rss_mb": rss_worker_mb,
            "server_total_peak_rss_mb": rss_total_mb,
            "bench_peak_rss_mb": harness.peak_rss_mb(),
        },
    )


if __name__ == "__main__":
    main()
