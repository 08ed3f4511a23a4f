"""The fast path of `convert`: a CSV a whole column at a time, with the ordinary path's
results to the byte. The pipeline, module by module:

source_bytes, chunks  the file cut into pieces at line ends outside quotes
prepass               first pass, in workers: rows per piece, repeated run_ids, encoding, hash
cells                 a piece's fields read by pyarrow, when the csv module reads it alike
plan                  which columns vary from row to row (slots) and which make a row's kind
columns               a piece's columns, each read once, for the slots' column forms
                      (fieldmap.transforms) and the conditions
template              one row of each kind through the ordinary path, its JSON with holes;
                      its guards: what the schema and semantic rules ask of each hole
piece, output         a piece: kinds, templates, guards, odd rows the ordinary way, one text
pool, stream, memory  worker processes, writing in turn, glibc's freed memory kept
"""
