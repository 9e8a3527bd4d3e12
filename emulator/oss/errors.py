"""OSS's error answers: an XML ``<Error>`` body, the HTTP status, and ``x-oss-request-id``.

oss2 turns the body into ``oss2.exceptions.<Code>`` (``NoSuchKey``, ``SignatureDoesNotMatch``, ...)
by its ``Code``; every element of the body ends up in the exception's ``details``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape


class OssError(Exception):
    code = "InternalError"
    status = 500
    message = "We encountered an internal error. Please try again."

    def __init__(self, message: str | None = None, **extra: str):
        super().__init__(message or self.message)
        if message:
            self.message = message
        # Extra elements after RequestId/HostId, in order (Key, StringToSign, UploadId...).
        self.extra = extra

    def body(self, request_id: str, host_id: str) -> str:
        items = [
            ("Code", self.code),
            ("Message", self.message),
            ("RequestId", request_id),
            ("HostId", host_id),
        ]
        items += list(self.extra.items())
        inner = "".join(f"\n  <{name}>{escape(str(value))}</{name}>" for name, value in items)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{inner}\n</Error>\n'


def _error(code: str, status: int, message: str) -> type[OssError]:
    return type(code, (OssError,), {"code": code, "status": status, "message": message})


AccessDenied = _error("AccessDenied", 403, "You have no right to access this object because of bucket acl.")
InvalidAccessKeyId = _error(
    "InvalidAccessKeyId", 403, "The OSS Access Key Id you provided does not exist in our records."
)
SignatureDoesNotMatch = _error(
    "SignatureDoesNotMatch",
    403,
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.",
)
SecurityTokenExpired = _error("SecurityTokenExpired", 403, "The security token you provided has expired.")
InvalidSecurityToken = _error("InvalidSecurityToken", 403, "The security token you provided is invalid.")
RequestTimeTooSkewed = _error(
    "RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."
)
InvalidArgument = _error("InvalidArgument", 400, "Invalid argument.")
InvalidDigest = _error("InvalidDigest", 400, "The Content-MD5 you specified is not valid.")
InvalidBucketName = _error("InvalidBucketName", 400, "The specified bucket is not valid.")
InvalidObjectName = _error("InvalidObjectName", 400, "The name of the object is not valid.")
MalformedXML = _error("MalformedXML", 400, "The XML you provided was not well-formed or did not validate.")
InvalidPart = _error(
    "InvalidPart",
    400,
    "One or more of the specified parts could not be found or the specified entity tag might not have "
    "matched the part's entity tag.",
)
InvalidPartOrder = _error(
    "InvalidPartOrder",
    400,
    "The list of parts was not in ascending order. Parts list must specified in order by part number.",
)
EntityTooSmall = _error(
    "EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size."
)
EntityTooLarge = _error("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size.")
NoSuchBucket = _error("NoSuchBucket", 404, "The specified bucket does not exist.")
NoSuchKey = _error("NoSuchKey", 404, "The specified key does not exist.")
NoSuchUpload = _error(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
    "aborted or completed.",
)
BucketAlreadyExists = _error("BucketAlreadyExists", 409, "The requested bucket name is not available.")
BucketNotEmpty = _error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty.")
FileAlreadyExists = _error(
    "FileAlreadyExists", 409, "The object you specified already exists and can not be overwritten."
)
InvalidRange = _error("InvalidRange", 416, "The requested range cannot be satisfied.")
MethodNotAllowed = _error(
    "MethodNotAllowed", 405, "The specified method is not allowed against this resource."
)
NotImplementedByEmulator = _error(
    "NotImplemented", 501, "A header you provided implies functionality that is not implemented."
)
InternalError = OssError
