"""Synthetic applicants: citizens and enterprises with valid-looking identifiers, encrypted like real accounts."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from govhall.core import crypto
from govhall.core.ids import id_number_check_char, uscc_check_char
from govhall.identity.models import (
    AccountKind,
    Enterprise,
    EnterpriseMember,
    MarketEntity,
    User,
)

from .mix import BRANDS, ENTERPRISE_SHARE, GIVEN, SURNAMES, TRADES, USCC_PREFIX, USERNAME_PREFIX


@dataclass
class _Applicant:
    user_id: int
    name: str
    form: bytes
    enterprise_id: int | None = None


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


_ID_PREFIXES = ["330523", "330521", "330522", "330502", "330503", "330106", "330110", "340823"]
_BIRTH_FIRST = dt.date(1950, 1, 1)
_BIRTH_DAYS = (dt.date(2006, 12, 31) - _BIRTH_FIRST).days + 1
_BIRTH_STEP = 7919  # prime, not a factor of _BIRTH_DAYS: (r * step) % days runs through every day once
_PHONE_PREFIXES = ["135", "158", "188", "177", "199", "150", "186", "131"]


def synthetic_id_number(index: int) -> str:
    """A valid, distinct citizen ID number for each index (sequence codes 600-999, unused by the demo)."""
    prefix = _ID_PREFIXES[index % len(_ID_PREFIXES)]
    r = index // len(_ID_PREFIXES)
    birth = _BIRTH_FIRST + dt.timedelta(days=(r * _BIRTH_STEP) % _BIRTH_DAYS)
    first17 = f"{prefix}{birth:%Y%m%d}{600 + (r // _BIRTH_DAYS) % 400:03d}"
    return first17 + id_number_check_char(first17)


def synthetic_phone(index: int) -> str:
    return f"{_PHONE_PREFIXES[index % len(_PHONE_PREFIXES)]}{index // len(_PHONE_PREFIXES):08d}"


def synthetic_uscc(index: int) -> str:
    first17 = f"{USCC_PREFIX}{index:08d}"
    return first17 + uscc_check_char(first17)


def _registry_record(enterprise: Enterprise, operator: User) -> MarketEntity:
    """The 市场主体登记 record behind a synthetic enterprise: its operator is the registered legal representative."""
    record = MarketEntity(uscc=enterprise.uscc, name=enterprise.name, kind="有限责任公司",
                          legal_representative=enterprise.legal_representative, authority="安吉县市场监督管理局")  # fmt: skip
    record.legal_representative_id_enc = operator.id_number_enc
    record.legal_representative_id_hash = operator.id_number_hash or ""
    return record


def _next_index(values: Sequence[str], prefix: str, width: int) -> int:
    numbers = [
        int(v[len(prefix) : len(prefix) + width]) for v in values if v[len(prefix) :][:width].isdigit()
    ]
    return max(numbers, default=-1) + 1


def _make_applicants(
    count: int, rng: random.Random, since: dt.datetime, batch: int
) -> tuple[list[_Applicant], list[_Applicant]]:
    """Citizens and enterprises (each with an operating citizen), written through the identity setters."""
    enterprises_wanted = round(count * ENTERPRISE_SHARE)
    citizens_wanted = count - enterprises_wanted
    last_user = (
        User.objects.filter(username__regex=rf"^{USERNAME_PREFIX}[0-9]{{8}}$")
        .order_by("-username")
        .values_list("username", flat=True)[:1]
    )
    start = _next_index(list(last_user), USERNAME_PREFIX, 8)
    last_uscc = (
        Enterprise.objects.filter(uscc__startswith=USCC_PREFIX)
        .order_by("-uscc")
        .values_list("uscc", flat=True)[:1]
    )
    enterprise_start = _next_index(list(last_uscc), USCC_PREFIX, 8)
    persons: list[_Applicant] = []
    companies: list[_Applicant] = []
    index = start
    total = citizens_wanted + enterprises_wanted
    while len(persons) + len(companies) < total:
        users, forms = [], []
        for _ in range(min(batch, total - len(persons) - len(companies))):
            name = _person_name(rng)
            id_number, phone = synthetic_id_number(index), synthetic_phone(index)
            user = User(
                username=f"{USERNAME_PREFIX}{index:08d}", kind=AccountKind.CITIZEN, real_name=name,
                birth_date=dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
                password=make_password(None), date_joined=since - dt.timedelta(days=rng.randint(0, 400)),
            )  # fmt: skip
            user.set_id_number(id_number)
            user.set_phone(phone)
            users.append(user)
            forms.append({"applicant_name": name, "id_number": id_number, "phone": phone,
                          "address": f"浙江省湖州市安吉县{rng.choice(['递铺', '孝丰', '天子湖', '梅溪', '昌硕'])}"
                                     f"{rng.randint(1, 300)}号", "reason": "申请办理本事项"})  # fmt: skip
            index += 1
        taken = set(
            User.objects.filter(id_number_hash__in=[u.id_number_hash for u in users]).values_list(
                "id_number_hash", flat=True
            )
        ) | set(
            User.objects.filter(phone_hash__in=[u.phone_hash for u in users]).values_list(
                "phone_hash", flat=True
            )
        )
        pairs = [(u, f) for u, f in zip(users, forms, strict=True)
                 if u.id_number_hash not in taken and u.phone_hash not in taken]  # fmt: skip
        User.objects.bulk_create([u for u, _ in pairs], batch_size=batch)
        members: list[EnterpriseMember] = []
        new_enterprises: list[tuple[Enterprise, User, dict[str, str]]] = []
        for user, form in pairs:
            if len(persons) < citizens_wanted:
                persons.append(
                    _Applicant(user.pk, user.real_name, crypto.encrypt(json.dumps(form, ensure_ascii=False)))
                )
                continue
            number = enterprise_start + len(companies) + len(new_enterprises)
            name = f"安吉{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司"
            new_enterprises.append((Enterprise(name=name, uscc=synthetic_uscc(number),
                                               legal_representative=user.real_name), user, form))  # fmt: skip
        Enterprise.objects.bulk_create([e for e, _, _ in new_enterprises], batch_size=batch)
        MarketEntity.objects.bulk_create(
            [_registry_record(e, u) for e, u, _ in new_enterprises], batch_size=batch, ignore_conflicts=True
        )
        for enterprise, user, form in new_enterprises:
            members.append(
                EnterpriseMember(enterprise=enterprise, user=user, role=EnterpriseMember.Role.ADMIN)
            )
            form = {**form, "enterprise_name": enterprise.name, "uscc": enterprise.uscc,
                    "legal_representative": user.real_name}  # fmt: skip
            form.pop("id_number")
            companies.append(
                _Applicant(
                    user.pk,
                    enterprise.name,
                    crypto.encrypt(json.dumps(form, ensure_ascii=False)),
                    enterprise.pk,
                )
            )
        EnterpriseMember.objects.bulk_create(members, batch_size=batch)
    return persons, companies
