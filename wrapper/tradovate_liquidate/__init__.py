"""A safe client for Tradovate's liquidateposition endpoint."""

__all__: list[str] = []
