"""The OSS object API, as oss2 speaks it: authentication, access checks and the object operations.

One ``OssService`` per emulator app (``get_oss(app)``). Requests reach ``handle`` three ways, all
with the same result: virtual-hosted (``<bucket>.oss-<region>.aliyuncs.com/<key>``, intercepted
in-process or sent through ``HTTP_PROXY``), path style on the region host
(``oss-<region>.aliyuncs.com/<bucket>/<key>``), and path style on the emulator's own port
(``127.0.0.1:9000/<bucket>/<key>``, which oss2 uses for any IP endpoint).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from flask import Response, request
from vodfc.emulator.oss import errors, signing
from vodfc.emulator.oss.addresses import BUCKET_NAME
from vodfc.emulator.oss.storage import (
    Bucket,
    MultipartUpload,
    ObjectStore,
    Part,
    StoredObject,
    _iso,
    crc64,
    new_object,
)
from vodfc.emulator.policy import oss_action, oss_resource

if TYPE_CHECKING:
    from vodfc.emulator.accounts import Credential
    from vodfc.emulator.core import Core

logger = logging.getLogger(__name__)

MIN_PART_SIZE = 100 * 1024  # every part but the last (OSS's limit)
MAX_PART_NUMBER = 10000
MAX_OBJECT_SIZE = 5 * 1024**3  # one PutObject / UploadPart
XML = "application/xml"
POLICY_DENIED = "Access denied by authorizer's policy."


@dataclass(frozen=True)
class ObjectEvent:
    """An object became complete (PutObject or CompleteMultipartUpload); what listeners receive."""

    operation: str  # "PutObject" | "CompleteMultipartUpload"
    bucket: str
    key: str
    region: str
    account_id: str  # the bucket owner
    access_key_id: str | None  # who uploaded (None: anonymous)
    request_id: str
    time: datetime
    object: StoredObject = field(repr=False)

    @property
    def url(self) -> str:
        """The object's address as VOD reports it in events (plain http, virtual-hosted)."""
        return f"http://{self.bucket}.oss-{self.region}.aliyuncs.com/{quote(self.key, safe='/')}"


ObjectListener = Callable[[ObjectEvent], None]
# (bucket owner's account, bucket region, bucket, path as sent, query) -> why an anonymous read is
# refused, or None: a CDN's URL signing in front of the bucket (VOD wires its own, vod.delivery.cdn_guard).
ReadGuard = Callable[[str, str, str, str, Mapping[str, Any]], "str | None"]


def new_oss_request_id() -> str:
    """OSS request ids are 24 upper-case hex digits."""
    return secrets.token_hex(12).upper()


