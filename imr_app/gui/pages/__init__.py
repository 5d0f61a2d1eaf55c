"""One page per section of the IMR (and one per terms-of-reference question)."""
