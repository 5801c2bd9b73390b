"""The company's mail domain (§3.2 rule 3): shown and set."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ecomops.core.calendar import shown
from ecomops.core.roster import (
    mail_allowed,
)
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, Suggest
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.permissions import require
from ecomops.services.staff.reading import (
    DOMAIN,
    MAIL_DOMAIN,
    MAIL_FROM,
    OPT,
    ST,
    _mail_setting,
    _today,
)
from ecomops.services.staff.rules import (
    _rule,
)
from ecomops.views import (
    CompanyMailOut,
    trusted,
)


def clean_domain(raw: str) -> str:
    """A mail domain as typed (``example.cn``, ``@example.cn``), lower-cased; refused when it
    is not one (a Unicode domain is given in its ASCII form, xn--…)."""
    domain = raw.strip().lstrip("@").rstrip(".").lower()
    if not DOMAIN.fullmatch(domain):
        raise InvalidInput(
            f"{shown(raw)} is not a mail domain",
            "write it like example.cn (a Unicode name in its xn-- form)",
            param="domain",
        )
    return domain


def company_mail(
    session: Session,
    *,
    now: datetime,
    lang: str,
    actor: Actor | None = None,
    domain: str | None = None,
    applies_from: date | None = None,
) -> CompanyMailOut:
    """The company's mail domain and from when it applies (§3.2 rule 3); with ``domain``, set
    them (``applies_from`` default today; for those who may manage staff). From that day, an
    address outside the domain is refused when a person is added or edited or imported."""
    m = current(session).manual
    today = _today(m, now)
    if domain is not None:
        assert actor is not None, "setting the domain needs the person acting"
        require(session, actor, "manage_staff")
        values = {MAIL_DOMAIN: clean_domain(domain), MAIL_FROM: (applies_from or today).isoformat()}
        conn = session.connection()
        for k, v in values.items():
            done = conn.execute(OPT.update().where(OPT.c.key == k).values(value=v))
            if done.rowcount == 0:
                conn.execute(OPT.insert().values(key=k, value=v))
    elif applies_from is not None:
        raise InvalidInput(
            "give the domain too",
            "e.g. {command}",
            suggest=Suggest(
                "staff.company-mail", ("example.cn",), {"applies_from": str(applies_from)}
            ),
        )
    mail = _mail_setting(session)
    n, text = _rule(m, "email", lang)
    outside = []
    if mail.domain is not None:
        q = select(ST.c.name, ST.c.email).where(ST.c.active, ST.c.email.is_not(None))
        outside = [
            name
            for name, address in session.connection().execute(q.order_by(ST.c.id))
            if not mail_allowed(address, mail.domain, None, today)
        ]
    return trusted(
        CompanyMailOut,
        {
            "domain": mail.domain,
            "applies_from": mail.since,
            "in_force": mail.domain is not None and (mail.since is None or mail.since <= today),
            "rule": f"§3.2 rule {n}: {text}",
            "outside": outside,
        },
    )
