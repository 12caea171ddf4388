"""The write path: scan the archive folder, diff it against the index, write what changed."""
