"""How guessable a signing key is: pure functions of the key, no I/O.

A key is judged by what it could have been drawn from, not by the characters it happens to
use. Its alphabet is the smallest common one that holds every character (hex, base32, letters
and digits, base64url, base64, printable ASCII); at least 32 bytes of any of them can hold 128
random bits or more (32 hex characters hold 128, 43 base64url characters 258), and a key from
any common recipe is as random as its alphabet and length allow, whatever characters it
happens to repeat.

What an alphabet cannot show is a key a person typed: repeated characters, a few short pieces
repeated, runs such as `abcdef` or `123456`, common words. `pattern_bits` is the length of the
shortest description of the key in a code made of exactly those pieces: a character costs
`1 + log2(alphabet size)` bits, and a repeat of earlier text, a run or a listed word costs a few
bits more than one character, however long it is. The code can be decoded, so of the keys of
any one length fewer than 2**99 (2**96 for each of the eight alphabets) have a description
under 96 bits: a uniformly random key of 128 bits gets one with a probability under 2**-29,
while a typed pattern gets one far shorter.
A key at least half made of listed words is refused too, as a phrase an attacker tries early:
half of a random 32-character hex key is listed words with a probability under 1e-10 (under
1e-13 for base64).
"""

import math
from dataclasses import dataclass

# RFC 7518 (3.2): an HS256 key is at least as long as the hash, 256 bits.
MIN_KEY_BYTES = 32
# A key with a description in the pattern code shorter than this is predictable.
MIN_PATTERN_BITS = 96.0
# A key whose characters are at least this share words from COMMON_WORDS is a phrase.
MAX_WORD_SHARE = 0.5
# Only the start of a very long key is read for patterns (the search is quadratic); a key
# whose first ANALYSED_CHARS are random is not weakened by what follows.
ANALYSED_CHARS = 256

# Keys that have been published: the one earlier releases fell back to in development, and
# the example in FastAPI's JWT tutorial ("don't use the one in the example"), which is copied
# into many deployments.
LEGACY_DEV_KEY = "dev-only-jwt-secret-do-not-use-in-production"
PUBLISHED_KEYS = frozenset(
    {
        LEGACY_DEV_KEY,
        "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
    }
)

_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()


@dataclass(frozen=True)
class Alphabet:
    name: str
    chars: frozenset[str]
    # Trailing "=" padding (up to this many) carries no randomness and is not counted.
    padding: int = 0

    @property
    def bits_per_char(self) -> float:
        return math.log2(len(self.chars))


# Smallest first: a key is judged by the first that holds all of it. Digits alone count as
# hex, which they could have been drawn from (a random hex key is all digits once in three
# million); digits typed by hand are caught as patterns.
ALPHABETS = (
    Alphabet("hex digits", frozenset(_DIGITS + "abcdef")),
    Alphabet("hex digits", frozenset(_DIGITS + "ABCDEF")),
    Alphabet("base32", frozenset(_UPPER + "234567"), padding=6),
    Alphabet("letters and digits", frozenset(_LOWER + _UPPER + _DIGITS)),
    Alphabet("base64url", frozenset(_LOWER + _UPPER + _DIGITS + "-_")),
    Alphabet("base64", frozenset(_LOWER + _UPPER + _DIGITS + "+/"), padding=2),
)
PRINTABLE = Alphabet("printable ASCII", frozenset(chr(c) for c in range(32, 127)))
# Anything else is judged as UTF-8 bytes, 8 bits each.
BYTES = Alphabet("bytes", frozenset(chr(c) for c in range(256)))


def alphabet_of(key: str) -> tuple[Alphabet, str]:
    """The smallest common alphabet the key could have been drawn from, and the part of the
    key that carries randomness (without base64 or base32 padding)."""
    unpadded = key.rstrip("=")
    used = set(unpadded)
    padding = len(key) - len(unpadded)
    for alphabet in ALPHABETS:
        if used <= alphabet.chars and padding <= alphabet.padding:
            return alphabet, unpadded
    if set(key) <= PRINTABLE.chars:
        return PRINTABLE, key
    return BYTES, key


