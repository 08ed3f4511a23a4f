"""The fast path of `convert`: a CSV a whole column at a time, with the ordinary path's
results to the byte. The pipeline, module by module:

source_bytes, chunks  the file cut into pieces at line ends outside quotes
prepass               first pass, in workers: rows per piece, repeated run_ids, encoding, hash
cells                 a piece's fields read by pyarrow, when the csv module reads it alike
plan                  which columns vary from row to row (slots) and which make a row's kind
numbers, moments      whole columns read as numbers and timestamps, written back as JSON
columns               every slot's value for every row of a piece
template, guards      one row of each kind through the ordinary path, its JSON with holes;
                      what the schema and semantic rules ask of each hole
piece, output         a piece: kinds, templates, guards, odd rows the ordinary way, one text
pool, stream, memory  worker processes, writing in turn, glibc's freed memory kept
"""
