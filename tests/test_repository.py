"""Repository-level checks: manifests, packaging, Docker files, the test command."""

import ast
import configparser
import fnmatch
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["crm_ops", "crm_analytics", "crm_collab"]


def manifest(addon):
    return ast.literal_eval((ROOT / "addons" / addon / "__manifest__.py").read_text())


def requirement_names(path):
    names = set()
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(re.split(r"[<>=!~;\[ ]", line)[0].lower())
    return names


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_oca_form(addon):
    m = manifest(addon)
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", m["version"])
    assert m["license"] == "LGPL-3"
    assert m["author"]
    assert m["installable"] is True
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md"):
        assert (ROOT / "addons" / addon / "readme" / fragment).is_file(), fragment
    for data in m["data"]:
        assert (ROOT / "addons" / addon / data).is_file(), data


@pytest.mark.parametrize("addon", ADDONS)
def test_every_model_has_access_rights(addon):
    """Each new model (_name without being only an _inherit) has a line in ir.model.access.csv."""
    base = ROOT / "addons" / addon
    csv = (base / "security" / "ir.model.access.csv").read_text()
    declared = set()
    for py in base.rglob("*.py"):
        tree = ast.parse(py.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {
                t.id: ast.literal_eval(stmt.value)
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, (ast.Constant, ast.List, ast.Tuple))
                for t in stmt.targets
                if isinstance(t, ast.Name)
            }
            bases = {getattr(b, "attr", getattr(b, "id", "")) for b in node.bases}
            inherits = attrs.get("_inherit", [])
            inherits = [inherits] if isinstance(inherits, str) else list(inherits)
            if (
                "_name" in attrs
                and attrs["_name"] not in inherits  # an extension that repeats its _name
                and "AbstractModel" not in bases
                and attrs.get("_auto", True)
            ):
                declared.add(attrs["_name"])
    for model in declared:
        assert f"model_{model.replace('.', '_')}," in csv, f"{model} has no access rule"


def test_python_dependencies_are_installed_by_docker_and_tests():
    """Every external Python dependency of an addon is in requirements.txt or is crm-engine."""
    reqs = requirement_names("requirements.txt")
    for addon in ADDONS:
        for dep in manifest(addon).get("external_dependencies", {}).get("python", []):
            assert dep.lower() == "crm-engine" or dep.lower() in reqs, (addon, dep)
    engine = set()
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    engine = {
        re.split(r"[<>=!~]", d.strip().strip('",'))[0].lower()
        for d in block.splitlines()
        if d.strip()
    }
    assert engine <= reqs, engine - reqs


def test_engine_distribution_holds_every_module():
    """pip install of the repository ships every module of crm_engine, sub-packages included.

    setuptools' ``packages.find`` (pyproject.toml) keeps the folders that have an
    ``__init__.py`` and whose dotted name matches an ``include`` pattern: a folder of
    modules that fails either (say crm_engine/normalize/ without ``__init__.py``) would
    import from the checkout and be missing from the installed engine.
    """
    block = (ROOT / "pyproject.toml").read_text().split("[tool.setuptools.packages.find]", 1)[1]
    include = ast.literal_eval(re.search(r"include\s*=\s*(\[[^\]]*\])", block).group(1))
    folders = {py.parent for py in (ROOT / "crm_engine").rglob("*.py")}
    assert ROOT / "crm_engine" / "normalize" in folders
    for folder in folders:
        name = ".".join(folder.relative_to(ROOT).parts)
        assert (folder / "__init__.py").is_file(), f"{name} is not a package"
        assert any(fnmatch.fnmatchcase(name, pattern) for pattern in include), name


def test_oca_dependencies_are_listed():
    """Every OCA addon we depend on is installed from oca-addons.txt."""
    oca = {
        n.removeprefix("odoo-addon-").replace("-", "_") for n in requirement_names("oca-addons.txt")
    }
    needed = {"helpdesk_mgmt", "queue_job"}
    for addon in ADDONS:
        needed |= {d for d in manifest(addon)["depends"] if d.startswith(("helpdesk_", "queue_"))}
    assert needed <= oca, needed - oca


def test_dockerfile_installs_requirements_and_oca():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM odoo:19" in text
    assert "-r /tmp/crm-suite/requirements.txt" in text
    assert "--no-deps" in text and "oca-addons.txt" in text
    conf = (ROOT / "odoo.conf").read_text()
    assert "/opt/oca-addons/odoo/addons" in conf and "/mnt/extra-addons" in conf