# Common English words and the words people put in keys they type. Lowercase, three letters
# or more; a word counts in lowercase, UPPERCASE or Capitalized.
_WORD_TEXT = """
    the and for are but not you all any can had her was one our out day get has him his how
    man new now old see two way who boy did its let put say she too use that with have this
    will your from they know want been good much some time very when come here just like long
    make many more only over such take than them well were what about after again also back
    because before being below between both call came could does down each even every first
    found give going great group hand help high home house into keep kind last left life
    little look made most must name need never next number off often open other own part
    people place point right same school seem should show side small something sound still
    story study their there these thing think three through together under until upon used
    water where which while work world would write year years young above across along always
    among another answer around away become began begin best better big body book bring build
    car carry case change children city close country cut different does done door draw
    during early earth eat end enough example eye face fact family far father feel few field
    find fire follow food form four free friend full game girl got grow hard head hear heard
    hold horse idea important inside land large late learn leave light line list live mean
    men might mile miss money morning mother move music near night nothing notice often once
    order page paper parent pass past pay plan play please power press problem question quick
    quite read real really reason red rest river road room run sea second set shall short
    since sing sit six size sleep slow soon south space speak stand start state stay step stop
    street strong sun sure system table talk tell ten test text than thought today told took
    top town tree true try turn under unit until usually very voice walk wall watch weather
    week went white whole why wind window without woman women wonder word words yes yet
    able accept account act add address admin advance age ago agree air allow almost alone
    already although amount animal any anyone anything appear apple apply area arm army art
    ask attack autumn baby bad bag ball bank bar base basic battery bear beat beautiful bed
    bee beef begin behind believe bell belong big bird bit black blood blow blue board boat
    bone born bottom box brain branch bread break bright broad brother brown burn business
    busy buy cake camp capital captain card care cat catch cause cell center central certain
    chair chance charge check chief choose church circle class clean clear clock cloud coat
    cold color company complete computer condition consider contain continue control cook cool
    copy corn corner correct cost cotton count course cover cow create cross crowd cry cup
    current dance danger dark data date daughter dead deal dear death decide deep degree
    depend describe desert design detail develop die dictionary difficult direct discover
    distant divide doctor dog dollar double dream dress drink drive drop dry duck dust ear east
    easy edge effect egg eight either electric element else energy engine enter equal even
    evening event ever exact except excite exercise expect experience explain express fair
    fall famous farm fast fat fear feed feet fell fig fight figure fill final fine finger
    finish fish fit five flat floor flow flower fly foot force forest forget forward fraction
    fresh front fruit fun gain garden gas gather gave general gentle glad glass gold gone
    govern grand grass gray green ground guess guide gun hair half happen happy hat heart heat
    heavy hill history hit hole hope hot hour huge human hundred hunt hurry ice imagine inch
    include indicate industry insect instant instrument interest invent iron island job join
    jump key kill king kitchen knew lady lake language laugh law lay lead least leg length
    less letter level lie lift list listen log lone lost lot loud love low machine magic main
    major mark market mass master match material matter may maybe meat meet melody metal
    method middle milk million mind minute mix modern moment month moon motion mount mountain
    mouth music nation natural nature necessary neck neighbor new news night nine noise noon
    nor north nose note noun object ocean offer office oil open operate opposite orange
    organ original ought oxygen paint pair paper party path pattern peace pen period person
    phrase pick picture piece pitch plain plane planet plant plate poem poor position
    possible pound practice prepare present pretty print private probable process produce
    product proper property protect proud prove provide public pull push quiet race radio
    rain raise range rather reach ready record region remember repeat reply represent require
    result rich ride ring rise rock roll root rope rose round row rub rule safe sail salt
    sand save scale science score search season seat section seed select self sell send sense
    sentence separate serve settle seven several shape share sharp sheet shell shine ship shoe
    shop shore shout sight sign silent silver similar simple single sister skill skin sky
    slave slip smell smile snow soft soil soldier solution solve son song sort soul special
    speed spell spend spot spread spring square stone store straight strange stream stretch
    string student subject substance success sudden suffix sugar suggest suit summer supply
    support surface surprise swim syllable symbol tail tall teach team teeth temperature term
    thank thick thin third those though thousand throw thus tie tiny tire tone tool total
    touch toward track trade train travel trip trouble truck tube type under valley value
    various verb village visit vowel wait warm wash wave wear weight west wheel wife wild win
    wing winter wire wish wonder wood yard yellow yesterday zero
    one two three four five six seven eight nine ten eleven twelve hundred thousand million
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday spring summer winter
    secret secrets key keys jwt jws jwe token tokens sign signing signature hmac sha hash salt
    password passwords passphrase pass passwd pwd word login logon auth author authorize user
    users username root admin administrator guest default defaults example examples sample
    samples demo test tests testing tester dev devel development develop prod production
    staging stage local localhost server service services backend frontend api app apps
    application config configure configuration setting settings environment env value values
    change changed changeme replace replaced please here there this that your mine our
    super duper very really long longer longest strong stronger strongest random randomly
    string strings private public unsafe insecure secure security safe safety temporary temp
    todo fixme dummy fake mock placeholder insert enter paste generated generate default
    hello world welcome letmein qwerty qwertyuiop asdf asdfgh asdfghjkl zxcv zxcvbnm azerty
    abc abcd xyz foo bar baz qux lorem ipsum dolor sit amet trustno iloveyou monkey dragon
    master shadow sunshine princess football baseball soccer hockey batman superman michael
    jennifer jordan hunter ranger buster tigger charlie robert thomas daniel andrew joshua
    pepper ginger cookie chocolate coffee summer flower freedom whatever nothing access
    docker compose kubernetes cluster deploy deployment release version python fastapi
    flask django node react back pain relief health care move moves body spine
"""
COMMON_WORDS = frozenset(_WORD_TEXT.split())
_WORD_LENGTHS = sorted({len(w) for w in COMMON_WORDS})
# Each word's first three characters in the three cases a word counts in: a cheap first test.
_WORD_STARTS = frozenset(
    start for w in COMMON_WORDS for start in (w[:3], w[:3].upper(), w[:3].capitalize())
)
# Every three-character run up or down by one code point (abc, 321, ZYX, ...).
_RUN_GRAMS = frozenset(
    chr(c) + chr(c + step) + chr(c + 2 * step)
    for c in range(32, 127)
    for step in (1, -1)
    if 32 <= c + 2 * step < 127
)
# The same as character triples, the cheapest form to take from a key, with the most
# characters a word starting with each can cover.
_RUN_TRIPLES = frozenset(tuple(gram) for gram in _RUN_GRAMS)
_WORD_REACH: dict[tuple[str, ...], int] = {}
for _word in COMMON_WORDS:
    for _form in (_word, _word.upper(), _word.capitalize()):
        _start = tuple(_form[:3])
        _WORD_REACH[_start] = max(_WORD_REACH.get(_start, 0), len(_word))
