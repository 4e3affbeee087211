"""The real multi-worker server under load: lead capture over HTTP, follow-ups with a kill.

Starts Odoo the way odoo.conf runs it (prefork ``workers``, cron workers, queue_job's
runner and channels, ``server_wide_modules = base,web,queue_job``) on a throwaway copy of a
template database, drives it over HTTP on the loopback only, prints its own baselines
from the same run, and kills its server at the end (also on Ctrl-C or an error)::

    /opt/odoo19/venv/bin/python benchmarks/bench_load.py --leads 2000 --followups 10000

1. Setup: ``CREATE DATABASE load_<time> TEMPLATE crm_tpl``; ``odoo-bin -i
   crm_ops,crm_analytics,crm_collab --stop-after-init`` (skipped when the template has
   them); benchmarks/load/setup_db.py in ``odoo-bin shell`` (API users and keys, a register
   of customers, confirmed orders and follow-up items by SQL: see its docstring);
   then ``odoo-bin --workers N --max-cron-threads 2`` with queue_job's channels.
2. Capture: ``--clients`` threads (8) post ``--leads`` requests (each with an
   Idempotency-Key) from one shared queue, first as plain ``crm.lead`` creation through
   ``/json/2/crm.lead/create``, then through ``POST /api/crm/v1/leads`` (the plain leads
   are archived in between so they do not take part in de-duplication). 20% are customers of
   the register, 5% copies of another lead of the run (half posted right behind their
   original, so both are in flight at once; half later), 2% retries with the same
   Idempotency-Key (half right behind, half later). Reports leads/s, p50/p95 latency,
   HTTP errors, lock waits seen in pg_stat_activity, race duplicates (SQL after the run:
   active leads of the run with the same email beyond the first) and whether every retry
   was answered ``duplicate_request``.
3. Follow-ups: an untimed warm-up plan, then three plans of ``--followups`` items each (``--followup-steps`` steps per
   order; every ``--email-every``-th step emails, the others schedule an activity), released one after the other: run "one" with the executor cron on one cron
   worker, run "two" with a second copy of the cron so both cron workers execute (they
   share the work through ``FOR UPDATE SKIP LOCKED``), run "kill" like "two" with one busy
   cron worker killed by SIGKILL when 40% is done. Reports items/s, the ratio two/one and,
   per run, every item done exactly once (one mail.message and one mail.mail per email
   item, one activity per activity item; none lost, none twice).

No assertion: the figures are read against the targets (capture <= 1.5x plain at the same
concurrency; 0 race duplicates; every retry duplicate_request; two workers >= 1.6x one;
every item exactly once). Use ``--keep-db`` to look at the database afterwards (dropped
otherwise). Server log: ``.cache/bench_load/<db>/odoo.log``.

Measured on 2 cores, the machine otherwise quiet (README "Scaling out" has the details), 4 HTTP
workers, 2 cron workers, 8 clients, ``--leads 10000 --followups 100000 --followup-steps 8
--email-every 8``::

    part                                   size                  result
    capture / plain /json/2 create         10,000 requests       38.3 / 44.5 leads/s: 1.16x
                                                                 (p50 1.01x, p95 1.15x)
    race duplicates                        500 copies            0 (target 0)
    retries, same Idempotency-Key          200 pairs             one lead per key; the request
                                                                 served second: duplicate_request
    follow-ups, 1 vs 2 cron workers        100,000 items each    257 vs 477 items/s: 1.86x
    follow-ups, 2 workers, one SIGKILLed   100,000 items         exactly once, resumed in 1 s
"""

