"""herobot's peer for bench/peer.sh: Bolt for Python (slack-bolt on Flask, served by gunicorn)
answering the same signed `/hero <@U…> for …` slash command with the same SQLite writes and the
same acknowledgement as herobot.

Per command, in one transaction committed before the answer (WAL, synchronous=FULL, as herobot):
the nomination, its heroes and tags, the request key (`command:<timestamp>:<trigger_id>`, with
the acknowledgement, so a replay answers the same and stores nothing), and the outbox rows
(the celebration in the heroes channel and a DM to each hero). The schema is herobot's own
(`herobot migrate`).

Environment: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL (the fake Slack), PEER_DB (the
SQLite file), HEROBOT_HEROES_CHANNEL.
"""

import json
import os
import re
import sqlite3
import threading
import time

from flask import Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

HEROES_CHANNEL = os.environ.get("HEROBOT_HEROES_CHANNEL", "C0HEROES")
MENTION = re.compile(r"<@([UW][A-Z0-9]{2,31})(?:\|[^>]*)?>")
TAG = re.compile(r"#([a-z0-9][a-z0-9_-]{0,31})")

# process_before_response: the listener runs to its end (the commit) before the HTTP answer,
# as herobot commits before it acknowledges.
bolt = App(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    # The fake Slack's Web API, for the auth.test Bolt makes once per worker.
    client=WebClient(
        token=os.environ["SLACK_BOT_TOKEN"],
        base_url=os.environ["SLACK_API_URL"].rstrip("/") + "/api/",
    ),
    token_verification_enabled=False,
    process_before_response=True,
)

_local = threading.local()


def db():
    """This thread's connection: WAL, a full sync on commit, a busy timeout for the others."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["PEER_DB"], isolation_level=None, timeout=5.0)
        conn.execute("pragma journal_mode = wal")
        conn.execute("pragma synchronous = full")
        conn.execute("pragma foreign_keys = on")
        _local.conn = conn
    return conn


def parse(text):
    """`<@U1> <@U2> for <reason> #tag`: the heroes, the reason and the tags, or None."""
    heroes = list(dict.fromkeys(MENTION.findall(text)))
    head, sep, reason = text.partition(" for ")
    if not heroes or not sep or len(reason.strip()) < 20:
        return None
    tags = list(dict.fromkeys(t.lower() for t in TAG.findall(reason)))
    return heroes, reason.strip(), tags


def confirmation(heroes):
    names = ", ".join(f"<@{h}>" for h in heroes)
    return {
        "response_type": "ephemeral",
        "text": f"Thank you! {names} will hear about it, and it's posted in <#{HEROES_CHANNEL}>.",
    }


def store(body, timestamp, heroes, reason, tags):
    """Stores the nomination and its messages; the acknowledgement to send (the first one's on
    a replay)."""
    conn = db()
    key = f"command:{timestamp}:{body['trigger_id']}"
    now_ms = int(time.time() * 1000)
    now = now_ms // 1000
    ack = confirmation(heroes)
    conn.execute("begin immediate")
    try:
        seen = conn.execute(
            "select response from slack_requests where key = ?", (key,)
        ).fetchone()
        if seen is not None:
            conn.execute("commit")
            return json.loads(seen[0])
        cur = conn.execute(
            "insert into nominations (team_id, nominator_id, category, customer_kind, reason,"
            " channel_id, source, message_permalink, created_at)"
            " values (?, ?, null, null, ?, ?, 'command', null, ?)",
            (body["team_id"], body["user_id"], reason, body.get("channel_id"), now),
        )
        nomination = cur.lastrowid
        conn.executemany(
            "insert into nomination_heroes (nomination_id, hero_id, position) values (?, ?, ?)",
            [(nomination, h, i) for i, h in enumerate(heroes)],
        )
        conn.executemany(
            "insert into nomination_tags (nomination_id, tag) values (?, ?)",
            [(nomination, t) for t in tags],
        )
        conn.execute(
            "insert into slack_requests (key, response, created_at) values (?, ?, ?)",
            (key, json.dumps(ack), now),
        )
        rows = [("chat.postMessage", HEROES_CHANNEL, "celebration", None)] + [
            ("chat.postMessage", h, "hero_dm", h) for h in heroes
        ]
        conn.executemany(
            "insert into outbox (method, lane, url, payload, render, subject_id,"
            " next_attempt_at_ms, created_at) values (?, ?, null, ?, ?, ?, ?, ?)",
            [
                (method, lane, json.dumps({"channel": lane}), render, nomination, now_ms, now)
                for method, lane, render, _ in rows
            ],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return ack


@bolt.command("/hero")
def hero(ack, body, request):
    parsed = parse(body.get("text", ""))
    if parsed is None:
        ack(text="Try `/hero @someone for what they did`.")
        return
    timestamp = request.headers.get("x-slack-request-timestamp", [""])[0]
    ack(**store(body, timestamp, *parsed))


flask_app = Flask(__name__)
handler = SlackRequestHandler(bolt)


@flask_app.route("/slack/commands", methods=["POST"])
def commands():
    return handler.handle(request)


@flask_app.route("/healthz")
def healthz():
    return "ok"
