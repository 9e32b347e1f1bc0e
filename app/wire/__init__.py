"""The HTTP edge: the DynamoDB JSON protocol endpoint (endpoint.py) and its raw HTTP plumbing (http.py)."""
