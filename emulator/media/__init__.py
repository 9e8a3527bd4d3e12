"""Real media facts for the emulator: probing uploads, cover snapshots, tiny synthetic files.

* ``probe(source) -> MediaInfo`` (raises ``NotMedia``), ``is_media(source)``;
* ``snapshot_jpeg(source, at=seconds)`` — a real decoded frame as JPEG bytes;
* ``vodfc.emulator.media.vodformat`` — the probe in GetMezzanineInfo's shapes;
* ``vodfc.emulator.media.synth`` — ``make_video`` / ``make_audio`` / ``make_image`` for tests and demos.

Everything runs on PyAV (FFmpeg's libraries); there is no per-app state: selecting the ``media``
component (``vodfc.emulator.build``) says that the emulator may use it. Ingest needs it; without it
the lifecycle assumes what it would have probed and takes empty snapshots.
"""

from __future__ import annotations

from vodfc.emulator.media.probe import AudioStream, MediaInfo, NotMedia, VideoStream, is_media, probe
from vodfc.emulator.media.snapshot import snapshot_jpeg

__all__ = [
    "AudioStream",
    "MediaInfo",
    "NotMedia",
    "VideoStream",
    "is_media",
    "probe",
    "snapshot_jpeg",
]
