"""OUT-2: the lexicon sentiment on real-looking feedback in English and Hindi."""

from __future__ import annotations

import pytest

from kraya.outreach.sentiment import NEGATIVE, NEUTRAL, POSITIVE, analyse

EXAMPLES = [
    # English
    ("The workshop was very helpful and registration was easy.", POSITIVE),
    ("Payment is delayed for three months, very disappointed.", NEGATIVE),
    ("The portal is not good on mobile.", NEGATIVE),
    ("Not bad, the catalogue upload works.", POSITIVE),
    ("No problem with the bid this time, thanks.", POSITIVE),
    ("The site isn't helpful when uploading documents.", NEGATIVE),
    ("Never received payment on time.", NEGATIVE),
    ("I attended the session in Lucknow on Tuesday.", NEUTRAL),
    ("Please share the training schedule for March.", NEUTRAL),
    ("Excellent support from the district team!", POSITIVE),
    ("The OTP fails every time and the page is stuck.", NEGATIVE),
    # Hindi
    ("कार्यशाला बहुत अच्छी थी, पंजीकरण आसान था।", POSITIVE),
    ("भुगतान में बहुत देरी हो रही है, हम परेशान हैं।", NEGATIVE),
    ("पोर्टल अच्छा नहीं है।", NEGATIVE),
    ("पंजीकरण आसान नहीं था।", NEGATIVE),
    ("भुगतान समय पर नहीं मिला।", NEGATIVE),
    ("कोई समस्या नहीं हुई, धन्यवाद।", POSITIVE),
    ("बोली की प्रक्रिया खराब नहीं है।", POSITIVE),
    ("मैं लखनऊ की बैठक में आया था।", NEUTRAL),
    ("प्रशिक्षण बहुत उपयोगी और सहायक रहा।", POSITIVE),
    ("वेबसाइट बेहद धीमी है और बार-बार त्रुटि आती है।", NEGATIVE),
    # mixed, as people write it
    ("GeM portal बहुत अच्छा है, but payment late है।", POSITIVE),
]


@pytest.mark.parametrize(("text", "label"), EXAMPLES)
def test_examples(text, label):
    assert analyse(text).label == label, (text, analyse(text))


def test_scores_are_bounded_and_signed():
    for text, label in EXAMPLES:
        score = analyse(text).score
        assert -1 <= score <= 1
        assert (score > 0) == (label == POSITIVE)
        assert (score < 0) == (label == NEGATIVE)


def test_intensifiers_strengthen_and_negation_flips():
    assert analyse("very good").score > analyse("good").score > 0
    assert analyse("बहुत अच्छा").score > analyse("अच्छा").score > 0
    assert analyse("not good").score < 0
    assert analyse("अच्छा नहीं").score < 0
    assert analyse("slightly slow").score > analyse("slow").score


def test_nukta_spellings_are_one_word():
    assert analyse("बढ़िया").score == analyse("बढिया").score > 0
    assert analyse("ज़्यादा देरी").score == analyse("ज्यादा देरी").score < 0


def test_empty_and_odd_input_is_neutral():
    for text in ("", "   ", "12345", "!!!", "n't"):
        assert analyse(text).label == NEUTRAL
