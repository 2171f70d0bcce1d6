"""联办件 in a browser: the co-reviewing department objects (it cannot decide, nor act on the lead's case),
the lead department's approver sees who the case waits for, and the lead department's head sees the
objection and decides."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from govhall.cases.models import Channel
from govhall.cases.services import case_act, case_submit, upload_store
from govhall.cases.transitions import Action
from govhall.catalogue.models import ItemStatus, ServiceItem
from govhall.identity.models import User
from tests.e2e.conftest import shot
from tests.e2e.test_case_flow import JOINT_ITEM, JOINT_ITEM_CODE, _flash, _person, _status_badge

OBJECTION = "经营场所排水设施未见隔油池，建议现场核查后再作决定。"


def _accepted_joint_case() -> str:
    item = ServiceItem.objects.get(implementation_code=JOINT_ITEM_CODE, status=ItemStatus.PUBLISHED)
    citizen, clerk = User.objects.get(username="citizen"), User.objects.get(username="clerk")
    upload = upload_store(owner=citizen, name="材料.pdf", data=b"%PDF-1.4\n%%EOF\n")
    case, _ = case_submit(
        user=citizen,
        item_code=item.implementation_code,
        form={"applicant_name": citizen.real_name, "id_number": citizen.id_number, "phone": citizen.phone},
        materials=[(m.pk, str(upload.pk)) for m in item.materials.all()],
        channel=Channel.WEB,
    )
    case_act(number=case.number or "", user=clerk, action=Action.ACCEPT, channel=Channel.WINDOW)
    return case.number or ""


def _case_page(page: Page, portal: str, number: str) -> None:
    page.goto(f"{portal}/cases/{number}/")
    expect(page.get_by_role("heading", level=1, name=JOINT_ITEM)).to_be_visible()


def test_co_reviewer_objects_and_the_lead_head_decides(
    browser: Any, portal: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    number = _accepted_joint_case()

    # The market-regulation approver co-reviews: an opinion, no decision, none of the lead's case actions.
    with _person(browser, portal, "scjgj_approver") as co:
        _case_page(co, portal, number)
        mine = co.get_by_role("region", name="待我办理")
        expect(mine.get_by_role("button", name="不予许可")).to_have_count(0)
        expect(mine.get_by_role("button", name="签收")).to_have_count(0)
        expect(co.get_by_role("region", name="办件操作")).to_have_count(0)
        mine.get_by_label("审查意见（有异议时写明理由）").fill(OBJECTION)
        shot(co, "joint-co-review")
        mine.get_by_role("button", name="有异议", exact=True).click()
        expect(_flash(co)).to_contain_text("已办理")
        expect(_status_badge(co)).to_have_text("已受理，办理中")  # an objection does not end the case

    # The health department's approver agrees; the decision is not theirs: they see who it waits for.
    with _person(browser, portal, "wjj_approver") as approver:
        _case_page(approver, portal, number)
        mine = approver.get_by_role("region", name="待我办理")
        mine.get_by_label("审查意见（有异议时写明理由）").fill("材料齐全，同意。")
        mine.get_by_role("button", name="同意", exact=True).click()
        expect(_flash(approver)).to_contain_text("已办理")
        expect(approver.get_by_role("region", name="待我办理")).to_have_count(0)
        expect(approver.get_by_role("region", name="办理进度")).to_contain_text(
            "下一环节：决定（部门负责人）"
        )
        shot(approver, "joint-waiting-for-decision")

    # The health department's head sees the objection first and decides.
    with _person(browser, portal, "wjj_head") as head:
        head.goto(portal + "/tasks/")
        row = (
            head.get_by_role("region", name=re.compile("^我的待办"))
            .get_by_role("row")
            .filter(has=head.get_by_role("link", name=number, exact=True))
        )
        row.get_by_role("link", name="决定").click()
        head.wait_for_url(re.compile(rf"/cases/{re.escape(number)}/#task-title$"))
        mine = head.get_by_role("region", name="待我办理")
        opinions = mine.get_by_label("审查意见")
        expect(opinions.get_by_role("listitem").first).to_contain_text("有异议")
        expect(opinions.get_by_role("listitem").first).to_contain_text(OBJECTION)
        expect(mine.get_by_role("button", name="有异议")).to_have_count(0)
        mine.get_by_label("决定意见（退回或不予许可时必填）").fill("已核实隔油池建成，准予。")
        shot(head, "joint-decision-with-objection")
        mine.get_by_role("button", name="准予许可", exact=True).click()
        expect(_flash(head)).to_contain_text("已办理")
        expect(_status_badge(head)).to_have_text("已作出决定，待出件")