class OssService:
    def __init__(self, core: Core):
        self.core = core
        self.store = ObjectStore(core.config.data_dir)
        self.on_object_complete: list[ObjectListener] = []
        # Checked for every anonymous GET/HEAD of an object after the bucket's ACL allowed it.
        self.anonymous_read_guard: ReadGuard | None = None

    # --- public API for other components -----------------------------------------------------------

    def create_bucket(self, name: str, account_id: str, region: str, acl: str = "private") -> Bucket:
        return self.store.create_bucket(name, account_id, region, self.core.config.clock(), acl)

    def put_object(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> StoredObject:
        """Store an object directly (no request, no signature, no listeners): outputs, fixtures."""
        target = self.store.get_bucket(bucket)
        if target is None:
            raise errors.NoSuchBucket(BucketName=bucket)
        return self.store.put(target, new_object(key, data, content_type, self.core.config.clock(), {}))

    def get_object(self, bucket: str, key: str) -> StoredObject | None:
        return self.store.get(bucket, key)

    def bytes_in_flight(self, bucket: str | None, key: str | None) -> int:
        """Bytes of ``key`` stored so far: the object's size, else the parts of its open uploads."""
        target = self.store.get_bucket(bucket) if bucket else None
        if target is None or not key:
            return 0
        with self.store.lock:
            obj = target.objects.get(key)
            if obj is not None:
                return obj.size
            return max(
                (sum(p.size for p in u.parts.values()) for u in target.uploads.values() if u.key == key),
                default=0,
            )

    def reset(self) -> None:
        self.store.reset()

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps that a caller may have added: the object listeners."""
        return tuple(self.on_object_complete)

    # --- request entry points ----------------------------------------------------------------------

    def handle_virtual_host(self, bucket: str, region: str) -> Response:
        return self._handle(bucket, _raw_path()[1:], host=f"{bucket}.oss-{region}.aliyuncs.com")

    def handle_path_style(self, region: str | None = None) -> Response:
        bucket, _, key = _raw_path()[1:].partition("/")
        host = f"oss-{region}.aliyuncs.com" if region else request.host
        if not bucket:
            return self._error(
                errors.NotImplementedByEmulator("The emulator does not serve ListBuckets."), host
            )
        return self._handle(bucket, key, host=f"{bucket}.{host}" if region else host)

    def _handle(self, bucket_name: str, key: str, host: str) -> Response:
        request_id = new_oss_request_id()
        try:
            response = self._dispatch(bucket_name, key, request_id)
        except errors.OssError as error:
            return self._error(error, host, request_id)
        except Exception:
            logger.exception("unexpected error answering OSS %s %s", request.method, request.path)
            return self._error(errors.InternalError(), host, request_id)
        response.headers["x-oss-request-id"] = request_id
        response.headers["Server"] = "AliyunOSS"
        response.headers["Date"] = format_datetime(
            self.core.config.clock().astimezone(timezone.utc), usegmt=True
        )
        if request.method not in ("GET", "HEAD") and not response.get_data():
            # A write's empty answer names no type (Flask would add text/html).
            del response.headers["Content-Type"]
        return response

    def _error(self, error: errors.OssError, host: str, request_id: str | None = None) -> Response:
        request_id = request_id or new_oss_request_id()
        body = error.body(request_id, host)
        # A HEAD answer has no body: OSS repeats the error XML, base64, in x-oss-err (oss2 reads it
        # there, so a failed head_object raises NoSuchKey with its details, not a bare NotFound).
        head = request.method == "HEAD"
        response = Response("" if head else body, status=error.status, content_type=XML)
        response.headers["x-oss-request-id"] = request_id
        response.headers["Server"] = "AliyunOSS"
        if error.ec:
            response.headers["x-oss-ec"] = error.ec
        if head:
            response.headers["x-oss-err"] = base64.b64encode(body.encode("utf-8")).decode("ascii")
        return response

    # --- authentication ----------------------------------------------------------------------------

    def _authenticate(self, bucket: str | None, key: str, region: str | None = None) -> Credential | None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = [(k, v) for k, v in request.args.items(multi=True)]
        try:
            claim = signing.parse(headers, dict(query))
        except signing.MalformedAuthorization as exc:
            raise errors.InvalidArgument(f"Authorization header is invalid: {exc}") from None
        if claim is None:
            return None
        config = self.core.config
        accounts = self.core.accounts
        credential = accounts.find(claim.access_key_id)
        if not config.verify_signatures:
            if credential is None:
                return accounts.find(config.access_keys[0].access_key_id) if config.access_keys else None
            return credential
        if credential is None:
            raise errors.InvalidAccessKeyId(OSSAccessKeyId=claim.access_key_id)
        if not credential.active:
            raise errors.InvalidAccessKeyId(
                "The OSS Access Key Id you provided is disabled.", ec="", OSSAccessKeyId=claim.access_key_id
            )
        token = (
            headers.get("x-oss-security-token")
            or request.args.get("security-token")
            or request.args.get("x-oss-security-token")
        )
        now = config.clock()
        if credential.is_temporary:
            if not token:
                # An STS key is unknown to OSS without the token that carries it.
                raise errors.InvalidAccessKeyId(OSSAccessKeyId=claim.access_key_id)
            if not secrets.compare_digest(token, credential.security_token or ""):
                raise errors.InvalidSecurityToken(OSSAccessKeyId=claim.access_key_id)
            assert credential.expiration is not None
            if now >= credential.expiration:
                raise errors.SecurityTokenExpired(OSSAccessKeyId=claim.access_key_id)
        elif token:
            raise errors.InvalidSecurityToken(OSSAccessKeyId=claim.access_key_id)
        self._check_time(claim, now, config.max_clock_skew)
        if claim.version == "v4" and region is not None and claim.scope_region != region:
            # V4 signs for a region: a key signed for another one is refused before the signature
            # is checked (captured for the header form; the presigned form is inferred to match).
            raise errors.InvalidArgument(
                "Invalid signing region in Authorization header.", ec=errors.EC_SIGNING_REGION
            )
        string = signing.string_to_sign(claim, request.method, headers, bucket, key, query)
        if not signing.matches(claim, signing.sign(claim, credential.access_key_secret, string)):
            raise errors.SignatureDoesNotMatch(
                ec=_signature_ec(claim),
                OSSAccessKeyId=claim.access_key_id,
                SignatureProvided=claim.signature,
                StringToSign=string,
                StringToSignBytes=" ".join(f"{b:02X}" for b in string.encode("utf-8")),
            )
        return credential

    @staticmethod
    def _check_time(claim: signing.Signature, now: datetime, skew: timedelta) -> None:
        if claim.version in ("v1", "v2") and claim.in_query:
            try:
                expires = datetime.fromtimestamp(int(claim.expires or ""), timezone.utc)
            except ValueError:
                raise errors.InvalidArgument("Expires is not a number.") from None
            if now > expires:
                raise errors.AccessDenied("Request has expired.", Expires=_iso(expires), ServerTime=_iso(now))
            return
        try:
            if claim.version in ("v1", "v2"):
                signed_at = parsedate_to_datetime(claim.date)
            else:
                signed_at = datetime.strptime(claim.date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        except (TypeError, ValueError):
            raise errors.AccessDenied("OSS authentication requires a valid Date.") from None
        if claim.version == "v4" and claim.in_query:
            try:
                lifetime = int(claim.expires or "3600")
            except ValueError:
                raise errors.InvalidArgument("x-oss-expires is not a number.") from None
            expires = signed_at + timedelta(seconds=lifetime)
            if now > expires:
                raise errors.AccessDenied("Request has expired.", Expires=_iso(expires), ServerTime=_iso(now))
            return
        if abs(now - signed_at) > skew:
            raise errors.RequestTimeTooSkewed(
                RequestTime=claim.date,
                ServerTime=_iso(now),
                MaxAllowedSkewMilliseconds=str(int(skew.total_seconds() * 1000)),
            )

    def _authorize(self, bucket: Bucket, key: str, credential: Credential | None, write: bool) -> None:
        """Anonymous and cross-account requests by the bucket's ACL; the owner's by the credential's
        policy (``vodfc.emulator.policy``), if it has one."""
        if credential is None:
            if bucket.acl == "public-read-write" or (bucket.acl == "public-read" and not write):
                return
            raise errors.AccessDenied(
                "You have no right to access this object because of bucket acl.", ec=errors.EC_BUCKET_ACL
            )
        if credential.account_id != bucket.account_id:
            if bucket.acl == "public-read-write" or (bucket.acl == "public-read" and not write):
                return
            raise errors.AccessDenied("The bucket you access does not belong to you.")
        if request.method == "POST" and not key and "delete" in request.args:
            return  # DeleteMultipleObjects: checked for each object it names
        _check_policy(credential, bucket.name, key)

    # --- dispatch ----------------------------------------------------------------------------------

    def _dispatch(self, bucket_name: str, key: str, request_id: str) -> Response:
        method = request.method
        args = request.args
        if not BUCKET_NAME.fullmatch(bucket_name):
            raise errors.InvalidBucketName(BucketName=bucket_name)
        if method == "PUT" and not key and not args:
            credential = self._authenticate(bucket_name, key)
            return self._put_bucket(bucket_name, credential)
        bucket = self.store.get_bucket(bucket_name)
        if bucket is None:
            raise errors.NoSuchBucket(BucketName=bucket_name)
        credential = self._authenticate(bucket_name, key, bucket.region)
        write = method in ("PUT", "POST", "DELETE")
        self._authorize(bucket, key, credential, write)
        guard = self.anonymous_read_guard
        if guard is not None and credential is None and key and method in ("GET", "HEAD"):
            refused = guard(bucket.account_id, bucket.region, bucket.name, _sent_path(), request.args)
            if refused is not None:
                raise errors.AccessDenied(refused)
        if not key:
            if method == "GET" and all(name in _LIST_QUERY for name in args):
                return self._list_objects(bucket)
            if method == "POST" and "delete" in args and all(name in _DELETE_QUERY for name in args):
                return self._delete_objects(bucket, credential)
            if method == "DELETE" and not args:
                return self._delete_bucket(bucket)
            raise errors.NotImplementedByEmulator(
                f"The emulator does not implement {method} on a bucket with {sorted(args)}."
            )
        if len(key.encode("utf-8")) > 1023:
            raise errors.InvalidObjectName(Key=key)
        uploader = credential.access_key_id if credential else None
        if "uploadId" in args:
            upload = bucket.uploads.get(args["uploadId"])
            if upload is None or upload.key != key:
                raise errors.NoSuchUpload(UploadId=args["uploadId"])
            if method == "PUT" and "partNumber" in args:
                if "x-oss-copy-source" in request.headers:
                    raise errors.NotImplementedByEmulator(
                        "UploadPartCopy is not implemented by the emulator."
                    )
                return self._upload_part(upload, args["partNumber"])
            if method == "POST":
                return self._complete(bucket, upload, request_id, uploader)
            if method == "DELETE":
                return self._abort(bucket, upload)
            if method == "GET":
                return self._list_parts(bucket, upload)
            raise errors.MethodNotAllowed()
        if method == "POST" and "uploads" in args:
            return self._initiate(bucket, key)
        if method == "PUT" and not _has_unsupported(args):
            if "x-oss-copy-source" in request.headers:
                raise errors.NotImplementedByEmulator("CopyObject is not implemented by the emulator.")
            return self._put_object(bucket, key, request_id, uploader)
        if method in ("GET", "HEAD") and ("objectMeta" in args or not _has_unsupported(args)):
            return self._get_object(bucket, key, head=method == "HEAD", meta_only="objectMeta" in args)
        if method == "DELETE" and not _has_unsupported(args):
            self.store.delete(bucket, key)
            return Response(status=204)
        raise errors.NotImplementedByEmulator(
            f"The emulator does not implement {method} with {sorted(args)}."
        )

    # --- buckets -----------------------------------------------------------------------------------

    def _put_bucket(self, name: str, credential: Credential | None) -> Response:
        if credential is None:
            raise errors.AccessDenied(
                "Anonymous access is forbidden for this operation.", ec=errors.EC_ANONYMOUS
            )
        _check_policy(credential, name, "")
        region = _region_of_request() or self.core.config.region
        acl = request.headers.get("x-oss-acl", "private")
        with self.store.lock:
            existing = self.store.get_bucket(name)
            if existing is not None and existing.account_id != credential.account_id:
                raise errors.BucketAlreadyExists(BucketName=name)
            self.create_bucket(name, credential.account_id, region, acl)
        response = Response(status=200)
        response.headers["Location"] = f"/{name}"
        return response

    def _delete_bucket(self, bucket: Bucket) -> Response:
        with self.store.lock:
            if bucket.objects or bucket.uploads:
                raise errors.BucketNotEmpty(BucketName=bucket.name)
            self.store.delete_bucket(bucket.name)
        return Response(status=204)

    def _delete_objects(self, bucket: Bucket, credential: Credential | None) -> Response:
        """DeleteMultipleObjects: up to 1,000 keys in a ``<Delete>`` body. A key that does not exist
        counts as deleted; ``Quiet`` true leaves the deleted keys out of the answer."""
        body = self._body()  # checks Content-MD5, which oss2 always sends here
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise errors.MalformedXML() from None
        keys = [node.findtext("Key") or "" for node in root.findall("Object")]
        if root.tag != "Delete" or not keys or len(keys) > 1000 or not all(keys):
            raise errors.MalformedXML()
        if credential is not None and credential.account_id == bucket.account_id:
            for key in keys:  # RAM checks oss:DeleteObject on each object
                _check_policy(credential, bucket.name, key, "oss:DeleteObject")
        for key in keys:
            self.store.delete(bucket, key)
        url_encoded = request.args.get("encoding-type") == "url"
        quiet = (root.findtext("Quiet") or "").strip().lower() == "true"
        parts = ["<EncodingType>url</EncodingType>"] if url_encoded else []
        if not quiet:
            parts += [
                f"<Deleted><Key>{escape(quote(key, safe='') if url_encoded else key)}</Key></Deleted>"
                for key in keys
            ]
        return _xml("DeleteResult", "".join(parts))

    def _list_objects(self, bucket: Bucket) -> Response:
        """ListObjects (v1: ``marker``) and, with ``list-type=2``, ListObjectsV2 (``start-after``,
        ``continuation-token``, ``KeyCount``, the owner only with ``fetch-owner=true``)."""
        args = request.args
        v2 = args.get("list-type") == "2"
        prefix, delimiter = args.get("prefix", ""), args.get("delimiter", "")
        try:
            max_keys = int(args.get("max-keys", "100"))
        except ValueError:
            max_keys = -1
        if not 0 <= max_keys <= 1000:
            raise errors.InvalidArgument(
                "max-keys must be between 0 and 1000.",
                ArgumentName="max-keys",
                ArgumentValue=args.get("max-keys", ""),
            )
        token = args.get("continuation-token")
        if v2:
            after = args.get("start-after", "")
            if token is not None:
                try:
                    after = max(after, base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8"))
                except (ValueError, UnicodeError):
                    raise errors.InvalidArgument(
                        "The continuation token provided is incorrect.",
                        ArgumentName="continuation-token",
                        ArgumentValue=token,
                    ) from None
        else:
            after = args.get("marker", "")
        url_encoded = args.get("encoding-type") == "url"
        contents, prefixes, truncated, last = self._walk(bucket, prefix, after, delimiter, max_keys)

        def enc(value: str) -> str:
            return escape(quote(value, safe="") if url_encoded else value)

        parts = [f"<Name>{bucket.name}</Name><Prefix>{enc(prefix)}</Prefix>"]
        if v2:
            if "start-after" in args:
                parts.append(f"<StartAfter>{enc(args['start-after'])}</StartAfter>")
            if token is not None:
                parts.append(f"<ContinuationToken>{escape(token)}</ContinuationToken>")
        else:
            parts.append(f"<Marker>{enc(after)}</Marker>")
        parts += [
            f"<MaxKeys>{max_keys}</MaxKeys><Delimiter>{enc(delimiter)}</Delimiter>",
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
        ]
        if url_encoded:
            parts.append("<EncodingType>url</EncodingType>")
        if truncated and v2:
            next_token = base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii")
            parts.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
        elif truncated:
            parts.append(f"<NextMarker>{enc(last)}</NextMarker>")
        owner = not v2 or args.get("fetch-owner") == "true"
        for obj in contents:
            parts.append(
                f"<Contents><Key>{enc(obj.key)}</Key><LastModified>{_iso(obj.last_modified)}</LastModified>"
                f'<ETag>"{obj.etag}"</ETag><Type>{obj.object_type}</Type><Size>{obj.size}</Size>'
                f"<StorageClass>{obj.storage_class}</StorageClass>"
                + (
                    f"<Owner><ID>{bucket.account_id}</ID><DisplayName>{bucket.account_id}</DisplayName></Owner>"
                    if owner
                    else ""
                )
                + "</Contents>"
            )
        for common in prefixes:
            parts.append(f"<CommonPrefixes><Prefix>{enc(common)}</Prefix></CommonPrefixes>")
        if v2:
            parts.append(f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount>")
        return _xml("ListBucketResult", "".join(parts))

    def _walk(
        self, bucket: Bucket, prefix: str, after: str, delimiter: str, max_keys: int
    ) -> tuple[list[StoredObject], list[str], bool, str]:
        """One page of keys after ``after``: (objects, common prefixes, truncated, the last key seen)."""
        with self.store.lock:
            keys = sorted(k for k in bucket.objects if k.startswith(prefix) and k > after)
            objects = dict(bucket.objects)
        contents: list[StoredObject] = []
        prefixes: list[str] = []
        truncated, last = False, ""
        for key in keys:
            rest = key[len(prefix) :]
            common = rest[: rest.index(delimiter) + len(delimiter)] if delimiter and delimiter in rest else ""
            if common and prefixes and prefixes[-1] == prefix + common:
                last = key  # inside the common prefix just listed: it counts once
                continue
            if len(contents) + len(prefixes) >= max_keys:
                truncated = True
                break
            if common:
                prefixes.append(prefix + common)
            else:
                contents.append(objects[key])
            last = key
        return contents, prefixes, truncated, last

    # --- objects -----------------------------------------------------------------------------------

    def _body(self) -> bytes:
        data = request.get_data(cache=False)
        if len(data) > MAX_OBJECT_SIZE:
            raise errors.EntityTooLarge()
        md5 = request.headers.get("Content-MD5")
        if md5 is not None:
            try:
                expected = base64.b64decode(md5, validate=True)
            except (binascii.Error, ValueError):
                raise errors.InvalidDigest() from None
            if expected != hashlib.md5(data).digest():
                raise errors.InvalidDigest("The Content-MD5 you specified did not match what we received.")
        return data

    def _put_object(self, bucket: Bucket, key: str, request_id: str, uploader: str | None) -> Response:
        data = self._body()
        if request.headers.get("x-oss-forbid-overwrite", "").lower() == "true" and key in bucket.objects:
            raise errors.FileAlreadyExists(Key=key)
        obj = new_object(
            key, data, _content_type(), self.core.config.clock(), _user_metadata(), *_kept_headers()
        )
        self.store.put(bucket, obj)
        self._notify("PutObject", bucket, obj, request_id, uploader)
        return _object_written(obj)

    def _get_object(self, bucket: Bucket, key: str, head: bool, meta_only: bool) -> Response:
        obj = bucket.objects.get(key)
        if obj is None:
            raise errors.NoSuchKey(Key=key)
        headers = {
            "ETag": f'"{obj.etag}"',
            "Last-Modified": format_datetime(obj.last_modified.astimezone(timezone.utc), usegmt=True),
            "x-oss-hash-crc64ecma": str(obj.crc64),
        }
        if not meta_only and not _preconditions_hold(obj):
            not_modified = Response(status=304)
            not_modified.headers.update({k: headers[k] for k in ("ETag", "Last-Modified")})
            return not_modified
        if meta_only:
            response = Response(b"", status=200)
            response.headers.update(headers)
            response.headers["Content-Length"] = str(obj.size)
            del response.headers["Content-Type"]  # GetObjectMeta names no type
            return response
        headers.update(
            {
                "x-oss-object-type": obj.object_type,
                "x-oss-storage-class": obj.storage_class,
                "Accept-Ranges": "bytes",
            }
        )
        headers.update(obj.headers)
        headers.update({f"x-oss-meta-{name}": value for name, value in obj.metadata.items()})
        content_type = obj.content_type
        # GetObject's response-* parameters replace these headers in the answer (not the object).
        for name, header in _RESPONSE_OVERRIDES.items():
            if name in request.args:
                headers[header] = request.args[name]
        content_type = headers.pop("Content-Type", content_type)
        status, body = 200, obj.data
        standard = request.headers.get("x-oss-range-behavior", "").lower() == "standard"
        window = _range(request.headers.get("Range"), obj.size, standard)
        if window is not None:
            start, end = window
            status, body = 206, obj.data[start : end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{obj.size}"
            headers.pop("x-oss-hash-crc64ecma")
        response = Response(b"" if head else body, status=status, content_type=content_type)
        response.headers.update(headers)
        response.headers["Content-Length"] = str(len(body))
        return response

    # --- multipart ---------------------------------------------------------------------------------

    def _initiate(self, bucket: Bucket, key: str) -> Response:
        upload = MultipartUpload(
            upload_id=secrets.token_hex(16).upper(),
            key=key,
            initiated=self.core.config.clock(),
            content_type=_content_type(),
            metadata=_user_metadata(),
        )
        upload.storage_class, upload.headers = _kept_headers()
        with self.store.lock:
            bucket.uploads[upload.upload_id] = upload
        return _xml(
            "InitiateMultipartUploadResult",
            f"<Bucket>{bucket.name}</Bucket><Key>{escape(key)}</Key><UploadId>{upload.upload_id}</UploadId>",
        )

    def _upload_part(self, upload: MultipartUpload, number_text: str) -> Response:
        try:
            number = int(number_text)
        except ValueError:
            number = 0
        if not 1 <= number <= MAX_PART_NUMBER:
            raise errors.InvalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive.",
                ArgumentName="partNumber",
                ArgumentValue=number_text,
            )
        data = self._body()
        part = Part(
            number, data, hashlib.md5(data).hexdigest().upper(), crc64(data), self.core.config.clock()
        )
        with self.store.lock:
            upload.parts[number] = part
        response = Response(status=200)
        response.headers["ETag"] = f'"{part.etag}"'
        response.headers["x-oss-hash-crc64ecma"] = str(part.crc64)
        return response

    def _complete(
        self, bucket: Bucket, upload: MultipartUpload, request_id: str, uploader: str | None
    ) -> Response:
        body = request.get_data(cache=False)
        with self.store.lock:
            if request.headers.get("x-oss-complete-all", "").lower() == "yes":
                if body:
                    raise errors.InvalidArgument("Should not specify both complete all header and http body.")
                chosen = [upload.parts[n] for n in sorted(upload.parts)]
            else:
                chosen = self._chosen_parts(upload, body)
            if not chosen:
                raise errors.InvalidPart("The parts list is empty.")
            for part in chosen[:-1]:
                if part.size < MIN_PART_SIZE:
                    raise errors.EntityTooSmall(
                        PartNumber=str(part.number), MinSizeAllowed=str(MIN_PART_SIZE)
                    )
            data = b"".join(part.data for part in chosen)
            digest = hashlib.md5(b"".join(bytes.fromhex(p.etag) for p in chosen)).hexdigest().upper()
            obj = new_object(
                upload.key,
                data,
                upload.content_type,
                self.core.config.clock(),
                upload.metadata,
                upload.storage_class,
                upload.headers,
            )
            obj.etag, obj.object_type = f"{digest}-{len(chosen)}", "Multipart"
            self.store.put(bucket, obj)
            del bucket.uploads[upload.upload_id]
        self._notify("CompleteMultipartUpload", bucket, obj, request_id, uploader)
        host = f"{bucket.name}.oss-{bucket.region}.aliyuncs.com"
        response = _xml(
            "CompleteMultipartUploadResult",
            f"<Location>http://{host}/{escape(quote(obj.key, safe='/'))}</Location>"
            f"<Bucket>{bucket.name}</Bucket>"
            f'<Key>{escape(obj.key)}</Key><ETag>"{obj.etag}"</ETag>',
        )
        response.headers["ETag"] = f'"{obj.etag}"'
        response.headers["x-oss-hash-crc64ecma"] = str(obj.crc64)
        return response

    @staticmethod
    def _chosen_parts(upload: MultipartUpload, body: bytes) -> list[Part]:
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise errors.MalformedXML() from None
        chosen: list[Part] = []
        last = 0
        for node in root.findall("Part"):
            try:
                number = int((node.findtext("PartNumber") or "").strip())
            except ValueError:
                raise errors.MalformedXML() from None
            etag = (node.findtext("ETag") or "").strip().strip('"').upper()
            if number <= last:
                raise errors.InvalidPartOrder()
            last = number
            part = upload.parts.get(number)
            if part is None or part.etag != etag:
                raise errors.InvalidPart(PartNumber=str(number), ETag=etag)
            chosen.append(part)
        return chosen

    def _abort(self, bucket: Bucket, upload: MultipartUpload) -> Response:
        with self.store.lock:
            bucket.uploads.pop(upload.upload_id, None)
        return Response(status=204)

    def _list_parts(self, bucket: Bucket, upload: MultipartUpload) -> Response:
        args = request.args
        try:
            marker = int(args.get("part-number-marker", "0") or 0)
            max_parts = min(int(args.get("max-parts", "1000")), 1000)
        except ValueError:
            raise errors.InvalidArgument("part-number-marker and max-parts must be numbers.") from None
        with self.store.lock:
            numbers = sorted(n for n in upload.parts if n > marker)
            page = [upload.parts[n] for n in numbers[:max_parts]]
        truncated = len(numbers) > max_parts
        next_marker = page[-1].number if page else marker
        parts = "".join(
            f"<Part><PartNumber>{p.number}</PartNumber><LastModified>{_iso(p.last_modified)}</LastModified>"
            f'<ETag>"{p.etag}"</ETag><HashCrc64ecma>{p.crc64}</HashCrc64ecma><Size>{p.size}</Size></Part>'
            for p in page
        )
        return _xml(
            "ListPartsResult",
            f"<Bucket>{bucket.name}</Bucket><Key>{escape(upload.key)}</Key><UploadId>{upload.upload_id}</UploadId>"
            f"<PartNumberMarker>{marker}</PartNumberMarker><NextPartNumberMarker>{next_marker}</NextPartNumberMarker>"
            f"<MaxParts>{max_parts}</MaxParts>"
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>{parts}",
        )

    # --- completion listeners ----------------------------------------------------------------------

    def _notify(
        self, operation: str, bucket: Bucket, obj: StoredObject, request_id: str, uploader: str | None
    ) -> None:
        event = ObjectEvent(
            operation=operation,
            bucket=bucket.name,
            key=obj.key,
            region=bucket.region,
            account_id=bucket.account_id,
            access_key_id=uploader,
            request_id=request_id,
            time=self.core.config.clock(),
            object=obj,
        )
        for listener in list(self.on_object_complete):
            # The object is stored whatever a listener does: like OSS, which has already answered
            # when VOD starts analysing the upload.
            try:
                listener(event)
            except Exception:
                logger.exception("OSS object listener %r failed for %s/%s", listener, bucket.name, obj.key)


# --- helpers ---------------------------------------------------------------------------------------


def _check_policy(credential: Credential, bucket: str, key: str, action: str | None = None) -> None:
    action = action or oss_action(request.method, key, request.args)
    if not credential.allows(action, oss_resource(bucket, key or None)):
        raise errors.AccessDenied(POLICY_DENIED, ec=errors.EC_STS_POLICY if credential.is_temporary else "")


def _signature_ec(claim: signing.Signature) -> str:
    """The EC of a signature mismatch, where OSS's pages name it (V1 in a header, V4)."""
    if claim.version == "v4":
        return errors.EC_SIGNATURE_V4
    return errors.EC_SIGNATURE_V1 if claim.version == "v1" and not claim.in_query else ""


# What a signature puts in the query (presigned URLs); never a sub-resource.
_AUTH_QUERY = frozenset(
    {"security-token", "OSSAccessKeyId", "Signature", "Expires", "x-oss-signature-version"}
    | {"x-oss-credential", "x-oss-access-key-id", "x-oss-date", "x-oss-expires", "x-oss-signature"}
    | {"x-oss-additional-headers", "x-oss-security-token"}
)
# The parameters of ListObjects (v1 and v2) and of DeleteMultipleObjects; a bucket GET with any
# other (?acl, ?bucketInfo, ?uploads...) is another operation, not a listing.
_LIST_QUERY = _AUTH_QUERY | {
    "prefix",
    "marker",
    "max-keys",
    "delimiter",
    "encoding-type",
    "list-type",
    "start-after",
    "continuation-token",
    "fetch-owner",
}
_DELETE_QUERY = _AUTH_QUERY | {"delete", "encoding-type"}

_PLAIN_QUERY = frozenset(
    {
        "security-token",
        "OSSAccessKeyId",
        "Signature",
        "Expires",
        "x-oss-signature-version",
        "x-oss-credential",
        "x-oss-access-key-id",
        "x-oss-date",
        "x-oss-expires",
        "x-oss-signature",
        "x-oss-additional-headers",
        "x-oss-security-token",
        "response-content-type",
        "response-content-disposition",
        "response-cache-control",
        "response-expires",
        "response-content-language",
        "response-content-encoding",
        "x-oss-traffic-limit",
        "auth_key",  # a CDN's URL signing (type A), checked by the anonymous read guard
    }
)


def _has_unsupported(args: Any) -> bool:
    """A sub-resource the emulator does not serve (``?acl``, ``?tagging``, ``?append``...)."""
    return any(name not in _PLAIN_QUERY for name in args)


def _sent_path() -> str:
    """The path exactly as the client sent it, still percent-encoded (what URL signatures cover)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return urlsplit(raw).path if "://" in raw else raw.split("?", 1)[0]
    return quote(request.path, safe="/")


def _raw_path() -> str:
    # The raw path keeps what routing would fold (double slashes, %2F inside keys).
    if request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI"):
        return unquote(_sent_path())
    return request.path


def _region_of_request() -> str | None:
    host = request.host.split(":", 1)[0].lower()
    match = re.search(r"oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$", host)
    return match.group(1) if match else None


# Headers OSS keeps with an object (PutObject, InitiateMultipartUpload) and answers GET/HEAD with.
_KEPT_HEADERS = ("Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires")
# Storage classes an object may be written in. The archive classes are not served: their objects
# need RestoreObject before they can be read, which the emulator does not have.
_STORAGE_CLASSES = {"standard": "Standard", "ia": "IA"}
_RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def _kept_headers() -> tuple[str, dict[str, str]]:
    """The storage class and standard headers a write asks OSS to keep with the object."""
    named = request.headers.get("x-oss-storage-class")
    storage_class = _STORAGE_CLASSES.get((named or "standard").lower())
    if storage_class is None:
        if named and named.lower() in ("archive", "coldarchive", "deepcoldarchive"):
            raise errors.NotImplementedByEmulator(f"The emulator does not store {named} objects.")
        raise errors.InvalidArgument(
            "Invalid storage class.", ArgumentName="x-oss-storage-class", ArgumentValue=named or ""
        )
    kept = {name: request.headers[name] for name in _KEPT_HEADERS if request.headers.get(name)}
    return storage_class, kept


def _content_type() -> str:
    return request.headers.get("Content-Type") or "application/octet-stream"


def _user_metadata() -> dict[str, str]:
    return {
        k.lower()[len("x-oss-meta-") :]: v
        for k, v in request.headers.items()
        if k.lower().startswith("x-oss-meta-")
    }


def _object_written(obj: StoredObject) -> Response:
    response = Response(status=200)
    response.headers["ETag"] = f'"{obj.etag}"'
    response.headers["x-oss-hash-crc64ecma"] = str(obj.crc64)
    response.headers["Content-MD5"] = base64.b64encode(bytes.fromhex(obj.etag[:32])).decode("ascii")
    return response


def _xml(root: str, inner: str) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{inner}</{root}>\n'
    return Response(body, status=200, content_type=XML)


def _range(header: str | None, size: int, standard: bool) -> tuple[int, int] | None:
    """A single ``bytes=a-b`` range, or None for the whole object.

    OSS ignores a malformed range, and by default also one that reaches past the object (an end,
    start or suffix length beyond it): 200 with the whole object. With ``x-oss-range-behavior:
    standard`` such a range is cut at the object's end, and one that starts past it is
    ``InvalidRange`` 416 (OSS's range-download docs)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes=") :].strip().partition("-")
    try:
        if first == "":
            length = int(last)
            if length <= 0 or (length > size and not standard):
                return None
            return max(0, size - length), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if end < start:
        return None
    if start >= size:
        if not standard:
            return None
        raise errors.InvalidRange(RangeRequested=header, ActualObjectSize=str(size))
    if end >= size and not standard:
        return None
    return start, min(end, size - 1)


def _preconditions_hold(obj: StoredObject) -> bool:
    """GetObject's and HeadObject's conditional headers: False means 304 Not Modified; a failed
    If-Match / If-Unmodified-Since is PreconditionFailed 412. Checked in RFC 7232's order; dates
    compare at whole seconds, as Last-Modified states them; an unreadable date is ignored."""
    etag = f'"{obj.etag}"'
    modified = obj.last_modified.astimezone(timezone.utc).replace(microsecond=0)
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        if not _etag_listed(if_match, etag):
            raise errors.PreconditionFailed()
    else:
        since = _http_date(request.headers.get("If-Unmodified-Since"))
        if since is not None and modified > since:
            raise errors.PreconditionFailed()
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return not _etag_listed(if_none_match, etag)
    since = _http_date(request.headers.get("If-Modified-Since"))
    return since is None or modified > since


def _etag_listed(header: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return any(tag == "*" or tag.strip('"') == etag.strip('"') for tag in tags)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