_SUSPICIOUS_TRIPLES = _RUN_TRIPLES | frozenset(_WORD_REACH)
# Flags of the pattern code (a prefix code): "0" a character, "100" a repeat, "101" a run,
# "110" a word.
_CHAR_FLAG_BITS = 1.0
_PIECE_FLAG_BITS = 3.0
_WORD_BITS = _PIECE_FLAG_BITS + math.log2(len(COMMON_WORDS)) + math.log2(3)


def _is_word(piece: str) -> bool:
    return piece.lower() in COMMON_WORDS and (
        piece.islower() or piece.isupper() or piece == piece.capitalize()
    )


def _word_spans(key: str) -> list[tuple[int, int]]:
    """(start, end) of every listed word in the key, overlapping ones included."""
    spans = []
    for start in range(len(key) - 2):
        if key[start : start + 3] in _WORD_STARTS:
            for length in _WORD_LENGTHS:
                end = start + length
                if end <= len(key) and _is_word(key[start:end]):
                    spans.append((start, end))
    return spans


def word_share(key: str) -> float:
    """The largest share of the key's characters that listed words can cover, words not
    overlapping."""
    key = key[:ANALYSED_CHARS]
    if not key:
        return 0.0
    ending_at: dict[int, list[int]] = {}
    for start, end in _word_spans(key):
        ending_at.setdefault(end, []).append(start)
    covered = [0] * (len(key) + 1)
    for end in range(1, len(key) + 1):
        covered[end] = max(
            [covered[end - 1]] + [covered[s] + end - s for s in ending_at.get(end, [])]
        )
    return covered[-1] / len(key)


