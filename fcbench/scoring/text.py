"""Reading numbers, dates, times and short phrases out of free text (response_generation).

The rules, in one place (tasks/README.md repeats them in short):

* **Numbers** may be written ``1234.5``, ``1,234.5``, ``1 234.5`` (no-break
  space), ``1234.50``, ``1.2345e3``, ``-3`` / ``−3``, with a scale word
  (``1.2 million``), a currency (``$12``, ``12 EUR``) or a unit (``12 km``,
  ``21.5 °C``, ``12 %``). A number glued to other letters (``C107``, ``5th``,
  ``4x``) is not a number. A decimal comma (``21,5``) is not read as one.
  A gold fact that is a whole number 0..20 is also stated by its English word
  (``three members``, ``Twelve``; not ``twenty-one`` or ``no``, nor ``one`` as a
  pronoun: ``no one``, ``the one``); words are never judged as unsupported claims.
* The **shown precision** of a number is its number of decimals (negative
  with a scale word: ``1.2 million`` shows 10^5). Two numbers *agree* when they
  differ by at most half a unit of the coarser shown precision (plus 1e-9
  relative for float noise): 21.46 and 21.5 agree, 21.46 and 21.4 do not.
* A **percentage** also stands for its fraction: ``12 %`` agrees with 0.12.
* **Units** are mapped to a canonical name (``°C``/``C``/``celsius`` ->
  celsius, ``km``/``kilometres`` -> km, ``$``/``USD``/``dollars`` -> USD...).
  A unit only matters when both sides state one: then they must be equal
  (a bare ``degrees`` fits celsius and fahrenheit).
* **Dates**: ISO (2026-03-14, 2026/03/14, with an optional time), written
  (March 14, 2026 / Mar 14th 2026 / 14 March 2026 / the 14th of March), and
  numeric with the year last (14/03/2026, 03/14/2026, 14.03.2026). A slashed
  date with both parts <= 12 is ambiguous and stands for both readings. A
  written date without a year (March 14) stands for that day of any year.
* **Times**: 09:30, 9:30 am, 9 pm -> (hour, minute) on a 24-hour clock.
* **Text** is compared after case folding, accent stripping and turning every
  run of punctuation/whitespace into one space, as whole words.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fcbench.records import record

# ------------------------------------------------------------------ units
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "celsius": ("°C", "° C", "ºC", "℃", "degrees celsius", "degree celsius", "degrees centigrade",
                "deg c", "degrees c", "celsius", "centigrade", "C"),
    "fahrenheit": ("°F", "° F", "ºF", "℉", "degrees fahrenheit", "degree fahrenheit", "deg f",
                   "degrees f", "fahrenheit", "F"),
    "degree": ("°", "º", "degrees", "degree", "deg"),
    "percent": ("%", "percent", "per cent", "pct"),
    "km/h": ("km/h", "kmh", "kph", "kilometres per hour", "kilometers per hour"),
    "mph": ("mph", "miles per hour"),
    "m/s": ("m/s", "metres per second", "meters per second"),
    "km": ("km", "kilometre", "kilometres", "kilometer", "kilometers"),
    "m": ("m", "metre", "metres", "meter", "meters"),
    "cm": ("cm", "centimetre", "centimetres", "centimeter", "centimeters"),
    "mm": ("mm", "millimetre", "millimetres", "millimeter", "millimeters"),
    "mi": ("mi", "mile", "miles"),
    "kg": ("kg", "kilogram", "kilograms", "kilo", "kilos"),
    "g": ("g", "gram", "grams"),
    "lb": ("lb", "lbs"),
    "l": ("l", "L", "litre", "litres", "liter", "liters"),
    "ml": ("ml", "millilitre", "millilitres", "milliliter", "milliliters"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "min": ("min", "mins", "minute", "minutes"),
    "s": ("sec", "secs", "second", "seconds"),
    "day": ("day", "days"),
    "hPa": ("hPa", "hectopascal", "hectopascals", "mbar", "millibar", "millibars"),
    "kWh": ("kWh", "kilowatt hour", "kilowatt hours", "kilowatt-hours"),
    "USD": ("USD", "US$", "$", "dollar", "dollars"),
    "EUR": ("EUR", "€", "euro", "euros"),
    "GBP": ("GBP", "£", "pound sterling", "pounds sterling"),
    "JPY": ("JPY", "¥", "yen"),
    "CHF": ("CHF", "Swiss francs"),
    "CAD": ("CAD", "C$"),
    "AUD": ("AUD", "A$"),
}
GENERIC_UNITS = {"degree": {"celsius", "fahrenheit", "degree"}}


def _case_sensitive(alias: str) -> bool:
    """Aliases of two letters or fewer (C, F, m, km) must match case; longer ones need not."""
    return len(alias) <= 2 and alias.isalpha()


def _alias_pattern(case_sensitive: bool) -> re.Pattern[str]:
    pairs = [(a, u) for u, aliases in UNIT_ALIASES.items() for a in aliases
             if _case_sensitive(a) == case_sensitive]
    pairs.sort(key=lambda p: -len(p[0]))
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a, _ in pairs)
    return re.compile(rf"[ \u00a0\u202f]?(?P<unit>{body})(?![A-Za-z])",
                      0 if case_sensitive else re.IGNORECASE)


_UNIT_LONG = _alias_pattern(False)
_UNIT_SHORT = _alias_pattern(True)
_EXACT_ALIAS = {a: u for u, aliases in UNIT_ALIASES.items() for a in aliases}
_FOLDED_ALIAS = {a.casefold(): u for u, aliases in UNIT_ALIASES.items() for a in aliases
                 if not _case_sensitive(a)}


def unit_of(alias: str) -> str | None:
    """Canonical unit of an alias (short ones by exact case, longer ones in any case), else None."""
    alias = re.sub(r"\s+", " ", alias.strip())
    return _EXACT_ALIAS.get(alias) or _FOLDED_ALIAS.get(alias.casefold())


def units_agree(a: str | None, b: str | None) -> bool:
    """A missing unit never contradicts; a generic one (degrees) fits its family."""
    if a is None or b is None or a == b:
        return True
    return b in GENERIC_UNITS.get(a, ()) or a in GENERIC_UNITS.get(b, ())


# ---------------------------------------------------------------- numbers
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-\u2212]?)"
    r"(?P<int>\d{1,3}(?:(?:,|[\u00a0\u202f])\d{3})+(?!\d)|\d+)"
    r"(?:\.(?P<frac>\d+))?(?:[eE](?P<exp>[-+]?\d{1,3}))?")
_SCALE = re.compile(r"\s+(?P<word>thousand|million|billion|trillion)\b", re.IGNORECASE)
_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_CURRENCY_BEFORE = re.compile(r"(?:(?<![A-Za-z])(?P<code>USD|EUR|GBP|JPY|CHF|CAD|AUD)|"
                              r"(?P<sym>US\$|C\$|A\$|\$|€|£|¥))[ \u00a0]?$")


@record
class Number:
    """A number mention. `decimals` is the shown precision (negative when scaled)."""

    value: float
    decimals: int
    sig_digits: int
    unit: str | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    bare: bool = True  # written without sign, decimals, exponent, scale or unit

    def candidates(self) -> list[tuple[float, int]]:
        """(value, decimals) readings: a percentage also reads as its fraction."""
        out = [(self.value, self.decimals)]
        if self.unit == "percent":
            out.append((self.value / 100, self.decimals + 2))
        return out

    @property
    def small_count(self) -> bool:
        """A bare integer 0..10: a count or list position, not a claim worth checking."""
        return self.bare and self.decimals == 0 and 0 <= self.value <= 10


def _unit_after(text: str, pos: int) -> tuple[str | None, int]:
    best: tuple[str | None, int] = (None, pos)
    for pattern in (_UNIT_LONG, _UNIT_SHORT):
        m = pattern.match(text, pos)
        if m and m.end() > best[1]:
            best = (unit_of(m.group("unit")), m.end())
    return best


def find_numbers(text: str) -> list[Number]:
    """Every number mention in `text`, in order (see the module rules)."""
    out: list[Number] = []
    for m in _NUMBER.finditer(text):
        int_digits = re.sub(r"\D", "", m.group("int"))
        frac = m.group("frac") or ""
        exp = int(m.group("exp") or 0)
        end = m.end()
        scale = 0
        s = _SCALE.match(text, end)
        if s:
            scale, end = _SCALES[s.group("word").lower()], s.end()
        unit, unit_end = _unit_after(text, end)
        if unit is None and end < len(text) and text[end].isalpha():
            continue  # glued to a word: 5th, 4x, 10am
        end = unit_end
        before = _CURRENCY_BEFORE.search(text[max(0, m.start() - 6):m.start()])
        start = m.start()
        if before and unit is None:
            unit = unit_of(before.group("code") or before.group("sym"))
            start -= len(before.group(0))
        try:
            sign = "-" if m.group("sign") else ""
            value = float(f"{sign}{int_digits}.{frac or 0}e{exp + scale}")
        except (ValueError, OverflowError):
            continue
        if not math.isfinite(value):
            continue
        digits = (int_digits + frac).lstrip("0")
        decimals = max(-300, min(300, len(frac) - exp - scale))  # keeps 10**-decimals finite
        out.append(Number(value, decimals, max(1, len(digits)), unit, text[start:end],
                          start, end,
                          bare=not (m.group("sign") or frac or m.group("exp") or scale or unit)))
    return out


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                 "eighteen", "nineteen", "twenty")
_NUMBER_WORD = re.compile(r"(?<![\w-])(?P<word>" + "|".join(_NUMBER_WORDS) + r")(?![\w-])", re.IGNORECASE)


#: "one" as a pronoun states no count: "no one", "the one", "which one", "one another"
#: ("one of them" does: one member of the three)
_PRONOUN_ONE = re.compile(r"\b(?:no|any|some|every|each|the|this|that|which)\s+(one)\b"
                          r"|\b(one)(?=\s+another\b)", re.IGNORECASE)


def stated_in_words(fact: Number, text: str) -> bool:
    """A whole-number fact 0..20 written as its English word (``three``), units agreeing.
    "one" used as a pronoun ("no one", "the one") states no count."""
    if fact.decimals != 0 or not 0 <= fact.value <= len(_NUMBER_WORDS) - 1:
        return False
    pronouns = {m.start(1) if m.group(1) else m.start(2) for m in _PRONOUN_ONE.finditer(text)}
    for m in _NUMBER_WORD.finditer(text):
        if m.start() in pronouns:
            continue
        if _NUMBER_WORDS.index(m.group("word").lower()) == fact.value:
            unit, _ = _unit_after(text, m.end())
            if units_agree(unit, fact.unit):
                return True
    return False


def number_from_value(value: Any) -> Number | None:
    """A gold value (JSON number or string such as "12 %" or "$45.20") as a Number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        text = repr(value) if isinstance(value, float) else str(value)
    except ValueError:  # an int too long to print
        return None
    found = find_numbers(text)
    return found[0] if found else None


