"""One field extractor per document type: Document → list[Claim]."""
