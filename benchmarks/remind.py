"""``ecomops remind`` at mail-server speed (issue 26, item 2): N people who all owe their
Monday plan, each mailed once, to a local aiosmtpd, against raw ``smtplib`` sending the same
number of mails over one connection to the same server (the baseline, measured in the same
run, interleaved: ours, baseline, ours, …); medians of several runs.

    python benchmarks/remind.py [--mails 3000] [--runs 5] [--tls]

Figures (the bounds are issue 26's):

- ``ecomops remind`` for N people (N mails: one each, the head's also carrying who is missing), the
  whole command (start-up, reading what is owed, claiming, sending, recording): seconds and
  mails per second — bound: 3,000 mails in under 10 s, at least 300 mails a second;
- its rate as a share of raw ``smtplib``'s on one connection to the same server: ``sendmail``
  of a message's bytes built beforehand (the wire's and the server's floor), and
  ``send_message`` of an ``email.message.EmailMessage`` built for each mail (what a script
  would do). The whole command against the sending alone: start-up, reading what is owed,
  claiming and recording are in ours.

``--tls``: STARTTLS with a throwaway certificate authority (``trustme``), on both sides.

Each run of ours goes into a fresh copy of the database (the ledger empty), so that every
reminder is due. The server counts its connections: ours must use one per run.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

PY = sys.executable
JOINED = "2026-11-16T09:00"
MONDAY = "2026-11-23T15:00"  # W48's Monday afternoon: every plan is owed


def ecomops(*args: str) -> list[str]:
    return [PY, "-m", "ecomops", *args]


def roster(path: Path, people: int) -> None:
    """A head and ``people`` copywriters and clerks, each with an address."""
    rows = [("员工000001", "manager", "e000001@example.cn", "", "2026-01-05")]
    for i in range(2, people + 1):
        position = ("copywriter", "clerk")[i % 2]
        rows.append((f"员工{i:06d}", position, f"e{i:06d}@example.cn", "员工000001", "2026-01-05"))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "position", "email", "manager", "joined"])
        w.writerows(rows)


class Server:
    """aiosmtpd on 127.0.0.1 in a process of its own (so that neither side's client shares
    its interpreter), counting messages and connections (no login: the benchmark measures
    sending, not authentication)."""

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        import multiprocessing

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        ctx = multiprocessing.get_context("fork")
        self._messages = ctx.Value("i", 0)
        self._connections = ctx.Value("i", 0)
        self._stop = ctx.Event()
        ready = ctx.Event()
        self._proc = ctx.Process(
            target=_serve,
            args=(self.port, tls, self._messages, self._connections, ready, self._stop),
            daemon=True,
        )
        self._proc.start()
        if not ready.wait(30):
            raise SystemExit("the SMTP server did not start")
        self._base = self._connections.value  # the controller's own start-up check

    @property
    def messages(self) -> int:
        return self._messages.value

    @property
    def connections(self) -> int:
        return self._connections.value - self._base

    def stop(self) -> None:
        self._stop.set()
        self._proc.join(10)


def _serve(port, tls, messages, connections, ready, stop) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            with messages.get_lock():
                messages.value += 1
            return "250 OK"

    class Counting(SMTP):
        def connection_made(self, transport):
            if self.transport is None:  # not again when STARTTLS wraps the connection
                with connections.get_lock():
                    connections.value += 1
            super().connection_made(transport)

    class Made(Controller):
        def factory(self):
            return Counting(self.handler, **self.SMTP_kwargs)

    kwargs: dict = {}
    if tls is not None:
        kwargs.update(tls_context=tls, require_starttls=True)
    controller = Made(Handler(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _mail(i: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "ecomops@huhao.example"
    msg["To"] = f"e{i:06d}@example.cn"
    msg["Subject"] = "[ecomops] 周工作计划 2026-W48"
    msg.set_content("员工，你好：\n\n你的周工作计划（2026-W48）尚未提交，今天截止。\n")
    return msg


def raw_smtplib(port: int, n: int, cafile: str | None, *, build: bool) -> float:
    """Seconds ``smtplib`` takes to send ``n`` small mails over one connection: each built
    with ``email.message.EmailMessage`` and sent with ``send_message`` (``build``), or the
    same bytes, built beforehand, with ``sendmail`` (the wire's and the server's floor)."""
    data = _mail(0).as_bytes()
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        if cafile:
            smtp.starttls(context=ssl.create_default_context(cafile=cafile))
        for i in range(n):
            if build:
                smtp.send_message(_mail(i))
            else:
                smtp.sendmail("ecomops@huhao.example", [f"e{i:06d}@example.cn"], data)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mails", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tls", action="store_true", help="STARTTLS on both sides")
    opts = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ecomops-bench-remind-"))
    env = dict(os.environ, XDG_DATA_HOME=str(tmp), ECOMOPS_CONFIG="/nonexistent/config.toml")
    for k in [k for k in env if k.startswith(("ECOMOPS_SMTP_", "ECOMOPS_WEBHOOK_"))]:
        env.pop(k)
    env.pop("ECOMOPS_DATABASE_URL", None)
    template = tmp / "template.db"
    env["ECOMOPS_DB"] = str(template)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {opts.runs} runs each "
          f"(medians), {opts.mails} people, {'STARTTLS' if opts.tls else 'plain SMTP'}",
          flush=True)
    people = opts.mails
    csv_path = tmp / "roster.csv"
    roster(csv_path, people)
    env["ECOMOPS_NOW"] = JOINED
    made = (("init", "--year", "2026", "--simulated-clock"), ("staff", "import", str(csv_path)))
    for args in made:
        subprocess.run(ecomops(*args), env=env, check=True, capture_output=True)

    tls_server = cafile = None
    if opts.tls:
        import trustme

        ca = trustme.CA()
        tls_server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(tls_server)
        cafile = str(tmp / "ca.pem")
        ca.cert_pem.write_to_path(cafile)
    server = Server(tls_server)
    env.update(
        ECOMOPS_NOW=MONDAY,
        ECOMOPS_SMTP_HOST="127.0.0.1",
        ECOMOPS_SMTP_PORT=str(server.port),
        ECOMOPS_SMTP_FROM="ecomops@huhao.example",
        ECOMOPS_SMTP_STARTTLS="1" if opts.tls else "0",
    )
    if cafile:
        env["ECOMOPS_SMTP_CAFILE"] = cafile

    def ours() -> tuple[float, int, int]:
        db = tmp / "run.db"
        for ext in ("", "-wal", "-shm"):
            Path(f"{db}{ext}").unlink(missing_ok=True)
        shutil.copy(template, db)
        before, conns = server.messages, server.connections
        start = time.perf_counter()
        done = subprocess.run(ecomops("remind", "--json"), env={**env, "ECOMOPS_DB": str(db)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        took = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"remind failed: {done.stderr.decode()[-500:]}")
        return took, server.messages - before, server.connections - conns

    try:
        ours()  # warm-up
        raw_smtplib(server.port, people + 1, cafile, build=True)
        a: list[float] = []
        b: list[float] = []
        c: list[float] = []
        sent = conns = 0
        for _ in range(opts.runs):
            took, sent, conns = ours()
            a.append(took)
            b.append(raw_smtplib(server.port, sent, cafile, build=False))
            c.append(raw_smtplib(server.port, sent, cafile, build=True))
    finally:
        server.stop()
    mine, floor, built = statistics.median(a), statistics.median(b), statistics.median(c)
    ok = "ok" if mine < 10 * sent / 3000 and sent / mine >= 300 else "MISSED"
    print(f"  remind, {sent} mails over {conns} connection(s), whole command: "
          f"{mine:6.2f} s = {sent / mine:5.0f} mails/s  (bound 3,000 in 10 s, >= 300/s: {ok})")
    print(f"  raw smtplib sendmail, bytes built beforehand:  {floor:6.2f} s = "
          f"{sent / floor:5.0f} mails/s")
    print(f"  raw smtplib send_message(EmailMessage):        {built:6.2f} s = "
          f"{sent / built:5.0f} mails/s")
    print(f"  remind's rate as a share of raw sendmail's: {floor / mine:.2f}; of send_message's: "
          f"{built / mine:.2f}")
    print(f"  runs: {', '.join(f'{x:.2f}' for x in a)} s | {', '.join(f'{x:.2f}' for x in b)} s"
          f" | {', '.join(f'{x:.2f}' for x in c)} s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
