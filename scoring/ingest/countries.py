"""Country and territory names to ISO 3166-1 alpha-3 codes.

Names are looked up first in an explicit alias table (names the converter gets wrong or does
not know: Freedom House spellings, historical states and the territories Freedom House scores),
then by exact match on pycountry's names, official names, common names and codes. There is no
fuzzy matching: "Niger" must never become "Nigeria". An unknown name is reported, never guessed.

:func:`resolve_countries` reads what a person types for a set of countries (codes and names,
comma- or space-separated) into codes, and names what it cannot read, with close spellings.

Territories without an ISO 3166-1 code get a code from the range ISO reserves for user
assignment (``X..``); :data:`USER_ASSIGNED` lists them so no one mistakes them for ISO codes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

__all__ = ["ALIASES", "USER_ASSIGNED", "to_iso3", "name_for", "suggest",
           "resolve_countries"]

#: Names pycountry does not resolve, or resolves to something else, keyed by normalised name.
ALIASES: dict[str, str] = {
    "gambia, the": "GMB",
    "the gambia": "GMB",
    "the netherlands": "NLD",
    "netherlands, the": "NLD",
    "brunei": "BRN",
    "cote d'ivoire": "CIV",
    "ivory coast": "CIV",
    "congo (brazzaville)": "COG",
    "republic of congo": "COG",
    "congo (kinshasa)": "COD",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "drc": "COD",
    "dr congo": "COD",
    "congo-kinshasa": "COD",
    "congo-brazzaville": "COG",
    "congo, dem. rep.": "COD",
    "congo, rep.": "COG",
    "micronesia": "FSM",
    "russia": "RUS",
    "turkey": "TUR",
    "turkiye": "TUR",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "st kitts and nevis": "KNA",
    "st lucia": "LCA",
    "st vincent and the grenadines": "VCT",
    "the bahamas": "BHS",
    "bahamas, the": "BHS",
    "the philippines": "PHL",
    "uae": "ARE",
    "south korea": "KOR",
    "korea, south": "KOR",
    "republic of korea": "KOR",
    "north korea": "PRK",
    "korea, north": "PRK",
    "dprk": "PRK",
    "laos": "LAO",
    "lao pdr": "LAO",
    "syria": "SYR",
    "iran": "IRN",
    "vietnam": "VNM",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "burma": "MMR",
    "china (prc)": "CHN",  # FOTN booklets 2012-2013
    "myanmar": "MMR",
    "czech republic": "CZE",
    "cape verde": "CPV",
    "cabo verde": "CPV",
    "east timor": "TLS",
    "timor-leste": "TLS",
    "united states": "USA",
    "united states of america": "USA",
    "usa": "USA",
    "u.s.": "USA",
    "u.s.a.": "USA",
    "united kingdom": "GBR",
    "uk": "GBR",
    "u.k.": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "bosnia": "BIH",
    "bosnia-herzegovina": "BIH",
    "bosnia and herzegovina": "BIH",
    "kyrgyzstan": "KGZ",
    "moldova": "MDA",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "palestine": "PSE",
    # Historical states (ISO 3166-3 codes: SCG withdrawn 2006, YUG 2003; FIW 2003 says
    # "Yugoslavia", FIW 2004-2006 "Serbia and Montenegro").
    "serbia and montenegro": "SCG",
    "yugoslavia": "YUG",
    # Territories Freedom House scores; ISO-coded where ISO has a code.
    "hong kong": "HKG",
    "puerto rico": "PRI",
    "western sahara": "ESH",
    "kosovo": "XKX",
    "abkhazia": "XAB",
    "chechnya": "XCE",
    "crimea": "XCR",
    "eastern donbas": "XDB",
    # FIW 2025 scores one entity where editions 2015-2024 scored Crimea (XCR) and, from 2020,
    # Eastern Donbas (XDB); it continues neither series, so it has a code of its own.
    "russian-occupied territories of ukraine": "XOU",
    "gaza strip": "XGZ",
    "indian kashmir": "XIK",
    "israeli occupied territories": "XIO",
    "israeli-occupied territories": "XIO",  # FIW 2003-2005 spelling
    "nagorno-karabakh": "XNK",
    "northern cyprus": "XNC",
    "pakistani kashmir": "XPK",
    "palestinian authority administered territories": "XPA",
    "palestinian authority-administered territories": "XPA",  # FIW 2003-2005 spelling
    "somaliland": "XSL",
    "south ossetia": "XSO",
    "tibet": "XTB",
    "transnistria": "XTR",
    "west bank": "XWB",
}

#: Codes in the user-assigned range, with the name each stands for. XKX for Kosovo is the
#: code the European Commission and the World Bank use; the others are this project's own.
USER_ASSIGNED: dict[str, str] = {
    "XKX": "Kosovo",
    "XAB": "Abkhazia",
    "XCE": "Chechnya",
    "XCR": "Crimea",
    "XDB": "Eastern Donbas",
    "XOU": "Russian-Occupied Territories of Ukraine",
    "XGZ": "Gaza Strip",
    "XIK": "Indian Kashmir",
    "XIO": "Israeli Occupied Territories",
    "XNK": "Nagorno-Karabakh",
    "XNC": "Northern Cyprus",
    "XPK": "Pakistani Kashmir",
    "XPA": "Palestinian Authority Administered Territories",
    "XSL": "Somaliland",
    "XSO": "South Ossetia",
    "XTB": "Tibet",
    "XTR": "Transnistria",
    "XWB": "West Bank",
}

_ISO3 = re.compile(r"^[A-Z]{3}$")


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("&", " and ")
    return re.sub(r"\s+", " ", text).strip().lower()


@cache
def to_iso3(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code for a country or territory name, or None if unknown.

    Accepts names and codes ("Kazakhstan", "kaz", "Gambia, The", "Côte d'Ivoire").

    Examples
    --------
    >>> to_iso3("Gambia, The")
    'GMB'
    >>> to_iso3("Niger"), to_iso3("Nigeria")
    ('NER', 'NGA')
    """
    if not isinstance(name, str) or not name.strip():
        return None
    key = _normalise(name)
    if key in ALIASES:
        return ALIASES[key]
    if key.upper() in USER_ASSIGNED:
        return key.upper()
    import pycountry  # heavy-ish: only when a name needs it

    try:
        return pycountry.countries.lookup(name.strip()).alpha_3
    except LookupError:
        pass
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        pass
    try:
        hist = pycountry.historic_countries.lookup(name.strip())
        return hist.alpha_3
    except LookupError:
        return None