def test_compose_file_structure():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    odoo = services["odoo"]
    assert odoo["build"] == "."
    assert "./addons:/mnt/extra-addons:ro" in odoo["volumes"]
    assert "./odoo.conf:/etc/odoo/odoo.conf:ro" in odoo["volumes"]
    assert odoo["depends_on"]["db"]["condition"] == "service_healthy"
    # the compose credentials are the ones odoo.conf uses
    conf = (ROOT / "odoo.conf").read_text()
    assert f"db_password = {services['db']['environment']['POSTGRES_PASSWORD']}" in conf


def _odoo_conf():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "odoo.conf")
    return parser["options"]


def _nginx_locations(text):
    """{location path: its directives} of an nginx server file (one level of nesting)."""
    text = re.sub(r"#[^\n]*", "", text)
    return {
        path.strip(): body for path, body in re.findall(r"location\s+([^{]+)\{([^{}]*)\}", text)
    }


def test_deployment_defaults_are_safe():
    """Issue #12.10: forwarded headers cannot be forged, no database manager, no master password."""
    conf = _odoo_conf()
    # Odoo's default master password is "admin": the key must be there, and empty
    assert "admin_passwd" in conf and conf["admin_passwd"].strip() == "", "admin_passwd default"
    assert conf.getboolean("list_db") is False
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    odoo = services["odoo"]
    if not conf.getboolean("proxy_mode", fallback=False):
        return  # Odoo ignores X-Forwarded-* altogether
    # proxy_mode trusts X-Forwarded-*: Odoo must only be reachable through a proxy that sets them
    assert not odoo.get("ports"), "odoo publishes a port: clients reach it without the proxy"
    assert odoo.get("network_mode") != "host"
    proxies = [
        svc
        for svc in services.values()
        if str(svc.get("image", "")).startswith("nginx") and svc.get("ports")
    ]
    assert len(proxies) == 1, "one published nginx service in front of odoo"
    mounts = [v.split(":") for v in proxies[0]["volumes"]]
    conf_files = [src for src, dst, *_ in mounts if dst.startswith("/etc/nginx/")]
    assert conf_files, "the proxy's configuration comes from the repository"
    text = (ROOT / conf_files[0]).read_text()
    locations = _nginx_locations(text)
    assert "/" in locations
    for path, body in locations.items():
        if "proxy_pass" not in body:
            continue
        headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+([^;]+);", body))
        # set from the connection: replaces what the client sent (never appended to it)
        assert headers.get("X-Forwarded-For") == "$remote_addr", path
        assert headers.get("X-Forwarded-Host") == "$host", path
        assert headers.get("X-Forwarded-Proto") == "$scheme", path
        assert "proxy_add_x_forwarded_for" not in body, path
        assert re.search(r"proxy_pass\s+http://(odoo|odoo_websocket)\s*;", body), path


def _compose_command():
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]
    return None


def test_compose_config_validates():
    cmd = _compose_command()
    if cmd is None:
        pytest.fail(
            "neither `docker compose` nor `docker-compose` is installed: "
            "apt-get install docker-compose (the .ci/run script does)"
        )
    proc = subprocess.run([*cmd, "config", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_readme_names_the_test_command_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "./test.sh" in readme
    assert "./test.sh" in (ROOT / ".ci" / "run").read_text()


def test_addons_load_without_the_repository():
    """The Docker image mounts addons/ alone: no addon imports or reads tools/ or examples/.

    Tests of those live in the test-only module of tests/odoo_addons, which the odoo part of
    the test command installs beside the addons.
    """
    outside = re.compile(
        r"^\s*(from|import)\s+datagen\b|[\"'](tools|examples)[\"']|parents\[[3-9]\]", re.M
    )
    for py in (ROOT / "addons").rglob("*.py"):
        assert not outside.search(py.read_text()), py
    module = ROOT / "tests" / "odoo_addons" / "crm_suite_repo_tests"
    repo_tests = ast.literal_eval((module / "__manifest__.py").read_text())
    assert repo_tests["installable"] is True
    assert set(repo_tests["depends"]) <= set(ADDONS)
    assert not (ROOT / "addons" / module.name).exists()
    for test in ("test_data_generator", "test_example_lead_client", "test_example_metrics_client"):
        assert f"from . import {test}\n" in (module / "tests" / "__init__.py").read_text(), test
    runner = (ROOT / "tools" / "run_tests.py").read_text()
    assert f'REPO_TEST_MODULES = ["{module.name}"]' in runner


def test_engine_imports_no_odoo():
    for py in (ROOT / "crm_engine").rglob("*.py"):
        tree = ast.parse(py.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "odoo" for a in node.names), py
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] != "odoo", py


def test_addon_readmes_are_generated_from_fragments():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_readme.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
