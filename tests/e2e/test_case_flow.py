"""A case's whole life in a browser: apply online, correction, acceptance, joint review, decision, issue,
completion, documents and the public progress query; each person in their own browser context."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import FilePayload, Locator, Page, expect

from govhall.demo.seeding import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, shot

JOINT_ITEM = "公共场所卫生许可"
JOINT_ITEM_CODE = "113305230039099654000121020010001"  # wjj, with scjgj reviewing in parallel
APPLICANT = "张晓明"  # the demo account "citizen"; the item serves persons as well as enterprises
PDF = b"%PDF-1.4\n%%EOF\n"
CASE_NUMBER = re.compile(r"^\d{6}-\d{8}-\d{5}$")
FORM_MATERIAL = "公共场所卫生许可申请表"
CORRECTIONS = [f"{FORM_MATERIAL}：缺少法定代表人签字", "平面布局图未标明工具消毒区域"]


def _pdf(name: str) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


@contextmanager
def _person(
    browser: Any, portal: str, username: str, options: dict[str, Any] | None = None
) -> Iterator[Page]:
    """A browser context of its own (own cookies) for one person, logged in."""
    context = browser.new_context(**(options or DESKTOP))
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(portal + "/login/")
        page.get_by_label("账号").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(
            page.get_by_role("navigation", name="账户").get_by_role("link", name=re.compile("^您好，"))
        ).to_be_visible()
        yield page
    finally:
        context.close()


def _status_badge(page: Page) -> Locator:
    return page.get_by_role("region", name=JOINT_ITEM).locator(".guide-head .badge")


def _flash(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


def _open_case_from_desk(page: Page, portal: str, number: str, *, in_queue: bool) -> None:
    page.goto(portal + "/tasks/")
    expect(page.get_by_role("heading", level=1, name=re.compile("^我的待办"))).to_be_visible()
    heading = "待受理申请" if in_queue else re.compile("^我的待办")
    section = page.locator("section").filter(has=page.get_by_role("heading", name=heading))
    section.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{re.escape(number)}/$"))
    expect(page.get_by_role("heading", level=1, name=JOINT_ITEM)).to_be_visible()


def _staff_action(
    page: Page, label: str, *, fill: dict[str, str] | None = None, select: dict[str, str] | None = None
) -> None:
    """Open one of the 办件操作 boxes, fill it in and press its button."""
    actions = page.get_by_role("region", name="办件操作")
    box = actions.locator("details").filter(has=page.locator("summary", has_text=re.compile(f"^{label}$")))
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for field, value in (fill or {}).items():
        box.get_by_label(field).fill(value)
    for field, option in (select or {}).items():
        box.get_by_label(field).select_option(label=option)
    box.get_by_role("button", name=label, exact=True).click()
    expect(_flash(page)).to_contain_text("操作已完成")


def _review_task(
    page: Page,
    portal: str,
    number: str,
    *,
    screenshot: str | None = None,
    opinion: tuple[str, str] = ("审查意见（有异议时写明理由）", "材料齐全，符合条件，同意。"),
    button: str = "同意",
) -> None:
    """A department's approver: from the task list to the case, and the step done there (no 签收 first)."""
    page.goto(portal + "/tasks/")
    tasks = page.get_by_role("region", name=re.compile("^我的待办"))
    row = tasks.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(JOINT_ITEM)
    expect(row).to_contain_text("待办理")
    if screenshot:
        shot(page, screenshot)
    row.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{re.escape(number)}/$"))
    mine = page.get_by_role("region", name="待我办理")
    expect(mine.locator("form")).to_have_count(1)
    expect(mine.get_by_role("button", name="签收")).to_have_count(0)
    mine.get_by_label(opinion[0]).fill(opinion[1])
    mine.get_by_role("button", name=button, exact=True).click()
    expect(_flash(page)).to_contain_text("已办理")
    expect(page.get_by_role("region", name="待我办理")).to_have_count(0)


