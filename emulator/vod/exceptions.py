"""VOD's errors, one class per error code, as the cloud answers them.

Each class carries the exact ``Code`` VOD sends, its HTTP status and its default message, so that
raising one anywhere in the emulator is enough: the wire protocol layer renders every ``VodError``
into the same ``{RequestId, HostId, Code, Message, Recommend}`` body. Codes, statuses and messages
follow the VOD error tables; where the reference marks a status as inferred, the class says so.
"""

from __future__ import annotations

from typing import Any


class VodError(Exception):
    """Base of every error the emulator answers with. Subclasses set the three class attributes.

    ``cloud_message`` is the text the cloud answers; ``detail`` is the emulator's own explanation of
    why (which limit, which value), and ``message`` both together. The body's ``Message`` is
    ``cloud_message`` unless ``EmulatorConfig.explain_errors`` is on, so a client sees the cloud's text;
    ``detail`` always leaves in the ``x-vodfc-error-detail`` header (``vodfc.emulator.gateway``).
    """

    code: str = "InternalError"
    status: int = 500
    message: str = "The request processing has failed due to some unknown error."

    def __init__(
        self,
        message: str | None = None,
        *,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **fmt: Any,
    ):
        text = message if message is not None else self.message
        if fmt:
            text = text.format(**fmt)
        self.cloud_message = text
        self.detail = detail
        self.message = self.explained(text, detail) if detail else text
        self.headers = dict(headers or {})
        super().__init__(f"{self.code}: {self.message}")

    @staticmethod
    def explained(text: str, detail: str) -> str:
        """The cloud's ``text`` with the emulator's ``detail``: here another sentence after it."""
        return f"{text} {detail}"

    def explain(self, detail: str) -> None:
        """Add ``detail`` to the emulator's explanation (the cloud's text stays as it is)."""
        self.detail = f"{self.detail} {detail}" if self.detail else detail
        self.message = self.explained(self.cloud_message, self.detail)
        self.args = (f"{self.code}: {self.message}",)


def _reason_in_sentence(text: str, detail: str) -> str:
    """``The specified parameter "X" is not valid: <detail>.``: the reason inside the cloud's sentence."""
    return f"{text[:-1]}: {detail}."


# --- generic (every action) -------------------------------------------------------------------------


class MissingParameter(VodError):
    code, status = "MissingParameter", 400
    message = 'The input parameter "{name}" that is mandatory for processing this request is not supplied.'

    def __init__(self, name: str):
        super().__init__(name=name)


class InvalidParameter(VodError):
    code, status = "InvalidParameter", 400
    message = 'The specified parameter "{name}" is not valid.'

    def __init__(self, name: str, reason: str | None = None):
        super().__init__(name=name, detail=reason)

    explained = staticmethod(_reason_in_sentence)


class Forbidden(VodError):
    code, status = "Forbidden", 403
    message = "User not authorized to operate on the specified resource."


class InternalError(VodError):
    code, status = "InternalError", 500
    message = "The request processing has failed due to some unknown error."


class ServiceUnAvailable(VodError):
    code, status = "ServiceUnAvailable", 503
    message = "The request has failed due to a temporary failure of the server."


class ThrottlingUser(VodError):
    """VOD throttles with a 400, not a 429 (VOD Limits page)."""

    code, status = "Throttling.User", 400
    message = "Request was denied due to user flow control."


# --- gateway: authentication and request shape ----------------------------------------------------------


class InvalidApiNotFound(VodError):
    code, status = "InvalidApi.NotFound", 404
    message = "Specified api is not found, please check your url and method."


class EntityTooLarge(VodError):
    """A request body over the emulator's limit (``EmulatorConfig.max_body_bytes``). VOD's gateway
    documents no code for this; the emulator uses the one FC and OSS answer oversized bodies with."""

    code, status = "EntityTooLarge", 400
    message = "The request body exceeds the maximum allowed size ({limit} bytes)."


class InvalidVersion(VodError):
    code, status = "InvalidVersion", 400
    message = "Specified parameter Version is not valid."


class MissingGatewayParameter(VodError):
    """The gateway's own ``Missing<Param>`` family (MissingAccessKeyId, MissingSignature ...)."""

    status = 400

    def __init__(self, name: str):
        self.code = f"Missing{name}"
        super().__init__(f"{name} is mandatory for this action.")


class SignatureDoesNotMatch(VodError):
    code, status = "SignatureDoesNotMatch", 400
    message = "Specified signature is not matched with our calculation. server string to sign is:{sts}"

    def __init__(self, string_to_sign: str, v3: bool = False):
        if v3:
            super().__init__(
                "Specified signature does not match our calculation. server string to sign is:{sts}",
                sts=string_to_sign,
            )
        else:
            super().__init__(sts=string_to_sign)


class InvalidAccessKeyIdNotFound(VodError):
    code, status = "InvalidAccessKeyId.NotFound", 404
    message = "Specified access key is not found."


class InvalidAccessKeyIdInactive(VodError):
    code, status = "InvalidAccessKeyId.Inactive", 400
    message = "Specified access key is disabled."


class InvalidSecurityTokenExpired(VodError):
    code, status = "InvalidSecurityToken.Expired", 400
    message = "Specified SecurityToken is expired."


