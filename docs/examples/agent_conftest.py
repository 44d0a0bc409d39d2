# conftest.py: an agent that asks the cell's model once and writes the answer into one file.
import json
import re
import urllib.request

from pytest_hybridarena.agents.base import AgentRequest, AgentResult


class AskOnce:
    name = "ask-once"
    uses_llm = True  # the plugin starts the router and gives the agent an endpoint

    def available(self):
        return True, ""  # or (False, "pip install ...") to skip its cells

    def check_params(self, params):  # optional: called for every spec at start-up
        unknown = set(params) - {"file"}
        if unknown:
            raise ValueError(f"unknown parameter {sorted(unknown)[0]!r}; known: file")

    def run(self, request: AgentRequest) -> AgentResult:
        target = request.params.get("file", "solution.py")
        current = (request.workspace / target).read_text() if (request.workspace / target).exists() else ""
        prompt = f"{request.instruction}\n\nReply with the whole new content of {target}:\n{current}"
        body = {
            "model": request.endpoint.model,
            "seed": request.seed,
            "messages": [{"role": "user", "content": prompt}],
        }
        headers = {"Authorization": f"Bearer {request.endpoint.api_key}", "Content-Type": "application/json"}
        url = request.endpoint.openai_base_url + "/chat/completions"
        call = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
        with urllib.request.urlopen(call, timeout=request.timeout_s) as response:
            answer = json.load(response)["choices"][0]["message"]["content"] or ""
        fenced = re.search(r"```(?:\w+)?\n(.*?)```", answer, re.S)  # keep a fenced block's code only
        (request.workspace / target).write_text(fenced.group(1) if fenced else answer)
        transcript = request.log_dir / "ask-once.json"
        transcript.write_text(json.dumps({"prompt": prompt, "answer": answer}, indent=2))
        return AgentResult("ok", transcript_path=transcript, version="ask-once 1.0")


def pytest_arena_add_agents(config):
    return {"ask-once": AskOnce}
