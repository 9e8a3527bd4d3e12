"""Which descriptor runs when none is named: the current folder's template.yml, else its s.yaml, never one of
vodfc's own (installed, vodfc is no project); with neither, one line saying what was looked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from vodfc.emulator.app import create_app
from vodfc.emulator.cli import main
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.fc import descriptor, get_fc

from tests.emulator.fc.support import write_project


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, with no descriptor and no VODFC_TEMPLATE."""
    monkeypatch.delenv("VODFC_TEMPLATE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_template_yml_first_then_s_yaml(empty: Path) -> None:
    (empty / "s.yaml").write_text("edition: 3.0.0\n")
    assert descriptor.default_path() == empty / "s.yaml"
    assert descriptor.find(empty) == empty / "s.yaml"
    (empty / "template.yml").write_text("ROSTemplateFormatVersion: '2015-09-01'\n")
    assert descriptor.default_path() == empty / "template.yml"
    assert descriptor.project_descriptors() == [empty / "template.yml", empty / "s.yaml"]


def test_vodfc_template_names_the_descriptor_wherever_one_is(
    empty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VODFC_TEMPLATE", "/elsewhere/template.yml")
    assert descriptor.default_path() == Path("/elsewhere/template.yml")


def test_no_descriptor_here_is_an_error_naming_what_was_looked_for(empty: Path) -> None:
    with pytest.raises(descriptor.DescriptorNotFound) as caught:
        descriptor.default_path()
    assert str(caught.value) == f"no template.yml or s.yaml in {empty}"
    assert descriptor.find() is None and descriptor.project_descriptors() == []


@pytest.mark.parametrize(
    ("argv", "status"),
    [(["up", "--port", "0"], 1), (["invoke", "Probe"], 1), (["timer", "Probe"], 1), (["validate"], 2)],
)
def test_the_commands_say_in_one_line_that_there_is_no_descriptor_here(
    empty: Path, capsys: pytest.CaptureFixture[str], argv: list[str], status: int
) -> None:
    assert main(argv) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"vodfc {argv[0]}: no template.yml or s.yaml in {empty} (give --descriptor FILE)\n"


def test_the_commands_run_the_current_folders_descriptor(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(empty)
    assert main(["validate", "--no-import"]) == 0
    assert f"{empty / 'template.yml'}: OK (1 service(s), 7 function(s)" in capsys.readouterr().out
    assert main(["invoke", "Probe", "--no-seed", "-d", '{"here": true}']) == 0
    assert '"here": true' in capsys.readouterr().out


def test_an_emulator_started_where_no_project_is_serves_no_functions(empty: Path) -> None:
    app = create_app(EmulatorConfig(components=("fc",)))
    component = get_fc(app)
    try:
        assert component.runtime.functions() == [] and component.template_path is None
    finally:
        component.close()
