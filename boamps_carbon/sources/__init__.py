"""Readers for every kind of input: BoAmps report files now, CodeCarbon CSVs later."""
