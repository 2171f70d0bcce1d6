"""The shares and the words of the synthetic data: how often each outcome happens, and the names, tags and
texts it picks from."""

from __future__ import annotations

import json
from itertools import accumulate, pairwise

from govhall.evaluation.models import (
    BAD_TAGS,
    GOOD_TAGS,
)

USERNAME_PREFIX = "gen"
USCC_PREFIX = "91330523G"
CASES_PER_APPLICANT = 20
MAX_APPLICANTS = 200_000
ENTERPRISE_SHARE = 0.15

# the mix (shares of cases, or of the cases a step applies to)
WEB, WINDOW, API = "web", "window", "api"
CHANNEL_WEIGHTS = {WEB: 0.60, WINDOW: 0.35, API: 0.05}
OFF_DAY_WEIGHT = 0.15  # weekends and holidays: online only
CORRECTION_SHARE = 0.07  # asked to correct before acceptance (online cases)
HANDLING_CORRECTION_SHARE = 0.015  # asked to correct after acceptance: the clock stops
REFUSED_SHARE = 0.025
WITHDRAWN_SHARE = 0.012
LATE_SHARE = 0.04  # decided after the promised date
BEYOND_LEGAL_SHARE = 0.15  # of the late ones: after the legal date too
STUCK_SHARE = 0.0015  # accepted, never decided (long overdue)
SUSPENSION_SHARE = 0.02  # special procedure, 0.15 for items that list one
GAP_SHARE = 0.05  # accepted with a tolerated gap (容缺)
DENY_SHARE = 0.02
REPEAT_SHARE = 0.006  # the same applicant applies again for the same item within days
RATED_SHARE = 0.66
BOTH_STAGES_SHARE = 0.35
DEFAULTED_SHARE = 0.8  # of unrated completed cases old enough for the sweep
LEVELS = [5, 4, 3, 2, 1]
LEVEL_CUM = list(accumulate([0.72, 0.20, 0.05, 0.02, 0.01]))
RATING_CHANNELS = {WEB: (["web", "sms"], [0.7, 0.3]), WINDOW: (["window", "sms"], [0.65, 0.35]),
                   API: (["api", "sms"], [0.6, 0.4])}  # fmt: skip

# local hour of online submissions (share per hour, 0-23)
WEB_HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 7, 6, 4, 5, 6, 6, 5, 4, 4, 5, 5, 4, 3, 2]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玲晓红鹏飞斌宇浩凯琳雪梅婷峰波宁欣怡佳鑫博瑞轩子涵梓睿一诺思雨嘉俊晨阳志林"
BRANDS = "竹乡安吉天荒坪递铺孝丰梅溪鄣吴杭垓溪龙昌硕灵峰山川章村报福上墅天子湖白茶翠竹云鸿丰源恒泰盛达远景瑞宏晟华鑫创新"
TRADES = ["茶业", "竹木制品", "椅业", "家具", "农业开发", "旅游开发", "建材", "餐饮管理", "民宿管理", "电子商务", "物流",
          "机械制造", "食品", "文化传媒", "建筑工程", "商贸", "科技", "生态农业"]  # fmt: skip
GOOD_TAG_SETS = ["[]", "[]"] + [
    json.dumps(s, ensure_ascii=False)
    for s in [[t] for t in GOOD_TAGS] + [list(p) for p in pairwise(GOOD_TAGS)]
]
BAD_TAG_SETS = [
    json.dumps(s, ensure_ascii=False) for s in [[t] for t in BAD_TAGS] + [list(p) for p in pairwise(BAD_TAGS)]
]
GOOD_TEXTS = [
    "",
    "",
    "",
    "",
    "办事很快，工作人员很热情",
    "网上就办好了，很方便",
    "一次就办成了",
    "指引很清楚，谢谢",
]
BAD_TEXTS = ["等了很久才办好", "材料要求前后不一致，跑了好几趟", "窗口人员态度不好", "网上系统老是提交失败"]
WINDOW_PICKUP = '{"method": "window"}'
EXPRESS = '{"method": "express", "carrier": "中国邮政EMS", "tracking_number": "1%012d"}'
RECTIFY_ACTIONS = ["已约谈经办人员并加强业务培训，优化办理流程", "已梳理材料清单并在办事指南中补充说明",
                   "已修复系统问题，并安排专人跟踪办理进度"]  # fmt: skip
FOLLOW_UPS = [
    "电话回访申请人，申请人对整改情况表示认可",
    "上门回访，申请人表示满意",
    "短信回访，申请人表示基本满意",
]
