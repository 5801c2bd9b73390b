"""The handbook as data: the schema of ``seed_manual.yaml``, its loader and its checks."""
