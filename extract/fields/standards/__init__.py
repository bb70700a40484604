"""Standard evidence in its real forms, one module each: the standard's own cover page and
前言 (cover, foreword), the rows of a multi-standard notice (listing), and which family of
notice a document is (family: the YAML under extract/families/standard_notice/)."""
