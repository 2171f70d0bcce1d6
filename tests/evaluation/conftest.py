from tests.cases.conftest import (  # noqa: F401  (shared fixtures)
    applicant,
    items,
    joint_department,
    media,
    platform,
    staff,
)
