"""OSS's error answers: an XML ``<Error>`` body, the HTTP status, and ``x-oss-request-id``.

oss2 turns the body into ``oss2.exceptions.<Code>`` (``NoSuchKey``, ``SignatureDoesNotMatch``, ...)
by its ``Code``; every element of the body ends up in the exception's ``details``, and ``EC`` in its
``ec``. OSS ends the body with ``EC`` (its fine-grained error code, also sent as the ``x-oss-ec``
header) and ``RecommendDoc`` (the troubleshooting page of that code). The emulator sends them only
for the causes whose EC is known from OSS's own answers and docs (``EC_*`` below, each with where it
was seen); for the rest it sends neither rather than invent one. OSS itself says the EC is for
diagnosis only and may change, so code should branch on ``Code``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

RECOMMEND_DOC = "https://api.aliyun.com/troubleshoot?q={ec}"

# ECs seen in OSS's answers (captures pasted in public code, OSS's SDK test fixtures) or on OSS's
# troubleshooting pages (help.aliyun.com/zh/oss/support/<ec>).
EC_NO_SUCH_KEY = "0026-00000001"  # captures (npmmirror, 2024) and the Go/Java SDK fixtures
EC_NO_SUCH_BUCKET = "0015-00000101"  # OSS's DeleteBucket doc sample, SDK fixtures
EC_UNKNOWN_ACCESS_KEY = "0002-00000902"  # the v2 SDKs' fixtures (Python, Java, C++)
EC_SIGNATURE_V1 = "0002-00000040"  # its page: a V1 header signature that does not match
EC_SIGNATURE_V4 = "0002-00000201"  # its page: a V4 signature that does not match
EC_SIGNING_REGION = "0002-00000226"  # capture: "Invalid signing region in Authorization header."
EC_BUCKET_ACL = "0003-00000001"  # captures: "...because of bucket acl."
EC_STS_POLICY = "0003-00000301"  # its page: refused by the STS token's policy
EC_ANONYMOUS = "0003-00001201"  # capture: "Anonymous access is forbidden for this operation."
EC_NO_SUCH_UPLOAD = "0017-00000244"  # its page: UploadId unknown in a multipart upload


class OssError(Exception):
    code = "InternalError"
    status = 500
    message = "We encountered an internal error. Please try again."
    ec: str | None = None

    def __init__(self, message: str | None = None, *, ec: str | None = None, **extra: str):
        super().__init__(message or self.message)
        if message:
            self.message = message
        if ec is not None:
            self.ec = ec or None  # "" clears the class's EC: a cause whose EC is not known
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
        if self.ec:
            items += [("EC", self.ec), ("RecommendDoc", RECOMMEND_DOC.format(ec=self.ec))]
        inner = "".join(f"\n  <{name}>{escape(str(value))}</{name}>" for name, value in items)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{inner}\n</Error>\n'


def _error(code: str, status: int, message: str, ec: str | None = None) -> type[OssError]:
    return type(code, (OssError,), {"code": code, "status": status, "message": message, "ec": ec})


AccessDenied = _error("AccessDenied", 403, "You have no right to access this object because of bucket acl.")
InvalidAccessKeyId = _error(
    "InvalidAccessKeyId",
    403,
    "The OSS Access Key Id you provided does not exist in our records.",
    EC_UNKNOWN_ACCESS_KEY,
)
SignatureDoesNotMatch = _error(
    "SignatureDoesNotMatch",
    403,
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.",
    EC_SIGNATURE_V1,
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
NoSuchBucket = _error("NoSuchBucket", 404, "The specified bucket does not exist.", EC_NO_SUCH_BUCKET)
NoSuchKey = _error("NoSuchKey", 404, "The specified key does not exist.", EC_NO_SUCH_KEY)
NoSuchUpload = _error(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
    "aborted or completed.",
    EC_NO_SUCH_UPLOAD,
)
BucketAlreadyExists = _error("BucketAlreadyExists", 409, "The requested bucket name is not available.")
BucketNotEmpty = _error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty.")
FileAlreadyExists = _error(
    "FileAlreadyExists", 409, "The object you specified already exists and can not be overwritten."
)
PreconditionFailed = _error(
    "PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"
)
InvalidRange = _error("InvalidRange", 416, "The requested range cannot be satisfied.")
MethodNotAllowed = _error(
    "MethodNotAllowed", 405, "The specified method is not allowed against this resource."
)
NotImplementedByEmulator = _error(
    "NotImplemented", 501, "A header you provided implies functionality that is not implemented."
)
InternalError = OssError
