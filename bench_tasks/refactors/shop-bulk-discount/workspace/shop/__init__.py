"""shop: price orders against a catalog and print receipts."""
