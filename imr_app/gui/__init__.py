"""The Qt GUI; it talks to storage and services, never to SQL."""
