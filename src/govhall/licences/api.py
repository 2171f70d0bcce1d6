"""电子证照 API: my licences, one licence, its face, revocation, authorisations, public verification (by
identifier or by the face document) and the issuers' public keys."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.params.functions import Query as QueryParam

from govhall.core.errors import NotFound, ValidationFailed
from govhall.core.schemas import binary_answer, errors, responses
from govhall.identity.auth import AuthedRequest, api_auth

from . import selectors, services
from .schemas import (
    AuthorisationOut,
    AuthoriseIn,
    KeyOut,
    KeyPage,
    LicenceDetailOut,
    LicenceOut,
    LicencePage,
    RevokeIn,
    VerificationOut,
)

router = Router(tags=["电子证照"], auth=api_auth)
MAX_FACE_BYTES = 10 * 1024 * 1024


@router.get("/licences", response=responses(LicencePage), summary="我的电子证照（本人及经办单位）")
def my_licences(request: AuthedRequest) -> LicencePage:
    items = [LicenceOut.of(lc) for lc in selectors.licence_list_for(request.user)]
    return LicencePage(count=len(items), items=items)


@router.get(
    "/licences/verify",
    response=responses(VerificationOut, auth=False),
    summary="按证照标识核验（公开）",
    auth=None,
)
def verify_by_id(request: HttpRequest, id: str = QueryParam(..., max_length=100)) -> VerificationOut:
    return VerificationOut.of(selectors.licence_verify(id))


@router.post(
    "/licences/verify",
    response=responses(VerificationOut, auth=False),
    summary="上传照面PDF核验摘要与签名（公开）",
    auth=None,
)
def verify_by_document(request: HttpRequest, file: File[UploadedFile]) -> VerificationOut:
    if file.size is None or file.size > MAX_FACE_BYTES:
        raise ValidationFailed("照面文件不能超过10MB", field="file")
    return VerificationOut.of(selectors.licence_verify_document(file.read()))


@router.get(
    "/licences/keys",
    response=responses(KeyPage, auth=False),
    summary="颁发部门的SM2公钥（含已停用的）",
    auth=None,
)
def keys(request: HttpRequest) -> KeyPage:
    items = [KeyOut.of(k) for k in selectors.issuer_keys()]
    return KeyPage(count=len(items), items=items)


@router.get("/licences/{identifier}", response=responses(LicenceDetailOut, 404), summary="电子证照详情")
def licence_detail(request: AuthedRequest, identifier: str) -> LicenceDetailOut:
    return LicenceDetailOut.detail(selectors.licence_get_for(request.user, identifier))


@router.get(
    "/licences/{identifier}/face",
    url_name="licence_face",
    response=errors(404),
    openapi_extra=binary_answer("照面PDF", "application/pdf"),
    summary="下载照面（持证人或获授权的工作人员）",
)
def licence_face(request: AuthedRequest, identifier: str) -> FileResponse:
    licence = selectors.licence_get_for(request.user, identifier)
    path = selectors.face_file(licence)
    if not path.exists():
        raise NotFound("照面文件不存在", field="identifier")
    response = FileResponse(path.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(licence.type.name + '.pdf')}"
    return response


@router.post(
    "/licences/{identifier}/revoke",
    response=responses(LicenceOut, 403, 404, 409),
    summary="注销电子证照（颁发部门工作人员）",
)
def revoke(request: AuthedRequest, identifier: str, payload: RevokeIn) -> LicenceOut:
    return LicenceOut.of(
        services.licence_revoke(identifier=identifier, user=request.user, reason=payload.reason)
    )


@router.post(
    "/licences/{identifier}/authorisations",
    response=responses(AuthorisationOut, 404, 409, status=201),
    summary="用证授权（持证人授权部门在期限内使用）",
)
def authorise(request: AuthedRequest, identifier: str, payload: AuthoriseIn) -> Status[AuthorisationOut]:
    grant = services.licence_authorise(
        identifier=identifier, user=request.user, department=payload.department, until=payload.until,
        case_number=payload.case_number,
    )  # fmt: skip
    return Status(
        201,
        AuthorisationOut(identifier=identifier, department=grant.department.code, case_number=grant.case_number,
                         valid_until=grant.valid_until),
    )  # fmt: skip
