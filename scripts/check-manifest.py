#!/usr/bin/env python3
"""Validate herobot's Slack app manifest.

Usage:
    python3 scripts/check-manifest.py [MANIFEST]

MANIFEST defaults to manifest.yml at the repository root (the parent of scripts/).

Two kinds of checks:

1. Slack's official app-manifest JSON Schema (draft-07, slackapi/manifest-schema), read
   from ../shared/slack/specs/manifest.schema.1.0.0.json relative to the repository root,
   or from the file named by the MANIFEST_SCHEMA environment variable.
2. What herobot itself relies on and the schema cannot express: the /hero command with
   should_escape, the three request paths, the two message shortcuts, the bot scopes and
   App Home (the tab on, app_home_opened subscribed).

Prints every problem with its path and exits 1 if there is any; exits 0 and prints
"manifest.yml: valid against <schema file>" otherwise.

Needs PyYAML and jsonschema (pip install pyyaml jsonschema).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

try:
    import yaml
    from jsonschema import Draft7Validator
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.exit(f"check-manifest: missing Python module ({exc}); run: pip install pyyaml jsonschema")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MANIFEST = REPO_ROOT / "manifest.yml"
DEFAULT_SCHEMA = REPO_ROOT.parent / "shared" / "slack" / "specs" / "manifest.schema.1.0.0.json"

# What the running service expects (see src/ routes and PRODUCT.md).
COMMAND = "/hero"
PATHS = {
    "commands": "/slack/commands",
    "interactions": "/slack/interactions",
    "events": "/slack/events",
}
SHORTCUT_CALLBACK_IDS = ("nominate_from_message", "story_from_message")
REQUIRED_BOT_SCOPES = ("commands", "chat:write", "users:read", "im:write")
# Scopes that a subscribed bot event needs, or Slack never sends it.
EVENT_SCOPES = {"app_mention": "app_mentions:read", "reaction_added": "reactions:read"}
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")


class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that rejects duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"found duplicate key {key!r}", key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def fmt_path(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


def get(obj, *keys):
    """Walk nested dicts/lists, returning None as soon as something is missing."""
    for key in keys:
        if isinstance(obj, dict) and isinstance(key, str):
            obj = obj.get(key)
        elif isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


def check_url(errors: list[str], where: str, url, path: str) -> None:
    if not isinstance(url, str) or not url:
        errors.append(f"{where}: missing; herobot needs a URL ending in {path}")
        return
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        errors.append(f"{where}: {url!r} must be an https:// URL (Slack only calls HTTPS request URLs)")
    if parts.path.rstrip("/") != parts.path or not parts.path.endswith(path):
        errors.append(f"{where}: {url!r} must end in {path}")


def project_errors(m) -> list[str]:
    """herobot-specific expectations the JSON Schema cannot express."""
    errors: list[str] = []
    if not isinstance(m, dict):
        return ["(root): the manifest must be a mapping"]

    color = get(m, "display_information", "background_color")
    if color is not None and not (isinstance(color, str) and HEX_COLOR.match(color)):
        errors.append(f"display_information.background_color: {color!r} is not a hex colour like \"#1f4e79\"")

    # The /hero slash command.
    commands = get(m, "features", "slash_commands")
    commands = commands if isinstance(commands, list) else []
    hero = [(i, c) for i, c in enumerate(commands) if isinstance(c, dict) and c.get("command") == COMMAND]
    if not hero:
        errors.append(f"features.slash_commands: no {COMMAND} command")
    for i, cmd in hero:
        where = f"features.slash_commands[{i}]"
        if cmd.get("should_escape") is not True:
            errors.append(
                f"{where}.should_escape: must be true; herobot reads mentions as <@U...> and "
                "rejects a bare @name"
            )
        check_url(errors, f"{where}.url", cmd.get("url"), PATHS["commands"])

    # Interactivity: modals, buttons and the message shortcuts.
    if get(m, "settings", "interactivity", "is_enabled") is not True:
        errors.append("settings.interactivity.is_enabled: must be true (modals and shortcuts)")
    check_url(errors, "settings.interactivity.request_url",
              get(m, "settings", "interactivity", "request_url"), PATHS["interactions"])

    # Events API.
    check_url(errors, "settings.event_subscriptions.request_url",
              get(m, "settings", "event_subscriptions", "request_url"), PATHS["events"])

    if get(m, "settings", "socket_mode_enabled") is True:
        errors.append("settings.socket_mode_enabled: must be false; herobot serves HTTP request URLs")

    # All request URLs go to the one herobot server.
    urls = {
        "slash command": get(hero[0][1], "url") if hero else None,
        "interactivity": get(m, "settings", "interactivity", "request_url"),
        "events": get(m, "settings", "event_subscriptions", "request_url"),
    }
    hosts = {urlsplit(u).netloc for u in urls.values() if isinstance(u, str) and u}
    if len(hosts) > 1:
        listing = ", ".join(f"{k}={urlsplit(v).netloc}" for k, v in urls.items() if isinstance(v, str) and v)
        errors.append(f"settings: request URLs point at different hosts ({listing}); use your HEROBOT_PUBLIC_URL host for all")

    # Message shortcuts.
    shortcuts = get(m, "features", "shortcuts")
    shortcuts = shortcuts if isinstance(shortcuts, list) else []
    by_id = {s.get("callback_id"): (i, s) for i, s in enumerate(shortcuts) if isinstance(s, dict)}
    for callback_id in SHORTCUT_CALLBACK_IDS:
        if callback_id not in by_id:
            errors.append(f"features.shortcuts: no shortcut with callback_id {callback_id!r}")
            continue
        i, shortcut = by_id[callback_id]
        if shortcut.get("type") != "message":
            errors.append(f"features.shortcuts[{i}].type: {callback_id!r} must be a message shortcut")

    # Bot scopes.
    scopes = get(m, "oauth_config", "scopes", "bot")
    scopes = scopes if isinstance(scopes, list) else []
    for scope in REQUIRED_BOT_SCOPES:
        if scope not in scopes:
            errors.append(f"oauth_config.scopes.bot: missing {scope!r}")
    events = get(m, "settings", "event_subscriptions", "bot_events")
    for event in events if isinstance(events, list) else []:
        needed = EVENT_SCOPES.get(event)
        if needed and needed not in scopes:
            errors.append(f"oauth_config.scopes.bot: missing {needed!r}, needed by bot event {event!r}")

    # App Home: the tab on, and the event that publishes it.
    if get(m, "features", "app_home", "home_tab_enabled") is not True:
        errors.append("features.app_home.home_tab_enabled: must be true (herobot publishes App Home)")
    if "app_home_opened" not in (events if isinstance(events, list) else []):
        errors.append("settings.event_subscriptions.bot_events: missing 'app_home_opened' (publishes App Home)")

    return errors


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    manifest_path = Path(argv[1]) if len(argv) == 2 else DEFAULT_MANIFEST
    schema_path = Path(os.environ["MANIFEST_SCHEMA"]) if os.environ.get("MANIFEST_SCHEMA") else DEFAULT_SCHEMA
    name = manifest_path.name

    if not schema_path.is_file():
        print(
            f"check-manifest: schema not found at {schema_path}\n"
            "  expected Slack's manifest.schema.1.0.0.json from slackapi/manifest-schema in "
            "../shared/slack/specs beside the checkout; set MANIFEST_SCHEMA to its path",
            file=sys.stderr,
        )
        return 1
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        Draft7Validator.check_schema(schema)
    except Exception as exc:  # noqa: BLE001 - any failure here is fatal and reported
        print(f"check-manifest: cannot use schema {schema_path}: {exc}", file=sys.stderr)
        return 1

    try:
        manifest = yaml.load(manifest_path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)
    except OSError as exc:
        print(f"{name}: cannot read: {exc}", file=sys.stderr)
        return 1
    except yaml.YAMLError as exc:
        print(f"{name}: invalid YAML: {exc}", file=sys.stderr)
        return 1

    errors = []
    validator = Draft7Validator(schema)
    for err in sorted(validator.iter_errors(manifest), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        errors.append(f"{fmt_path(err.absolute_path)}: {err.message}")
    errors.extend(project_errors(manifest))

    if errors:
        for line in errors:
            print(f"{name}: {line}", file=sys.stderr)
        print(f"{name}: {len(errors)} error(s) against {schema_path.name} and herobot's expectations",
              file=sys.stderr)
        return 1

    print(f"{name}: valid against {schema_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