def agree(a: tuple[float, int], b: tuple[float, int], decimals: int | None = None) -> bool:
    """Equal up to half a unit of `decimals` (default: the coarser of the two shown precisions)."""
    step = min(a[1], b[1]) if decimals is None else decimals
    tolerance = 0.5 * 10.0 ** (-step) + 1e-9 * max(1.0, abs(a[0]), abs(b[0]))
    return abs(a[0] - b[0]) <= tolerance


def number_matches_fact(mention: Number, fact: Number) -> bool:
    """A reply number states a gold fact: agree at the coarser precision, units agree, and
    the reply is not much coarser than the fact: it keeps at most one decimal fewer
    (21.46 -> 21.5 but not 21) or at least 3 significant digits (4.52 million)."""
    if not units_agree(mention.unit, fact.unit):
        return False
    for m_val in mention.candidates():
        for f_val in fact.candidates():
            coarse_ok = m_val[1] >= f_val[1] - 1 or mention.sig_digits >= 3
            if coarse_ok and agree(m_val, f_val):
                return True
    return False


# ------------------------------------------------------------ dates, times
MONTHS = {name: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"),
    re.compile(rf"\b{_MON}\s+(?:the\s+)?{_DAY}\b{_YEAR}(?!\d)", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON}{_YEAR}(?!\d)", re.IGNORECASE),
]
_TIME = re.compile(r"(?<![\d:.])(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
                   r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?(?![\d:])", re.IGNORECASE)

Day = tuple[int | None, int, int]  # (year or None, month, day)


@record
class DateMention:
    readings: frozenset[Day]
    start: int
    end: int


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        date(year if year is not None else 2000, month, day)
    except ValueError:
        return False
    return True


def _readings(m: re.Match[str]) -> set[Day]:
    g = m.groupdict()
    year = int(g["year"]) if g.get("year") else None
    if g.get("mon"):
        if g["mon"][0].islower() and (len(g["mon"]) <= 4 or g["mon"] == "may"):
            return set()  # "the 3 may change", "5 mar": a capital is required for these
        pairs = [(MONTHS[g["mon"].lower()], int(g["day"]))]
    elif g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        pairs = [(b, a)] if g["sep"] == "." else [(b, a), (a, b)]  # D.M.Y; D/M/Y or M/D/Y
    else:
        pairs = [(int(g["month"]), int(g["day"]))]
    return {(year, mo, d) for mo, d in pairs if _valid(year, mo, d)}


def find_dates(text: str) -> list[DateMention]:
    """Date mentions, non-overlapping, leftmost-longest first."""
    found = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            readings = _readings(m)
            if readings:
                found.append(DateMention(frozenset(readings), m.start(), m.end()))
    return _non_overlapping(found)


def find_times(text: str) -> list[tuple[tuple[int, int], int, int]]:
    """((hour, minute), start, end) for 09:30, 9:30 pm, 9 pm (a bare 9 is not a time)."""
    out = []
    for m in _TIME.finditer(text):
        if m.group("m") is None and m.group("ampm") is None:
            continue
        hour, minute = int(m.group("h")), int(m.group("m") or 0)
        ampm = (m.group("ampm") or "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ampm == "p" else 0)
        if hour < 24 and minute < 60:
            out.append(((hour, minute), m.start(), m.end()))
    return out


def _non_overlapping(items: list[DateMention]) -> list[DateMention]:
    items.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateMention] = []
    for d in items:
        if not out or d.start >= out[-1].end:
            out.append(d)
    return out


def _same_day(a: Day, b: Day) -> bool:
    return a[1:] == b[1:] and (a[0] is None or b[0] is None or a[0] == b[0])


def same_day(fact: Day, mention: DateMention) -> bool:
    """A mention stands for the fact's day (a mention without a year fits any year)."""
    return any(_same_day(fact, r) for r in mention.readings)


# ------------------------------------------------------------------ text
def normalize_text(text: str) -> str:
    """Case-folded, accent-free, punctuation and whitespace runs turned into one space."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def contains_phrase(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack` as whole words, after `normalize_text` on both."""
    n = normalize_text(needle)
    return bool(n) and f" {n} " in f" {normalize_text(haystack)} "


def mentions_unit(text: str, unit: str) -> bool:
    """Some alias of canonical `unit` occurs in `text` as a word."""
    for alias in UNIT_ALIASES.get(unit, ()):
        flags = 0 if _case_sensitive(alias) else re.IGNORECASE
        body = re.escape(alias).replace(r"\ ", r"\s+")
        if re.search(rf"(?<![A-Za-z]){body}(?![A-Za-z])", text, flags):
            return True
    return False


# ------------------------------------------------------------------ facts
def fact_found(fact: dict[str, Any], reply: str) -> bool:
    """Is one gold fact ``{"value": ..., "kind": "number"|"date"|"text"}`` stated in `reply`?

    A number or date fact that cannot be read as one falls back to a text match.
    """
    value, kind = fact.get("value"), fact.get("kind", "text")
    reply = reply or ""
    if kind == "number":
        target = number_from_value(value)
        if target is not None:
            return (any(number_matches_fact(m, target) for m in find_numbers(reply))
                    or stated_in_words(target, reply))
    elif kind == "date":
        days = [r for d in find_dates(str(value)) for r in d.readings if r[0] is not None]
        if days:
            times = [t for t, _, _ in find_times(str(value))]
            if not any(same_day(days[0], d) for d in find_dates(reply)):
                return False
            return not times or times[0] in {t for t, _, _ in find_times(reply)}
    text = str(value)
    unit = unit_of(text)
    if unit is not None:
        return mentions_unit(reply, unit)
    return contains_phrase(reply, text)


# ------------------------------------------------------------ support
@dataclass
class Support:
    """Numbers, days and times that the conversation (request + tool outputs) states."""

    numbers: list[tuple[float, int]]
    days: list[DateMention]
    times: set[tuple[int, int]]

    @classmethod
    def from_sources(cls, sources: Iterable[Any]) -> Support:
        support = cls([], [], set())
        for source in sources:
            support._add(source)
        return support

    def _add(self, value: Any) -> None:
        if isinstance(value, str):
            parsed = _maybe_json(value)
            if parsed is not None:
                self._add(parsed)
                return
            self._add_text(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                self._add_text(str(k))
                self._add(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self._add(v)
        elif not isinstance(value, bool) and value is not None:
            n = number_from_value(value)
            if n is not None:
                self.numbers.extend(n.candidates())

    def _add_text(self, text: str) -> None:
        for n in find_numbers(text):
            self.numbers.extend(n.candidates())
        # digits glued to letters (ids like C107, BK-2041) still support a reply number
        for m in re.finditer(r"\d+(?:\.\d+)?", text):
            value = float(m.group(0))
            if math.isfinite(value):  # an endless digit run must not "support" everything
                self.numbers.append((value, len(m.group(0).partition(".")[2])))
        self.days.extend(find_dates(text))
        self.times.update(t for t, _, _ in find_times(text))

    def supports_number(self, n: Number) -> bool:
        """The reply's number agrees, at the precision the reply shows, with a source number."""
        return any(agree(c, s, decimals=c[1]) for c in n.candidates() for s in self.numbers)

    def supports_date(self, d: DateMention) -> bool:
        return any(_same_day(r, sr) for s in self.days for sr in s.readings for r in d.readings)


def _maybe_json(text: str) -> Any:
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


def unsupported_claims(reply: str, support: Support) -> list[str]:
    """Numbers, dates and times in `reply` that no source states (small counts 0..10 ignored).

    Dates and times are read first and blanked out, so the digits of a
    date are not also judged as numbers.
    """
    reply = reply or ""
    out: list[str] = []
    blanked = list(reply)
    for d in find_dates(reply):
        if not support.supports_date(d):
            out.append(reply[d.start:d.end])
        blanked[d.start:d.end] = " " * (d.end - d.start)
    text = "".join(blanked)
    for t, start, end in find_times(text):
        if t not in support.times:
            out.append(reply[start:end])
        blanked[start:end] = " " * (end - start)
    for n in find_numbers("".join(blanked)):
        if not n.small_count and not support.supports_number(n):
            out.append(n.text.strip())
    return out