def test_joint_case_from_application_to_completion(browser: Any, portal: str) -> None:
    # 1. The applicant applies online, from the guide.
    with _person(browser, portal, "citizen") as applicant:
        applicant.goto(f"{portal}/items/{JOINT_ITEM_CODE}/")
        expect(applicant.get_by_role("heading", level=1, name=JOINT_ITEM, exact=True)).to_be_visible()
        applicant.get_by_role("link", name="在线办理").first.click()
        applicant.wait_for_url(re.compile(rf"/items/{JOINT_ITEM_CODE}/apply/$"))
        expect(applicant.get_by_role("heading", level=1, name=f"在线办理：{JOINT_ITEM}")).to_be_visible()

        form = applicant.get_by_role("main").locator("form")
        expect(form.get_by_label("申请人（经办人）姓名")).to_have_value(APPLICANT)
        expect(form.get_by_label("公民身份号码")).to_have_value("330523199003150012")
        expect(form.get_by_label("联系电话")).to_have_value("13905720001")
        form.get_by_label("联系地址").fill("安吉县递铺街道天目路1号")
        form.get_by_label("申请事由").fill("新开理发店（安吉县递铺街道），申请公共场所卫生许可。")

        materials = form.get_by_role("table").locator("tbody").get_by_role("row")
        required = materials.filter(has=applicant.get_by_text("必要", exact=True)).filter(
            has=applicant.locator("input[type=file]")
        )
        assert required.count() == 5  # with 营业执照: the applicant holds no such e-licence, the row says so
        expect(materials.filter(has_text="营业执照")).to_contain_text("未查到您持有的有效电子证照")
        for i in range(required.count()):
            name = required.nth(i).locator("strong").inner_text().strip()
            form.get_by_label(f"上传{name}").set_input_files(_pdf(f"{name}.pdf"))
        # Shared data comes by itself (公安's 户籍人口信息, looked up at submission): no upload there.
        expect(materials.filter(has_text="免提交")).to_have_count(1)
        expect(materials.filter(has_text="免提交")).to_contain_text(
            "提交后由安吉县卫生健康局查询“户籍人口信息”"
        )
        shot(applicant, "apply")

        form.get_by_role("button", name="提交申请").click()
        applicant.wait_for_url(re.compile(r"/cases/[^/]+/$"))
        number = applicant.url.rstrip("/").rsplit("/", 1)[-1]
        assert CASE_NUMBER.match(number), number
        expect(_flash(applicant)).to_contain_text(f"申请已提交，办件编号 {number}")
        expect(applicant.get_by_role("heading", level=1, name=JOINT_ITEM)).to_be_visible()
        expect(applicant.get_by_role("region", name=JOINT_ITEM)).to_contain_text(f"办件编号 {number}")
        expect(_status_badge(applicant)).to_have_text("已提交，待受理")
        listed = applicant.get_by_role("region", name="申请材料").get_by_role("listitem")
        expect(listed).to_have_count(6)  # five files and the ID card data looked up at submission
        expect(listed.filter(has_text="法定代表人（负责人）身份证件")).to_contain_text("免提交")
        # The applicant's own ID number is masked on the page.
        expect(applicant.get_by_role("region", name="申请信息")).not_to_contain_text("330523199003150012")
        expect(applicant.get_by_role("region", name="办件操作")).to_have_count(0)
        shot(applicant, "case-submitted")

    # 2. The window clerk finds it on the desk and asks for a correction, listing everything at once.
    with _person(browser, portal, "clerk") as clerk:
        clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台").click()
        clerk.wait_for_url(re.compile(r"/tasks/$"))
        queue = clerk.get_by_role("region", name=re.compile("^待受理申请"))
        expect(queue.get_by_role("heading")).to_contain_text(re.compile(r"共 \d+ 件"))
        expect(queue.get_by_role("columnheader", name="已等待")).to_be_visible()
        row = queue.get_by_role("row").filter(has=clerk.get_by_role("link", name=number, exact=True))
        expect(row).to_contain_text(JOINT_ITEM)
        expect(row).to_contain_text(APPLICANT)
        expect(row).to_contain_text("分钟")  # just submitted
        expect(clerk.get_by_role("region", name=re.compile("^待出件"))).to_be_visible()
        shot(clerk, "desk")

        _open_case_from_desk(clerk, portal, number, in_queue=True)
        # Staff who accept see the full ID number.
        expect(clerk.get_by_role("region", name="申请信息")).to_contain_text("330523199003150012")
        expect(clerk.get_by_role("region", name="办件操作").locator("summary")).to_have_text(
            ["受理", "一次性告知补正", "不予受理"]
        )
        shot(clerk, "case-staff")
        box = (
            clerk.get_by_role("region", name="办件操作")
            .locator("details")
            .filter(has=clerk.locator("summary", has_text=re.compile("^一次性告知补正$")))
        )
        box.locator("summary").click()
        box.get_by_role("checkbox", name=FORM_MATERIAL).check()
        box.get_by_label(f"{FORM_MATERIAL}的问题").fill("缺少法定代表人签字")
        expect(box).to_contain_text("补正的期限为 10 个工作日")
        _staff_action(clerk, "一次性告知补正", fill={"其他需要补正的内容（每行一项）": CORRECTIONS[1]})
        expect(_status_badge(clerk)).to_have_text("待补正")

        # 3. The applicant sees what to correct, uploads a file and sends the correction.
        with _person(browser, portal, "citizen") as applicant:
            applicant.goto(f"{portal}/cases/{number}/")
            expect(_status_badge(applicant)).to_have_text("待补正")
            fix = applicant.get_by_role("region", name="请补正以下材料或内容（一次性告知）")
            numbered = fix.locator("ol.correction-items > li")
            expect(numbered).to_have_count(2)
            expect(numbered.nth(0)).to_contain_text(CORRECTIONS[0])  # the material to replace comes first
            expect(numbered.nth(1)).to_contain_text(CORRECTIONS[1])
            expect(fix).to_contain_text(re.compile(r"请于 \d{4}年\d{1,2}月\d{1,2}日 前补正"))
            expect(fix.get_by_role("link", name="下载补正材料通知书（PDF）")).to_be_visible()
            expect(applicant.locator("dt:text-is('暂停计时') + dd")).to_contain_text("计时已暂停")
            shot(applicant, "correction-notice")
            with applicant.expect_download() as info:
                fix.get_by_role("link", name="下载补正材料通知书（PDF）").click()
            with open(info.value.path(), "rb") as fh:
                assert fh.read(5) == b"%PDF-"
            numbered.nth(0).get_by_label(f"重新上传：{FORM_MATERIAL}").set_input_files(
                _pdf("申请表（已签字）.pdf")
            )
            fix.get_by_role("button", name="提交补正").click()
            expect(_flash(applicant)).to_contain_text("操作已完成")
            expect(_status_badge(applicant)).to_have_text("已提交，待受理")
            expect(applicant.get_by_role("region", name="请补正以下材料或内容（一次性告知）")).to_have_count(
                0
            )
            files = applicant.get_by_role("region", name="申请材料")
            expect(files).to_contain_text("申请表（已签字）.pdf")
            expect(files.locator("li.superseded")).to_have_count(1)
            expect(files.locator("li.superseded")).to_contain_text("已被替换")
            expect(files.locator("li.superseded")).to_contain_text(f"{FORM_MATERIAL}.pdf")

            # 4. The clerk accepts.
            _open_case_from_desk(clerk, portal, number, in_queue=True)
            _staff_action(clerk, "受理")
            expect(_status_badge(clerk)).to_have_text("已受理，办理中")
            expect(
                clerk.get_by_role("region", name="办理文书").get_by_role("link", name="受理通知书（PDF）")
            ).to_be_visible()

            # 5. Both departments review in parallel.
            with _person(browser, portal, "wjj_approver") as wjj:
                _review_task(wjj, portal, number, screenshot="tasks")
            with _person(browser, portal, "scjgj_approver") as scjgj:
                _review_task(scjgj, portal, number)

            # 6. The head of the health department decides.
            with _person(browser, portal, "wjj_head") as head:
                page = head
                page.goto(portal + "/tasks/")
                row = (
                    page.get_by_role("region", name=re.compile("^我的待办"))
                    .get_by_role("row")
                    .filter(has=page.get_by_role("link", name=number, exact=True))
                )
                expect(row).to_contain_text("决定")
                _review_task(
                    page,
                    portal,
                    number,
                    opinion=("决定意见（退回或不予许可时必填）", "材料属实，同意发证。"),
                    button="准予许可",
                )
                expect(_status_badge(page)).to_have_text("已作出决定，待出件")

            # 7. The case waits in the clerk's 待出件 queue; the clerk hands out the licence and completes it.
            clerk.goto(f"{portal}/tasks/")
            waiting = clerk.get_by_role("region", name=re.compile("^待出件"))
            row = waiting.get_by_role("row").filter(has=clerk.get_by_role("link", name=number, exact=True))
            expect(row).to_contain_text("准予")
            shot(clerk, "workbench-issue")
            row.get_by_role("link", name=number, exact=True).click()
            clerk.wait_for_url(re.compile(rf"/cases/{re.escape(number)}/$"))
            expect(_status_badge(clerk)).to_have_text("已作出决定，待出件")
            _staff_action(clerk, "出件", select={"出件方式": "窗口领取"})
            expect(_status_badge(clerk)).to_have_text("已出件")
            _staff_action(clerk, "办结")
            expect(_status_badge(clerk)).to_have_text("已办结")
            expect(clerk.get_by_role("region", name="办件操作")).to_have_count(0)

            # 8. The applicant sees it completed, with every step, and downloads the acceptance notice.
            applicant.get_by_role("navigation", name="主导航").get_by_role("link", name="我的办件").click()
            applicant.wait_for_url(re.compile(r"/my/cases/$"))
            mine = applicant.get_by_role("region", name="我的办件").locator("tbody").get_by_role("row")
            case_row = mine.filter(has=applicant.get_by_role("link", name=number, exact=True))
            expect(case_row).to_contain_text(JOINT_ITEM)
            expect(case_row.locator(".badge")).to_have_text("已办结")
            case_row.get_by_role("link", name=number, exact=True).click()
            applicant.wait_for_url(re.compile(rf"/cases/{re.escape(number)}/$"))
            expect(_status_badge(applicant)).to_have_text("已办结")

            timeline = applicant.get_by_role("region", name="办理过程").get_by_role("listitem")
            steps = [s.strip() for s in timeline.locator("strong").all_inner_texts()]
            expected = [
                "提交申请",
                "一次性告知补正",
                "补正后重新提交",
                "受理",
                "作出审批决定",
                "出件",
                "办结",
            ]
            assert [s for s in steps if s in expected] == expected, steps
            expect(timeline.filter(has_text="一次性告知补正")).to_contain_text(
                f"1. {CORRECTIONS[0]}；2. {CORRECTIONS[1]}"
            )
            expect(timeline.filter(has_text="出件")).to_contain_text("统一窗口出件")
            # Both reviews and the decision task are on the timeline in the citizen's words, each under the
            # department that did it; no internal steps (签收), no process jargon, no staff names.
            expect(timeline.filter(has_text="“并联审查”环节已通过")).to_have_count(2)
            expect(timeline.filter(has_text="“决定”环节已通过")).to_have_count(1)
            expect(timeline.filter(has_text="准予许可")).to_have_count(1)
            told = applicant.get_by_role("region", name="办理过程").inner_text()
            for jargon in ("签收", "审批任务", "审批流程", "王芳"):
                assert jargon not in told, (jargon, told)
            shot(applicant, "case-completed")

            documents = applicant.get_by_role("region", name="办理文书")
            expect(documents.get_by_role("link")).to_have_text(
                ["补正材料通知书（PDF）", "受理通知书（PDF）", "审批决定书（PDF）"]
            )
            with applicant.expect_download() as info:
                documents.get_by_role("link", name="受理通知书（PDF）").click()
            download = info.value
            assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
            assert number in download.suggested_filename
            with open(download.path(), "rb") as fh:
                assert fh.read(5) == b"%PDF-"

            # 9. Anyone can look the case up by number and applicant's name; a wrong name reveals nothing.
            applicant.get_by_role("navigation", name="主导航").get_by_role("link", name="进度查询").click()
            applicant.wait_for_url(re.compile(r"/progress/$"))
            query = applicant.get_by_role("search")
            query.get_by_label("办件编号").fill(number)
            query.get_by_label("申请人（单位）名称").fill(APPLICANT)
            query.get_by_role("button", name="查询").click()
            applicant.wait_for_url(re.compile(r"/progress/\?"))
            expect(applicant.locator("dt:text-is('当前状态') + dd")).to_have_text("已办结")
            expect(applicant.locator("dt:text-is('事项') + dd")).to_have_text(JOINT_ITEM)

            response = applicant.goto(f"{portal}/progress/?number={number}&name=李四")
            assert response is not None and response.status == 404
            expect(applicant.get_by_role("alert")).to_have_text("未查询到该办件，请核对办件编号和申请人名称")
            expect(applicant.get_by_role("main")).not_to_contain_text("已办结")
            expect(applicant.get_by_role("main")).not_to_contain_text(JOINT_ITEM)


