"""The benchmark's AWS identity and the SigV4 headers handed to wrk.

wrk cannot sign each request, so one well-formed Authorization header is computed per operation with
botocore right before each wrk run (X-Amz-Date must be within 15 minutes of the server's clock). Its
signature covers a placeholder body, not the bodies wrk sends: that is accepted because the access key is
unknown to both servers, and neither verifies signatures of unknown keys (DynamoDB Local never verifies
them; localddb does not in its default permissive mode). The setup client uses the same key and region, so
its tables live in the namespace the wrk requests address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDLOCALDDBBENCH000"
SECRET_KEY = "localddb-bench-secret-key-not-known-to-the-server"
REGION = "us-east-1"
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "DynamoDB_20120810."


def signed_headers(endpoint_url: str, operation: str) -> dict[str, str]:
    """The headers of a signed DynamoDB request for `operation` (Host and Content-Length left to wrk)."""
    request = AWSRequest(
        method="POST",
        url=endpoint_url.rstrip("/") + "/",
        data=b"{}",
        headers={
            "Host": urlsplit(endpoint_url).netloc,
            "Content-Type": CONTENT_TYPE,
            "X-Amz-Target": TARGET_PREFIX + operation,
        },
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "dynamodb", REGION).add_auth(request)
    return {
        "Content-Type": CONTENT_TYPE,
        "X-Amz-Target": TARGET_PREFIX + operation,
        "X-Amz-Date": str(request.headers["X-Amz-Date"]),
        "Authorization": str(request.headers["Authorization"]),
    }
