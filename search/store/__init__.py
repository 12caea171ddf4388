"""Storage: the index folder, its metadata, and (for now in search/) Whoosh's files."""