class InvalidSecurityTokenMismatch(VodError):
    code, status = "InvalidSecurityToken.MismatchWithAccessKey", 400
    message = "Specified SecurityToken mismatch with the AccessKey."


class InvalidTimeStampExpired(VodError):
    code, status = "InvalidTimeStamp.Expired", 400
    message = "Specified time stamp or date value is expired."


class InvalidTimeStampFormat(VodError):
    code, status = "InvalidTimeStamp.Format", 400
    message = "Specified time stamp or date value is not well formatted."


class SignatureNonceUsed(VodError):
    code, status = "SignatureNonceUsed", 400
    message = "Specified signature nonce was used already."


class InvalidSignatureMethod(VodError):
    code, status = "InvalidSignatureMethod", 400
    message = "Specified signature method is not valid."


class IncompleteSignature(VodError):
    code, status = "IncompleteSignature", 400
    message = "The request signature does not conform to Aliyun standards."


# --- media -------------------------------------------------------------------------------------------


class InvalidVideoNotFound(VodError):
    code, status = "InvalidVideo.NotFound", 404
    message = "The video does not exist."


class InvalidVideoNoneStream(VodError):
    code, status = "InvalidVideo.NoneStream", 404
    message = (
        "The video has no stream to play for the request parameter "
        "'Formats: {formats}, Definition: {definition}, StreamType: {stream_type}'."
    )


class InvalidFileNotFound(VodError):
    code, status = "InvalidFile.NotFound", 404
    message = "The file does not exist."


class InvalidStreamNotFound(VodError):
    code, status = "InvalidStream.NotFound", 404
    message = "The stream does not exist."


class NoSuchResource(VodError):
    code, status = "NoSuchResource", 404
    message = "The specified resource does not exist."


class ForbiddenIllegalStatus(VodError):
    """Status of a video forbids the action (GetPlayInfo answers 403; processing actions 400)."""

    code, status = "Forbidden.IllegalStatus", 403
    message = "Status of the video is illegal. Currently Video Status is {status} and AuditStatus is {audit}."

    def __init__(self, status: str, audit: str = "Init", http_status: int = 403):
        super().__init__(status=status, audit=audit)
        self.status = http_status


class VideoIdsExceededMax(VodError):
    code, status = "VideoIdsExceededMax", 400
    message = "The VideoIds exceeded maximum."


class ReferenceIdsExceededMax(VodError):
    """Inferred by analogy with VideoIdsExceededMax; VOD documents no code for this."""

    code, status = "ReferenceIdsExceededMax", 400
    message = "The ReferenceIds exceeded maximum."


class ImageIdsExceededMax(VodError):
    """Inferred by analogy with VideoIdsExceededMax; VOD documents no code for this."""

    code, status = "ImageIdsExceededMax", 400
    message = "The ImageIds exceeded maximum."


class CountExceededMax(VodError):
    """Code verified (UpdateVideoInfos page); the 400 status is inferred from its siblings."""

    code, status = "CountExceededMax", 400
    message = "The count of UpdateContent exceeded maximum."


class JobIdsExceededMax(VodError):
    code, status = "JobIdsExceededMax", 400
    message = "The JobIds exceeded maximum."


class VideoListExceededMax(VodError):
    code, status = "VideoListExceededMax", 400
    message = "The video list exceeded maximum."


class DeleteVideoFailed(VodError):
    code, status = "DeleteVideoFailed", 503
    message = "Deleting video has failed due to some unknown error."


class DeleteStreamFailed(VodError):
    code, status = "DeleteStreamFailed", 503
    message = "Deleting stream has failed due to some unknown error."


class LengthExceededMax(VodError):
    code, status = "LengthExceededMax", 400
    message = "The specified {name} length has exceeded {limit} bytes."

    def __init__(self, name: str, limit: int):
        super().__init__(name=name, limit=limit)


class TagsExceededMax(VodError):
    code, status = "TagsExceededMax", 400
    message = "The specified Tags count has exceeded 16."


class IllegalCharacters(VodError):
    code, status = "IllegalCharacters", 400
    message = "The specified {name} contains illegal emoticon or special characters."

    def __init__(self, name: str):
        super().__init__(name=name)


class SortByExceededMax(VodError):
    code, status = "SortByExceededMax", 400
    message = "The SortBy exceeded maximum."
    explained = staticmethod(_reason_in_sentence)


class ErrorMatchSyntax(VodError):
    """Names the field (``Match.<field>``) when there is one; ``reason`` is the emulator's explanation."""

    code, status = "ErrorMatchSyntax", 400
    message = "The parameter Match.{field} has an error syntax, please check it."

    def __init__(self, field: str | None = None, reason: str | None = None):
        text = None if field else "The parameter Match has an error syntax, please check it."
        super().__init__(text, field=field or "", detail=reason)

    explained = staticmethod(_reason_in_sentence)


class InvalidScrollTokenExpired(VodError):
    code, status = "InvalidScrollToken.Expired", 400
    message = "The ScrollToken is expired, please refresh it."


class InvalidCategoryNotFound(VodError):
    code, status = "InvalidCateId.NotFound", 404
    message = "The CateId does not exist."


class CategoryLevelExceededMax(VodError):
    code, status = "CateLevelExceededMax", 400
    message = "The level of category exceeded maximum."