@cache
def name_for(iso3: str) -> str | None:
    """A readable name for a code (common name where pycountry has one)."""
    if iso3 in USER_ASSIGNED:
        return USER_ASSIGNED[iso3]
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3) or pycountry.historic_countries.get(alpha_3=iso3)
    if c is None:
        return None
    return getattr(c, "common_name", None) or c.name


def suggest(name: str, n: int = 3) -> list[str]:
    """Close spellings of ``name`` among known names, one per country, to show a user, never
    to apply; for a word no name is close to, the shortest names that hold it ("Korea": North
    Korea, South Korea)."""
    import difflib

    import pycountry

    known = set(ALIASES) | {_normalise(c.name) for c in pycountry.countries}
    known |= {_normalise(getattr(c, "common_name", c.name)) for c in pycountry.countries}
    typed = _normalise(name)
    close = difflib.get_close_matches(typed, sorted(known), n=3 * n, cutoff=0.8)
    if not close and len(typed) >= 4:  # "Korea": the names that hold it as a word
        word = re.compile(rf"\b{re.escape(typed)}\b")
        close = sorted((k for k in known if word.search(k)), key=lambda k: (len(k), k))
    shown: dict[str, str] = {}
    for key in close:
        shown.setdefault(to_iso3(key), _display(key))
    return list(shown.values())[:n]