import argparse
import contextlib
import http.client
import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
ODOO_HOME = Path(os.environ.get("ODOO_HOME", "/opt/odoo19"))
ADDONS = "crm_ops,crm_analytics,crm_collab"
FOLLOWUP_PLANS = ("warm", "one", "two", "kill")
KILL_AT = 0.4  # share of the "kill" run done when a cron worker is killed


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def log(msg):
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"[{time.strftime('%H:%M:%S')} load {load}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Bench:
    def __init__(self, args):
        self.args = args
        self.db = args.database or f"load_{time.strftime('%m%d%H%M%S')}"
        if "load" not in self.db:
            raise SystemExit("the database name must contain 'load' (shared PostgreSQL)")
        self.workdir = ROOT / ".cache" / "bench_load" / self.db
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pg = dict(host=args.db_host, port=args.db_port, user=args.db_user)
        if args.db_password:
            self.pg["password"] = args.db_password
        self.server = None
        self.port = free_port()
        self.python = str(ODOO_HOME / "venv" / "bin" / "python")
        self.odoo_bin = str(ODOO_HOME / "src" / "odoo-bin")
        oca = Path(args.oca_path) if args.oca_path else ROOT / ".cache" / "oca" / "odoo" / "addons"
        if not (oca / "queue_job").is_dir():
            raise SystemExit(f"queue_job not found in {oca}: run ./test.sh once, or --oca-path")
        self.addons_path = (
            ",".join(
                str(p)
                for p in (ODOO_HOME / "src" / "odoo" / "addons", ODOO_HOME / "src" / "addons", oca)
            )
            + f",{ROOT / 'addons'}"
        )
        self.results = {}

    # ---- database -------------------------------------------------------------------------
    def sql(self, query, params=None, fetch=True, db=None):
        conn = psycopg2.connect(dbname=db or self.db, **self.pg)
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if fetch else None
        finally:
            conn.close()

    def create_db(self):
        exists = self.sql("SELECT 1 FROM pg_database WHERE datname = %s", [self.db], db="postgres")
        if exists:
            log(f"database {self.db} exists: reusing it")
            return
        for attempt in range(10):
            try:
                self.sql(
                    f'CREATE DATABASE "{self.db}" TEMPLATE "{self.args.template}"',
                    fetch=False,
                    db="postgres",
                )
                break
            except psycopg2.errors.ObjectInUse:
                # another session is connected to the template: wait a little
                log(f"template {self.args.template} in use, retrying ({attempt + 1}/10)")
                time.sleep(3)
        else:
            raise SystemExit(f"could not copy {self.args.template}")
        log(f"database {self.db} created from {self.args.template}")

    def drop_db(self):
        self.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [self.db],
            db="postgres",
        )
        self.sql(f'DROP DATABASE IF EXISTS "{self.db}"', fetch=False, db="postgres")
        log(f"database {self.db} dropped")

    def odoo_common(self):
        args = [
            f"--addons-path={self.addons_path}",
            f"--db_host={self.args.db_host}",
            f"--db_port={self.args.db_port}",
            f"--db_user={self.args.db_user}",
            f"--data-dir={self.args.data_dir}",
            "-d",
            self.db,
        ]
        if self.args.db_password:
            args.append(f"--db_password={self.args.db_password}")
        return args

    def run_odoo(self, extra, logname, stdin=None, env=None):
        logfile = self.workdir / logname
        with open(logfile, "w") as out:
            proc = subprocess.run(
                [self.python, self.odoo_bin, *extra, *self.odoo_common()],
                input=stdin,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, **(env or {})},
                timeout=3600,
            )
        if proc.returncode:
            raise SystemExit(f"odoo-bin {extra[0]} failed, see {logfile}")
        return logfile.read_text()

    def install(self):
        installed = self.sql(
            "SELECT count(*) FROM ir_module_module WHERE name = ANY(%s) AND state = 'installed'",
            [ADDONS.split(",")],
        )[0][0]
        if installed == len(ADDONS.split(",")):
            log("suite already installed")
            return
        t0 = time.perf_counter()
        self.run_odoo(
            ["-i", ADDONS, "--stop-after-init", "--no-http", "--without-demo=all"],
            "install.log",
        )
        log(f"installed {ADDONS} in {time.perf_counter() - t0:.0f} s")

    def setup(self):
        orders = -(-self.args.followups // self.args.followup_steps) if self.args.followups else 0
        params = {
            "clients": self.args.clients,
            "register": self.args.register,
            "orders": orders,
            "followup_steps": self.args.followup_steps,
            "email_every": self.args.email_every,
            "followup_plans": list(FOLLOWUP_PLANS) if orders else [],
            "prefix": "load",
        }
        t0 = time.perf_counter()
        script = (Path(__file__).parent / "load" / "setup_db.py").read_text()
        out = self.run_odoo(
            ["shell", "--no-http", "--log-level=warn"],
            "setup.log",
            stdin=script,
            env={"LOAD_PARAMS": json.dumps(params)},
        )
        for line in out.splitlines():
            if line.startswith("LOAD_SETUP_RESULT "):
                self.setup_result = json.loads(line.split(" ", 1)[1])
                break
        else:
            raise SystemExit(f"setup failed, see {self.workdir / 'setup.log'}")
        if self.args.analytics_partners and not self.sql("SELECT to_regclass('datagen_run')")[0][0]:
            n = self.args.analytics_partners
            t1 = time.perf_counter()
            conf = self.write_config()
            with open(self.workdir / "generate.log", "w") as out:
                subprocess.run(
                    [
                        self.python,
                        str(ROOT / "tools" / "generate_data.py"),
                        "-d",
                        self.db,
                        "-c",
                        str(conf),
                        "--partners",
                        str(n),
                        "--orders",
                        str(n),
                        "--traces",
                        str(n // 10),
                        "--seed",
                        "42",
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    check=True,
                    timeout=3600,
                )
            log(f"generate_data.py: {n} partners and orders in {time.perf_counter() - t1:.0f} s")
        log(
            f"setup in {time.perf_counter() - t0:.0f} s: {len(self.setup_result['keys'])} API "
            f"keys, {len(self.setup_result['register'])} register customers, {orders} orders"
        )

    # ---- server -----------------------------------------------------------------------------
    def write_config(self):
        conf = self.workdir / "odoo.conf"
        conf.write_text(
            "\n".join(
                [
                    "[options]",
                    f"addons_path = {self.addons_path}",
                    f"data_dir = {self.args.data_dir}",
                    f"db_host = {self.args.db_host}",
                    f"db_port = {self.args.db_port}",
                    f"db_user = {self.args.db_user}",
                    *([f"db_password = {self.args.db_password}"] if self.args.db_password else []),
                    # only this database: cron workers and the job runner leave the others alone
                    f"db_name = {self.db}",
                    f"dbfilter = ^{self.db}$",
                    "list_db = False",
                    "http_interface = 127.0.0.1",
                    f"http_port = {self.port}",
                    f"gevent_port = {free_port()}",
                    # as odoo.conf: several workers, a cron worker, queue_job in the workers
                    f"workers = {self.args.workers}",
                    f"max_cron_threads = {self.args.cron_workers}",
                    "limit_time_cpu = 600",
                    "limit_time_real = 1200",
                    "server_wide_modules = base,web,queue_job",
                    f"logfile = {self.workdir / 'odoo.log'}",
                    "",
                    "[queue_job]",
                    f"channels = {self.args.channels}",
                    "",
                ]
            )
        )
        return conf

    def start_server(self):
        conf = self.write_config()
        self.stderr = open(self.workdir / "odoo.stderr", "w")
        self.server = subprocess.Popen(
            [self.python, self.odoo_bin, "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            start_new_session=True,
            env={**os.environ, "ODOO_QUEUE_JOB_HOST": "127.0.0.1"},
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise SystemExit(f"the server stopped, see {self.workdir}/odoo.log")
            try:
                status, _body, _t = self.request("GET", "/web/health", None, None)
                if status == 200:
                    self.check_workers_stay()
                    log(
                        f"server up on 127.0.0.1:{self.port} (pid {self.server.pid}, "
                        f"{self.args.workers} HTTP workers, {self.args.cron_workers} cron workers, "
                        f"queue_job channels {self.args.channels})"
                    )
                    return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit("the server did not answer /web/health within 120 s")

    def stop_server(self, wait=True):
        if not self.server or self.server.poll() is not None:
            return
        try:
            os.killpg(self.server.pid, signal.SIGTERM)
            if not wait:
                return
            self.server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(10)
        except ProcessLookupError:
            pass
        self.stderr.close()
        log("server stopped")

    def processes(self):
        """Pids of the master's child processes (workers and the gevent process)."""
        pids = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.server.pid:
                    pids.add(int(entry.name))
        return pids

    def check_workers_stay(self):
        """Stop when a child process dies within seconds of starting.

        The master respawns a child that crashes at start-up over and over, which keeps a
        core busy and every figure of the run wrong, with nothing but a traceback in
        odoo.stderr to show for it (seen here: the gevent process failing to resolve
        zope.interface with the venv's old setuptools 65; setuptools >= 70 fixes it).
        """
        time.sleep(3)
        before = self.processes()
        time.sleep(4)
        died = before - self.processes()
        if died:
            raise SystemExit(
                f"server processes {sorted(died)} died within seconds of starting and are "
                f"being respawned: see {self.workdir / 'odoo.stderr'}"
            )

    def children(self):
        """{pid: kind} of the server's worker processes (from the log and /proc)."""
        kinds = {}
        for line in (self.workdir / "odoo.log").read_text(errors="replace").splitlines():
            if "Worker " in line and " alive" in line:
                parts = line.split("Worker ", 1)[1].split()
                kinds[int(parts[1].strip("()"))] = parts[0]
        alive = self.processes()
        return {pid: kind for pid, kind in kinds.items() if pid in alive}

    def peak_rss(self):
        """Peak resident memory (VmHWM, MB) of each live worker."""
        peaks = {}
        for pid, kind in self.children().items():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = (kind, int(line.split()[1]) // 1024)
            except OSError:
                continue
        return peaks

    def request(self, method, path, body, key, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if key:
            hdrs["Authorization"] = f"Bearer {key}"
        t0 = time.perf_counter()
        try:
            conn.request(
                method, path, body=json.dumps(body) if body is not None else None, headers=hdrs
            )
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, data, time.perf_counter() - t0
        finally:
            conn.close()

    # ---- capture ----------------------------------------------------------------------------
    def workload(self):
        """The requests, in posting order: list of dicts (body, key, kind, original)."""
        n = self.args.leads
        rng = random.Random(self.args.seed)
        register = list(self.setup_result["register"])
        rng.shuffle(register)
        n_reg, n_copy, n_retry = int(n * 0.20), int(n * 0.05), int(n * 0.02)
        n_new = n - n_reg - n_copy - n_retry
        base = []
        for i in range(n_new):
            tag = rng.randrange(10**9)
            base.append(
                {
                    "kind": "new",
                    "body": {
                        "contact_name": f"Load Person {i}-{tag}",
                        "email": f"p{i}.{tag}@n{i}x{tag}.example",
                        "phone": f"+34 6{(i * 7919 + tag) % 10**8:08d}",
                        "utm_source": "load",
                    },
                }
            )
        for i in range(n_reg):
            email, phone = register[i % len(register)]
            body = {"contact_name": f"customer {i}", "email": email.upper(), "utm_source": "load"}
            if phone and i % 2:
                body["phone"] = phone.replace("+34 ", "0034")
            base.append({"kind": "register", "body": body})
        rng.shuffle(base)
        order = list(base)
        # copies of new leads (another request for the same person) and retries
        originals = [r for r in base if r["kind"] == "new"]
        for j, orig in enumerate(rng.sample(originals, n_copy)):
            copy = {"kind": "copy", "body": dict(orig["body"], contact_name="Copy " + str(j))}
            self._insert(order, orig, copy, adjacent=j % 2 == 0, rng=rng)
        for j, orig in enumerate(rng.sample(base, n_retry)):
            retry = {"kind": "retry", "body": orig["body"], "original": orig}
            self._insert(order, orig, retry, adjacent=j % 2 == 0, rng=rng)
        run = time.strftime("%H%M%S")
        for i, r in enumerate(order):
            if r["kind"] != "retry":
                r["key"] = f"load-{run}-{i}"
        for r in order:
            if r["kind"] == "retry":
                r["key"] = r["original"]["key"]
            r["adjacent"] = r.get("adjacent", False)
        return order

    @staticmethod
    def _insert(order, orig, item, adjacent, rng):
        pos = order.index(orig)
        item["adjacent"] = adjacent
        item["original"] = orig
        if adjacent:
            # right behind the original: another client picks it while the first is in flight
            order.insert(pos + 1, item)
        else:
            order.insert(rng.randrange(min(pos + 4 * 8, len(order)), len(order) + 1), item)

    def post_all(self, requests, path, make_body, use_key_header):
        """Post the requests from --clients threads sharing one queue; returns stats."""
        keys = self.setup_result["keys"]
        if self.args.shared_key:
            keys = keys[:1]
        todo = queue.Queue()
        for i, r in enumerate(requests):
            todo.put((i, r))
        answers = [None] * len(requests)
        waits = Counter()
        stop_sampler = threading.Event()

        def client(k):
            key = keys[k % len(keys)]
            while True:
                try:
                    i, r = todo.get_nowait()
                except queue.Empty:
                    return
                headers = {"Idempotency-Key": r["key"]} if use_key_header else None
                try:
                    status, data, elapsed = self.request("POST", path, make_body(r), key, headers)
                except OSError as e:
                    status, data, elapsed = 599, str(e).encode(), 0.0
                answers[i] = (status, data, elapsed)

        def sampler():
            conn = psycopg2.connect(dbname=self.db, **self.pg)
            conn.autocommit = True
            with conn.cursor() as cr:
                while not stop_sampler.wait(0.25):
                    cr.execute(
                        """SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
                             FROM pg_stat_activity
                            WHERE datname = %s AND state = 'active' AND wait_event_type = 'Lock'""",
                        [self.db],
                    )
                    waits["samples"] += 1
                    for (q,) in cr.fetchall():
                        waits[q] += 1
            conn.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(self.args.clients)]
        sampler_thread = threading.Thread(target=sampler)
        sampler_thread.start()
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        stop_sampler.set()
        sampler_thread.join()
        latencies = [a[2] for a in answers]
        return {
            "n": len(requests),
            "wall": wall,
            "rate": len(requests) / wall,
            "p50": percentile(latencies, 50) * 1000,
            "p95": percentile(latencies, 95) * 1000,
            "statuses": Counter(a[0] for a in answers),
            "answers": answers,
            "lock_waits": waits,
        }

    @staticmethod
    def plain_body(r):
        b = r["body"]
        return {
            "vals_list": [
                {
                    "name": b.get("contact_name") or b["email"],
                    "contact_name": b.get("contact_name"),
                    "email_from": b.get("email"),
                    "phone": b.get("phone"),
                }
            ]
        }

    def archive_leads_after(self, last_id):
        self.sql("UPDATE crm_lead SET active = false WHERE id > %s", [last_id], fetch=False)

    def max_lead_id(self):
        return self.sql("SELECT coalesce(max(id), 0) FROM crm_lead")[0][0]

    def capture(self):
        requests = self.workload()
        kinds = Counter(r["kind"] for r in requests)
        log(f"capture workload: {len(requests)} requests {dict(kinds)}")
        # warm-up: every worker loads its registry and routes (untimed, archived after)
        before = self.max_lead_id()
        warm = [
            {"kind": "new", "key": f"warm-{i}", "body": {"email": f"warm{i}@warm{i}.example"}}
            for i in range(4 * self.args.workers)
        ]
        self.post_all(warm, "/json/2/crm.lead/create", self.plain_body, False)
        self.post_all(warm, "/api/crm/v1/leads", lambda r: r["body"], True)
        self.archive_leads_after(before)

        before = self.max_lead_id()
        log("plain crm.lead creation through /json/2 ...")
        plain = self.post_all(requests, "/json/2/crm.lead/create", self.plain_body, False)
        self.archive_leads_after(before)
        self.sql("ANALYZE crm_lead", fetch=False)
        before = self.max_lead_id()
        log("capture through POST /api/crm/v1/leads ...")
        cap = self.post_all(requests, "/api/crm/v1/leads", lambda r: r["body"], True)
        # retries: each must be answered 200 duplicate_request with the original's lead
        ids = {}
        for r, (status, data, _t) in zip(requests, cap["answers"]):
            try:
                ids[id(r)] = (status, json.loads(data))
            except ValueError:
                ids[id(r)] = (status, {"raw": data[:200].decode(errors="replace")})
        retry_bad = Counter()
        for r in requests:
            if r["kind"] != "retry":
                continue
            status, body = ids[id(r)]
            _orig_status, orig_body = ids[id(r["original"])]
            where = "adjacent" if r["adjacent"] else "later"
            ok = (
                status == 200
                and body.get("status") == "duplicate_request"
                and body.get("id") == orig_body.get("id")
            )
            error = body.get("error")
            detail = body.get("status") or (error or {}).get("code") or "no JSON body"
            retry_bad[(where, "ok" if ok else f"HTTP {status} {detail}")] += 1
        # race duplicates: active leads of the run sharing an email, beyond the first
        dups = self.sql(
            """SELECT count(*), coalesce(sum(n - 1), 0) FROM (
                   SELECT email_normalized, count(*) AS n FROM crm_lead
                    WHERE id > %s AND active AND email_normalized IS NOT NULL
                    GROUP BY company_id, email_normalized HAVING count(*) > 1) d""",
            [before],
        )[0]
        copies = Counter()
        states = {
            (email.lower(), state): n
            for email, state, n in self.sql(
                """SELECT email_normalized, crm_ops_dedup_state, count(*) FROM crm_lead
                    WHERE id > %s GROUP BY 1, 2""",
                [before],
                fetch=True,
            )
        }
        for r in requests:
            if r["kind"] == "copy":
                email = r["body"]["email"].lower()
                where = "adjacent" if r["adjacent"] else "later"
                copies[(where, "merged" if states.get((email, "merged")) else "not merged")] += 1
        outcome = Counter(
            (body.get("status") if isinstance(body, dict) else None) for _s, body in ids.values()
        )
        errors = [(s, d[:300]) for s, d, _t in cap["answers"] + plain["answers"] if s >= 400]
        self.results["capture"] = {
            "plain": plain,
            "capture": cap,
            "race_dup_groups": dups[0],
            "race_dups": int(dups[1]),
            "retries": retry_bad,
            "copies": copies,
            "outcome": outcome,
            "errors": errors,
        }

    # ---- follow-ups -----------------------------------------------------------------------
    def followup_counts(self, plan_id):
        return dict(
            self.sql(
                "SELECT state, count(*) FROM crm_followup_item WHERE plan_id = %s GROUP BY state",
                [plan_id],
            )
        )

    def release(self, plan_id, cron_ids):
        t0 = self.sql(
            """SET lock_timeout = '600s';
               UPDATE crm_followup_item SET due_date = now() at time zone 'utc' - interval '1 second'
                WHERE plan_id = %s;
               UPDATE ir_cron SET active = (id = ANY(%s)),
                      nextcall = CASE WHEN id = ANY(%s) THEN now() at time zone 'utc'
                                      ELSE '2100-01-01' END
                WHERE id = ANY(%s);
               SELECT now() at time zone 'utc'""",
            [plan_id, cron_ids, cron_ids, self.setup_result["crons"]],
        )[0][0]
        # wake the cron workers up, as ir.cron._trigger() does
        self.sql("SELECT pg_notify('cron_trigger', %s)", [self.db], db="postgres")
        return t0

    def followup_run(self, name, cron_ids, kill=False):
        plan = self.setup_result["plans"][name]
        plan_id = plan["id"]
        total = sum(self.followup_counts(plan_id).values())
        log(f"follow-ups '{name}': {total} items, {len(cron_ids)} executor cron(s) ...")
        start = self.release(plan_id, cron_ids)
        t0 = time.monotonic()
        killed = None
        timeline = []
        deadline = t0 + self.args.followup_timeout
        done = 0
        while time.monotonic() < deadline:
            time.sleep(1)
            counts = self.followup_counts(plan_id)
            done = total - counts.get("pending", 0)
            timeline.append((round(time.monotonic() - t0), done))
            if kill and not killed and done >= KILL_AT * total:
                killed = self.kill_busy_cron_worker()
                if killed:
                    log(f"  SIGKILL cron worker {killed[0]} at {done}/{total} done")
                    killed = (*killed, time.monotonic() - t0, done)
            if not counts.get("pending"):
                break
        wall = time.monotonic() - t0
        end = self.sql(
            "SELECT max(done_date) FROM crm_followup_item WHERE plan_id = %s", [plan_id]
        )[0][0]
        elapsed = (end - start).total_seconds() if end and done == total else wall
        result = {
            "items": total,
            "done_or_closed": done,
            "states": self.followup_counts(plan_id),
            "seconds": elapsed,
            "rate": total / elapsed if elapsed else 0.0,
            "killed": killed,
            "timeline": timeline,
            "check": self.exactly_once(plan),
            "finished": done == total,
        }
        if killed:
            # progress after the kill: when did the next item finish, and was the worker replaced
            after = [t for t, d in timeline if t > killed[1] and d > killed[2]]
            result["resumed_after"] = round(after[0] - killed[1]) if after else None
            result["respawned"] = [
                pid for pid, kind in self.children().items() if kind == "WorkerCron"
            ]
        log(
            f"  '{name}': {done}/{total} in {elapsed:.1f} s ({result['rate']:.0f} items/s), "
            f"states {result['states']}"
        )
        return result

    def kill_busy_cron_worker(self):
        """SIGKILL a cron worker whose database session is in a transaction (mid-batch).

        The sessions' application_name is the master's pid (the registry is loaded before the
        fork), so the worker is found by its socket: pg_stat_activity.client_port is the
        local port of a TCP socket that one worker process holds open.
        """
        crons = [pid for pid, kind in self.children().items() if kind == "WorkerCron"]
        ports = {
            port
            for (port,) in self.sql(
                """SELECT client_port FROM pg_stat_activity
                    WHERE datname = %s AND xact_start IS NOT NULL AND client_port IS NOT NULL
                      AND state IN ('active', 'idle in transaction')
                      AND xact_start < now() - interval '1 second'""",
                [self.db],
            )
        }
        inode_port = {}
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    cols = line.split()
                    inode_port[cols[9]] = int(cols[1].rsplit(":", 1)[1], 16)
        for pid in crons:
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    target = os.readlink(fd)
                    if target.startswith("socket:[") and inode_port.get(target[8:-1]) in ports:
                        os.kill(pid, signal.SIGKILL)
                        return (pid,)
        return None

    def exactly_once(self, plan):
        """Per step: items with no result record, items with more than one."""
        out = {}
        for step_id, step_name, action in plan["steps"]:
            if action == "email":
                row = self.sql(
                    """WITH m AS (
                           SELECT res_id, count(*) AS n,
                                  sum((SELECT count(*) FROM mail_mail mm
                                        WHERE mm.mail_message_id = msg.id)) AS mails
                             FROM mail_message msg
                            WHERE model = 'sale.order' AND subject = %s GROUP BY res_id)
                       SELECT count(*) FILTER (WHERE coalesce(m.n, 0) = 0),
                              count(*) FILTER (WHERE m.n > 1),
                              count(*) FILTER (WHERE coalesce(m.mails, 0) <> 1)
                         FROM crm_followup_item i LEFT JOIN m ON m.res_id = i.order_id
                        WHERE i.step_id = %s AND i.state = 'done'""",
                    [step_name, step_id],
                )[0]
                out[step_name] = {"missing": row[0], "twice": row[1], "mail_not_1": row[2]}
            else:
                row = self.sql(
                    """WITH a AS (
                           SELECT res_id, count(*) AS n FROM mail_activity
                            WHERE res_model = 'sale.order' AND summary = %s GROUP BY res_id)
                       SELECT count(*) FILTER (WHERE coalesce(a.n, 0) = 0),
                              count(*) FILTER (WHERE a.n > 1)
                         FROM crm_followup_item i LEFT JOIN a ON a.res_id = i.order_id
                        WHERE i.step_id = %s AND i.state = 'done'""",
                    [step_name, step_id],
                )[0]
                out[step_name] = {"missing": row[0], "twice": row[1]}
        return out

    def followups(self):
        one, two = self.setup_result["crons"][:1], self.setup_result["crons"]
        # warm-up (not reported): both cron workers load their caches and templates
        self.followup_run("warm", two)
        self.results["followups"] = {
            "one": self.followup_run("one", one),
            "two": self.followup_run("two", two),
            "kill": self.followup_run("kill", two, kill=True),
        }

    # ---- analytics ------------------------------------------------------------------------
    def analytics(self):
        """The nightly recompute as the cron starts it: one queue_job chain per company."""
        cron = self.sql(
            """SELECT res_id FROM ir_model_data
                WHERE module = 'crm_analytics' AND name = 'ir_cron_crm_analytics_recompute'"""
        )[0][0]
        before = self.sql("SELECT coalesce(max(id), 0) FROM crm_analytics_run")[0][0]
        jobs_before = self.sql("SELECT coalesce(max(id), 0) FROM queue_job")[0][0]
        log("analytics: nightly cron -> queue_job root.crm ...")
        self.sql(
            """SET lock_timeout = '600s';
               UPDATE ir_cron SET active = true, nextcall = now() at time zone 'utc'
                WHERE id = %s""",
            [cron],
            fetch=False,
        )
        self.sql("SELECT pg_notify('cron_trigger', %s)", [self.db], db="postgres")
        t0 = time.monotonic()
        runs = []
        while time.monotonic() - t0 < self.args.followup_timeout:
            time.sleep(2)
            runs = self.sql(
                """SELECT id, company_id, state, duration, rfm_seconds, clv_seconds,
                          churn_seconds, response_seconds, clusters_seconds, forecast_seconds,
                          publish_seconds, customer_count, error
                     FROM crm_analytics_run WHERE id > %s ORDER BY id""",
                [before],
            )
            if runs and all(r[2] in ("done", "failed") for r in runs):
                break
        jobs = self.sql(
            """SELECT name, state, worker_pid, exec_time FROM queue_job
                WHERE id > %s AND channel LIKE 'root.crm%%' ORDER BY date_started""",
            [jobs_before],
        )
        self.results["analytics"] = {
            "wall": time.monotonic() - t0,
            "runs": runs,
            "jobs": jobs,
            "rss": self.peak_rss(),
        }

    # ---- report ---------------------------------------------------------------------------
    def report(self):
        a = self.args
        print(
            f"\n== bench_load: {a.workers} HTTP workers, {a.cron_workers} cron workers, "
            f"queue_job channels {a.channels}, {a.clients} clients"
            f"{' sharing one API key' if a.shared_key else ' (one API user each)'}"
        )
        cap = self.results.get("capture")
        if cap:
            p, c = cap["plain"], cap["capture"]
            print(f"capture, {c['n']} requests:")
            for label, s in (("plain /json/2 create", p), ("capture /api/crm/v1", c)):
                print(
                    f"  {label:<22} {s['rate']:7.1f} leads/s  p50 {s['p50']:7.1f} ms  "
                    f"p95 {s['p95']:7.1f} ms  statuses {dict(s['statuses'])}"
                )
            print(
                f"  ratio capture/plain: time {p['rate'] / c['rate']:.2f}x, "
                f"p50 {c['p50'] / p['p50']:.2f}x, p95 {c['p95'] / p['p95']:.2f}x (target <= 1.5x)"
            )
            print(f"  outcomes: {dict(cap['outcome'])}")
            print(
                f"  race duplicates: {cap['race_dups']} extra active leads in "
                f"{cap['race_dup_groups']} emails (target 0)"
            )
            print(f"  copies of another lead: {dict(cap['copies'])}")
            print(f"  retries (same Idempotency-Key): {dict(cap['retries'])}")
            for label, s in (("plain", p), ("capture", c)):
                waits = s["lock_waits"]
                samples = waits.pop("samples", 0)
                if waits:
                    top = ", ".join(f"{n}x {q!r}" for q, n in waits.most_common(3))
                    print(f"  lock waits ({label}, {samples} samples of 0.25 s): {top}")
            for status, data in cap["errors"][:5]:
                print(f"  error {status}: {data!r}")
        fu = self.results.get("followups")
        if fu:
            print("follow-ups:")
            for name, r in fu.items():
                print(
                    f"  {name:<5} {r['items']} items: {r['seconds']:7.1f} s, "
                    f"{r['rate']:6.1f} items/s, states {r['states']}"
                )
                bad = {k: v for k, v in r["check"].items() if any(v.values())}
                print(f"        exactly once: {'yes' if not bad else bad}")
                if r.get("killed"):
                    print(
                        f"        killed cron worker {r['killed'][0]} at {r['killed'][1]:.0f} s "
                        f"({r['killed'][2]} done); progress again after "
                        f"{r['resumed_after']} s; cron workers now {r['respawned']}; "
                        f"finished: {r['finished']}"
                    )
            one, two = fu["one"], fu["two"]
            if one["rate"]:
                print(
                    f"  two cron workers / one: {two['rate'] / one['rate']:.2f}x (target >= 1.6x)"
                )
            timeline = fu["kill"]["timeline"]
            tl = ", ".join(f"{t}s:{d}" for t, d in timeline[:: max(1, len(timeline) // 12)])
            print(f"  'kill' progress (s:done): {tl}")
        an = self.results.get("analytics")
        if an:
            print(f"analytics (nightly cron through queue_job), {an['wall']:.0f} s wall:")
            stages = ("rfm", "clv", "churn", "response", "clusters", "forecast", "publish")
            for r in an["runs"]:
                times = ", ".join(f"{st} {v or 0:.1f}" for st, v in zip(stages, r[4:11]))
                print(
                    f"  run {r[0]} company {r[1]}: {r[2]}, {r[3] or 0:.1f} s, "
                    f"{r[11]} customers; stages (s): {times}"
                    + (f"; error {r[12]}" if r[12] else "")
                )
            pids = Counter(j[2] for j in an["jobs"])
            print(
                f"  {len(an['jobs'])} jobs on root.crm, states {dict(Counter(j[1] for j in an['jobs']))}, "
                f"run by worker pids {dict(pids)}"
            )
        rss = self.results.get("rss")
        if rss:
            print(
                "peak RSS per worker (VmHWM, MB): "
                + ", ".join(f"{kind} {pid}: {mb}" for pid, (kind, mb) in sorted(rss.items()))
            )

    def run(self):
        self.create_db()
        try:
            self.install()
            self.setup()
            if self.args.setup_only:
                self.args.keep_db = True
                return
            self.start_server()
            if self.args.leads:
                self.capture()
            if self.args.followups:
                self.followups()
            if self.args.analytics_partners:
                self.analytics()
            self.results["rss"] = self.peak_rss()
            self.report()
        finally:
            self.stop_server()
            if not self.args.keep_db:
                self.drop_db()


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    ap.add_argument("--leads", type=int, default=10_000, help="capture requests (0: skip)")
    ap.add_argument("--followups", type=int, default=100_000, help="items per run (0: skip)")
    ap.add_argument("--followup-steps", type=int, default=2)
    ap.add_argument(
        "--email-every",
        type=int,
        default=2,
        help="every Nth step sends an email (others: activity)",
    )
    ap.add_argument("--followup-timeout", type=int, default=1800, help="seconds per run")
    ap.add_argument(
        "--analytics-partners",
        type=int,
        default=0,
        help="fill N partners and orders with tools/generate_data.py, then run the nightly "
        "analytics through queue_job (0: skip)",
    )
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--shared-key", action="store_true", help="all clients use one API key")
    ap.add_argument("--register", type=int, default=2000, help="customers in the register")
    ap.add_argument("--workers", type=int, default=4, help="HTTP workers (odoo.conf: 4)")
    ap.add_argument("--cron-workers", type=int, default=2)
    ap.add_argument("--channels", default="root:2,root.crm:2")
    ap.add_argument("--template", default=os.environ.get("CRM_TEST_TEMPLATE", "crm_tpl"))
    ap.add_argument("--database", help="default: load_<timestamp>; reused when it exists")
    ap.add_argument("--keep-db", action="store_true")
    ap.add_argument(
        "--setup-only", action="store_true", help="create and fill the database, keep it, stop"
    )
    ap.add_argument("--data-dir", default=os.environ.get("CRM_TEST_DATA_DIR", "/srv/odoo-data"))
    ap.add_argument("--oca-path", help="folder with queue_job and helpdesk_mgmt")
    ap.add_argument("--db-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    ap.add_argument("--db-port", type=int, default=int(os.environ.get("PGPORT", "5432")))
    ap.add_argument("--db-user", default=os.environ.get("PGUSER", "odoo"))
    ap.add_argument("--db-password", default=os.environ.get("PGPASSWORD"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.db_host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback addresses only")
    bench = Bench(args)

    def on_signal(signum, frame):
        # stop our own server first: a query waiting on it then returns
        bench.stop_server(wait=False)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with contextlib.suppress(KeyboardInterrupt):
        bench.run()
        return 0
    return 130


if __name__ == "__main__":
    sys.exit(main())
