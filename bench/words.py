"""Words the page and search benchmarks write titles and descriptions from, so a search matches a
realistic share of the photos: a title's subject is in about 1 photo in 30, a description word in
about 1 in 5 (12 words drawn from 54)."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SUBJECTS = _words(
    "boat harbour lighthouse cliff beach forest river lake mountain bridge tower street market cat dog "
    "horse bird owl heron fox deer train tram station castle church garden meadow field road city"
)
MOODS = _words("misty golden quiet stormy bright early late winter summer autumn spring evening morning")
WORDS = (*SUBJECTS, *MOODS, *_words("light shadow fog rain snow sun clouds water stone wood"))
