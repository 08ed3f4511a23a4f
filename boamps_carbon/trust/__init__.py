"""What makes reports trustworthy to others: uncertainty bands, rating, anonymisation, ledger."""
