from tests.cases.conftest import applicant, items, joint_department, media, platform, staff  # noqa: F401
