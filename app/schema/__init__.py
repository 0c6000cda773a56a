"""One typed definition of every JSON file the app reads and writes (no Qt, no ORM).

Each module holds the msgspec ``Struct`` records of one family of files
(``portfolio.json`` in ``portfolio``, sign-off requests and responses in ``signoff``).
The writer builds the records and encodes them; every reader (``verify``, ``import
package``, review mode) decodes the very same records, so what one command accepts,
every command accepts. Limits are ``Meta`` constraints on the
fields; checks that span fields live in the module's ``check`` function; a failed
decode becomes one sentence through ``base.explain`` ("E003.date is not a date
(YYYY-MM-DD)"), which reads the constraint from the schema itself.

Why msgspec rather than pydantic: it decodes and validates straight from bytes in one
pass (several times faster than pydantic v2, and a bounded input gives bounded work),
has no dependencies of its own, is one small compiled module that PyInstaller freezes
without hooks, and expresses limits as ``Annotated[int, Meta(ge=1, le=1440)]``. We do
not need generated JSON Schema (the README documents the formats), pydantic's main
advantage.

Adding a field to a file (for example ``provenance`` on an item):

1. Add it to the record with a default, after the required fields::

       class ItemRecord(Record):
           ...
           provenance: Provenance | None = None

   Records are keyword-only, so a field with a default may go anywhere; ``Record``
   has ``omit_defaults=True``: a field still at its default is not written, so every
   portfolio that does not use it keeps byte-for-byte the same ``portfolio.json`` (and
   package), and files written before the field existed still decode.
2. Give it constraints (``Annotated[str, text(500)]``, ``whole(0, 100)``,
   ``one_of(VALUES)``, ``pattern(REGEX, "is not a ...")``) so a hostile file is refused
   with a sentence, and add any check across fields to ``check``. Where a user types
   the value, check it with the same constraint rather than a copy of the limit:
   ``checked(ItemRecord, "title", title, "The title")`` refuses in the same words
   ("The title is 600 characters (at most 500).").
3. Fill it in the writer (``app.services.portfolio_json.build_document``) and use it
   in the restorer (``restore_document``); say in the README what it holds.

A field whose absence must mean something other than its default needs a new format
version instead.
"""
