"""Services over the core and storage: checks, export, import."""
