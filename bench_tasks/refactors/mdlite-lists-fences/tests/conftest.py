import pytest


@pytest.fixture
def html():
    from mdlite import to_html

    return to_html