def _assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{page.url} scrolls sideways on a 360-px phone: scrollWidth={width}"


def _apply_on_phone(page: Page, portal: str) -> None:
    """Log in as the citizen on the phone and fill the joint item's form, with a PDF for every material."""
    page.goto(f"{portal}/login/?next=/items/{JOINT_ITEM_CODE}/apply/")
    page.get_by_label("账号").fill("citizen")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(rf"/items/{JOINT_ITEM_CODE}/apply/$"))
    expect(page.get_by_role("heading", level=1, name=f"在线办理：{JOINT_ITEM}")).to_be_visible()
    inputs = page.get_by_role("main").locator("form input[type=file]")
    expect(inputs).to_have_count(
        6
    )  # five required materials (营业执照 too: no e-licence) and one conditional
    for i in range(inputs.count()):
        inputs.nth(i).set_input_files(_pdf(f"材料{i + 1}.pdf"))


def test_apply_page_fits_a_phone(phone_page: Page, portal: str) -> None:
    page = phone_page
    _apply_on_phone(page, portal)
    shot(page, "apply-phone")
    _assert_no_horizontal_scroll(page)


def test_case_page_fits_a_phone(phone_page: Page, portal: str) -> None:
    page = phone_page
    _apply_on_phone(page, portal)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/[^/]+/$"))
    expect(page.get_by_role("heading", level=1, name=JOINT_ITEM)).to_be_visible()
    # six files and the ID card data looked up at submission
    materials = page.get_by_role("region", name="申请材料").get_by_role("listitem")
    expect(materials).to_have_count(7)
    _assert_no_horizontal_scroll(page)


