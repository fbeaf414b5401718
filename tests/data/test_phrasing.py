"""How a reference phrase reads once it replaces a slot of a request template."""

from __future__ import annotations

import pytest

from fcbench.data.generator.phrasing import parse_template, render

CASES = [
    # (template, literal values, reference phrases, expected request, reason)
    ("Show the details and reviews summary for item {product_id}.", {},
     {"product_id": "the product from the first step"},
     "Show the details and reviews summary for the product from the first step.",
     "the noun before the slot ('item') goes: the phrase names the thing itself"),
    ("Convert {value} {from_unit} to {to_unit}.", {"from_unit": "meters", "to_unit": "centimeters"},
     {"value": "the value from the first step"},
     "Convert the value from the first step (in meters) to centimeters.",
     "a unit slot right after a reference becomes '(in UNIT)'"),
    ('Email {email} with the subject "{subject}".', {"subject": "Hi"},
     {"email": "the email address from the first step"},
     'Email the email address from the first step with the subject "Hi".',
     "a sentence-opening word that is the verb stays"),
    ("Check on order confirmation {trade_id}.", {}, {"trade_id": "the trade from the first step"},
     "Check on the trade from the first step.",
     "several nouns before the slot go"),
    ("Book hotel {hotel_id} from {check_in} for {nights} nights under {guest}.",
     {"hotel_id": "HT1", "check_in": "2026-03-01", "guest": "Ana"},
     {"nights": "the same number of nights as in step 1"},
     "Book hotel HT1 from 2026-03-01 for the same number of nights as in step 1 under Ana.",
     "a count word written after the reference is not repeated"),
]


@pytest.mark.parametrize("template,values,references,expected,reason", CASES, ids=[c[4] for c in CASES])
def test_reference_phrases_read_naturally(template, values, references, expected, reason):
    rendering = render(parse_template(template), values, references)
    assert rendering.text == expected, reason
    assert set(references) <= set(rendering.mentioned), "the referenced parameter counts as mentioned"
