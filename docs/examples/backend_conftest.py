# conftest.py: a backend scheme "echo" that answers every call with the last user message.
import time

from pytest_hybridarena.router.backends.base import Backend, Stream, estimate_usage
from pytest_hybridarena.router.wire.shapes import Chunk, Completion, content_text


class EchoBackend(Backend):
    scheme = "echo"  # specs read echo:<model>, e.g. --arena-local=echo:parrot

    def _answer(self, request):
        text = content_text(request.messages[-1].get("content"))
        prefix = self.spec.params.get("prefix", "")  # echo:parrot;prefix=>>
        return prefix + text

    def _body(self, kind, choice):
        created = int(time.time())
        return {"id": "echo-1", "object": kind, "created": created, "model": self.model, "choices": [choice]}

    async def complete(self, request, timeout_s):
        text = self._answer(request)
        usage = estimate_usage(request, text)  # no real tokenizer: about 4 characters per token
        message = {"role": "assistant", "content": text}
        body = self._body("chat.completion", {"index": 0, "message": message, "finish_reason": "stop"})
        return Completion({**body, "usage": usage.to_openai()}, usage, self.model)

    async def open_stream(self, request, timeout_s):
        text = self._answer(request)

        async def chunks(stream):
            stream.model_echoed = self.model
            first = {"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": None}
            last = {"index": 0, "delta": {}, "finish_reason": "stop"}
            for choice in (first, last):
                yield Chunk(parsed=self._body("chat.completion.chunk", choice))
            stream.finish_reason, stream.text_chars = "stop", len(text)
            stream.usage = estimate_usage(request, text)

        return Stream(chunks, lambda: None)  # nothing to release: no connection was opened


def pytest_arena_add_backends(config):
    return {"echo": EchoBackend}  # factory(spec, options) -> Backend; the class is one
