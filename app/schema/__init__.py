"""Typed definitions of the JSON files the app reads and writes (no Qt, no ORM).

Each module holds the msgspec Structs of one family of files; the writer builds
them and the reader decodes into them, so both agree on one definition.
"""
