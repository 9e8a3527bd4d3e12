"""The VOD part of the emulator: the stateful backend (``models``), its actions (``actions``), the
action table the gateway dispatches through (``action_table``), the demo library (``seed``) and
VOD's error classes (``exceptions``). Nothing here imports Flask; the transport lives in
``vodfc.emulator.gateway``."""
