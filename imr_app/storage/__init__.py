"""Storage: the encrypted draft file (SQLCipher through sqlite-utils), keys, locks, migrations."""
