"""The embedded snapshot of real market data: what goes in, where it came from, how it is built.

selection (what the reports need), origins (MANIFEST.csv/SOURCES.md of the csv folder), layout
(the parquet files), manifest (what the files hold), build (csv folder -> data/snapshot/) and
export (data/snapshot/ -> csv folder). The reading side is data/sources/snapshot.py.
"""
