"""Concurrent appends to the security log, in a module of their own: the other modules' shared test
world holds a transaction open, which the threads' connections would wait on."""

import pytest
from django.db import connection

from rectify.security_log.choices import EventKind
from rectify.security_log.models import SecurityEvent
from rectify.security_log.services import record, verify_chain


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_queue_on_the_chain_head_and_never_fork():
    import threading

    from django.db import connections

    start = threading.Barrier(4)

    def append(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                record(None, EventKind.EXPORT, ("ledger", f"{n}-{i}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(SecurityEvent.objects.values_list("sequence", flat=True)) == list(range(1, 41))
    assert verify_chain(batch_size=7).count == 40 and verify_chain().intact
