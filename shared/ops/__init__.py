"""VodClient's operations, one module per resource; each is a mixin over ``shared.transport.VodTransport``."""
