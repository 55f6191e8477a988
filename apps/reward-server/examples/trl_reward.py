"""A reward function for TRL's GRPOTrainer that grades with the rfai reward server (standard library only).

    from trl import GRPOConfig, GRPOTrainer
    from trl_reward import rfai_reward
    trainer = GRPOTrainer(model=..., reward_funcs=rfai_reward, args=GRPOConfig(...), train_dataset=dataset)

The dataset's columns reach the function as keyword arguments: `language` (required unless `id` names a task the
server knows), and optionally `id`, `tests`, `entry_point`. A completion the server could not grade gets None,
which TRL leaves out of the reward (it never becomes an invented 0).
"""
import json
import os
import urllib.request

RFAI_URL = os.environ.get("RFAI_REWARD_URL", "http://127.0.0.1:8765").rstrip("/")
RFAI_TOKEN = os.environ.get("RFAI_SERVER_TOKEN")


def _text(x):
    # conversational datasets pass lists of {"role", "content"} messages
    return x[-1]["content"] if isinstance(x, list) else x


def rfai_reward(prompts, completions, **kwargs):
    items = []
    for i, (prompt, completion) in enumerate(zip(prompts, completions)):
        item = {"prompt": _text(prompt), "completion": _text(completion)}
        for column, key in (("language", "language"), ("tests", "tests"), ("entry_point", "entry_point"), ("id", "task_id")):
            if kwargs.get(column) is not None and kwargs[column][i] is not None:
                item[key] = kwargs[column][i]
        items.append(item)
    headers = {"content-type": "application/json"}
    if RFAI_TOKEN:
        headers["authorization"] = "Bearer " + RFAI_TOKEN
    req = urllib.request.Request(RFAI_URL + "/v1/grade", data=json.dumps({"items": items}).encode("utf-8"), headers=headers)
    with urllib.request.urlopen(req, timeout=600) as resp:
        results = json.load(resp)["results"]
    return [r["score"] for r in results]
