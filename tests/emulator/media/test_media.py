"""The media component probes real bytes: files made here with PyAV, never fixtures."""

from __future__ import annotations

import io

import pytest
from vodfc.emulator.media import NotMedia, is_media, probe, snapshot_jpeg, vodformat
from vodfc.emulator.media.synth import make_audio, make_image, make_video


@pytest.fixture(scope="module")
def clip() -> bytes:
    return make_video(width=320, height=240, seconds=1.0, fps=25, audio=True)


def test_probe_reads_the_real_facts_of_a_video(clip: bytes) -> None:
    info = probe(clip)
    assert info.format_name.startswith("mov,mp4")
    assert info.size == len(clip)
    assert 0.95 <= info.duration <= 1.1
    assert (info.width, info.height) == (320, 240)
    assert info.fps == pytest.approx(25.0)
    assert info.bitrate > 0
    [video] = info.video_streams
    [audio] = info.audio_streams
    assert (video.codec_name, video.codec_tag, video.pix_fmt) == ("h264", "avc1", "yuv420p")
    assert video.num_frames == 25
    assert (audio.codec_name, audio.sample_rate, audio.channels, audio.channel_layout) == (
        "aac",
        44100,
        1,
        "mono",
    )
    assert not info.is_audio


def test_probe_accepts_paths_and_file_objects(tmp_path, clip: bytes) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(clip)
    assert probe(path).duration == probe(str(path)).duration == probe(io.BytesIO(clip)).duration


def test_audio_only_file_is_audio() -> None:
    info = probe(make_audio(seconds=0.5))
    assert info.is_audio and info.width == 0 and info.video_streams == []
    assert 0.45 <= info.duration <= 0.6


@pytest.mark.parametrize("data", [b"", b"hello world, not a video\n" * 40, bytes(range(256)) * 8])
def test_non_media_is_detected(data: bytes) -> None:
    assert not is_media(data)
    with pytest.raises(NotMedia):
        probe(data)


def test_truncated_file_is_not_media(clip: bytes) -> None:
    # The moov atom is at the end of a non-faststart MP4: the head alone is unreadable.
    assert not is_media(clip[: len(clip) // 3])


@pytest.mark.parametrize("size", [(64, 48), (16, 16), (33, 17)])
def test_images_probe_with_their_size(size: tuple[int, int]) -> None:
    for fmt in ("png", "jpeg"):
        info = probe(make_image(*size, fmt=fmt))
        assert (info.width, info.height) == size


def test_snapshot_is_a_real_jpeg_of_a_frame(clip: bytes) -> None:
    jpeg = snapshot_jpeg(clip, at=0.5)
    assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9"
    assert (probe(jpeg).width, probe(jpeg).height) == (320, 240)
    small = snapshot_jpeg(clip, at=10.0, width=160)  # past the end: the last frame
    assert (probe(small).width, probe(small).height) == (160, 120)


def test_snapshot_of_audio_or_junk_is_not_media() -> None:
    with pytest.raises(NotMedia):
        snapshot_jpeg(make_audio(0.3))
    with pytest.raises(NotMedia):
        snapshot_jpeg(b"junk" * 100)


def test_vod_shapes_are_strings_where_the_models_say_so(clip: bytes) -> None:
    facts = vodformat.mezzanine_facts(probe(clip))
    assert facts["Width"] == 320 and facts["Height"] == 240 and facts["Size"] == len(clip)
    assert isinstance(facts["Duration"], str) and 0.95 <= float(facts["Duration"]) <= 1.1
    assert facts["Fps"] == "25.0"
    [video] = facts["VideoStreamList"]
    assert all(isinstance(v, str) for v in video.values())
    assert video["CodecTag"] == "0x31637661" and video["Width"] == "320" and video["NumFrames"] == "25"
    [audio] = facts["AudioStreamList"]
    assert audio["SampleRate"] == "44100" and audio["ChannelLayout"] == "mono"
    assert vodformat.seconds(12.0) == "12.0" and vodformat.kbps(127255) == "127.255"
