"""The case lifecycle declared as data (lifecycle.py) and the one Machine built from it (machine.py)."""
