"""The domain core: plain Python, no Qt and no SQL."""
