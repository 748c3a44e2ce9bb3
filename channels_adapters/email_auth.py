"""Whether an email's From address is vouched for: SPF, DKIM and DMARC verdicts.

Anyone can write any From address. An address is proof of who wrote only when the mail
is authenticated for the From domain (DMARC's rule of alignment): a DMARC pass, or a DKIM
signature that verifies for the From domain, or an SPF pass for an envelope sender in the
From domain. The verdict is reported on the normalised message; the pipeline decides what
it allows (conversations.services.message_receive).

Where a verdict comes from:
- An `Authentication-Results` header (RFC 8601) added by the receiving MTA, read with
  `authres`, and only from the MTA named by EMAIL_AUTHSERV_ID: anyone can add such a
  header to a mail they send, so a header from another authserv-id counts for nothing.
- Mailgun's own verdicts on the routes webhook (`X-Mailgun-Spf`,
  `X-Mailgun-Dkim-Check-Result`). A sender may add those headers too, so every copy must
  say "pass" (Mailgun's own copy can't be removed by the sender).
- Our own DKIM check with `dkimpy` on the raw message of an MTA pipe, for signatures by
  the From domain (DNS lookups of the signer's key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import authres
import dkim
import dkim.util
from django.conf import settings

logger = logging.getLogger(__name__)

PASS = "pass"
FAIL = "fail"


@dataclass(frozen=True)
class Verdict:
    """`verdict` is "pass" when the From address is vouched for; `method` names the check
    that decided it (dmarc, dkim, spf) and `detail` says why, for the inbox."""

    verdict: str
    method: str = ""
    detail: str = ""

    @property
    def authenticated(self) -> bool:
        return self.verdict == PASS

    def as_payload(self) -> dict[str, str]:
        return {"verdict": self.verdict, "method": self.method, "detail": self.detail[:300]}


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(".").lower()


def aligned(domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment, without a public-suffix list: the same domain, or one a
    subdomain of the other (only the owner of a domain can publish keys or SPF records for
    it and its subdomains)."""
    domain, from_domain = domain.strip(".").lower(), from_domain.strip(".").lower()
    if not domain or not from_domain or "." not in domain or "." not in from_domain:
        return False
    return (domain == from_domain or from_domain.endswith("." + domain)
            or domain.endswith("." + from_domain))


def from_authentication_results(values: Iterable[str], from_domain: str) -> Verdict | None:
    """The verdict of our MTA's Authentication-Results header, if there is one."""
    authserv_id = str(getattr(settings, "EMAIL_AUTHSERV_ID", "") or "").strip().lower()
    if not authserv_id:
        return None
    for value in values:
        try:
            header = authres.AuthenticationResultsHeader.parse(
                f"Authentication-Results: {' '.join(value.split())}")
        except Exception:  # authres raises errors of its own on odd input
            continue
        if str(header.authserv_id or "").lower() != authserv_id:
            continue
        # Our MTA adds its header on top; a lower one with our id was forged before it.
        return _verdict_of(header.results, from_domain)
    return None


def _verdict_of(results: Iterable[object], from_domain: str) -> Verdict:
    """DMARC's verdict when the MTA gives one (a DMARC fail is final), else an aligned
    DKIM or SPF pass."""
    found: list[tuple[str, str, dict[str, str]]] = []
    for result in results:
        props = {f"{p.type}.{p.name}".lower(): str(p.value or "")
                 for p in getattr(result, "properties", []) or []}
        found.append((str(getattr(result, "method", "")).lower(),
                      str(getattr(result, "result", "")).lower(), props))
    for method, outcome, props in found:
        named = props.get("header.from", from_domain).lower()
        if method == "dmarc" and outcome == PASS and named == from_domain:
            return Verdict(PASS, "dmarc", f"dmarc=pass header.from={named}")
        if method == "dmarc" and outcome == FAIL:
            return Verdict(FAIL, "dmarc", f"dmarc=fail header.from={named}")
    for method, outcome, props in found:
        signer = props.get("header.d") or domain_of(props.get("header.i", ""))
        if method == "dkim" and outcome == PASS and aligned(signer, from_domain):
            return Verdict(PASS, "dkim", f"dkim=pass header.d={signer}")
    for method, outcome, props in found:
        envelope = props.get("smtp.mailfrom", "")
        envelope = domain_of(envelope) if "@" in envelope else envelope.lower()
        if method == "spf" and outcome == PASS and aligned(envelope, from_domain):
            return Verdict(PASS, "spf", f"spf=pass smtp.mailfrom={envelope}")
    summary = " ".join(f"{method}={outcome}" for method, outcome, _ in found)
    return Verdict(FAIL, "", "no aligned pass: " + (summary or "no results"))


