"""A custom reward function for verl that grades with the rfai reward server (standard library only).

    python3 -m verl.trainer.main_ppo ... \
        custom_reward_function.path=apps/reward-server/examples/verl_reward.py \
        custom_reward_function.name=compute_score

Prepare the parquet data with the rfai task id as `reward_model.ground_truth` and the task's language in
`extra_info.language` (the server supplies the prompt, hidden tests and entry point of a known task id).
A sample the server could not grade raises an error naming the reason: no reward is invented.
"""
import json
import os
import urllib.request

RFAI_URL = os.environ.get("RFAI_REWARD_URL", "http://127.0.0.1:8765").rstrip("/")
RFAI_TOKEN = os.environ.get("RFAI_SERVER_TOKEN")


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    item = {"task_id": ground_truth, "completion": solution_str}
    if extra_info and extra_info.get("language"):
        item["language"] = extra_info["language"]
    headers = {"content-type": "application/json"}
    if RFAI_TOKEN:
        headers["authorization"] = "Bearer " + RFAI_TOKEN
    req = urllib.request.Request(RFAI_URL + "/v1/grade", data=json.dumps({"items": [item]}).encode("utf-8"), headers=headers)
    with urllib.request.urlopen(req, timeout=600) as resp:
        result = json.load(resp)["results"][0]
    if result["score"] is None:
        raise RuntimeError("rfai reward server could not grade %s: %s: %s" % (ground_truth, result["error"]["kind"], result["error"]["message"]))
    return result["score"]
