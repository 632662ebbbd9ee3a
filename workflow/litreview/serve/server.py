"""Starting the app: check the review, bind the address, print where to open it (with
the access token when the app is reachable from other machines), open the browser."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.screening import is_sheet_name
from litreview.serve.app import Settings, create_app
from litreview.serve.desk import Desk
from litreview.serve.guard import Keys, is_loopback, loopback_hosts


@dataclass(frozen=True, slots=True)
class Options:
    """``litreview serve``'s options."""

    root: Path
    reviewer: str = ""
    resolver: str = ""
    stage: str = ""
    host: str = "127.0.0.1"
    port: int = 8765
    browser: bool = True
    order: str = ""
    seed: int = 0


def open_desk(options: Options) -> tuple[Desk, Options]:
    """The review, checked (its configuration, criteria and sheets), its records not read
    yet (:meth:`Desk.load_in_background`); the options with each name spelt as the sheets
    already spell it ("ae" screens on as "AE")."""
    desk = Desk(options.root, order=options.order, seed=options.seed, load=False)
    options = replace(options, reviewer=desk.known_reviewer(options.reviewer),
                      resolver=desk.known_reviewer(options.resolver))
    if options.stage and options.stage not in {s.id for s in desk.stages}:
        raise InputError(Problem("--stage", f"no stage '{options.stage}'",
                                 hint=f"one of {', '.join(s.id for s in desk.stages)}"))
    for name, flag in ((options.reviewer, "--reviewer"), (options.resolver, "--resolver")):
        if name and not is_sheet_name(f"stage-{name}"):
            raise InputError(Problem(flag, f"'{name}' cannot name a sheet",
                                     hint="use letters, digits, '_' or '.'"))
    return desk, options


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a clear error when the port is taken."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise InputError(Problem("--port", f"cannot listen on {host}:{port}: "
                                 f"{error.strerror}", hint="choose another --port")) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(options: Options) -> int:
    """Run the app until interrupted; every decision is already on disk when it stops."""
    desk, options = open_desk(options)
    sock = bind(options.host, options.port)
    port = sock.getsockname()[1]
    keys = Keys.new(options.host, port)
    loopback = is_loopback(options.host)
    app = create_app(desk, Settings(options.reviewer, options.resolver, options.stage), keys,
                     loopback_hosts(port) if loopback else None)
    shown = options.host if loopback or options.host not in ("0.0.0.0", "::") \
        else socket.gethostname()
    url = f"http://{'localhost' if loopback else shown}:{port}/"
    if keys.access:
        url += f"?token={keys.access}"
        print("litreview serve: reachable from other machines; only with this address "
              "(it carries the access token):", file=sys.stderr)
    print(f"litreview serve: {url}", flush=True)
    # the records are read once the server is up, so that its start and a first page
    # (from the sheet to screen from) do not wait for them
    server = _server(app, lambda: desk.load_in_background(warm=options.reviewer))
    if options.browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C: the server has shut down; nothing to tell
        pass
    finally:
        desk.close()
        sock.close()
    return 0


def _server(app: object, started: Callable[[], None]):
    """A uvicorn server that calls ``started`` once it listens, with what the first
    request would import (its thread pool's backend) imported already."""
    import anyio._backends._asyncio  # noqa: F401
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            started()

    return Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
