"""Pure normalisers: OCR text in, typed values out (None when the text holds no valid value)."""
from extract.normalise.codes import (
    StandardCode,
    credit_code_valid,
    find_credit_codes,
    find_invoice_codes,
    find_invoice_numbers,
    find_standard_code_spans,
    find_tax_ids,
    find_standard_codes,
    invoice_generation,
    normalise_credit_code,
    normalise_invoice_code,
    normalise_invoice_number,
    normalise_tax_id,
    parse_standard_code,
    standard_level,
)
from extract.normalise.dates import find_dates, parse_date
from extract.normalise.money import find_money, format_yuan, parse_money, parse_money_words, to_words
from extract.normalise.text import clean, fix_ocr_digits, to_halfwidth

__all__ = [
    "StandardCode",
    "clean",
    "credit_code_valid",
    "find_credit_codes",
    "find_dates",
    "find_invoice_codes",
    "find_invoice_numbers",
    "find_money",
    "find_standard_code_spans",
    "find_standard_codes",
    "find_tax_ids",
    "fix_ocr_digits",
    "format_yuan",
    "invoice_generation",
    "normalise_credit_code",
    "normalise_invoice_code",
    "normalise_invoice_number",
    "normalise_tax_id",
    "parse_date",
    "parse_money",
    "parse_money_words",
    "parse_standard_code",
    "standard_level",
    "to_halfwidth",
    "to_words",
]
