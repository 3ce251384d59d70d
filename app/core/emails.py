"""Email addresses in one form, so one mailbox is one account.

`normalise_email` is applied once, where an address enters (sign-up, sign-in, password
reset, the rate limiter's account key):

- NFKC: composed accents (an address typed with a combining accent is the one typed with the
  precomposed letter) and compatibility forms folded (fullwidth letters are the ASCII ones);
- lower case (mailbox names are case-insensitive in practice, RFC 5321 leaves it to the host);
- the domain as IDNA (UTS #46) A-labels, `bücher.example` as `xn--bcher-kva.example`, the form
  every mail server accepts; a domain IDNA refuses is refused;
- no trailing dot: `ana@example.com.` names the same host in DNS but no mail server takes it,
  so it is refused rather than stored under a second spelling.
"""

import unicodedata

import idna

MAX_EMAIL_LENGTH = 254  # RFC 5321 4.5.3.1.3, a path of 256 with its angle brackets


class BadEmail(ValueError):
    pass


def normalise_email(value: str) -> str:
    """The one stored form of `value`; BadEmail says what is wrong with it."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise BadEmail("An email address is a name, '@' and a domain: ana@example.com.")
    if domain.endswith("."):
        raise BadEmail("Leave out the dot at the end of the domain.")
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise BadEmail(f"'{domain}' is not a domain name mail can be sent to.") from exc
    if "." not in ascii_domain:
        raise BadEmail("The domain needs a dot: example.com.")
    email = f"{local}@{ascii_domain}"
    if len(email) > MAX_EMAIL_LENGTH:
        raise BadEmail(f"An email address is at most {MAX_EMAIL_LENGTH} characters.")
    return email


def lookup_form(value: str) -> str:
    """For a look-up (a sign-in): the stored form, or the trimmed lower-case text when it has
    none (no account has such an address)."""
    try:
        return normalise_email(value)
    except BadEmail:
        return value.strip().lower()
