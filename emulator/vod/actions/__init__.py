"""VOD actions, one module per resource (videos, media files and streams, images, attached media,
categories).

Each module exposes ``ACTIONS``; ``vodfc.emulator.vod.action_table`` merges them into ``CORE_ACTIONS``.
``common`` has the parameter parsing and field checks the actions share (other components' actions,
such as the upload ones, use them too so every action answers bad input with the same codes).
"""
