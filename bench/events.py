"""Benchmark: domain events through the outbox.

Prints, for one migrated SQLite database (or TRIALOFFICE_DATABASE_URL, e.g. PostgreSQL):

- the cost of emitting: events written to the outbox per second (one delivery each), committed
  in transactions of ``--batch`` events, nothing delivered yet;
- events delivered per second by the relay with 1 and with 4 workers (threads claiming at the
  same time), each delivery in its own transaction with its processed mark;
- the limit: the same handler called directly in-process, and the ratios;
- the delay from the emitter's commit to the handler running, median and 95th percentile, with
  the default inline waker and with a worker thread woken by the commit (as a task queue's
  consumer would be, minus the queue).

The handler only counts (no writes of its own), so the figures are the outbox's own cost.
Run from the repository root:  python bench/events.py [--events N --batch N --samples N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import types

from sqlalchemy import event as sa_event

from host import create_app
from host.db import get_db
from host.events import WAKER_KEY, deliver_inline, deliver_pending
from host.testing_support import HostTestingSupport
from sdk import Manifest, Plan, hookimpl, org_scope, tool
from sdk.events import DomainEvent, EventSpec
from sdk.tool import host_runs_tool

KEY = "bench_sink"
PING = EventSpec(f"{KEY}.ping", "A benchmark event.", {"n": int})


class Sink:
    """The handler: counts events and notes when each arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.arrived: dict[int, float] = {}

    def __call__(self, event: DomainEvent) -> None:
        now = time.perf_counter()
        with self.lock:
            self.count += 1
            self.arrived[event.payload["n"]] = now


def sink_tool(sink: Sink) -> types.ModuleType:
    module = types.ModuleType(KEY)
    module.manifest = Manifest(key=KEY, name="Bench sink", summary="Receives benchmark events.", version="1.0.0",
                               publisher="Trial Office bench", api_level=2, events=(PING,),
                               plans=(Plan(code="basic", name="Basic", amount=100),))
    module.domain_event_handlers = hookimpl(lambda: {PING.name: sink})
    return module


def emit(app, org_id: int, first: int, count: int, batch: int) -> None:
    session = get_db(app).session
    with app.app_context(), org_scope(org_id), host_runs_tool(KEY):
        for n in range(first, first + count):
            tool().events.emit(PING.name, {"n": n})
            if (n - first + 1) % batch == 0:
                session.commit()
        session.commit()


def deliver_all(app, workers: int) -> float:
    """Seconds for ``workers`` threads to drain the outbox."""
    def drain():
        while deliver_pending(app, limit=500).claimed:
            pass

    threads = [threading.Thread(target=drain) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def throughput(app, org_id: int, sink: Sink, events: int, batch: int, workers: int, first: int) -> float:
    emit(app, org_id, first, events, batch)
    before = sink.count
    seconds = deliver_all(app, workers)
    assert sink.count - before == events, f"{sink.count - before} of {events} delivered"
    return events / seconds


def commit_times(app) -> dict[int, float]:
    """When each emitting transaction committed, keyed by the session (filled by a listener
    that runs before the waker's)."""
    times: dict[int, float] = {}
    factory = get_db(app).session.session_factory
    sa_event.listen(factory, "after_commit", lambda session: times.__setitem__(id(session), time.perf_counter()),
                    insert=True)
    return times


def delays(app, org_id: int, sink: Sink, samples: int, first: int, committed: dict) -> list[float]:
    session = get_db(app).session
    found = []
    with app.app_context(), org_scope(org_id), host_runs_tool(KEY):
        for n in range(first, first + samples):
            tool().events.emit(PING.name, {"n": n})
            key = id(session())
            session.commit()
            deadline = time.perf_counter() + 10
            while n not in sink.arrived and time.perf_counter() < deadline:
                time.sleep(0.0001)
            found.append(sink.arrived[n] - committed[key])
    return found


def woken_worker(app):
    """A relay thread woken by each commit (what a queue consumer does, minus the queue)."""
    wake, stop = threading.Event(), threading.Event()

    def run():
        while not stop.is_set():
            if wake.wait(0.5):
                wake.clear()
                deliver_pending(app)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    app.extensions[WAKER_KEY] = lambda app: wake.set()
    return stop, thread


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events per throughput run")
    parser.add_argument("--batch", type=int, default=100, help="events per emitting transaction")
    parser.add_argument("--samples", type=int, default=300, help="single-event commits per delay run")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = os.environ.get("TRIALOFFICE_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    sink = Sink()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "STORAGE_DIR": folder, "LOAD_PLUGINS": [KEY]},
                     extra_plugins=[sink_tool(sink)])
    support = HostTestingSupport(app)
    support.migrate()
    support.reset()
    org = support.create_org("bench")
    support.grant_license(org, KEY, enable=True)
    print(f"database: {get_db(app).engine.dialect.name}; {args.events} events per run, one handler each")

    app.extensions[WAKER_KEY] = lambda app: None  # write now, deliver when measured
    started = time.perf_counter()
    emit(app, org.id, 0, args.events, args.batch)
    emit_rate = args.events / (time.perf_counter() - started)
    deliver_all(app, 1)
    one = throughput(app, org.id, sink, args.events, args.batch, 1, 10**6)
    four = throughput(app, org.id, sink, args.events, args.batch, 4, 2 * 10**6)
    probe = DomainEvent(PING.name, org.id, {"n": -1}, id="direct")
    started = time.perf_counter()
    for _ in range(args.events):
        sink(probe)
    direct = args.events / (time.perf_counter() - started)

    committed = commit_times(app)
    app.extensions[WAKER_KEY] = deliver_inline
    inline = delays(app, org.id, sink, args.samples, 3 * 10**6, committed)
    stop, thread = woken_worker(app)
    worker = delays(app, org.id, sink, args.samples, 4 * 10**6, committed)
    stop.set()
    thread.join()

    print(f"{'emitted to the outbox (not delivered)':<44}{emit_rate:>12,.0f} events/s")
    print(f"{'delivered through the outbox, 1 worker':<44}{one:>12,.0f} events/s")
    print(f"{'delivered through the outbox, 4 workers':<44}{four:>12,.0f} events/s")
    print(f"{'handler called directly in-process (limit)':<44}{direct:>12,.0f} events/s")
    print(f"ratios: 4 workers / 1 worker = {four / one:.2f}; direct / 1 worker = {direct / one:,.0f}; "
          f"direct / 4 workers = {direct / four:,.0f}")
    for label, values in (("inline waker (default)", inline), ("woken worker thread", worker)):
        print(f"commit -> delivery, {label:<24} median {statistics.median(values) * 1000:7.2f} ms"
              f"   p95 {percentile(values, 0.95) * 1000:7.2f} ms   ({len(values)} samples)")
    get_db(app).dispose()


if __name__ == "__main__":
    main()
