"""Settings: typed and bounded, from defaults < .env < environment < flags; the README's table is theirs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from kmgraph.config import Settings, markdown_table
from kmgraph.errors import ConfigError

from .conftest import REPO


def test_readme_table_is_the_settings():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings table:")[1].split("-->\n", 1)[1].split("<!-- end of settings table -->")[0]
    assert table == markdown_table()
    assert table.count("\n| ") == len(Settings.model_fields)  # one row each


@pytest.mark.parametrize("variable,value,fragment", [
    ("KMGRAPH_PORT", "0", "KMGRAPH_PORT: Input should be greater than or equal to 1"),
    ("KMGRAPH_PORT", "eighty", "KMGRAPH_PORT: Input should be a valid integer"),
    ("KMGRAPH_QUERY_TIMEOUT", "-1", "KMGRAPH_QUERY_TIMEOUT: Input should be greater than 0"),
    ("KMGRAPH_MAKE_ADMIN_TOKEN", "perhaps", "KMGRAPH_MAKE_ADMIN_TOKEN: Input should be a valid boolean"),
    ("KMGRAPH_LOG_LEVEL", "loud", "KMGRAPH_LOG_LEVEL: String should match pattern"),
])
def test_a_bad_value_names_its_variable(monkeypatch, variable, value, fragment):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=fragment):
        Settings.load()
    cli = subprocess.run([sys.executable, "-m", "kmgraph", "info", "--store", "/nonexistent"], check=False,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", variable: value})
    assert cli.returncode == 2 and fragment in cli.stderr and "Traceback" not in cli.stderr


@pytest.mark.parametrize("text,expected", [("false", False), ("0", False), ("no", False), ("true", True), ("1", True)])
def test_booleans(monkeypatch, text, expected):
    monkeypatch.setenv("KMGRAPH_MAKE_ADMIN_TOKEN", text)
    assert Settings.load().make_admin_token is expected


def test_dotenv_then_environment_then_flags(monkeypatch, tmp_path: Path):
    env_file = tmp_path / "node.env"
    env_file.write_text("KMGRAPH_PORT=9001\nKMGRAPH_ROW_CAP=500\nKMGRAPH_STORE=~/kmgraph-store\n", encoding="utf-8")
    monkeypatch.setenv("KMGRAPH_ENV_FILE", str(env_file))
    for name in ("KMGRAPH_PORT", "KMGRAPH_ROW_CAP", "KMGRAPH_STORE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.load()
    assert (settings.port, settings.row_cap, settings.store) == (9001, 500, Path.home() / "kmgraph-store")
    monkeypatch.setenv("KMGRAPH_ROW_CAP", "700")
    assert Settings.load().row_cap == 700  # the environment over .env
    assert Settings.load(row_cap=900, port=None).row_cap == 900 and Settings.load(port=None).port == 9001  # flags


def test_secrets_stay_out_of_reprs():
    settings = Settings.load(admin_token="s3cret-admin", sparql_password="s3cret-remote")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)
    with pytest.raises(ValidationError):  # frozen: one settings object is shared by the app and its workers
        settings.port = 1  # type: ignore[misc]
