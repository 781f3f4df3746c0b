"""Reading request bodies safely: size limits enforced while streaming, text decoded as UTF-8 only."""

from __future__ import annotations

from fastapi import Request

from ..errors import InputError, TooLargeError, UnsupportedMediaTypeError


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def charset(request: Request) -> str | None:
    for param in request.headers.get("content-type", "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise TooLargeError(f"the body ({declared} bytes) is larger than the limit of {limit} bytes")
        except ValueError as exc:
            raise InputError("Content-Length is not a number") from exc
    if declared is not None:
        return await request.body()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLargeError(f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_utf8(body: bytes, request: Request) -> str:
    cs = charset(request)
    if cs not in (None, "utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaTypeError(f"charset {cs} is not supported: send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the body is not valid UTF-8 (byte {exc.start})") from exc
