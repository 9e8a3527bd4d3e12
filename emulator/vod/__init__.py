"""The VOD part of the emulator: the stateful backend (``models``), its actions (``actions``), the
dispatch table the gateway calls (``responses``), the demo library (``seed``) and VOD's error classes
(``exceptions``). Nothing here imports Flask; the transport lives in ``vodfc.emulator.gateway``."""
