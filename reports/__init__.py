"""Managers' reports (DESIGN.md §7): SQL aggregate queries over rounds and cases, and their faces.

queries.py holds the SQL; build.py assembles one report from it; html/pdf/xlsx/csv render that one
report, so every face shows the same figures. archive.py stores the month-end report.
"""
