"""A serving process settles its garbage collector once loaded (rectify.core.collector)."""

import gc
import importlib

import pytest

from rectify.core import collector


@pytest.fixture
def restored():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settling_freezes_what_the_process_holds_and_collects_the_young_less_often(restored, monkeypatch):
    monkeypatch.delenv("RECTIFY_GC_THRESHOLD", raising=False)
    gc.unfreeze()
    collector.settle()
    assert gc.get_freeze_count() > 10_000  # the modules, the views included
    assert gc.get_threshold() == collector.DEFAULT_THRESHOLD


def test_the_threshold_can_be_set_or_the_collector_left_alone(restored, monkeypatch):
    gc.unfreeze()
    monkeypatch.setenv("RECTIFY_GC_THRESHOLD", "off")
    before = gc.get_threshold()
    collector.settle()
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, before)
    monkeypatch.setenv("RECTIFY_GC_THRESHOLD", "1000,5,5")
    collector.settle()
    assert gc.get_threshold() == (1000, 5, 5)


def test_the_wsgi_application_settles_the_collector(restored, monkeypatch):
    monkeypatch.delenv("RECTIFY_GC_THRESHOLD", raising=False)
    gc.unfreeze()
    import rectify.wsgi

    importlib.reload(rectify.wsgi)
    assert gc.get_freeze_count() > 0 and gc.get_threshold() == collector.DEFAULT_THRESHOLD
