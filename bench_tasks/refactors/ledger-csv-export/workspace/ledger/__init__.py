"""ledger: expense reports as text tables and CSV."""
