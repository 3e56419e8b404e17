"""The app builds whichever of its modules is imported first: nothing is built
at import time that needs every model mapped (a loader option such as
``joinedload`` does), so statements like that are built on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

BUILD = (
    "import {module}\n"
    "from inhabithon import create_app\n"
    "create_app({{'SECRET_KEY': 'x' * 40, 'DATABASE_URL': 'sqlite://'}})\n"
)


@pytest.mark.parametrize("module", ["inhabithon.votes.integrity", "inhabithon.ideas.models"])
def test_the_app_builds_when_a_domain_module_is_imported_first(module):
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", BUILD.format(module=module)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
