"""The source deny-list: hosts whose pages are never shown to learners.

`content/sources-denylist.yaml` lists the hosts (mirrors and copy sites, and one unreliable
site). Every content file is searched for web addresses on them, wherever they are: a
lesson's or an FAQ entry's sources, a link in a card, a bare address in a text, a
consultation's draft. A host matches itself and its subdomains, so `scribd.com` also
refuses `ro.scribd.com`. Each hit is a problem that names the file, the field and the host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

DENYLIST_FILE = "sources-denylist.yaml"
_HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$")
_URL_RE = re.compile(r"""https?://[^\s"'<>]+""", re.IGNORECASE)
# A bare address in a text ("see docslib.org/doc/1"): a dotted name not inside a word or an
# e-mail address.
_BARE_RE = re.compile(r"(?<![\w@.-])((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(?![\w-])", re.IGNORECASE)

Add = Callable[[Path, str, str], None]


def read_denylist(path: Path, add: Add) -> tuple[str, ...]:
    """The hosts of the deny-list file; none when it does not exist."""
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        add(path, "file", f"cannot be read as YAML: {err}".splitlines()[0])
        return ()
    raw = data.get("hosts") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        add(path, "hosts", "must be a non-empty list of host names")
        return ()
    hosts: list[str] = []
    for i, host in enumerate(raw):
        if not isinstance(host, str) or not _HOST_RE.match(host):
            add(path, f"hosts[{i}]", "must be a lowercase host name such as scribd.com")
            continue
        hosts.append(host)
    return tuple(hosts)


def denied_host(host: str, hosts: tuple[str, ...]) -> str | None:
    """The deny-listed host that `host` is, or is a subdomain of; None if it is allowed."""
    name = host.lower().rstrip(".")
    for denied in hosts:
        if name == denied or name.endswith("." + denied):
            return denied
    return None


def denied_in_text(text: str, hosts: tuple[str, ...]) -> list[tuple[str, str]]:
    """(address, deny-listed host) for every address in the text on a denied host."""
    found: list[tuple[str, str]] = []
    for match in _URL_RE.finditer(text):
        address = match.group(0).rstrip(".,;:!?)")
        try:
            host = urlsplit(address).hostname or ""
        except ValueError:
            continue
        denied = denied_host(host, hosts)
        if denied is not None:
            found.append((address, denied))
    rest = _URL_RE.sub(" ", text)
    for match in _BARE_RE.finditer(rest):
        denied = denied_host(match.group(1), hosts)
        if denied is not None:
            found.append((match.group(1), denied))
    return found


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every text in a parsed YAML document, with its field path (`lessons[0].sources[1]`)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")


def check_documents(documents: Mapping[Path, Any], hosts: tuple[str, ...], add: Add) -> None:
    """Report every address on a denied host in the parsed documents."""
    if not hosts:
        return
    for path, data in documents.items():
        for where, text in _strings(data, ""):
            for address, denied in denied_in_text(text, hosts):
                add(
                    path,
                    where or "file",
                    f"{address} is on the source deny-list ({denied}, see "
                    f"{DENYLIST_FILE}): cite the primary source instead",
                )
