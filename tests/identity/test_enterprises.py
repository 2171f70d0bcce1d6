"""Enterprise accounts open only against the registry, for its registered legal representative; further
operators are authorised by an administrator. Each attack the outside tester tried is a test here."""

import pytest

from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.identity import services
from govhall.identity.models import Enterprise, EnterpriseMember, EntityStatus
from tests.factories import (
    DepartmentFactory,
    make_citizen,
    make_staff,
    registered_entity,
    valid_id_number,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return make_citizen(name="李慧", id_number=valid_id_number("19851120"))


@pytest.fixture
def entity(owner):
    return registered_entity(owner, name="安吉竹乡茶业有限公司")


def test_the_registered_legal_representative_opens_the_account_with_the_registry_data(owner, entity):
    enterprise = services.enterprise_register(operator=owner, uscc=entity.uscc)
    assert (enterprise.name, enterprise.legal_representative) == ("安吉竹乡茶业有限公司", "李慧")
    assert enterprise.memberships.get().role == EnterpriseMember.Role.ADMIN
    with pytest.raises(Conflict):
        services.enterprise_register(operator=owner, uscc=entity.uscc)


def test_a_citizen_cannot_claim_an_enterprise_whose_legal_representative_is_someone_else(owner, entity):
    intruder = make_citizen(name="王某", id_number=valid_id_number("19800101"))
    with pytest.raises(PermissionDenied) as err:
        services.enterprise_register(
            operator=intruder, uscc=entity.uscc, name=entity.name, legal_representative="王某"
        )
    assert err.value.code == "not_legal_representative" and err.value.status == 403
    assert not Enterprise.objects.exists()
    # the real owner is not locked out by the attempt
    assert services.enterprise_register(operator=owner, uscc=entity.uscc).uscc == entity.uscc


def test_a_code_missing_from_the_registry_is_refused(owner):
    with pytest.raises(ValidationFailed) as err:
        services.enterprise_register(operator=owner, uscc=valid_uscc(99001))
    assert (err.value.field, err.value.code) == ("uscc", "not_registered")


def test_a_government_body_is_not_an_enterprise(owner):
    department = DepartmentFactory(code="gaj-x")  # a department's own code, whatever its first character
    for code in (department.uscc, "11330523002578004X"[:17]):
        from govhall.core.ids import uscc_check_char

        code = code if len(code) == 18 else code + uscc_check_char(code)
        with pytest.raises(ValidationFailed) as err:
            services.enterprise_register(operator=owner, uscc=code)
        assert err.value.code == "government_body"


def test_a_cancelled_entity_opens_no_account(owner):
    entity = registered_entity(owner, status=EntityStatus.CANCELLED)
    with pytest.raises(ValidationFailed) as err:
        services.enterprise_register(operator=owner, uscc=entity.uscc)
    assert "注销" in err.value.message


def test_a_typed_name_must_match_the_registry(owner, entity):
    with pytest.raises(ValidationFailed) as err:
        services.enterprise_register(operator=owner, uscc=entity.uscc, name="另一家公司")
    assert err.value.field == "name" and entity.name in err.value.message


def test_staff_accounts_open_no_enterprise(db):
    clerk = make_staff(username="qt", department=DepartmentFactory(code="sjj2"), roles=["window_clerk"])
    with pytest.raises(PermissionDenied) as err:
        services.enterprise_register(operator=clerk, uscc=valid_uscc(3))
    assert err.value.code == "not_citizen"


def test_a_new_legal_representative_joins_the_existing_account_as_administrator(owner, entity):
    services.enterprise_register(operator=owner, uscc=entity.uscc)
    successor = make_citizen(name="陈新", id_number=valid_id_number("19790203"))
    registered_entity(successor, uscc=entity.uscc, name=entity.name)  # the registry records the change
    enterprise = services.enterprise_register(operator=successor, uscc=entity.uscc)
    assert enterprise.legal_representative == "陈新"
    assert set(enterprise.memberships.values_list("role", flat=True)) == {"admin"}
    assert enterprise.memberships.count() == 2


def test_an_administrator_authorises_an_operator_named_by_name_and_id_number(owner, entity):
    services.enterprise_register(operator=owner, uscc=entity.uscc)
    agent = make_citizen(name="赵敏", id_number=valid_id_number("19950505"))
    member = services.enterprise_member_add(
        admin=owner, uscc=entity.uscc, name="赵敏", id_number=agent.id_number
    )
    assert (member.user, member.role) == (agent, "agent")
    with pytest.raises(Conflict):
        services.enterprise_member_add(admin=owner, uscc=entity.uscc, name="赵敏", id_number=agent.id_number)
    # a wrong name and an unknown number answer alike
    with pytest.raises(NotFound) as wrong_name:
        services.enterprise_member_add(admin=owner, uscc=entity.uscc, name="赵某", id_number=agent.id_number)
    with pytest.raises(NotFound) as unknown:
        services.enterprise_member_add(
            admin=owner, uscc=entity.uscc, name="赵敏", id_number=valid_id_number("19600101")
        )
    assert wrong_name.value.message == unknown.value.message


def test_an_operator_cannot_authorise_others_and_the_last_administrator_stays(owner, entity):
    services.enterprise_register(operator=owner, uscc=entity.uscc)
    agent = make_citizen(name="赵敏", id_number=valid_id_number("19950505"))
    member = services.enterprise_member_add(
        admin=owner, uscc=entity.uscc, name="赵敏", id_number=agent.id_number
    )
    other = make_citizen(name="钱多", id_number=valid_id_number("19960606"))
    with pytest.raises(PermissionDenied):
        services.enterprise_member_add(admin=agent, uscc=entity.uscc, name="钱多", id_number=other.id_number)
    own = EnterpriseMember.objects.get(user=owner)
    with pytest.raises(Conflict) as err:
        services.enterprise_member_remove(admin=owner, uscc=entity.uscc, member_id=own.pk)
    assert err.value.code == "last_admin"
    services.enterprise_member_remove(admin=owner, uscc=entity.uscc, member_id=member.pk)
    assert not EnterpriseMember.objects.filter(user=agent).exists()


def test_the_registry_loads_from_a_file_and_a_bad_record_writes_nothing(tmp_path, owner):
    import json

    from django.core.management import CommandError, call_command

    from govhall.identity.models import MarketEntity

    good = {"uscc": valid_uscc(4242), "name": "安吉县某某有限公司", "legal_representative": "李慧",
            "legal_representative_id": owner.id_number, "established": "2020-01-02"}  # fmt: skip
    path = tmp_path / "registry.json"
    path.write_text(json.dumps([good, {**good, "uscc": "91330523MA0000000X"}]), encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 条"):
        call_command("registry", str(path))
    assert not MarketEntity.objects.exists()
    path.write_text(json.dumps([good]), encoding="utf-8")
    call_command("registry", str(path))
    assert MarketEntity.objects.get().established.isoformat() == "2020-01-02"
    assert services.enterprise_register(operator=owner, uscc=good["uscc"]).name == "安吉县某某有限公司"
