"""Pure rules over plain data: no database, no clock, no files."""
