"""Talks to the rfai reward server with the Python standard library only (urllib).

    RFAI_REWARD_URL=http://127.0.0.1:8765 RFAI_SERVER_TOKEN=... python3 rfai_client.py "<prompt + response>" ...

prints the rewards of the queries as JSON, the way OpenRLHF's remote reward client asks for them.
"""
import json
import os
import sys
import urllib.request

RFAI_URL = os.environ.get("RFAI_REWARD_URL", "http://127.0.0.1:8765").rstrip("/")
RFAI_TOKEN = os.environ.get("RFAI_SERVER_TOKEN")


def post(path, body, timeout=600):
    """POSTs JSON to the server and returns the decoded reply (raises urllib.error.HTTPError on 4xx/5xx)."""
    headers = {"content-type": "application/json"}
    if RFAI_TOKEN:
        headers["authorization"] = "Bearer " + RFAI_TOKEN
    req = urllib.request.Request(RFAI_URL + path, data=json.dumps(body).encode("utf-8"), headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.load(resp)


def get_reward(queries, prompts=None, labels=None):
    """OpenRLHF's protocol: one float per query (query = prompt + response)."""
    body = {"query": queries}
    if prompts is not None:
        body["prompts"] = prompts
    if labels is not None:
        body["labels"] = labels
    return post("/get_reward", body)["rewards"]


if __name__ == "__main__":
    print(json.dumps(get_reward(sys.argv[1:])))
