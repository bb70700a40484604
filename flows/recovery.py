"""Which failures are worth trying again, and the sweep that resumes what a crash left behind.

A retry is only for what time can mend: a database that restarts, an API server that is
briefly away, a network hiccup to the shared archive. A file that fails its hash check or a
bug fails at once, so a retry never hides it.
"""
from __future__ import annotations

import logging

log = logging.getLogger("dossier.recovery")

# Errors that mean "the other side is away for now", by the names their libraries give them:
# matched by class name so this module needs none of those libraries to import.
_TRANSIENT_NAMES = {
    "OperationalError",  # sqlalchemy / psycopg: server restarting, connection dropped
    "InterfaceError",
    "DisconnectionError",
    "TimeoutError",
    "ConnectTimeout",
    "ReadTimeout",
    "ConnectError",
    "RemoteProtocolError",
    "TransportError",
    "PrefectHTTPStatusError",
    "EndpointConnectionError",  # botocore: the S3 archive is away
    "ConnectionClosedError",
    "ClientOSError",
    "ServerDisconnectedError",
}


def is_transient(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return True
        if any(t.__name__ in _TRANSIENT_NAMES for t in type(exc).__mro__):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def transient(task, task_run, state) -> bool:
    """Prefect's retry_condition_fn: retry a task only when it failed on a transient error."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            exc = state.result(raise_on_failure=False)
        except Exception as err:  # the result itself could not be read: treat it as the error
            exc = err
    retry = is_transient(exc if isinstance(exc, BaseException) else None)
    if retry:
        log.warning("task %s failed on a transient error, retrying: %r", getattr(task, "name", task), exc)
    return retry