def from_mailgun(headers: list[tuple[str, str]], envelope_sender: str,
                 from_address: str) -> Verdict:
    """Mailgun's own checks, as it adds them to the message it forwards (or the
    Authentication-Results of EMAIL_AUTHSERV_ID, when that names Mailgun's)."""
    from_domain = domain_of(from_address)
    if not from_domain:
        return Verdict(FAIL, "", "no From domain")
    verdict = from_authentication_results(
        [v for k, v in headers if k.lower() == "authentication-results"], from_domain)
    if verdict is not None and (verdict.authenticated or verdict.method == "dmarc"):
        return verdict
    def values(name: str) -> list[str]:
        return [v.strip().lower() for k, v in headers if k.lower() == name]

    dkim_results = values("x-mailgun-dkim-check-result")
    signers = [_signer(v) for k, v in headers if k.lower() == "dkim-signature"]
    if (dkim_results and all(v == PASS for v in dkim_results) and signers
            and all(aligned(s, from_domain) for s in signers)):
        return Verdict(PASS, "dkim", f"Mailgun: dkim=pass d={signers[0]}")
    spf_results = values("x-mailgun-spf")
    envelope = domain_of(envelope_sender)
    if (spf_results and all(v == PASS for v in spf_results)
            and aligned(envelope, from_domain)):
        return Verdict(PASS, "spf", f"Mailgun: spf=pass mailfrom={envelope}")
    return Verdict(FAIL, "", f"Mailgun: spf={','.join(spf_results) or 'none'} "
                             f"dkim={','.join(dkim_results) or 'none'} "
                             f"signers={','.join(signers) or 'none'} from={from_domain}")


def _signer(signature: str) -> str:
    try:
        tags = dkim.util.parse_tag_value(" ".join(signature.split()).encode())
    except (dkim.util.InvalidTagValueList, UnicodeError, ValueError):
        return ""
    return tags.get(b"d", b"").decode("ascii", "replace").strip().lower()


def dns_txt(name: bytes, timeout: int = 5) -> bytes | None:
    """The TXT record holding a DKIM key (dkimpy's own DNS lookup, through dnspython)."""
    from dkim.dnsplug import get_txt

    return get_txt(name, timeout=timeout)


def from_dkim_signatures(raw: bytes, signatures: list[str], from_domain: str,
                         lookup: Callable[..., bytes | None] | None = None) -> Verdict | None:
    """Our own DKIM check of the signatures made by the From domain, if any."""
    if not getattr(settings, "EMAIL_DKIM_VERIFY", True):
        return None
    lookup = lookup or dns_txt
    checked: list[str] = []
    try:
        message = dkim.DKIM(raw)
    except Exception:  # dkimpy parses hostile input and may raise anything
        return None
    for index, signature in enumerate(signatures):
        signer = _signer(signature)
        if not aligned(signer, from_domain):
            continue
        try:
            ok = message.verify(idx=index, dnsfunc=lookup)
        except Exception as exc:  # a DNS or key error is a failed check
            logger.info("DKIM check of a signature by %s failed: %r", signer, exc)
            ok = False
        if ok:
            return Verdict(PASS, "dkim", f"dkim=pass d={signer} (checked here)")
        checked.append(signer)
    if checked:
        return Verdict(FAIL, "dkim", f"dkim=fail d={','.join(checked)} (checked here)")
    return None


def from_raw(raw: bytes, headers: list[tuple[str, str]], from_address: str) -> Verdict:
    """The verdict for a raw message from an MTA pipe."""
    from_domain = domain_of(from_address)
    if not from_domain:
        return Verdict(FAIL, "", "no From domain")
    verdict = from_authentication_results(
        [v for k, v in headers if k.lower() == "authentication-results"], from_domain)
    if verdict is not None and (verdict.authenticated or verdict.method == "dmarc"):
        return verdict
    own = from_dkim_signatures(
        raw, [v for k, v in headers if k.lower() == "dkim-signature"], from_domain)
    if own is not None and own.authenticated:
        return own
    return verdict or own or Verdict(FAIL, "", "no Authentication-Results from our MTA "
                                               "and no DKIM signature by the From domain")