def _longest_repeat(key: str, start: int) -> int:
    """The longest stretch from `start` that copies earlier text (the copy may run into
    itself, as "aaaa" copies "a")."""
    best = 0
    for distance in range(1, start + 1):
        length = 0
        while start + length < len(key) and key[start + length] == key[start + length - distance]:
            length += 1
        best = max(best, length)
        if start + best == len(key):
            break
    return best


def _run_length(key: str, start: int) -> int:
    """Length of the run up or down by one code point starting at `start` (0 if under 3)."""
    codes = [ord(c) for c in key[start:]]
    if len(codes) < 3 or codes[1] - codes[0] not in (1, -1):
        return 0
    step = codes[1] - codes[0]
    length = 2
    while length < len(codes) and codes[length] - codes[length - 1] == step:
        length += 1
    return length if length >= 3 else 0


def pattern_bits(key: str) -> float:
    """Bits of the shortest description of the key in the pattern code (see the module's
    docstring)."""
    key = key[:ANALYSED_CHARS]
    alphabet, key = alphabet_of(key)
    n = len(key)
    if n == 0:
        return 0.0
    char_bits = _CHAR_FLAG_BITS + alphabet.bits_per_char
    length_bits = math.log2(n)
    run_bits = _PIECE_FLAG_BITS + alphabet.bits_per_char + 1 + length_bits
    words_at: dict[int, list[int]] = {}
    for start, end in _word_spans(key):
        words_at.setdefault(start, []).append(end)
    best = [math.inf] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        cost = best[i]
        best[i + 1] = min(best[i + 1], cost + char_bits)
        for length in range(3, _run_length(key, i) + 1):
            best[i + length] = min(best[i + length], cost + run_bits)
        if i:
            repeat_bits = cost + _PIECE_FLAG_BITS + math.log2(i) + length_bits
            for length in range(3, _longest_repeat(key, i) + 1):
                best[i + length] = min(best[i + length], repeat_bits)
        for end in words_at.get(i, []):
            best[end] = min(best[end], cost + _WORD_BITS)
    return best[n]


def _plainly_random(key: str) -> bool:
    """True when no repeat, run or word can make the key predictable: the characters no such
    piece could cover already cost MIN_PATTERN_BITS as plain characters, and words cover too
    little to make a phrase. Cheap, so that checking a random key costs microseconds."""
    key = key[:ANALYSED_CHARS]
    alphabet, key = alphabet_of(key)
    char_bits = _CHAR_FLAG_BITS + alphabet.bits_per_char
    triples = set(zip(key, key[1:], key[2:], strict=False))
    repeats = len(key) - 2 - len(triples)
    hits = triples & _SUSPICIOUS_TRIPLES
    # Every repeat starts at a triple seen before, every run or word at a triple of
    # _SUSPICIOUS_TRIPLES, and each triple occurs at most 1 + repeats times: a bound on what
    # they can cover that settles most keys without finding the pieces.
    occurrences = 1 + repeats
    in_words = occurrences * sum(_WORD_REACH.get(triple, 0) for triple in hits)
    reach = 3 * repeats + in_words + occurrences * 3 * len(hits & _RUN_TRIPLES)
    few_words = in_words < MAX_WORD_SHARE * len(key)
    if few_words and (len(key) - reach) * char_bits >= MIN_PATTERN_BITS:
        return True
    covered: set[int] = set()
    seen: set[str] = set()
    for i in range(len(key) - 2):
        gram = key[i : i + 3]
        if gram in seen or gram in _RUN_GRAMS:
            covered.update(range(i, i + 3))
        seen.add(gram)
    worded: set[int] = set()
    for start, end in _word_spans(key):
        worded.update(range(start, end))
    if len(worded) >= MAX_WORD_SHARE * len(key):
        return False
    return (len(key) - len(covered | worded)) * char_bits >= MIN_PATTERN_BITS


def predictable(key: str) -> bool:
    """A key of repeated pieces, runs or common words (see the module's docstring)."""
    if _plainly_random(key):
        return False
    return word_share(key) >= MAX_WORD_SHARE or pattern_bits(key) < MIN_PATTERN_BITS