GAP_ITEM = "食品小作坊登记"
GAP_ITEM_CODE = "11330523001860918N000121010090001"  # scjgj; two materials on its 容缺受理清单
GAP_MATERIAL = "从业人员健康证明"


def _approve_in_process(number: str) -> None:
    """The department's review steps, done through the services (another test walks them in a browser)."""
    from govhall.cases.models import Case
    from govhall.cases.services import task_complete
    from govhall.identity.models import User

    case = Case.objects.get(number=number)
    while case.status == "accepted":
        task = case.tasks.filter(state__in=["open", "claimed"]).order_by("id")[0]
        who = User.objects.get(
            username=f"{task.department.code}_{'head' if task.role == 'department_head' else 'approver'}"
        )
        case = task_complete(task_id=task.pk, user=who, decision="approve", opinion="同意")


def test_desk_registers_with_a_tolerated_gap_and_the_case_completes_once_supplied(
    browser: Any, portal: str
) -> None:
    # 1. The window clerk registers for the citizen at the desk, without the health certificates (容缺).
    with _person(browser, portal, "clerk") as clerk:
        clerk.goto(f"{portal}/desk/")
        clerk.get_by_label("申请人公民身份号码或手机号").fill("13905720001")
        clerk.get_by_label("事项").fill(GAP_ITEM)
        clerk.get_by_role("button", name="查找").click()
        clerk.get_by_role("link", name=GAP_ITEM).first.click()
        clerk.wait_for_url(re.compile(rf"/items/{GAP_ITEM_CODE}/apply/\?desk="))
        form = clerk.get_by_role("main").locator("form")
        rows = form.get_by_role("table").locator("tbody").get_by_role("row")
        expect(rows.filter(has_text="可容缺")).to_have_count(2)
        expect(
            rows.filter(has_text="食品小作坊登记申请表").get_by_label("容缺后补（暂缺，限期补交）")
        ).to_have_count(0)
        # 营业执照 too: the applicant holds no e-licence of it, so the clerk scans the paper one.
        for name in ("食品小作坊登记申请表", "营业执照", "生产场所平面布局图和工艺流程图", "食品安全承诺书"):
            form.get_by_label(f"上传{name}").set_input_files(_pdf(f"{name}.pdf"))
        gap_row = rows.filter(has_text=GAP_MATERIAL)
        gap_row.get_by_label("容缺后补（暂缺，限期补交）").check()
        due = gap_row.get_by_label("补交日期").input_value()  # the latest allowed: the promised due date
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", due), due
        shot(clerk, "desk-tolerated-gap")
        form.get_by_role("button", name="提交申请").click()
        clerk.wait_for_url(re.compile(r"/cases/[^/]+/$"))
        number = clerk.url.rstrip("/").rsplit("/", 1)[-1]
        materials = clerk.get_by_role("region", name="申请材料")
        expect(materials).to_contain_text(f"{GAP_MATERIAL}，{due} 前补交（窗口收件时登记，受理时确认）")

        # 2. The 受理 box has the gap ticked with its date; the clerk accepts.
        box = clerk.get_by_role("region", name="办件操作").locator("details").first
        expect(box.get_by_label(GAP_MATERIAL)).to_be_checked()
        expect(box.get_by_label("补交日期").first).to_have_value(due)
        shot(clerk, "case-accept-tolerated-gap")
        _staff_action(clerk, "受理")
        expect(clerk.get_by_role("region", name="办理过程")).to_contain_text(
            f"容缺受理：{GAP_MATERIAL}（{due}前补交）"
        )

        # 3. Approved; the result cannot be issued while the material is owed.
        _approve_in_process(number)
        clerk.goto(f"{portal}/cases/{number}/")
        actions = clerk.get_by_role("region", name="办件操作")
        issue = actions.locator("details").filter(has=clerk.locator("summary", has_text=re.compile("^出件$")))
        if issue.get_attribute("open") is None:
            issue.locator("summary").click()
        issue.get_by_role("button", name="出件", exact=True).click()
        expect(clerk.get_by_role("main")).to_contain_text("容缺材料尚未补齐")
        shot(clerk, "case-issue-refused-owed")

        # 4. The applicant sees what is owed and uploads it.
        with _person(browser, portal, "citizen") as applicant:
            applicant.goto(f"{portal}/cases/{number}/")
            owed = applicant.get_by_role("region", name="申请材料")
            expect(owed).to_contain_text("本件为容缺受理")
            expect(owed).to_contain_text(f"{GAP_MATERIAL}，{due} 前补交")
            shot(applicant, "case-owed")
            owed.get_by_label(f"补交{GAP_MATERIAL}").set_input_files(_pdf("健康证明.pdf"))
            owed.get_by_role("button", name="补交", exact=True).click()
            expect(_flash(applicant)).to_contain_text("材料已补交")
            expect(applicant.get_by_role("region", name="申请材料")).not_to_contain_text("容缺后补")
            expect(applicant.get_by_role("region", name="申请材料")).to_contain_text("健康证明.pdf")

        # 5. Now the clerk issues and completes.
        clerk.goto(f"{portal}/cases/{number}/")
        _staff_action(clerk, "出件", select={"出件方式": "窗口领取"})
        _staff_action(clerk, "办结")
        expect(clerk.get_by_role("region", name=GAP_ITEM).locator(".guide-head .badge")).to_have_text(
            "已办结"
        )
        expect(clerk.get_by_role("region", name="办理过程")).to_contain_text(f"补交容缺材料：{GAP_MATERIAL}")
        shot(clerk, "case-completed-after-gap")


