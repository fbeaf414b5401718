"""fcbench.scoring.text: reading numbers, dates, units and phrases out of replies."""

from __future__ import annotations

import pytest

from fcbench.scoring.text import (
    Support,
    fact_found,
    find_dates,
    find_numbers,
    find_times,
    normalize_text,
    unsupported_claims,
)


def num(value):
    return {"value": value, "kind": "number"}


def day(value):
    return {"value": value, "kind": "date"}


def txt(value):
    return {"value": value, "kind": "text"}


# (fact, reply, expected found?, reason)
FACT_CASES = [
    # numbers
    (num(1234.5), "It has 1,234.5 units.", True, "thousands separator"),
    (num(1234.5), "It has 1234.50 units.", True, "trailing zero is the same number"),
    (num(1234.5), "It has 1.2345e3 units.", True, "scientific notation"),
    (num(1234.5), "It has 1\u00a0234.5 units.", True, "no-break space as thousands separator"),
    (num(1234.5), "It has 1,243.5 units.", False, "transposed digits are another number"),
    (num(21.46), "About 21.5 degrees.", True, "one decimal coarser, correctly rounded"),
    (num(21.46), "About 21 degrees.", False, "two decimals coarser is too coarse"),
    (num(21.46), "About 21.4 degrees.", False, "wrongly rounded"),
    (num(21.5), "It is 21.46 now.", True, "more precise than the fact, agrees at the fact's precision"),
    (num(18.0), "It is 18 degrees.", True, "18.0 and 18 are the same value"),
    (num(4521000), "About 4.52 million people.", True, "scale word, 3 significant digits"),
    (num(4521000), "About 4.5 million people.", False, "scale word, only 2 significant digits"),
    (num(0.12), "The chance is 12 %.", True, "percentage stands for its fraction"),
    (num("12 %"), "The chance is 12 percent.", True, "percent spelled out"),
    (num("12 %"), "The chance is 0.12.", True, "fraction for a percentage fact"),
    (num(45.2), "It costs $45.20.", True, "currency symbol before the number"),
    (num("$45.20"), "It costs 45.20 USD.", True, "currency code after the number"),
    (num("$45.20"), "It costs 45.20 EUR.", False, "other currency contradicts the fact"),
    (num(-3), "Low of \u22123 \u00b0C.", True, "unicode minus sign"),
    (num(-3), "Between 1-3 days.", False, "a range hyphen is not a minus sign"),
    (num(107), "City C107 is large.", False, "digits glued to letters are an id, not a number"),
    # units
    (num("21.5 \u00b0C"), "It is 21.5 degrees Celsius.", True, "unit spelled out"),
    (num("21.5 \u00b0C"), "It is 21.5C.", True, "bare C glued to the number"),
    (num("21.5 \u00b0C"), "It is 21.5 celsius.", True, "celsius without degrees"),
    (num("21.5 \u00b0C"), "It is 21.5 degrees.", True, "generic degrees fits celsius"),
    (num("21.5 \u00b0C"), "It is 21.5 \u00b0F.", False, "fahrenheit contradicts celsius"),
    (num("12 km"), "It is 12 kilometres away.", True, "km spelled out"),
    (num("12 km"), "It is 12 miles away.", False, "miles contradict km"),
    (txt("celsius"), "All values are in \u00b0C.", True, "a unit as a text fact matches any alias"),
    # dates
    (day("2026-03-14"), "Your flight is on 2026-03-14.", True, "ISO"),
    (day("2026-03-14"), "Your flight is on March 14, 2026.", True, "month day, year"),
    (day("2026-03-14"), "Your flight is on 14 March 2026.", True, "day month year"),
    (day("2026-03-14"), "Your flight is on the 14th of March.", True, "written, no year"),
    (day("2026-03-14"), "Your flight is on Mar. 14th 2026.", True, "abbreviated month, ordinal"),
    (day("2026-03-14"), "Your flight is on 14/03/2026.", True, "day first, unambiguous"),
    (day("2026-03-04"), "Your flight is on 03/04/2026.", True, "ambiguous slash date: either reading"),
    (day("2026-03-14"), "Your flight is on March 14, 2025.", False, "wrong year"),
    (day("2026-03-14"), "Your flight is on March 15.", False, "wrong day"),
    (day("2026-03-14T09:30:00"), "On March 14, 2026 at 9:30 am.", True, "date-time with a 12-hour time"),
    (day("2026-03-14T21:30"), "On 2026-03-14 at 9:30 am.", False, "time of a date-time fact is wrong"),
    # text
    (txt("Cape Town"), "It is sunny in CAPE-TOWN today.", True, "case and punctuation"),
    (txt("Bogotá"), "Bogota is cloudy.", True, "accents are folded"),
    (txt("rain"), "Expect some rainfall.", False, "whole words only"),
    (txt("sunny"), "", False, "empty reply states nothing"),
    (num("not a number"), "It is not a number.", True, "unreadable number fact falls back to text"),
]


