"""The wheel, installed with the emulator extra into a fresh venv, works in a project of its own.

One slow test (about 30 s: a venv, the wheel's dependencies from the package index through pip, pinned by
constraints.txt) does what a user does:

* builds the wheel from a copy of the checkout (the repository is left untouched);
* installs ``vodfc[emulator]`` into a new venv, and checks that the wheel installs ``vodfc`` and nothing
  else at the top of site-packages;
* runs ``vodfc --version`` and ``vodfc emulator`` and answers a real core-SDK call over loopback;
* runs pytest in a scratch project that has its own top-level ``shared``, ``functions`` and ``emulator``
  packages: its tests import the project's modules by those names while ``mock_vod`` and the plugin's
  ``vod_mock`` fixture answer SDK calls;
* runs examples/tagging's suite (a project with its own template.yml and ``shared``, tested with the ``fc``
  fixture) from a copy outside the checkout, and ``vodfc validate`` there and in an empty folder (the
  installed command looks in the current folder, never in its package);
* installs the wheel without the extra into another venv: ``vodfc --version`` works, and a command or a
  fixture that needs the emulator says in one line what to install.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "vodfc", "emulator", "shared")

pytestmark = pytest.mark.slow

SDK_CALL = """
import json, sys
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest

client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
request = CommonRequest(domain=sys.argv[1], version="2017-03-21", action_name="SearchMedia")
request.add_query_param("SearchType", "video")
print(json.loads(client.do_action_with_exception(request))["Total"])
"""

PROJECT_FILES = {
    "shared/__init__.py": 'WHOSE = "the project\'s shared"\n',
    "functions/__init__.py": "",
    "functions/hello/__init__.py": "from shared import WHOSE\n\n\ndef handler() -> str:\n    return WHOSE\n",
    "emulator/__init__.py": 'WHOSE = "the project\'s emulator"\n',
    "tests/test_project.py": """
        import json
        from pathlib import Path

        import emulator
        import shared
        import vodfc.emulator
        import vodfc.shared
        from aliyunsdkcore.acs_exception.exceptions import ServerException
        from aliyunsdkcore.client import AcsClient
        from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
        from functions.hello import handler
        from vodfc.emulator.mock import mock_vod

        PROJECT = Path(__file__).resolve().parents[1]


        def get(video_id):
            request = GetVideoInfoRequest()
            request.set_VideoId(video_id)
            client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
            return json.loads(client.do_action_with_exception(request))


        def test_the_projects_packages_are_its_own():
            assert handler() == "the project's shared" and emulator.WHOSE == "the project's emulator"
            for own in (shared, emulator):
                assert Path(own.__file__).resolve().is_relative_to(PROJECT)
            for ours in (vodfc.shared, vodfc.emulator):
                assert "site-packages" in Path(ours.__file__).parts


        def test_mock_vod_answers_the_sdk():
            with mock_vod() as mock:
                backend = mock.backend()
                with backend.lock:
                    video = backend.create_video(title="in a user's project")
                assert get(video.video_id)["Video"]["Title"] == "in a user's project"


        def test_the_plugins_fixture(vod_mock):
            try:
                get("none")
            except ServerException as error:
                assert error.get_error_code() == "InvalidVideo.NotFound"
            else:
                raise AssertionError("GetVideoInfo of a missing video succeeded")
    """,
}


def run(*argv: str | Path, cwd: Path | None = None, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(arg) for arg in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=_env()
    )
    assert done.returncode == 0, f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _env() -> dict[str, str]:
    # Nothing of this checkout's venv may leak in: no PYTHONPATH, no VIRTUAL_ENV, no vodfc variables.
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("VODFC_")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", root / "dist", source)
    (built,) = (root / "dist").glob("vodfc-*.whl")
    return built


def fresh_venv(root: Path, *requirements: str) -> Path:
    """A new venv at ``root`` with ``requirements`` installed (pinned by the lock); its bin folder.

    The venv gets no pip of its own (ensurepip costs seconds): this checkout's pip installs into it."""
    venv.EnvBuilder(with_pip=False).create(root)
    bin_dir = root / "bin"
    pip = (sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--progress-bar", "off")
    run(*pip, "--disable-pip-version-check", "--constraint", REPO / "constraints.txt", *requirements)
    return bin_dir


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and its emulator extra (and pytest, for the plugin); its bin folder."""
    return fresh_venv(tmp_path_factory.mktemp("full") / "venv", f"{wheel}[emulator]", "pytest")


def test_the_wheel_installs_one_top_level_package(installed: Path) -> None:
    listing = run(sys.executable, "-m", "pip", "--python", installed / "python", "show", "--files", "vodfc")
    files = [line.strip() for line in listing.split("Files:", 1)[1].splitlines() if line.strip()]
    tops = {Path(name).parts[0] for name in files if not name.startswith("..")}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"vodfc"}
    assert any(name.endswith("bin/vodfc") for name in files)


def test_the_command_and_a_real_sdk_call(installed: Path) -> None:
    import vodfc

    assert run(installed / "vodfc", "--version").strip() == f"vodfc {vodfc.__version__}"
    server = subprocess.Popen(
        [installed / "vodfc", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("vodfc emulator listening on http://127.0.0.1:"), first + server.stderr.read()
        endpoint = first.split("http://", 1)[1].split()[0]
        assert int(run(installed / "python", "-c", SDK_CALL, endpoint, timeout=60)) > 0  # the demo library
        dashboard = next(line for line in server.stdout if line.startswith("Dashboard:")).split()[1]
        check_dashboard(dashboard)
    finally:
        server.terminate()
        server.wait(timeout=30)


def check_dashboard(url: str) -> None:
    """The dashboard's pages come from the templates and static files the wheel carries."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        signed_in = connection.getresponse()
        signed_in.read()
        assert signed_in.status == 303, signed_in.status
        cookie = signed_in.getheader("Set-Cookie", "").split(";", 1)[0]
        for path, expected in (("/_vodfc/", b"<h1>Library</h1>"), ("/_vodfc/ui/static/dashboard.js", b"")):
            connection.request("GET", path, headers={"Cookie": cookie})
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status == 200 and expected in body, (path, answer.status, body[:300])
    finally:
        connection.close()


def test_a_project_with_its_own_shared_functions_and_emulator(installed: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name, text in PROJECT_FILES.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    # `python -m pytest` puts the project's folder first on sys.path, as a user running their suite
    # gets it: `shared`, `functions` and `emulator` are the project's, whatever vodfc installed.
    out = run(installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=project)
    assert "3 passed" in out, out


def test_the_example_project_and_the_descriptor_lookup(installed: Path, tmp_path: Path) -> None:
    project = tmp_path / "tagging"
    shutil.copytree(REPO / "examples" / "tagging", project, ignore=shutil.ignore_patterns("__pycache__"))
    out = run(installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert "15 passed" in out, out
    assert "OK (1 service(s), 2 function(s), 2 trigger(s))" in run(
        installed / "vodfc", "validate", cwd=project
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = subprocess.run(
        [installed / "vodfc", "up", "--port", "0"], cwd=empty, capture_output=True, text=True, env=_env()
    )
    assert refused.returncode == 1
    assert refused.stderr == f"vodfc up: no template.yml or s.yaml in {empty} (give --descriptor FILE)\n"


def test_without_the_extra(wheel: Path, tmp_path: Path) -> None:
    bare = fresh_venv(tmp_path / "venv", str(wheel), "pytest")
    import vodfc

    assert run(bare / "vodfc", "--version").strip() == f"vodfc {vodfc.__version__}"
    refused = subprocess.run([bare / "vodfc", "emulator"], capture_output=True, text=True, env=_env())
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        'vodfc emulator: the vodfc emulator needs its extra (pip install "vodfc[emulator]"): '
        "no module named 'flask'"
    ]
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_fixture.py").write_text("def test_it(vod_mock):\n    pass\n")
    done = subprocess.run(
        [bare / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert done.returncode == 1 and "1 error" in done.stdout, done.stdout
    assert 'needs its extra (pip install "vodfc[emulator]")' in done.stdout
    assert "Traceback" not in done.stdout