def test_apply_form_shows_every_problem_at_once_and_keeps_valid_files(browser: Any, portal: str) -> None:
    with _person(browser, portal, "citizen") as page:
        page.goto(f"{portal}/items/{JOINT_ITEM_CODE}/apply/")
        form = page.get_by_role("main").locator("form")
        form.get_by_label("联系电话").fill("123")
        materials = form.get_by_role("table").locator("tbody").get_by_role("row")
        required = materials.filter(has=page.get_by_text("必要", exact=True)).filter(
            has=page.locator("input[type=file]")
        )
        names = [required.nth(i).locator("strong").inner_text().strip() for i in range(required.count())]
        form.get_by_label(f"上传{names[0]}").set_input_files(
            {"name": "照片.pdf", "mimeType": "application/pdf", "buffer": b"not really a pdf"}
        )
        for name in names[1:-1]:
            form.get_by_label(f"上传{name}").set_input_files(_pdf(f"{name}.pdf"))
        # the last required material is left out
        form.get_by_role("button", name="提交申请").click()
        summary = page.get_by_role("alert").filter(has_text="处需要修改")
        expect(summary).to_contain_text(re.compile(r"还有 \d+ 处需要修改"))
        expect(summary.get_by_role("link")).to_have_count(summary.get_by_role("listitem").count())
        expect(summary).to_contain_text("“照片.pdf”未能上传")
        expect(summary).to_contain_text(f"请上传“{names[-1]}”（必要材料）")
        bad = materials.filter(has=page.get_by_text(names[0], exact=True))
        expect(bad).to_contain_text("文件内容不是允许的格式")
        expect(page.get_by_label(f"上传{names[0]}")).to_have_attribute("aria-invalid", "true")
        for name in names[1:-1]:
            expect(materials.filter(has=page.get_by_text(name, exact=True))).to_contain_text(
                f"已上传：{name}.pdf"
            )
        expect(page.get_by_label("联系电话")).to_have_attribute("aria-invalid", "true")
        shot(page, "apply-errors")
        summary.get_by_role("link").filter(has_text="照片.pdf").click()
        assert re.search(r"#file_\d+$", page.url), page.url


def test_desk_checks_the_number_and_keeps_it_out_of_the_url(browser: Any, portal: str) -> None:
    with _person(browser, portal, "clerk") as page:
        page.goto(f"{portal}/desk/")
        page.get_by_label("申请人公民身份号码或手机号").fill("330523199003150013")
        page.get_by_role("button", name="查找").click()
        expect(page.get_by_role("alert")).to_contain_text("校验码错误")
        expect(page.get_by_role("alert")).not_to_contain_text("尚未注册")
        page.get_by_label("申请人公民身份号码或手机号").fill("330523199003150012")
        page.get_by_label("事项").fill("卫生许可")
        page.get_by_role("button", name="查找").click()
        expect(page.get_by_role("main")).to_contain_text(f"申请人：{APPLICANT}")
        assert "330523199003150012" not in page.url
        page.get_by_role("link", name=JOINT_ITEM).first.click()
        page.wait_for_url(re.compile(r"/apply/\?desk="))
        assert "330523199003150012" not in page.url
        expect(page.get_by_role("main")).to_contain_text(f"窗口代办：申请人 {APPLICANT}")
        shot(page, "desk-apply")