@pytest.mark.parametrize("fact,reply,expected,reason", FACT_CASES, ids=[c[3] for c in FACT_CASES])
def test_fact_found(fact, reply, expected, reason):
    assert fact_found(fact, reply) is expected, reason


SOURCES = [
    "What is the weather in Lisbon on 2026-03-14, and how far is Porto?",
    ('{"city": "Lisbon", "temp_c": 21.46, "humidity": 63, "population": 4521000, '
     '"rain_chance": 0.12, "sunrise": "06:42", "booking": "BK-2041"}'),
    {"distance_km": 313.2},
]

# (reply, expected unsupported claims, reason)
SUPPORT_CASES = [
    ("It is 21.5 \u00b0C with 63 % humidity.", [], "rounded and exact values from the output"),
    ("It is 21 \u00b0C in Lisbon.", [], "coarser rounding is not an invented number"),
    ("It is 22.1 \u00b0C in Lisbon.", ["22.1 \u00b0C"], "a temperature the output does not hold"),
    ("It is 21.46 \u00b0C (70.6 \u00b0F).", ["70.6 \u00b0F"], "a conversion the outputs do not state"),
    ("Rain chance 12 %, sunrise at 6:42 am.", [], "percentage of a fraction; time in another form"),
    ("Sunrise at 7:15.", ["7:15"], "a time the outputs do not hold"),
    ("About 4.52 million people live there.", [], "scaled population"),
    ("On March 14 it will be sunny.", [], "the request's date, written form without year"),
    ("On March 15 it will be sunny.", ["March 15"], "a date nobody mentioned"),
    ("Porto is 313 km away; booking BK-2041.", [], "rounded distance, id digits"),
    ("Here are 3 things: 1. sunny 2. warm", [], "small counts and list numbers are ignored"),
    ("It will be 25 degrees.", ["25 degrees"], "an invented number above the small-count limit"),
    ("", [], "empty reply claims nothing"),
]


@pytest.mark.parametrize("reply,expected,reason", SUPPORT_CASES, ids=[c[2] for c in SUPPORT_CASES])
def test_unsupported_claims(reply, expected, reason):
    assert unsupported_claims(reply, Support.from_sources(SOURCES)) == expected, reason


def test_number_reading_details():
    numbers = find_numbers("1,234.5 kg, 1.2 million, -3\u00b0C, 5th, 10am, 12%")
    assert [(n.value, n.decimals, n.unit) for n in numbers] == [
        (1234.5, 1, "kg"), (1.2e6, -5, None), (-3.0, 0, "celsius"), (12.0, 0, "percent")]


def test_dates_and_times_are_read():
    dates = find_dates("On 14.03.2026, then 2026-04-01T10:00, then the 3 may change")
    assert [sorted(d.readings) for d in dates] == [[(2026, 3, 14)], [(2026, 4, 1)]]
    assert [t for t, _, _ in find_times("at 9 pm, 09:05 and 12 am; not 25:00")] == [(21, 0), (9, 5), (0, 0)]


def test_normalize_text():
    assert normalize_text("  Café — New_York!! ") == "cafe new york"
