"""Engine, tables, migrations and the transaction helper."""
