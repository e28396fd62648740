"""The guide's example tool (docs/examples/visit_log) installs as a third party's would: a
non-editable install carries its templates, static files and migrations, the installation finds
it by its entry point, and ``trialoffice db upgrade`` creates its tables."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "visit_log"


def _trialoffice(target: Path, instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(target), "TRIALOFFICE_INSTANCE_PATH": str(instance),
           "TRIALOFFICE_SECRET_KEY": "example-install", "TRIALOFFICE_LOAD_PLUGINS": "visit_log"}
    env.pop("TRIALOFFICE_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "host.cli", *args], env=env, cwd=instance,
                          capture_output=True, text=True, timeout=120)


def test_a_non_editable_install_carries_the_tools_files_and_upgrades_the_database(tmp_path):
    target, instance, source = tmp_path / "site", tmp_path / "instance", tmp_path / "visit_log"
    instance.mkdir()
    # Built from a copy: a build leaves build/ and *.egg-info beside the sources, and an egg-info
    # on the suite's path would make every app of the session discover the example tool.
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                            "--target", str(target), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    package = target / "visit_log"
    for shipped in ("templates/visit_log/index.html", "templates/visit_log/_widget.html", "static/visit_log.css",
                    "migrations/versions/visit_log_0001_monitoring_visits.py"):
        assert (package / shipped).is_file(), f"{shipped} is missing from the installed package"

    listed = _trialoffice(target, instance, "plugins", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    tools = {row["key"]: row for row in json.loads(listed.stdout)}
    assert tools["visit_log"]["state"] == "available" and tools["visit_log"]["version"] == "1.0.0"

    upgraded = _trialoffice(target, instance, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    with sqlite3.connect(instance / "trialoffice.db") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(visit_log_visit)")}
    assert {"id", "org_id", "site", "visited_on", "kind", "findings", "logged_by_id"} <= columns
