"""The service catalogue: items (实施清单) with their guides and materials, in versions; themes and synonyms.

An item is edited as a draft; publishing makes that version immutable and supersedes the previous one.
Every version stays in the table; cases will point at the version they were applied under.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from govhall.core.models import TimestampedModel, text_limits
from govhall.identity.models import Department, Region, RegionLevel


class Audience(models.TextChoices):
    PERSON = "person", "个人"
    ENTERPRISE = "enterprise", "法人"


class Theme(models.Model):
    """主题: a life event (个人) or an enterprise stage (法人)."""

    code = models.SlugField("主题编码", max_length=30, unique=True)
    name = models.CharField("主题名称", max_length=30)
    audience = models.CharField("服务对象", max_length=10, choices=Audience.choices)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "主题"
        ordering = ["audience", "order", "code"]

    def __str__(self) -> str:
        return self.name


class Synonym(models.Model):
    """同义词: what citizens type (生孩子) and the official words it stands for (出生登记)."""

    term = models.CharField("口语词", max_length=50, unique=True)
    synonyms = models.JSONField("对应规范词", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "同义词"
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {'、'.join(self.synonyms)}"


class ItemType(models.TextChoices):
    PERMIT = "permit", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    PAYMENT = "payment", "行政给付"
    ADJUDICATION = "adjudication", "行政裁决"
    LEVY = "levy", "行政征收"
    REWARD = "reward", "行政奖励"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class CaseKind(models.TextChoices):
    INSTANT = "instant", "即办件"
    PROMISED = "promised", "承诺件"
    JOINT = "joint", "联办件"
    ESCALATED = "escalated", "上报件"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已废止（被新版本替代）"


class ResultType(models.TextChoices):
    LICENCE = "licence", "证照"
    APPROVAL = "approval", "批文"
    OTHER = "other", "其他"


ONLINE_DEPTHS = {1: "一级：网上咨询", 2: "二级：网上预审", 3: "三级：网上受理", 4: "四级：全程网办"}


class ServiceItem(TimestampedModel):
    """政务服务事项: one version of one item as implemented by one department (实施清单)."""

    implementation_code = models.CharField("实施编码", max_length=40, db_index=True)
    version = models.PositiveIntegerField("版本号", default=1)
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    superseded_at = models.DateTimeField("废止时间", null=True, blank=True)

    basic_code = models.CharField("基本编码", max_length=20, db_index=True)
    name = models.CharField("事项名称", max_length=200)
    item_type = models.CharField("事项类型", max_length=20, choices=ItemType.choices)
    department = models.ForeignKey(Department, models.PROTECT, related_name="items", verbose_name="实施主体")
    level = models.CharField("实施层级", max_length=10, choices=RegionLevel.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="items", verbose_name="实施区划")
    for_person = models.BooleanField("面向个人", default=False)
    for_enterprise = models.BooleanField("面向法人", default=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="items", verbose_name="主题")
    case_kind = models.CharField("办件类型", max_length=10, choices=CaseKind.choices)
    legal_time_limit = models.PositiveIntegerField("法定办结时限（工作日）")
    promised_time_limit = models.PositiveIntegerField("承诺办结时限（工作日）")
    special_procedures = models.JSONField("特别程序", default=list, blank=True)
    fee_charged = models.BooleanField("是否收费", default=False)
    fee_standard = models.TextField("收费标准", max_length=2000, blank=True)
    fee_basis = models.TextField("收费依据", max_length=2000, blank=True)
    visits = models.PositiveSmallIntegerField("到办事现场次数", default=1)
    online_depth = models.PositiveSmallIntegerField(
        "网上办理深度", default=1, choices=list(ONLINE_DEPTHS.items())
    )
    tag_immediate = models.BooleanField("马上办", default=False)
    tag_online = models.BooleanField("网上办", default=False)
    tag_one_visit = models.BooleanField("一次办", default=False)
    tag_nearby = models.BooleanField("就近办", default=False)
    regionwide = models.BooleanField("全域通办", default=False)
    legal_basis = models.TextField("设定依据", max_length=10000)
    conditions = models.TextField("受理条件", max_length=10000)
    process_steps = models.JSONField("办理流程", default=list, blank=True)
    result_name = models.CharField("审批结果名称", max_length=200, blank=True)
    result_type = models.CharField("审批结果类型", max_length=10, choices=ResultType.choices, default="other")
    place = models.TextField("办理地点", max_length=1000)
    office_hours = models.TextField("办理时间", max_length=500)
    consult_phone = models.CharField("咨询电话", max_length=50)
    complaint_phone = models.CharField("监督投诉电话", max_length=50)
    keywords = models.JSONField("关键词", default=list, blank=True)
    faqs = models.JSONField("常见问题", default=list, blank=True)
    popularity = models.PositiveIntegerField("热度", default=0)
    form_fields = models.JSONField(
        "申请表字段",
        default=list,
        blank=True,
        help_text="为空时使用通用申请表（申请人信息、联系地址、申请事由）",
    )
    process = models.TextField(
        "自定义审批流程（BPMN）", max_length=500000, blank=True, help_text="为空时按办件类型使用平台模板"
    )
    joint_departments = models.JSONField(
        "联办部门", default=list, blank=True, help_text="联办件参与并联审查的部门简码"
    )
    escalation_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_items",
        verbose_name="上级决定部门",
        help_text="上报件由该部门作出决定",
    )
    commitment_allowed = models.BooleanField(
        "可告知承诺",
        default=False,
        help_text="办事指南承诺可告知承诺的事项：申请人书面承诺符合条件后当场作出准予决定，部门在规定期限内核查，"
        "核查不合格的撤销决定",
    )

    class Meta:
        verbose_name = verbose_name_plural = "政务服务事项"
        ordering = ["implementation_code", "-version"]
        constraints = [
            *text_limits(
                fee_standard=2000,
                fee_basis=2000,
                legal_basis=10_000,
                conditions=10_000,
                place=1000,
                office_hours=500,
                process=500_000,
            ),
            models.UniqueConstraint(fields=["implementation_code", "version"], name="item_version_unique"),
            models.UniqueConstraint(
                fields=["implementation_code"], condition=Q(status="published"), name="one_published_version"
            ),
            models.UniqueConstraint(
                fields=["implementation_code"], condition=Q(status="draft"), name="one_draft_version"
            ),
            models.CheckConstraint(
                condition=Q(promised_time_limit__lte=models.F("legal_time_limit")),
                name="promised_within_legal_limit",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-popularity", "name"], name="item_status_popularity"),
            models.Index(fields=["department", "status"], name="item_department_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"

    @property
    def audiences(self) -> list[str]:
        return [
            a
            for a, on in ((Audience.PERSON, self.for_person), (Audience.ENTERPRISE, self.for_enterprise))
            if on
        ]

    @property
    def online_depth_label(self) -> str:
        return ONLINE_DEPTHS.get(self.online_depth, "")

    @property
    def visits_label(self) -> str:
        return {0: "0次", 1: "1次"}.get(self.visits, "多次")

    @property
    def is_editable(self) -> bool:
        return self.status == ItemStatus.DRAFT


class Requirement(models.TextChoices):
    REQUIRED = "required", "必要"
    OPTIONAL = "optional", "非必要"
    CONDITIONAL = "conditional", "情形必要"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    ORIGINAL_AND_COPY = "original_and_copy", "原件和复印件"


class Medium(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    BOTH = "both", "纸质或电子"


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    LICENCE = "licence", "电子证照"
    SHARED_DATA = "shared_data", "共享数据"


class Material(models.Model):
    """申请材料 of one item version."""

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=200)
    requirement = models.CharField("必要性", max_length=12, choices=Requirement.choices, default="required")
    condition = models.TextField("情形说明", max_length=1000, blank=True)
    form = models.CharField("材料形式", max_length=20, choices=MaterialForm.choices, default="original")
    copies = models.PositiveSmallIntegerField("份数", default=1)
    medium = models.CharField("载体", max_length=12, choices=Medium.choices, default="both")
    source = models.CharField("来源渠道", max_length=12, choices=MaterialSource.choices, default="applicant")
    source_ref = models.CharField("证照或数据资源", max_length=200, blank=True)
    sample = models.TextField("示范文本", max_length=5000, blank=True)
    common_mistakes = models.TextField("易错提醒", max_length=2000, blank=True)
    legal_basis = models.TextField("材料依据", max_length=5000, blank=True)
    notes = models.TextField("备注", max_length=2000, blank=True)
    tolerable = models.BooleanField(
        "可容缺",
        default=False,
        help_text="列入容缺受理清单：可先行受理，限期补交；主要材料（身份证明、申请表）不得勾选",
    )

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["item_id", "position", "id"]
        constraints = text_limits(
            condition=1000, sample=5000, common_mistakes=2000, legal_basis=5000, notes=2000
        )

    def __str__(self) -> str:
        return self.name


class ItemSearchDocument(models.Model):
    """The search terms of one published item, by weight. SQLite indexes it with FTS5, PostgreSQL with a
    generated tsvector column; both are created by this app's migrations.

    Its texts have no CHECK of their own: they are derived by the indexer from the item's bounded fields, and
    adding one would make SQLite rebuild the table and drop the FTS5 triggers."""

    item = models.OneToOneField(ServiceItem, models.CASCADE, primary_key=True, related_name="search_document")
    name_terms = models.TextField()
    keyword_terms = models.TextField()
    body_terms = models.TextField()

    class Meta:
        verbose_name = verbose_name_plural = "检索文档"

    def __str__(self) -> str:
        return f"检索文档 {self.item_id}"


class OnFailure(models.TextChoices):
    """What a refused item does to the items that wait for it (per edge of a bundle's graph)."""

    REFUSE = "refuse", "一并不予办理"
    PAUSE = "pause", "暂停，待申请人处理"


class Bundle(TimestampedModel):
    """一件事: several items applied for together, with one form and one set of materials; one version of it.

    Its items are named by implementation code (a bundle follows each item's published version, as a guide
    does); the order between them is a dependency graph of edges. Versioned like items: a draft is edited,
    publishing freezes it and supersedes the previous version."""

    code = models.SlugField("一件事编码", max_length=40, db_index=True)
    version = models.PositiveIntegerField("版本号", default=1)
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    superseded_at = models.DateTimeField("废止时间", null=True, blank=True)

    name = models.CharField("一件事名称", max_length=100)
    summary = models.TextField("简介", max_length=1000, help_text="一两句话说明这件事办成什么")
    conditions = models.TextField("受理条件", max_length=10000)
    audience = models.CharField("服务对象", max_length=10, choices=Audience.choices, default=Audience.PERSON)
    region = models.ForeignKey(Region, models.PROTECT, related_name="bundles", verbose_name="实施区划")
    lead_department = models.ForeignKey(
        Department, models.PROTECT, related_name="led_bundles", verbose_name="牵头部门"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="bundles", verbose_name="主题")
    promised_time_limit = models.PositiveIntegerField(
        "承诺办结时限（工作日）", help_text="整件事自受理起的承诺时限；不得短于各事项按办理顺序的关键路径"
    )
    results = models.TextField(
        "办理结果领取",
        max_length=2000,
        help_text="结果从哪里来、怎样一次领取（统一出件窗口、免费邮寄、电子证照）",
    )
    legal_basis = models.TextField("政策依据", max_length=5000, blank=True)
    place = models.TextField("办理地点", max_length=1000)
    office_hours = models.TextField("办理时间", max_length=500)
    consult_phone = models.CharField("咨询电话", max_length=50)
    complaint_phone = models.CharField("监督投诉电话", max_length=50, default="12345")
    keywords = models.JSONField(
        "关键词", default=list, blank=True, help_text="群众的说法，如：生孩子、开公司"
    )
    faqs = models.JSONField("常见问题", default=list, blank=True)
    popularity = models.PositiveIntegerField("热度", default=0)
    shared_fields = models.JSONField(
        "共用表单字段",
        default=list,
        blank=True,
        help_text="多个事项共用、只填一次的字段：[{name, label, type, ..., items: {实施编码: 事项表单字段名}}]；"
        "各事项同名同类型的字段自动合并",
    )
    shared_materials = models.JSONField(
        "共用申请材料",
        default=list,
        blank=True,
        help_text="名称不同但为同一份的材料：[{name, items: {实施编码: 该事项的材料名称}}]；"
        "同名、同来源的材料自动合并",
    )

    class Meta:
        verbose_name = verbose_name_plural = "一件事"
        ordering = ["code", "-version"]
        constraints = [
            *text_limits(
                summary=1000, conditions=10_000, results=2000, legal_basis=5000, place=1000, office_hours=500
            ),
            models.UniqueConstraint(fields=["code", "version"], name="bundle_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="one_published_bundle_version"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="draft"), name="one_draft_bundle_version"
            ),
        ]
        indexes = [models.Index(fields=["status", "-popularity", "name"], name="bundle_status_popularity")]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"

    @property
    def is_editable(self) -> bool:
        return self.status == ItemStatus.DRAFT


class BundleItem(models.Model):
    """One item of a bundle version, by implementation code (its published version serves)."""

    bundle = models.ForeignKey(Bundle, models.CASCADE, related_name="bundle_items")
    position = models.PositiveSmallIntegerField("序号", default=0)
    item_code = models.CharField("事项实施编码", max_length=40)
    optional = models.BooleanField("选办", default=False, help_text="符合情形时才办理，申请人申请时勾选")
    condition = models.TextField("办理情形", max_length=500, blank=True, help_text="选办事项在什么情形下办理")
    time_limit = models.PositiveIntegerField(
        "本件事中的承诺时限（工作日）",
        null=True,
        blank=True,
        help_text="一件事中压缩后的时限；为空时取事项自身的承诺办结时限，不得长于它",
    )

    class Meta:
        verbose_name = verbose_name_plural = "一件事包含的事项"
        ordering = ["bundle_id", "position", "id"]
        constraints = [
            *text_limits(condition=500),
            models.UniqueConstraint(fields=["bundle", "item_code"], name="bundle_item_once"),
        ]

    def __str__(self) -> str:
        return self.item_code


class BundleEdge(models.Model):
    """An edge of a bundle's dependency graph: ``after`` waits for ``before`` to be completed, and uses its
    result; if ``before`` is refused, ``after`` is refused too or paused (``on_failure``)."""

    bundle = models.ForeignKey(Bundle, models.CASCADE, related_name="edges")
    before = models.CharField("前序事项实施编码", max_length=40)
    after = models.CharField("后续事项实施编码", max_length=40)
    on_failure = models.CharField(
        "前序不予办理时", max_length=10, choices=OnFailure.choices, default=OnFailure.REFUSE
    )

    class Meta:
        verbose_name = verbose_name_plural = "办理顺序（前序 → 后续）"
        ordering = ["bundle_id", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "before", "after"], name="bundle_edge_once")]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"
