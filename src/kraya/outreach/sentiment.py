"""Sentiment of feedback text in English and Hindi (OUT-2): a small lexicon
approach, pure Python, no Django, no downloads.

Why a lexicon: the established libraries either handle English only (VADER,
TextBlob's pattern analyser) or need model files fetched at run time
(transformer models, Stanza, polyglot), which a one-laptop install and CI
cannot rely on. Portal feedback is short and about a handful of things
(payment, delivery, registration, training), so small word lists tuned to
that vocabulary do well, and every decision can be explained and tested.

How it scores:

- the text is lower-cased, Unicode-normalised (NFC, and the nukta dropped so
  "ज़्यादा" and "ज्यादा" are one word) and split into words;
- each word (or two-word phrase) of the lexicon adds its weight (+ positive,
  − negative);
- an intensifier just before it ("very", "बहुत", "बेहद") multiplies the
  weight by 1.5; a diminisher ("slightly", "थोड़ा") by 0.5;
- negation flips and damps the weight (× −0.75, as VADER does): in English
  the negator comes *before* the word within three words ("not good",
  "never on time", "isn't helpful"); in Hindi it usually comes *after* it
  within two words ("अच्छा नहीं", "आसान नहीं था"), and "न"/"मत"/"बिना" before it;
- the sum is squashed into −1…1 (x / √(x² + 15), VADER's normalisation) and
  labelled POSITIVE at ≥ 0.05, NEGATIVE at ≤ −0.05, NEUTRAL between.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

POSITIVE = "POSITIVE"
NEUTRAL = "NEUTRAL"
NEGATIVE = "NEGATIVE"

THRESHOLD = 0.05
_ALPHA = 15.0
_NEGATION_FACTOR = -0.75
_INTENSIFY = 1.5
_DIMINISH = 0.5

ENGLISH: dict[str, float] = {
    # positive
    "good": 2.0,
    "great": 3.0,
    "excellent": 3.2,
    "easy": 2.0,
    "helpful": 2.0,
    "useful": 1.8,
    "fast": 1.5,
    "quick": 1.5,
    "quickly": 1.5,
    "smooth": 1.8,
    "simple": 1.2,
    "clear": 1.2,
    "transparent": 1.5,
    "satisfied": 2.0,
    "happy": 2.2,
    "thanks": 1.5,
    "thank": 1.5,
    "grateful": 2.0,
    "love": 2.5,
    "best": 3.0,
    "nice": 1.8,
    "wonderful": 3.0,
    "timely": 1.8,
    "resolved": 1.5,
    "fair": 1.2,
    "improved": 1.5,
    "appreciate": 2.0,
    "works": 1.0,
    "on time": 1.8,
    # negative
    "bad": -2.5,
    "poor": -2.2,
    "terrible": -3.2,
    "worst": -3.2,
    "slow": -1.8,
    "difficult": -1.8,
    "hard": -1.2,
    "confusing": -2.0,
    "delay": -2.0,
    "delayed": -2.0,
    "late": -1.5,
    "problem": -1.8,
    "problems": -1.8,
    "issue": -1.2,
    "issues": -1.2,
    "error": -1.8,
    "errors": -1.8,
    "fail": -2.0,
    "failed": -2.0,
    "fails": -2.0,
    "broken": -2.2,
    "pending": -1.2,
    "stuck": -2.0,
    "unhappy": -2.2,
    "complaint": -1.8,
    "useless": -2.5,
    "corruption": -3.0,
    "harassment": -3.0,
    "rejected": -1.5,
    "crash": -2.2,
    "crashes": -2.2,
    "unpaid": -2.2,
    "frustrating": -2.5,
    "disappointed": -2.2,
    "unfair": -2.2,
    "expensive": -1.2,
    "waste": -2.0,
    "not paid": -2.2,
}

HINDI: dict[str, float] = {
    # positive
    "अच्छा": 2.0,
    "अच्छी": 2.0,
    "अच्छे": 2.0,
    "बढ़िया": 2.8,
    "उत्तम": 3.0,
    "शानदार": 3.0,
    "आसान": 2.0,
    "सरल": 1.5,
    "उपयोगी": 1.8,
    "सहायक": 2.0,
    "मददगार": 2.0,
    "तेज": 1.5,
    "जल्दी": 1.2,
    "संतुष्ट": 2.0,
    "खुश": 2.2,
    "धन्यवाद": 1.5,
    "शुक्रिया": 1.5,
    "पारदर्शी": 1.5,
    "सुविधाजनक": 2.0,
    "समय पर": 1.8,
    "लाभदायक": 2.0,
    "सफल": 1.8,
    "सराहनीय": 2.5,
    "बेहतर": 1.8,
    # negative
    "खराब": -2.5,
    "बुरा": -2.5,
    "बुरी": -2.5,
    "बेकार": -2.5,
    "धीमा": -1.8,
    "धीमी": -1.8,
    "मुश्किल": -1.8,
    "कठिन": -1.8,
    "देरी": -2.0,
    "देर": -1.5,
    "परेशानी": -2.2,
    "परेशान": -2.2,
    "समस्या": -1.8,
    "दिक्कत": -1.8,
    "शिकायत": -1.8,
    "असंतुष्ट": -2.2,
    "निराश": -2.2,
    "भ्रष्टाचार": -3.0,
    "गलत": -1.8,
    "त्रुटि": -1.8,
    "अटका": -2.0,
    "अटकी": -2.0,
    "लंबित": -1.2,
    "बकाया": -1.2,
    "उलझन": -1.8,
    "महंगा": -1.2,
    "नाराज": -2.2,
}

INTENSIFIERS = frozenset(
    {
        "very",
        "really",
        "extremely",
        "too",
        "so",
        "highly",
        "quite",
        "totally",
        "very much",
        "बहुत",
        "काफी",
        "बेहद",
        "अत्यंत",
        "अत्यधिक",
        "ज्यादा",
        "बिल्कुल",
        "सबसे",
    }
)
DIMINISHERS = frozenset({"slightly", "somewhat", "bit", "little", "थोड़ा", "थोड़ी", "कुछ"})
# Negators that come before the word they negate (English, and Hindi न/मत/बिना).
NEGATORS_BEFORE = frozenset(
    {"not", "no", "never", "nothing", "without", "hardly", "cannot", "nor", "न", "मत", "बिना", "ना"}
)
# Hindi negates after the word: "अच्छा नहीं", "आसान नहीं था".
NEGATORS_AFTER = frozenset({"नहीं", "नही", "ना", "न"})

_WORD_RE = re.compile(r"[^\s.,!?;:।॥()\[\]\"“”/|-]+")
_NUKTA = "\u093c"


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float  # −1 … 1


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower()).replace(_NUKTA, "")
    return unicodedata.normalize("NFC", text)


def _tokens(text: str) -> list[str]:
    words: list[str] = []
    for found in _WORD_RE.findall(_normalise(text).replace("’", "'").replace("‘", "'")):
        raw = found.strip("'")
        if not raw:
            continue
        if raw.endswith("n't") and raw != "n't":
            # "isn't" → "is", "not"; "can't" → "ca", "not" (the stem is harmless).
            words.extend([raw[:-3], "not"])
        elif raw == "n't":
            words.append("not")
        else:
            words.append(raw)
    return words


_LEXICON = {_normalise(k): v for k, v in {**ENGLISH, **HINDI}.items()}
_INTENSIFIERS = {_normalise(w) for w in INTENSIFIERS}
_DIMINISHERS = {_normalise(w) for w in DIMINISHERS}
_NEGATORS_BEFORE = {_normalise(w) for w in NEGATORS_BEFORE}
_NEGATORS_AFTER = {_normalise(w) for w in NEGATORS_AFTER}


def _negated(words: list[str], start: int, end: int) -> bool:
    before = words[max(0, start - 3) : start]
    after = words[end : end + 2]
    return any(w in _NEGATORS_BEFORE for w in before) or any(w in _NEGATORS_AFTER for w in after)


def _weight(words: list[str], start: int, end: int, base: float) -> float:
    weight = base
    previous = words[start - 1] if start > 0 else ""
    if previous in _INTENSIFIERS:
        weight *= _INTENSIFY
    elif previous in _DIMINISHERS:
        weight *= _DIMINISH
    if _negated(words, start, end):
        weight *= _NEGATION_FACTOR
    return weight


def analyse(text: str) -> Sentiment:
    """The sentiment of `text` (English, Hindi or a mix of both)."""
    words = _tokens(text)
    total = 0.0
    index = 0
    while index < len(words):
        pair = f"{words[index]} {words[index + 1]}" if index + 1 < len(words) else ""
        if pair in _LEXICON:
            total += _weight(words, index, index + 2, _LEXICON[pair])
            index += 2
            continue
        base = _LEXICON.get(words[index])
        if base is not None:
            total += _weight(words, index, index + 1, base)
        index += 1
    score = round(total / math.sqrt(total * total + _ALPHA), 3) if total else 0.0
    if score >= THRESHOLD:
        return Sentiment(POSITIVE, score)
    if score <= -THRESHOLD:
        return Sentiment(NEGATIVE, score)
    return Sentiment(NEUTRAL, score)
