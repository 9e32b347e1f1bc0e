"""SigV4 authentication: who is asking (account, region), checked the way DynamoDB checks it.

`authenticate(...) -> Identity` is the entry point (app/auth/identity.py); `CredentialStore` holds the
known access keys (app/auth/credentials.py); app/auth/sigv4.py is the pure signature verification.
"""

from app.auth.credentials import Credential, CredentialsError, CredentialStore
from app.auth.identity import Identity, authenticate

__all__ = ["Credential", "CredentialStore", "CredentialsError", "Identity", "authenticate"]
