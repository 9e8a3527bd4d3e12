"""The static analysis behind each function's VOD actions: it follows helpers, refuses what it cannot see."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
from vodfc.emulator.project.vod_actions import AnalysisError, client_actions, hidden_calls, module_calls

CLIENT = """
class Transport:
    def call(self, action, params):
        return self.send(action, params)

    def send(self, action, params):
        return action


class Videos(Transport):
    def get_video(self, video_id):
        return self.call("GetVideoInfo", {"VideoId": video_id})

    def iter_videos(self):
        return self._walk(self.get_video)

    def _walk(self, fetch):
        return self.send(action="GetVideoList", params={})

    def delete(self, ids):
        return self.call("DeleteVideo", {"VideoIds": ids})


class Client(Videos):
    def delete(self, ids):  # overrides Videos.delete
        return self.call("DeleteMezzanines", {"VideoIds": ids})
"""


def _module(tmp_path: Path, name: str, source: str) -> object:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def actions(tmp_path: Path) -> dict[str, frozenset[str]]:
    return client_actions(_module(tmp_path, "probe_client", CLIENT).Client)  # type: ignore[attr-defined]


def _calls(tmp_path: Path, source: str, actions: dict[str, frozenset[str]]) -> tuple[str, ...]:
    path = tmp_path / "index.py"
    path.write_text(textwrap.dedent(source))
    return module_calls(path, actions).actions


def test_methods_reach_the_actions_of_their_helpers_and_overrides_win(
    actions: dict[str, frozenset[str]],
) -> None:
    assert actions["get_video"] == {"GetVideoInfo"}
    # a bound method passed along counts as reached, like a call
    assert actions["iter_videos"] == {"GetVideoInfo", "GetVideoList"}
    assert actions["delete"] == {"DeleteMezzanines"}
    assert "call" not in actions and "send" not in actions


def test_a_function_sends_what_its_client_calls_reach(tmp_path: Path, actions: dict) -> None:  # type: ignore[type-arg]
    source = """
        def handle(event, run):
            run.vod.iter_videos()
            _helper(run.vod.get_video("v"), vod=None)

        def operation(vod, args):
            vod.delete(args["ids"])
            vod.call("SearchMedia", {})
            _helper(vod)

        def _helper(vod, other=None):
            return other
    """
    assert _calls(tmp_path, source, actions) == (
        "DeleteMezzanines",
        "GetVideoInfo",
        "GetVideoList",
        "SearchMedia",
    )


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("def f(vod):\n    client = vod\n    client.delete([])\n", "used other than as vod.<method>"),
        ("def f(run):\n    c = run.vod\n", "used other than as vod.<method>"),
        ("def f(vod):\n    getattr(vod, 'delete')([])\n", "used other than as vod.<method>"),
        ("def f(vod):\n    g(vod)\n\ndef g(client):\n    client.delete([])\n", "used other than"),
        ("def f(vod, name):\n    vod.call(name, {})\n", "not a string literal"),
        ("def f(vod):\n    vod.no_such_method()\n", "has no method 'no_such_method'"),
        ("def f(client: 'VodClient'):\n    client.delete([])\n", "name the VodClient parameter `vod`"),
    ],
)
def test_uses_the_analysis_cannot_follow_are_refused_with_their_line(
    tmp_path: Path,
    actions: dict,  # type: ignore[type-arg]
    source: str,
    problem: str,
) -> None:
    with pytest.raises(AnalysisError) as caught:
        _calls(tmp_path, source, actions)
    assert problem in str(caught.value)
    assert f"{tmp_path / 'index.py'}:" in str(caught.value)


@pytest.mark.parametrize(
    ("method", "problem"),
    [
        ("def get(self, name):\n        return self.call(name, {})", "not a literal"),
        ("def get(self):\n        return helper(self)", "passes the client on"),
        ("def get(self):\n        send = self.send\n        return send('X', {})", "used without calling it"),
    ],
)
def test_client_methods_the_analysis_cannot_follow_are_refused(
    tmp_path: Path, method: str, problem: str
) -> None:
    source = CLIENT + "\n\nclass Bad(Client):\n    " + method + "\n"
    with pytest.raises(AnalysisError, match=problem):
        client_actions(_module(tmp_path, "probe_bad_client", source).Bad)  # type: ignore[attr-defined]


def test_vod_calls_outside_the_client_and_the_functions_are_reported(tmp_path: Path) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text('"""Docs may say vod.get_video_info(...)."""\n\ndef f(run):\n    return run.config\n')
    hidden = tmp_path / "hidden.py"
    hidden.write_text("def f(run):\n    return run.vod.delete([])\n")
    assert hidden_calls([clean]) == []
    (problem,) = hidden_calls([clean, hidden])
    assert problem.startswith(f"{hidden}:2:") and "outside functions/ and ops/" in problem