def _display(key: str) -> str:
    code = ALIASES.get(key)
    if code is None:
        import pycountry

        c = pycountry.countries.lookup(key)
        return getattr(c, "common_name", None) or c.name
    if not key.islower():
        return key
    # "st. vincent and the grenadines" -> "St. Vincent and the Grenadines", "D'" -> "d'"
    titled = re.sub(r"(?<=.)\b(And|The|Of)\b", lambda m: m.group(1).lower(), key.title())
    return titled.replace(" D'", " d'")


def resolve_countries(values) -> list[str]:
    """ISO3 codes for the countries a person typed, in the order given, each once.

    Each value is read whole as a name or code first ("South Korea", "Gambia, The",
    "Türkiye", "kaz"); else split on commas ("KAZ,RUS", "Korea, South, Kenya": a comma
    joining two parts of one name is kept); else, for a piece of several words, split on
    whitespace when every word is a name or code ("KAZ RUS"). Case, accents and curly quotes
    do not matter (:func:`to_iso3`); nothing is guessed.

    Raises
    ------
    ValueError
        Naming every value or word that is neither, with close spellings (:func:`suggest`)
        to check.

    Examples
    --------
    >>> resolve_countries(["Kazakhstan", "KAZ RUS", "South Korea,UK"])
    ['KAZ', 'RUS', 'KOR', 'GBR']
    """
    codes: list[str] = []
    unknown: list[str] = []
    for value in values:
        found, bad = _read_value(str(value))
        codes += found
        unknown += bad
    if unknown:
        raise ValueError("; ".join(unknown))
    return list(dict.fromkeys(codes))


#: Names a person may type for either of two countries: refused in ``--country`` rather than
#: read as the one a data file usually means by them.
TYPED_AMBIGUOUS = {"congo": ("COG", "Republic of the Congo (Brazzaville)",
                             "COD", "Democratic Republic of the Congo (Kinshasa)")}


def _ambiguous(text: str) -> str | None:
    both = TYPED_AMBIGUOUS.get(_normalise(text))
    if both is None:
        return None
    return (f"{text.strip()!r} is ambiguous: {both[1]} ({both[0]}) or {both[3]} ({both[2]}); "
            "give the code")


def _read_value(value: str) -> tuple[list[str], list[str]]:
    """Codes of one value, and what is wrong with the parts that are not names or codes."""
    if _ambiguous(value):
        return [], [_ambiguous(value)]
    whole = to_iso3(value)
    if whole:
        return [whole], []
    if not value.strip():
        return [], ["an empty country value"]
    pieces = [p.strip() for p in value.split(",")]
    codes, bad, i = [], [], 0
    while i < len(pieces):
        pair = to_iso3(", ".join(pieces[i:i + 2])) if i + 1 < len(pieces) else None
        if pair:  # "Gambia, The" inside a longer list
            codes.append(pair)
            i += 2
            continue
        if pieces[i]:
            found, wrong = _read_words(pieces[i])
            codes += found
            bad += wrong
        i += 1
    return codes, bad


def _read_words(piece: str) -> tuple[list[str], list[str]]:
    if _ambiguous(piece):
        return [], [_ambiguous(piece)]
    words = piece.split()
    found = [to_iso3(w) for w in words]
    if len(words) > 1 and all(found):
        return found, []
    if to_iso3(piece):
        return [to_iso3(piece)], []
    if len(words) > 1 and any(found) and not suggest(piece):
        # "KAZ Narnia": name the word at fault, not the whole value
        return [], [_unknown(w, piece) for w, c in zip(words, found) if not c]
    return [], [_unknown(piece)]


def _unknown(text: str, within: str | None = None) -> str:
    where = f" (in {within!r})" if within else ""
    close = [f"{name} ({to_iso3(name)})" for name in suggest(text)]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown country {text!r}{where}: not an ISO3 code or a name this package knows{hint}"
