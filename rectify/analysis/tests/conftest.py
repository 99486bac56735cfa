import pytest


@pytest.fixture(autouse=True)
def _index_dir(settings, tmp_path):
    """Each test its own (tiny) index."""
    settings.RECTIFY_ANALYSIS_DIR = str(tmp_path / "analysis")
